"""Commands, configuration and dialogues over any Channel, with IOS's refusals caught.

Pure logic above the drivers: the same code runs over netmiko and scrapli, over SSH and
telnet. Every refusal is raised as DeviceError with the device's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import DeviceError
from .channel import Channel
from .identity import Identity
from .platform import CONFIG_PROMPT, PROMPT_AT_END, QUESTION_AT_END, REFUSALS

Answer = str | Callable[[str], str]


@dataclass
class Reply:
    output: str  # what the device printed, without the final prompt or question
    ending: str  # the prompt or the question it stopped at

    @property
    def is_question(self) -> bool:
        return PROMPT_AT_END.search(self.ending) is None


def split_reply(text: str) -> Reply:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    match = PROMPT_AT_END.search(text)
    if match:
        return Reply(text[: match.start("prompt")].strip("\n"), match.group("prompt"))
    lines = text.rstrip(" ").split("\n")
    if lines and QUESTION_AT_END.search(lines[-1] + " "):
        return Reply("\n".join(lines[:-1]), lines[-1])
    return Reply(text.rstrip("\n"), "")


def refusal(output: str) -> str | None:
    """The device's refusal in `output` (with the caret line before it), or None."""
    lines = output.split("\n")
    for index, line in enumerate(lines):
        if line.strip().startswith(REFUSALS):
            caret = lines[index - 1] if index and lines[index - 1].strip() == "^" else ""
            return "\n".join(filter(None, [caret.rstrip(), line.strip()]))
    return None


class Conversation:
    """Commands over a channel, each checked for IOS's refusals."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.params = channel.params
        self.prompt = ""
        # The host-key check this session passed (None over telnet); see session.identity.
        self.identity: Identity | None = None

    def send(self, text: str, timeout: float | None = None) -> Reply:
        reply = split_reply(self.channel.exchange(text, timeout or self.params.timeout))
        if not reply.is_question:
            self.prompt = reply.ending
        return reply

    def run(self, command: str, *, timeout: float | None = None, check: bool = True) -> str:
        """An exec command; its output. A question it asks is an error here."""
        reply = self.send(command, timeout)
        if check:
            words = refusal(reply.output)
            if words:
                raise DeviceError(command, words)
        if reply.is_question:
            self.send("", timeout)  # do not leave a question pending
            raise DeviceError(command, f"unexpected question: {reply.ending.strip()}")
        return reply.output

    def dialogue(
        self,
        command: str,
        answers: Sequence[tuple[str, Answer]],
        *,
        timeout: float | None = None,
    ) -> str:
        """Run `command`, answering questions that contain each key in turn."""
        output: list[str] = []
        reply = self.send(command, timeout)
        output.append(reply.output)
        pending = list(answers)
        while reply.is_question:
            question = reply.ending
            for index, (needle, answer) in enumerate(pending):
                if needle in question or needle in reply.output:
                    text = answer(question) if callable(answer) else answer
                    pending.pop(index)
                    break
            else:
                self.send("\x03" if "Password" not in question else "", timeout)
                raise DeviceError(command, f"unexpected question: {question.strip()}")
            reply = self.send(text, timeout)
            output.append(reply.output)
        text = "\n".join(o for o in output if o)
        words = refusal(text)
        if words:
            raise DeviceError(command, words)
        return text

    def in_config(self) -> bool:
        return bool(CONFIG_PROMPT.search(self.prompt))

    def configure(self, lines: Sequence[str], *, timeout: float | None = None) -> str:
        """Enter configuration mode if needed and send each line; stop at a refusal."""
        if not self.in_config():
            self.run("configure terminal")
        out = []
        for line in lines:
            reply = self.send(line, timeout)
            words = refusal(reply.output)
            if words:
                raise DeviceError(line.strip(), words)
            if reply.is_question:
                self.send("", timeout)
                raise DeviceError(line.strip(), f"unexpected question: {reply.ending.strip()}")
            out.append(reply.output)
        return "\n".join(o for o in out if o)

    def end(self) -> None:
        if self.in_config():
            self.run("end")

    def close(self) -> None:
        self.channel.close()
