"""A Channel over scrapli 1.x IOSXEDriver (system SSH transport, or telnet)."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterable

from scrapli.driver.core import IOSXEDriver

from ..errors import ConnectError, SessionLogError
from . import algorithms, failures, login, route
from .channel import shut_down
from .conversation import split_reply
from .identity import pinned_at
from .params import DeviceParams
from .platform import QUESTION_ENDINGS

# scrapli joins `expected_outputs` into one regular expression unescaped: `]?` alone
# matches the empty string, so every read "found" a question and returned its first chunk
# (an output longer than one read came back cut, without its prompt). Escaped and anchored
# at a line's end, each ending stops the read only where IOS asks.
_QUESTION_PATTERNS = [re.escape(q) + r"[ \t]*$" for q in QUESTION_ENDINGS]

_OPENSSH_CLOSED = re.compile(r"^Connection to \S+ closed", re.MULTILINE)


def host_key_options(params: DeviceParams) -> dict[str, object]:
    """scrapli's host-key, algorithm, login and path settings for the system (OpenSSH)
    transport.

    OpenSSH takes the first value it gets for an option and scrapli puts
    `StrictHostKeyChecking=yes` before any `open_cmd` of ours, so accept-new cannot be
    passed here: session.identity records a new host first, then OpenSSH checks strictly.
    Our known_hosts file is the only one read (no global file). The policy's algorithm
    lists come first in `open_cmd`, then the login methods offered (session.login), the
    jump host (session.route), then the user's own `transport_options`.
    """
    user = dict(params.scrapli_options.get("transport_options") or {})
    user_cmd = user.pop("open_cmd", [])
    user_cmd = [user_cmd] if isinstance(user_cmd, str) else list(user_cmd)
    allowed = algorithms.resolve(params.ssh_algorithms)
    if params.host_key_check != "off":
        pinned = pinned_at(
            params.host, params.effective_port, params.host_key_check, params.known_hosts_file
        )
        allowed = algorithms.prefer_key_types(allowed, [k.keytype for k in pinned])
    credentials, offered = login.scrapli_options(params)
    ours = algorithms.openssh_options(allowed) + offered
    options: dict[str, object] = {**credentials}
    if params.jump_host:
        if params.jump_password.get_secret_value():
            raise ConnectError(
                f"{params.host}:{params.effective_port}: connect: the scrapli driver cannot "
                "log in to the jump host with a password (OpenSSH would ask for it on the "
                "router's terminal): use a key or the agent, or another driver",
                "auth",
            )
        config, jump = route.scrapli_jump(params)
        ours += jump
        options["ssh_config_file"] = config
    if params.host_key_check == "off":
        options["auth_strict_key"] = False
    else:
        ours += ["-o", "GlobalKnownHostsFile=/dev/null"]
        options["auth_strict_key"] = True
        options["ssh_known_hosts_file"] = str(params.known_hosts_file)
    options["transport_options"] = {**user, "open_cmd": ours + user_cmd}
    return options


class ScrapliChannel:
    CONNECTION_NAME = "scrapli"

    def __init__(self, params: DeviceParams, transport: str = "system") -> None:
        self.params = params
        # every SSH transport checks against our file; `open_cmd` matters to `system` only
        ssh = params.transport != "telnet"
        extras = {**params.scrapli_options, **(host_key_options(params) if ssh else {})}
        if not params.jump_host:
            extras.pop("ssh_config_file", None)  # applied by DeviceParams
        if params.transport == "telnet":
            extras["auth_strict_key"] = False
        elif params.host_key_check != "off":
            # scrapli falls back to ~/.ssh/known_hosts when the file is missing: make it exist
            params.known_hosts_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            params.known_hosts_file.touch(mode=0o600, exist_ok=True)
        self.conn = IOSXEDriver(
            host=params.host,
            port=params.effective_port,
            auth_username=params.username,
            auth_password=params.password.get_secret_value(),
            auth_secondary=params.secret.get_secret_value(),
            transport="telnet" if params.transport == "telnet" else transport,
            timeout_socket=params.timeout,
            timeout_transport=params.timeout,
            timeout_ops=params.timeout,
            **extras,
        )
        try:
            self.conn.open()
        except Exception as exc:
            if not failures.is_driver_error(exc):
                raise
            # scrapli logs in and enables in open(): the kind says which step failed
            offer = failures.offer_if_no_common(exc, params)
            raise failures.connect_error(
                exc, params, offer=offer, client="scrapli (OpenSSH)"
            ) from None

    @classmethod
    def from_connection(cls, conn: object, params: DeviceParams) -> ScrapliChannel:
        """Wrap a connection someone else opened (nornir_scrapli's)."""
        channel = cls.__new__(cls)
        channel.params, channel.conn = params, conn
        return channel

    def exchange(self, text: str, timeout: float) -> str:
        saved = self.conn.timeout_ops
        self.conn.timeout_ops = timeout
        started = time.monotonic()
        try:
            # scrapli reads for `read_duration` at most (2.5 s unless told), and closes the
            # session when one read waits longer (it sets the transport timeout to that)
            raw, _ = self.conn.channel.send_input_and_read(
                text,
                strip_prompt=False,
                expected_outputs=_QUESTION_PATTERNS,
                read_duration=max(timeout, 1.0),
            )
        except Exception as exc:  # ScrapliConnectionError, ScrapliTimeout, OSError, ...
            if not failures.is_driver_error(exc):
                raise
            raise failures.session_lost(exc, self.params, text, timeout) from None
        finally:
            self.conn.timeout_ops = saved
        output = raw.decode(errors="replace").replace("\r\n", "\n")
        if not split_reply(output).ending:
            if _OPENSSH_CLOSED.search(output):
                # the system transport returns OpenSSH's "Connection to H closed by remote
                # host." as output, and its ssh process may not have exited yet
                lost = EOFError("the transport closed")
                raise failures.session_lost(lost, self.params, text, timeout, dropped=True)
            if time.monotonic() - started >= timeout:  # no prompt in time (scrapli closed it)
                late = TimeoutError(f"no prompt within {timeout:g} s")
                raise failures.session_lost(late, self.params, text, timeout)
            if not self.conn.isalive():
                lost = EOFError("the transport closed")
                raise failures.session_lost(lost, self.params, text, timeout, dropped=True)
        # scrapli returns the echo too; drop the first line when it is the input.
        first, _, rest = output.partition("\n")
        return rest if text and first.strip().endswith(text.strip()) else output

    def protect(self, secrets: Iterable[str]) -> None:
        """scrapli's channel_log writes every byte as sent, with no masking: refuse."""
        channel_args = getattr(self.conn, "_base_channel_args", None)
        if any(secrets) and channel_args is not None and channel_args.channel_log:
            raise SessionLogError(
                f"{self.params.host}: scrapli channel_log would record secrets in clear; "
                "turn channel_log off for hosts whose intent sets secrets"
            )

    def cut(self) -> None:
        transport = getattr(self.conn, "transport", None)
        shut_down(getattr(getattr(transport, "socket", None), "sock", None))  # telnet's
        # with its socket (telnet) or ssh process (system) gone, the next read raises: a
        # telnet socket at EOF would otherwise read b"" until the timeout
        with contextlib.suppress(Exception):
            transport.close()  # type: ignore[union-attr]

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception as exc:  # a session that already dropped: nothing to close
            if not failures.is_driver_error(exc):
                raise
