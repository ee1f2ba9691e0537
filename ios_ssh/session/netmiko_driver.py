"""A Channel over netmiko (SSH: `cisco_ios`, telnet: `cisco_ios_telnet`)."""

from __future__ import annotations

from collections.abc import Iterable

from netmiko import ConnectHandler
from netmiko.exceptions import (
    NetmikoAuthenticationException,
    NetmikoTimeoutException,
    ReadTimeout,
)
from paramiko import BadHostKeyException, PKey

from ..errors import ConnectError, SessionLost
from . import algorithms
from .params import DeviceParams
from .platform import STOP_PATTERN


def host_key_options(params: DeviceParams) -> dict[str, object]:
    """netmiko's host-key settings: paramiko rejects any key not in our known_hosts file
    (never auto-adds; accept-new is done before, by session.identity), and the algorithm
    policy as paramiko's `disabled_algorithms` (merged with the user's own)."""
    disabled = algorithms.paramiko_disabled(algorithms.resolve(params.ssh_algorithms))
    for kind, names in (params.netmiko_options.get("disabled_algorithms") or {}).items():
        disabled[kind] = sorted(set(disabled.get(kind, [])) | set(names))
    options: dict[str, object] = {"disabled_algorithms": disabled}
    if params.host_key_check == "off":
        options.update(ssh_strict=False, system_host_keys=False, alt_host_keys=False)
    else:
        options.update(
            ssh_strict=True,
            system_host_keys=False,
            alt_host_keys=True,
            alt_key_file=str(params.known_hosts_file),
        )
    return options


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
                **self._extras(params),
            )
            if not self.conn.check_enable_mode():
                self.conn.enable()
        except NetmikoAuthenticationException as exc:
            raise ConnectError(
                f"{params.host}:{params.effective_port}: authentication failed"
            ) from exc
        except NetmikoTimeoutException as exc:
            raise ConnectError(_one_line(params, exc)) from None
        except (OSError, EOFError) as exc:
            raise ConnectError(f"{params.host}:{params.effective_port}: {exc}") from exc
        except ValueError as exc:  # netmiko's "Failed to enter enable mode"
            raise ConnectError(f"{params.host}:{params.effective_port}: {exc}") from exc

    @staticmethod
    def _extras(params: DeviceParams) -> dict[str, object]:
        if params.transport == "telnet":
            return dict(params.netmiko_options)
        return {**params.netmiko_options, **host_key_options(params)}

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


def _fp(key: PKey) -> str:
    return f"{key.fingerprint} ({key.get_name()})"


def _one_line(params: DeviceParams, exc: BaseException) -> str:
    """netmiko's multi-line error in one line; paramiko's host-key refusal with both
    fingerprints (netmiko wraps it, so it is the context)."""
    where = f"{params.host}:{params.effective_port}"
    cause = exc.__context__
    if isinstance(cause, BadHostKeyException):
        return (
            f"{where}: HOST KEY MISMATCH in {params.known_hosts_file}: expected "
            f"{_fp(cause.expected_key)}, the server offered {_fp(cause.key)}; nothing was sent"
        )
    text = " ".join(str(exc).split())
    if "known_hosts" in text:
        text += f" ({params.known_hosts_file}); nothing was sent"
    return f"{where}: {text}"
