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
        self.command = command
        self.device_words = device_words
        super().__init__(f"device rejected {command!r}: {device_words}")


class ConnectError(IosSshError):
    """No session could be opened (refused, authentication failed, unreachable)."""


class SessionLost(IosSshError):
    """The session dropped or stopped answering in the middle of a conversation."""


class SessionLogError(IosSshError):
    """A driver log that would record a secret in clear: refused before the secret is sent."""
