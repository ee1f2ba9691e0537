"""What IOS prints around commands, as data: prompts, questions and refusals."""

from __future__ import annotations

import re

# Any IOS prompt (exec, privileged, any configuration mode) at the end of the output.
PROMPT = r"[\w.\-@/:]{1,63}(?:\([\w.\-@/:+]{0,32}\))?[>#]"
PROMPT_AT_END = re.compile(rf"(?:^|\n)(?P<prompt>{PROMPT})\s*$")
CONFIG_PROMPT = re.compile(r"\([\w.\-@/:+]{0,32}\)#$")

# Questions IOS asks in dialogues; a conversation answers them or gives up.
QUESTION_AT_END = re.compile(
    r"(?:\[yes/no\]:\s*|\[confirm\]\s*|Password:\s*|\]\?\s*|\[no\]:\s*|\[\d+\]:\s*)$"
)
# netmiko takes one regex for "stop reading here".
STOP_PATTERN = rf"(?:{PROMPT}\s*$|\[yes/no\]:\s*$|\[confirm\]\s*$|Password:\s*$|\]\?\s*$|\[no\]:\s*$|\[\d+\]:\s*$)"
# scrapli stops at its own prompt pattern or at any of these literal endings.
QUESTION_ENDINGS = ["[yes/no]:", "[confirm]", "Password:", "]?", "[no]:", "]: "]

REFUSALS = (
    "% Invalid input detected",
    "% Incomplete command",
    "% Ambiguous command",
    "% Unknown command",
    "% Bad secrets",
    "% Authorization failed",
    "% Please define",
    "%Turn config archive on",
    "%Error",
    "% Error",
    "%SSH: Failed",
    "% Please answer",
)
