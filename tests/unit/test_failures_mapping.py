"""session.failures: each driver's own exception, with its own words, mapped to one cause
and one line (the lab tests prove the same on the wire: tests/lab/test_failures.py)."""

from __future__ import annotations

import logging
import socket

import paramiko
import pytest
from netmiko.exceptions import NetmikoAuthenticationException, ReadTimeout
from scrapli.exceptions import (
    ScrapliAuthenticationFailed,
    ScrapliConnectionError,
    ScrapliTimeout,
)

from ios_ssh import redact
from ios_ssh.errors import CONNECT_KINDS, ConnectError, SessionLost
from ios_ssh.session import failures
from ios_ssh.session.params import DeviceParams

PARAMS = DeviceParams.coerce(
    {"host": "r1.example.net", "port": 2222, "username": "ops", "password": "pw", "timeout": 7}
)
NETMIKO_HINTS = (
    "\n\nPattern not detected: 'r1' in output.\n\nThings you might try to fix this:\n"
    "1. Adjust the regex pattern to better identify the terminating string.\n"
    "2. Increase the read_timeout to a larger value.\n\n"
)


def _chained(outer: BaseException, inner: BaseException) -> BaseException:
    try:
        try:
            raise inner
        except BaseException:  # noqa: BLE001 - building the chain a driver makes
            raise outer
    except BaseException as exc:  # noqa: BLE001
        return exc


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (ConnectionRefusedError(111, "Connection refused"), "refused"),
        (socket.gaierror(-2, "Name or service not known"), "unreachable"),
        (OSError(113, "No route to host"), "unreachable"),
        (TimeoutError("timed out"), "timeout"),
        (ScrapliAuthenticationFailed("Could not resolve address for host"), "unreachable"),
        (ScrapliAuthenticationFailed("Timed out connecting to host"), "timeout"),
        (
            ScrapliAuthenticationFailed(
                "failed escalating privilege from 'exec' to 'privilege_exec'. do you need to "
                "set an 'auth_secondary' password?"
            ),
            "enable",
        ),
        (ScrapliAuthenticationFailed("Permission denied, please try again."), "auth"),
        (ScrapliConnectionError("encountered EOF reading from transport"), "closed"),
        (ScrapliTimeout("timed out sending input to device"), "timeout"),
        (paramiko.SSHException("Error reading SSH protocol banner"), "not-ssh"),
        (paramiko.AuthenticationException("Authentication failed."), "auth"),
        (
            _chained(
                NetmikoAuthenticationException("Authentication to device failed.\n\nCommon"),
                paramiko.AuthenticationException("transport shut down or saw EOF"),
            ),
            "closed",
        ),
        (ConnectionResetError(104, "Connection reset by peer"), "closed"),
        (paramiko.ssh_exception.IncompatiblePeer("no acceptable kex algorithm"), "algorithms"),
    ],
)
def test_each_driver_exception_has_its_cause(exc: BaseException, kind: str) -> None:
    assert failures.kind_of(exc) == kind
    error = failures.connect_error(exc, PARAMS)
    assert error.kind == kind and kind in CONNECT_KINDS
    text = str(error)
    assert text.startswith("r1.example.net:2222: ") and "\n" not in text and len(text) < 200


def test_the_step_follows_the_cause() -> None:
    auth = failures.connect_error(paramiko.AuthenticationException("no"), PARAMS)
    assert str(auth).startswith("r1.example.net:2222: login: the router refused user 'ops'")
    enable = failures.connect_error(
        ScrapliAuthenticationFailed("failed escalating privilege"), PARAMS
    )
    assert str(enable).startswith("r1.example.net:2222: enable: the enable secret was refused")


def test_a_connect_error_keeps_its_old_form_and_refuses_an_unknown_kind() -> None:
    assert ConnectError("r1: gone").kind is None and str(ConnectError("r1: gone")) == "r1: gone"
    assert failures.connect_error(ConnectError("as is", "auth"), PARAMS).args == ("as is",)
    with pytest.raises(ValueError, match="one of refused"):
        ConnectError("x", "maybe")


