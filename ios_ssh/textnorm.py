"""Pure clean-up of raw device output before it meets a TextFSM template.

Real captures carry noise that has nothing to do with the command: the echoed prompt and
command, syslog messages printed into the middle of the output, `Load for five secs`
headers, carriage returns and trailing blanks. Removing it here keeps every template small.
"""

from __future__ import annotations

import re

# `R1#show ip ssh`, `R1>sh ssh`, `Router# show users` - an echoed prompt and command.
_PROMPT_ECHO = re.compile(r"^[\w.\-@/:]{1,63}(?:\([\w.\-@/:+]{0,32}\))?[#>]\s*\S")
# `Router#`, `R1>`, `R1(config)#` alone on the last line: the prompt after the output,
# which netmiko (`strip_prompt=False`), scrapli's raw result and pasted captures keep.
_PROMPT_ALONE = re.compile(r"^[\w.\-@/:]{1,63}(?:\([\w.\-@/:+]{0,32}\))?[#>]\s*$")
# `*Sep 13 09:17:22.557: %SSH-5-ENABLED: ...`, `3d06h: %SYS-5-CONFIG_I: ...`
_SYSLOG = re.compile(r"^\S.*?%[A-Z0-9_]+-\d-[A-Z0-9_]+:")
# `show line` - a command echoed without a prompt.
_BARE_COMMAND = re.compile(r"^\s*sh(o|ow)?\s+\S")
_HEADER_NOISE = re.compile(r"^(Load for five secs:|Time source is )")


def strip_echo_and_prompt(text: str, command: str = "") -> str:
    """`text` without the command echoed before it (`R1#show ssh`, or `show ssh` alone when
    it is `command`) and without the prompt printed after it (`R1#`): a device's output
    whichever way a client or a person captured it. Nothing else is changed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and (_PROMPT_ECHO.match(lines[0]) or _is_echo(lines[0], command)):
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    if lines and _PROMPT_ALONE.match(lines[-1]):
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def _is_echo(line: str, command: str) -> bool:
    words = line.split()
    return bool(command) and [w.lower() for w in words] == [w.lower() for w in command.split()]


def clean_lines(text: str) -> list[str]:
    """Lines of `text` without CRs, trailing blanks, prompt echo, syslog or load headers."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not lines and not line:
            continue
        if _SYSLOG.match(line) or _HEADER_NOISE.match(line):
            continue
        lines.append(line)
    if lines and (_PROMPT_ECHO.match(lines[0]) or _BARE_COMMAND.match(lines[0])):
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


# The `show ip ssh` labels whose value IOS breaks away at 80 columns.
_ALGORITHM_LABELS = (
    "Authentication methods:",
    "Authentication Publickey Algorithms:",
    "Hostkey Algorithms:",
    "Encryption Algorithms:",
    "MAC Algorithms:",
    "KEX Algorithms:",
)


def unwrap_show_ip_ssh(lines: list[str]) -> list[str]:
    """Join the algorithm lines that a terminal width of 80 split.

    Without `terminal width`, IOS prints `Encryption` alone and `Algorithms:...` on the
    next line, then breaks the value mid-token every 80 characters (`aes25` / `6-cbc`).
    Every real line of `show ip ssh` starts with a capital letter or `%`, every algorithm
    name with a lower-case letter or digit, so inside an algorithm list a line that starts
    otherwise continues the one before it.
    """
    out: list[str] = []
    in_algorithms = False
    for line in lines:
        stripped = line.strip()
        if out and _is_label_head(out[-1]) and stripped.startswith("Algorithms:"):
            out[-1] = f"{out[-1].strip()} {stripped}"
            in_algorithms = True
            continue
        if in_algorithms and stripped and not (stripped[0].isupper() or stripped[0] == "%"):
            out[-1] += stripped
            continue
        in_algorithms = stripped.startswith(_ALGORITHM_LABELS)
        out.append(line)
    return out


def _is_label_head(line: str) -> bool:
    head = line.strip()
    return bool(head) and any(
        label.startswith(head + " ") and label.endswith("Algorithms:")
        for label in _ALGORITHM_LABELS
    )
