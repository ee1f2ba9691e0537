"""ios_ssh: push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it."""

from __future__ import annotations

from .errors import IntentError, IosSshError, ParseError
from .parse import parse
from .intent import SshIntent
from .render import ConfigLine, render_config, render_text
from .running_config import parse_running_config

__all__ = [
    "ConfigLine",
    "IntentError",
    "IosSshError",
    "ParseError",
    "parse",
    "parse_running_config",
    "render_config",
    "render_text",
    "SshIntent",
]

__version__ = "0.1.0"