def test_a_session_lost_is_one_line_with_the_command() -> None:
    lost = failures.session_lost(ReadTimeout(NETMIKO_HINTS), PARAMS, "show ip ssh", 7)
    assert isinstance(lost, SessionLost)
    assert str(lost) == (
        "r1.example.net:2222: command 'show ip ssh': no prompt within 7 s (the router "
        "stopped answering, or the command needs a longer timeout)"
    )
    dropped = failures.session_lost(ReadTimeout(NETMIKO_HINTS), PARAMS, "end", 7, dropped=True)
    assert "the session dropped" in str(dropped)


def test_a_command_with_a_secret_is_masked() -> None:
    redact.register(["Sup3rS3cret!"])
    step = failures.command_step("username bob secret 0 Sup3rS3cret!")
    # (other tests register their own secrets in the same process: check only ours)
    assert "Sup3rS3cret!" not in step and step.startswith("command 'username ")


def test_enable_refusals() -> None:
    assert failures.enable_refusal("enable\nPassword: \nr1#") is None
    assert "refused" in (failures.enable_refusal("Password: \nPassword: ") or "")
    assert "no enable secret" in (failures.enable_refusal("% No password set\nr1>") or "")


def test_one_line() -> None:
    assert failures.one_line(ReadTimeout(NETMIKO_HINTS)) == (
        "ReadTimeout: Pattern not detected: 'r1' in output."
    )
    caret = "ip ssh dh min size 2048:          ^\n% Invalid input detected at '^' marker."
    assert failures.one_line_text(caret) == (
        "ip ssh dh min size 2048: % Invalid input detected at '^' marker."
    )
    # a message already written (the async engine's Report errors): as it is, not "str: ..."
    assert failures.one_line("r1:22: no result\n within 3 s") == "r1:22: no result within 3 s"


def test_driver_logs_stay_off_the_terminal_unless_debugging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in failures.DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        monkeypatch.setattr(logger, "level", logger.level)
        monkeypatch.setattr(logger, "handlers", list(logger.handlers))
    failures.quiet_drivers(debug=False)
    assert not logging.getLogger("paramiko.transport").isEnabledFor(logging.CRITICAL)
    monkeypatch.setattr(logging.root, "handlers", list(logging.root.handlers))
    monkeypatch.setattr(logging.root, "level", logging.root.level)
    failures.quiet_drivers(debug=True)
    assert logging.getLogger("paramiko.transport").isEnabledFor(logging.DEBUG)


def test_a_client_that_lacks_what_the_router_offers_names_the_offer() -> None:
    """Each client's 'nothing in common', wrapped or not, is `algorithms`; given the
    router's offer (read again in clear), the line names it and the client."""
    from netmiko.exceptions import NetmikoTimeoutException

    from ios_ssh.session.algorithms import Algorithms

    offer = Algorithms(
        ("curve25519-sha256",), ("ssh-ed25519",), ("aes128-ctr",), ("hmac-sha2-256",)
    )
    policy = PARAMS.model_copy(
        update={"ssh_algorithms": ("curve25519-sha256", "ssh-ed25519", "aes128-ctr")}
    )
    wrapped = _chained(
        NetmikoTimeoutException("A paramiko SSHException occurred during connection creation"),
        paramiko.ssh_exception.IncompatiblePeer(
            "Incompatible ssh peer (no acceptable kex algorithm)"
        ),
    )
    openssh = ScrapliConnectionError(
        "Unable to negotiate with 192.0.2.1 port 2222: no matching cipher found. "
        "Their offer: aes128-ctr"
    )
    for exc, client, label, offered in (
        (wrapped, "netmiko (paramiko)", "kex", "curve25519-sha256"),
        (openssh, "scrapli (OpenSSH)", "cipher", "aes128-ctr"),
    ):
        assert failures.kind_of(exc) == "algorithms"
        error = failures.connect_error(exc, policy, offer=offer, client=client)
        text = str(error)
        assert error.kind == "algorithms" and "\n" not in text and len(text) < 200
        assert text.startswith("r1.example.net:2222: key exchange: ")
        assert f"{client} implements no {label} the router offers ({offered})" in text
    # a policy that allows nothing the router offers: the policy's own message
    modern = PARAMS.model_copy(update={"ssh_algorithms": "modern"})
    old = Algorithms(("diffie-hellman-group1-sha1",), ("ssh-rsa",), ("aes128-cbc",), ("hmac-sha1",))
    with pytest.raises(ConnectError, match="ssh_algorithms=modern allows no kex"):
        failures.connect_error(wrapped, modern, offer=old)
