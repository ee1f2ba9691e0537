"""A Channel over netmiko (SSH: `cisco_ios`, telnet: `cisco_ios_telnet`)."""

from __future__ import annotations

from collections.abc import Iterable

from netmiko import ConnectHandler
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)

from ..errors import ConnectError, SessionLost
from .params import DeviceParams
from .platform import STOP_PATTERN


class NetmikoChannel:
    CONNECTION_NAME = "netmiko"

    def __init__(self, params: DeviceParams) -> None:
        self.params = params
        try:
            self.conn = ConnectHandler(
                device_type="cisco_ios_telnet" if params.transport == "telnet" else "cisco_ios",
                host=params.host,
                port=params.effective_port,
                username=params.username,
                password=params.password.get_secret_value(),
                secret=params.secret.get_secret_value(),
                timeout=params.timeout,
                auth_timeout=params.timeout,
                banner_timeout=params.timeout,
                fast_cli=False,
            )
            if not self.conn.check_enable_mode():
                self.conn.enable()
        except NetmikoAuthenticationException as exc:
            raise ConnectError(
                f"{params.host}:{params.effective_port}: authentication failed"
            ) from exc
        except (NetmikoTimeoutException, OSError, EOFError) as exc:
            raise ConnectError(f"{params.host}:{params.effective_port}: {exc}") from exc
        except ValueError as exc:  # netmiko's "Failed to enter enable mode"
            raise ConnectError(f"{params.host}:{params.effective_port}: {exc}") from exc

    @classmethod
    def from_connection(cls, conn: object, params: DeviceParams) -> NetmikoChannel:
        """Wrap a connection someone else opened (nornir_netmiko's)."""
        channel = cls.__new__(cls)
        channel.params, channel.conn = params, conn
        return channel

    def exchange(self, text: str, timeout: float) -> str:
        try:
            return self.conn.send_command(
                text,
                expect_string=STOP_PATTERN,
                read_timeout=timeout,
                strip_prompt=False,
                strip_command=True,
                cmd_verify=bool(text),
            )
        except ReadTimeout as exc:
            raise SessionLost(f"no prompt within {timeout:.0f} s after {text!r}") from exc
        except (OSError, EOFError) as exc:
            raise SessionLost(f"session dropped after {text!r}: {exc}") from exc

    def protect(self, secrets: Iterable[str]) -> None:
        """netmiko's session_log masks the values of its `no_log` mapping: add ours."""
        session_log = getattr(self.conn, "session_log", None)
        if session_log is None:
            return
        for value in secrets:
            if value and value not in session_log.no_log.values():
                session_log.no_log[f"ios_ssh_{len(session_log.no_log)}"] = value

    def close(self) -> None:
        try:
            self.conn.disconnect()
        except (OSError, EOFError):
            pass
