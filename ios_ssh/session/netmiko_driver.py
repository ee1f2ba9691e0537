"""A Channel over netmiko (SSH: `cisco_ios`, telnet: `cisco_ios_telnet`)."""

from __future__ import annotations

import socket
from collections.abc import Iterable

from netmiko import BaseConnection, ConnectHandler
from paramiko import BadHostKeyException

from ..errors import ConnectError
from . import algorithms, failures, host_key_messages, login, route
from .channel import shut_down
from .known_hosts import pinned_file
from .params import DeviceParams
from .platform import PROMPT, STOP_PATTERN


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
            # this host's pins only: paramiko parses the whole file on every connection
            alt_key_file=str(
                pinned_file(params.known_hosts_file, params.host, params.effective_port)
            ),
        )
    return options


def path_socket(params: DeviceParams) -> socket.socket | None:
    """The socket paramiko runs over when the router is behind a jump host (None: netmiko
    connects straight to it)."""
    if params.jump_host is None or params.transport == "telnet":
        return None
    return route.connect(params, params.host, params.effective_port, params.timeout)


def connect_arguments(params: DeviceParams) -> dict[str, object]:
    """ConnectHandler's arguments for this device, `sock` aside: the login (password, key,
    agent), every wait bounded by the device timeout (netmiko's own conn_timeout, 10 s,
    cuts a slow router's connect), the host-key and algorithm settings, then the user's
    extras (which may still set a wait, fast_cli or a session log)."""
    waits = ("timeout", "conn_timeout", "auth_timeout", "banner_timeout")
    telnet = params.transport == "telnet"
    ours: dict[str, object] = {
        "device_type": "cisco_ios_telnet" if telnet else "cisco_ios",
        "host": params.host,
        "port": params.effective_port,
        "username": params.username,
        "secret": params.secret.get_secret_value(),
        "fast_cli": False,
        **dict.fromkeys(waits, params.timeout),
        **login.netmiko_options(params),
    }
    if telnet:  # a telnet login types the password
        ours["password"] = params.password.get_secret_value()
    extras = dict(params.netmiko_options)
    if not telnet:
        extras.update(host_key_options(params))
    extras.pop("ssh_config_file", None)  # applied by DeviceParams: the path is route's
    return {**ours, **extras}


class NetmikoChannel:
    CONNECTION_NAME = "netmiko"

    def __init__(self, params: DeviceParams) -> None:
        self.params = params
        sock = None
        try:
            # through the jump host: paramiko runs over a channel of the bastion
            sock = path_socket(params)
            self.conn = ConnectHandler(**connect_arguments(params), sock=sock)
        except Exception as exc:
            if sock is not None:
                sock.close()
            if not failures.is_driver_error(exc):
                raise
            mismatch = _host_key_mismatch(params, exc)
            if mismatch:
                raise ConnectError(mismatch, "host-key") from None
            offer = failures.offer_if_no_common(exc, params)
            raise failures.connect_error(
                exc, params, offer=offer, client="netmiko (paramiko)"
            ) from None
        enable(self.conn, params)

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
        except Exception as exc:
            if not failures.is_driver_error(exc):
                raise
            # netmiko reads a closed channel as silence and times out: say it dropped
            dropped = _closed(self.conn)
            raise failures.session_lost(exc, self.params, text, timeout, dropped) from None

    def protect(self, secrets: Iterable[str]) -> None:
        """netmiko's session_log masks the values of its `no_log` mapping: add ours."""
        session_log = getattr(self.conn, "session_log", None)
        if session_log is None:
            return
        for value in secrets:
            if value and value not in session_log.no_log.values():
                session_log.no_log[f"ios_ssh_{len(session_log.no_log)}"] = value

    def cut(self) -> None:
        # telnetlib's socket, or paramiko's transport socket under the SSH channel
        remote = getattr(self.conn, "remote_conn", None)
        sock = getattr(remote, "sock", None)
        get_transport = getattr(remote, "get_transport", None)
        if sock is None and callable(get_transport):
            sock = getattr(get_transport(), "sock", None)
        shut_down(sock)
        # netmiko polls an SSH channel (a closed one just has nothing to read, until the
        # read's timeout): without its channel, the next read or write raises at once
        wrapper = getattr(self.conn, "channel", None)
        if wrapper is not None and hasattr(wrapper, "remote_conn"):
            wrapper.remote_conn = None

    def close(self) -> None:
        try:
            self.conn.disconnect()
        except Exception as exc:  # a session that already dropped: nothing to close
            if not failures.is_driver_error(exc):
                raise


def _closed(conn: object) -> bool:
    """The session's channel is closed or at EOF (paramiko's Channel, telnetlib's Telnet)."""
    remote = getattr(conn, "remote_conn", None)
    if remote is None:
        return True
    return bool(
        getattr(remote, "closed", False)
        or getattr(remote, "eof_received", False)
        or getattr(remote, "eof", False)
    )


def _host_key_mismatch(params: DeviceParams, exc: BaseException) -> str | None:
    """paramiko's host-key refusal (netmiko wraps it), in session.identity's words."""
    for cause in (exc, exc.__context__, exc.__cause__):
        if isinstance(cause, BadHostKeyException):
            offered = cause.key.fingerprint
            return host_key_messages.changed(
                params.host, params.effective_port, offered, params.known_hosts_file
            )
    return None


def enable(conn: BaseConnection, params: DeviceParams) -> None:
    """Privileged EXEC, or a one-line ConnectError(kind="enable") within the device
    timeout. netmiko's own enable() waits its fixed 10 s for a prompt that never comes when
    IOS asks for the secret again, then raises ReadTimeout with paragraphs of hints."""
    try:
        if conn.check_enable_mode():
            return
        conn.write_channel(conn.normalize_cmd("enable"))
        out = conn.read_until_pattern(pattern=_ENABLE_STOP, read_timeout=params.timeout)
        if out.rstrip().endswith("assword:"):
            conn.write_channel(conn.normalize_cmd(params.secret.get_secret_value()))
            out = conn.read_until_pattern(pattern=_ENABLE_STOP, read_timeout=params.timeout)
    except Exception as exc:
        if not failures.is_driver_error(exc):
            raise
        raise failures.connect_error(exc, params, "enable") from None
    refused = failures.enable_refusal(out)
    if refused:
        if out.rstrip().endswith("assword:"):
            conn.write_channel("\x03")  # leave no question pending before the disconnect
        raise ConnectError(f"{params.host}:{params.effective_port}: enable: {refused}", "enable")


_ENABLE_STOP = rf"(?:{PROMPT}\s*$|assword:\s*$)"
