"""Commands, configuration and dialogues, with IOS's refusals caught.

`Dialog` is the logic, free of I/O: its steps yield an `Exchange` (send this text, read to
the next prompt or question) and take back what the router printed. A runner does the
I/O: `Conversation` over a sync Channel (netmiko, scrapli, SSH or telnet), the fleet
engine over asyncssh. Every refusal is raised as DeviceError with the device's own words.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import DeviceError
from .channel import Channel
from .identity import Identity
from .params import DeviceParams
from .platform import CONFIG_PROMPT, PROMPT_AT_END, QUESTION_AT_END, REFUSALS

Answer = str | Callable[[str], str]
T = TypeVar("T")
# Steps of a sans-I/O flow: yields requests, is sent their results, returns T.
Steps = Generator[Any, Any, T]


@dataclass(frozen=True, eq=False)
class Exchange:
    """Request: send `text` on `dialog`'s session and read to the next prompt or question;
    the runner sends back what was printed after the echo (final prompt included)."""

    dialog: Dialog
    text: str
    timeout: float


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


@dataclass(frozen=True, eq=False)
class Pipeline:
    """Request: type all `texts` at once (IOS reads type-ahead in order) and read each
    reply; the runner sends back one raw reply per text, as Exchange would. A runner that
    cannot pipeline exchanges them one by one: the same replies, more round trips."""

    dialog: Dialog
    texts: tuple[str, ...]
    timeout: float


class Dialog:
    """One session's conversation, as steps: what to send, how to read the reply. `handle`
    is the runner's own object for the session (a sync Channel, an async one)."""

    def __init__(self, params: DeviceParams, handle: Any = None) -> None:
        self.params = params
        self.handle = handle
        self.prompt = ""
        # The host-key check this session passed (None over telnet); see session.identity.
        self.identity: Identity | None = None

    def send(self, text: str, timeout: float | None = None) -> Steps[Reply]:
        raw = yield Exchange(self, text, timeout or self.params.timeout)
        reply = split_reply(raw)
        if not reply.is_question:
            self.prompt = reply.ending
        return reply

    def run(self, command: str, *, timeout: float | None = None, check: bool = True) -> Steps[str]:
        """An exec command; its output. A question it asks is an error here."""
        reply = yield from self.send(command, timeout)
        if check:
            words = refusal(reply.output)
            if words:
                raise DeviceError(command, words)
        if reply.is_question:
            yield from self.send("", timeout)  # do not leave a question pending
            raise DeviceError(command, f"unexpected question: {reply.ending.strip()}")
        return reply.output

    def run_many(
        self, commands: Sequence[str], *, timeout: float | None = None
    ) -> Steps[list[str]]:
        """Exec commands that ask nothing (show commands), typed at once: their outputs,
        unchecked (as `run(check=False)`). One round trip instead of one per command."""
        raws = yield Pipeline(self, tuple(commands), timeout or self.params.timeout)
        outputs = []
        for command, raw in zip(commands, raws, strict=True):
            reply = split_reply(raw)
            if reply.is_question:
                raise DeviceError(command, f"unexpected question: {reply.ending.strip()}")
            self.prompt = reply.ending
            outputs.append(reply.output)
        return outputs

    def dialogue(
        self,
        command: str,
        answers: Sequence[tuple[str, Answer]],
        *,
        timeout: float | None = None,
    ) -> Steps[str]:
        """Run `command`, answering questions that contain each key in turn."""
        output: list[str] = []
        reply = yield from self.send(command, timeout)
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
                yield from self.send("\x03" if "Password" not in question else "", timeout)
                raise DeviceError(command, f"unexpected question: {question.strip()}")
            reply = yield from self.send(text, timeout)
            output.append(reply.output)
        text = "\n".join(o for o in output if o)
        words = refusal(text)
        if words:
            raise DeviceError(command, words)
        return text

    def in_config(self) -> bool:
        return bool(CONFIG_PROMPT.search(self.prompt))

    def configure(self, lines: Sequence[str], *, timeout: float | None = None) -> Steps[str]:
        """Enter configuration mode if needed and send each line; stop at a refusal."""
        if not self.in_config():
            yield from self.run("configure terminal")
        out = []
        for line in lines:
            reply = yield from self.send(line, timeout)
            words = refusal(reply.output)
            if words:
                raise DeviceError(line.strip(), words)
            if reply.is_question:
                yield from self.send("", timeout)
                raise DeviceError(line.strip(), f"unexpected question: {reply.ending.strip()}")
            out.append(reply.output)
        return "\n".join(o for o in out if o)

    def end(self) -> Steps[None]:
        if self.in_config():
            yield from self.run("end")


def drive_sync(steps: Steps[T], handle: Callable[[Any], Any]) -> T:
    """Run I/O-free `steps` to their end: each request goes to `handle`, and its failure is
    thrown into the steps (they decide; it is re-raised if they do not catch it)."""
    try:
        request = next(steps)
        while True:
            try:
                reply = handle(request)
            except Exception as exc:  # noqa: BLE001 - the steps decide; re-raised if not
                request = steps.throw(exc)
                continue
            request = steps.send(reply)
    except StopIteration as stop:
        return stop.value


def exchange_over(steps: Steps[T]) -> T:
    """Run a Dialog's steps over sync Channels (each Exchange on its dialog's handle)."""
    return drive_sync(steps, exchange_sync)


def exchange_sync(request: Exchange | Pipeline) -> str | list[str]:
    """An Exchange or a Pipeline over a sync Channel (a Pipeline one text at a time)."""
    channel = request.dialog.handle
    if isinstance(request, Pipeline):
        return [channel.exchange(text, request.timeout) for text in request.texts]
    assert isinstance(request, Exchange), request
    return channel.exchange(request.text, request.timeout)


class Conversation:
    """A Dialog over a sync Channel: each command checked for IOS's refusals."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.params = channel.params
        self.dialog = Dialog(channel.params, channel)

    @property
    def prompt(self) -> str:
        return self.dialog.prompt

    @prompt.setter
    def prompt(self, value: str) -> None:
        self.dialog.prompt = value

    @property
    def identity(self) -> Identity | None:
        return self.dialog.identity

    @identity.setter
    def identity(self, value: Identity | None) -> None:
        self.dialog.identity = value

    def send(self, text: str, timeout: float | None = None) -> Reply:
        return exchange_over(self.dialog.send(text, timeout))

    def run(self, command: str, *, timeout: float | None = None, check: bool = True) -> str:
        return exchange_over(self.dialog.run(command, timeout=timeout, check=check))

    def dialogue(
        self, command: str, answers: Sequence[tuple[str, Answer]], *, timeout: float | None = None
    ) -> str:
        return exchange_over(self.dialog.dialogue(command, answers, timeout=timeout))

    def in_config(self) -> bool:
        return self.dialog.in_config()

    def configure(self, lines: Sequence[str], *, timeout: float | None = None) -> str:
        return exchange_over(self.dialog.configure(lines, timeout=timeout))

    def end(self) -> None:
        exchange_over(self.dialog.end())

    def close(self) -> None:
        self.channel.close()
