"""One exception root for everything the library raises on purpose."""

from __future__ import annotations


class IosSshError(Exception):
    """Root of all ios_ssh errors."""


class ParseError(IosSshError):
    """Device output that matches no shape the parser knows."""

    def __init__(self, command: str, message: str, line: str | None = None) -> None:
        self.command = command
        self.line = line
        where = f" at line {line!r}" if line is not None else ""
        super().__init__(f"cannot parse {command!r} output{where}: {message}")


class IntentError(IosSshError, ValueError):
    """An intent that breaks a rule; `problems` holds one 'field: message' per fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid intent:\n" + "\n".join(f"  {p}" for p in problems))


class DeviceError(IosSshError):
    """The device refused a command; `device_words` is what it printed."""

    def __init__(self, command: str, device_words: str) -> None:
        from .message import compose  # message imports nothing of ours: no cycle

        self.command = command
        self.device_words = device_words
        # one line: the device's own words whole, the command cut when they need the room
        super().__init__(compose(f"device rejected {command!r}", device_words))


# Why a session could not be opened (session.failures decides; README "Errors").
CONNECT_KINDS = (
    "refused",  # nothing listens on the port (TCP connection refused)
    "timeout",  # no answer in time: no SYN-ACK, or a server that says nothing
    "unreachable",  # the name does not resolve, or no route to the address
    "not-ssh",  # something answered, but not an SSH server (a telnet port, say)
    "closed",  # the server hung up during the handshake or login (vty lines, access-class)
    "algorithms",  # no algorithm both sides allow
    "host-key",  # the host key is unknown (strict) or does not match the pinned one
    "auth",  # the login was refused: user name or password
    "enable",  # the enable secret was refused, or no enable secret is set
)


class ConnectError(IosSshError):
    """No session could be opened; `kind` is one of CONNECT_KINDS (None: not classified).

    `ConnectError(message)` still works; the message is one line naming host:port, the
    step and the likely fix."""

    def __init__(self, message: str, kind: str | None = None) -> None:
        if kind is not None and kind not in CONNECT_KINDS:
            raise ValueError(f"ConnectError kind {kind!r}: one of {', '.join(CONNECT_KINDS)}")
        self.kind = kind
        super().__init__(message)


class SessionLost(IosSshError):
    """The session dropped or stopped answering in the middle of a conversation."""


class SessionLogError(IosSshError):
    """A driver log that would record a secret in clear: refused before the secret is sent."""
