"""ios_ssh: push Secure Shell configuration to Cisco IOS / IOS-XE routers and prove it."""

from __future__ import annotations

# First: later imports pull in asyncssh, whose import prints cryptography deprecation notices.
from . import dependency_warnings  # noqa: F401  # isort: skip
from . import intents
from .areas import (
    configure_lines,
    configure_pubkey_chain,
    configure_reverse_ssh,
    configure_ssh_server,
    enable_scp,
    generate_rsa_keys,
)
from .errors import ConnectError, DeviceError, IntentError, IosSshError, ParseError, SessionLost
from .intent import SshIntent
from .parse import parse
from .plan import Plan, make_plan
from .render import ConfigLine, render_config, render_text
from .report import Check, Report
from .running_config import parse_running_config
from .session import DeviceParams
from .state import DeviceState
from .tasks import apply, read_state, rotate_host_key, rotate_password, verify

__all__ = [
    "Check",
    "ConfigLine",
    "ConnectError",
    "DeviceError",
    "DeviceParams",
    "DeviceState",
    "IntentError",
    "IosSshError",
    "ParseError",
    "Plan",
    "Report",
    "SessionLost",
    "SshIntent",
    "apply",
    "configure_lines",
    "configure_pubkey_chain",
    "configure_reverse_ssh",
    "configure_ssh_server",
    "enable_scp",
    "generate_rsa_keys",
    "intents",
    "make_plan",
    "parse",
    "parse_running_config",
    "read_state",
    "render_config",
    "render_text",
    "rotate_host_key",
    "rotate_password",
    "verify",
]

__version__ = "0.1.0"
