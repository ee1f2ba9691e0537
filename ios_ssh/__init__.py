"""ios_ssh: push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it."""

from __future__ import annotations

from .errors import IntentError, IosSshError, ParseError
from .intent import SshIntent
from .parse import parse
from .render import ConfigLine, render_config, render_text
from .running_config import parse_running_config

__all__ = [
    "ConfigLine",
    "IntentError",
    "IosSshError",
    "ParseError",
    "SshIntent",
    "parse",
    "parse_running_config",
    "render_config",
    "render_text",
]

__version__ = "0.1.0"
