"""Every driver and transport exception, mapped in one place to the project's errors.

netmiko, paramiko, scrapli, asyncssh and the socket layer each fail in their own words
(netmiko's run to paragraphs of hints; scrapli says "authentication failed" for a host
that does not resolve). Here each becomes a ConnectError with a `kind`, or a SessionLost,
with ONE line: host:port, the step (connect, login, enable, command 'X') and the likely
fix. Classes are matched by name along the MRO and the cause chain, so this module imports
no driver (the probes need only asyncssh).

Driver log output (paramiko's tracebacks on a telnet port, for one) stays off the
terminal unless IOS_SSH_DEBUG=1: see `quiet_drivers`.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
from collections.abc import Iterator

from .. import inert, redact
from ..errors import ConnectError, IosSshError, SessionLost
from ..message import LIMIT, first_fitting, one_line_text
from . import host_key_messages
from .algorithms import Algorithms
from .params import DeviceParams

DEBUG_ENV = "IOS_SSH_DEBUG"
# Loggers of the drivers and transports: their records go nowhere unless debugging.
DRIVER_LOGGERS = ("paramiko", "netmiko", "scrapli", "asyncssh", "nornir")
# Packages whose exceptions are a failed transport; anything else is a bug to see.
DRIVER_PACKAGES = frozenset({"netmiko", "paramiko", "scrapli", "asyncssh", "telnetlib"})
_MAX_COMMAND = 60  # characters of a command shown in a message


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def quiet_drivers(debug: bool | None = None) -> None:
    """Keep driver and transport log records (paramiko logs a 21-line traceback when a
    telnet port answers its banner read) off the terminal; with debug, show them all."""
    debug = debugging() if debug is None else debug
    if debug:
        # what the routers sent is in these records: shown on the terminal, never obeyed
        handler = logging.StreamHandler()
        handler.setFormatter(inert.InertFormatter("%(name)s %(levelname)s %(message)s"))
        logging.basicConfig(level=logging.DEBUG, handlers=[handler])
        for name in DRIVER_LOGGERS:
            logging.getLogger(name).setLevel(logging.DEBUG)
        return
    for name in DRIVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())  # never Python's last-resort stderr


def is_driver_error(exc: BaseException) -> bool:
    """A transport or driver failure (not a bug in our code, nor one of our errors)."""
    if isinstance(exc, IosSshError):
        return False
    if isinstance(exc, OSError | EOFError | TimeoutError):
        return True
    return any(c.__module__.split(".")[0] in DRIVER_PACKAGES for c in type(exc).__mro__)


def where(params: DeviceParams, port: int | None = None) -> str:
    return f"{params.host}:{port or params.effective_port}"


def command_step(text: str, width: int = _MAX_COMMAND) -> str:
    """`command 'X'`, secrets masked and long lines cut to `width`."""
    shown = redact.redact(text.strip())
    if len(shown) > width:
        shown = shown[: max(width, 8) - 3] + "..."
    return f"command {shown!r}" if shown else "prompt"


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def _text(exc: BaseException) -> str:
    return " ".join(str(exc).split()).lower()


_CLOSED_WORDS = (
    "transport shut down",
    "saw eof",
    "closed by remote host",
    "connection reset",
    "reset by peer",
)


# Each client's "nothing in common" (paramiko's IncompatiblePeer, OpenSSH's "no matching
# cipher found", asyncssh's KeyExchangeFailed): found anywhere in the chain, since netmiko
# wraps paramiko's in a NetmikoTimeoutException that would otherwise read as a timeout.
_NO_COMMON = re.compile(
    r"no matching (?:key exchange|kex|cipher|mac|host key)|incompatible ssh peer"
    r"|no acceptable (?:kex|cipher|mac|host key)"
)


def kind_of(exc: BaseException) -> str | None:
    """The cause of a failed connection, from the exception and its chain; None when
    nothing in it says."""
    chain = list(_chain(exc))
    if any(isinstance(item, ConnectError) and item.kind for item in chain):
        return next(i.kind for i in chain if isinstance(i, ConnectError) and i.kind)
    if any(
        _names(i) & {"IncompatiblePeer", "KeyExchangeFailed"} or _NO_COMMON.search(_text(i))
        for i in chain
    ):
        return "algorithms"
    if not any("permission denied" in _text(i) for i in chain) and any(
        words in _text(i) for i in chain for words in _CLOSED_WORDS
    ):
        # paramiko's "Authentication failed: transport shut down or saw EOF" is a hang-up
        return "closed"
    for item in chain:
        names, text = _names(item), _text(item)
        if "BadHostKeyException" in names or "host key verification failed" in text:
            return "host-key"
        if "NotSsh" in names or "protocol mismatch" in text or "ssh protocol banner" in text:
            return "not-ssh"
        if "kex_exchange_identification" in text:
            return "not-ssh"
        if isinstance(item, socket.gaierror) or "could not resolve" in text:
            return "unreachable"
        if "name or service not known" in text or "temporary failure in name" in text:
            return "unreachable"
        if isinstance(item, ConnectionRefusedError) or "connection refused" in text:
            return "refused"
        if isinstance(item, OSError) and item.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "unreachable"
        if "no route to host" in text or "network is unreachable" in text:
            return "unreachable"
        if "IncompatiblePeer" in names or "no matching" in text or "KeyExchangeFailed" in names:
            return "algorithms"
        if "escalating privilege" in text or "failed to enter enable mode" in text:
            return "enable"
        if isinstance(item, TimeoutError | socket.timeout) or "timed out" in text:
            return "timeout"
        if names & {"NetmikoAuthenticationException", "AuthenticationException"}:
            return "auth"
        if names & {"PermissionDenied", "ScrapliAuthenticationFailed"}:
            return "auth"
        if "permission denied" in text or "authentication fail" in text:
            return "auth"
        if names & {"NetmikoTimeoutException", "ScrapliTimeout", "ReadTimeout"}:
            return "timeout"
        if isinstance(item, ConnectionResetError | ConnectionAbortedError | EOFError):
            return "closed"
        if names & {"ConnectionLost", "ScrapliConnectionError", "ScrapliConnectionNotOpened"}:
            return "closed"
        if "closed the connection" in text or "reset by peer" in text or "eof" in text:
            return "closed"
    return None


def enable_refusal(output: str) -> str | None:
    """Why the output after `enable` (and the secret) is not a privileged prompt, or None.
    IOS asks for the secret again after a wrong one, and says `% Bad secrets` after three;
    with no enable secret set it says `% No password set` (reference: ios-behaviour.md)."""
    text = output.replace("\r", "").rstrip()
    if text.endswith("#"):
        return None
    if "% No password set" in text:
        return "the router has no enable secret set: set one, or log in with privilege 15"
    return "the enable secret was refused: check the device's secret"


def _fix(kind: str, params: DeviceParams, exc: BaseException) -> str:
    """What the cause is and what to do, in one clause each."""
    text = _text(exc)
    return {
        "refused": "connection refused: nothing listens on that port; check the port and "
        "that SSH (or telnet) is enabled on the router",
        "timeout": (
            f"the server accepted the connection but sent nothing within {params.timeout:g} s: "
            "not an SSH server, or overloaded; check the port"
            if "sent nothing" in text
            else f"no answer within {params.timeout:g} s: check the address, firewalls and "
            "ACLs, or raise the device timeout"
        ),
        "unreachable": (
            f"cannot resolve {params.host!r}: check the host name and DNS"
            if "resolve" in text or "name" in text or isinstance(exc, socket.gaierror)
            else "no route to the address: check the address and routing"
        ),
        "not-ssh": "not an SSH server (a telnet port?): use the router's SSH port, or "
        "device_type cisco_ios_telnet",
        "closed": (
            "the router or the jump host closed the connection: check the jump host, then "
            "'show users' and 'line vty' on the router"
            if params.jump_host
            else "the router closed the connection: vty lines busy, an access-class, or "
            "SSH failing; check 'show users', 'line vty'"
        ),
        "algorithms": "no SSH algorithm in common: widen ssh_algorithms or fix the router",
        "auth": f"the router refused user {params.username!r}: check the user name and password",
        "enable": "the enable secret was refused: check the device's secret",
    }[kind]


def _step_of(kind: str, step: str) -> str:
    # a driver that logs in and enables in one call: the kind says which step failed
    if step != "connect":
        return step
    return {"auth": "login", "enable": "enable"}.get(kind, step)


def connect_error(
    exc: BaseException,
    params: DeviceParams,
    step: str = "connect",
    port: int | None = None,
    offer: Algorithms | None = None,
    client: str = "the SSH client",
) -> ConnectError:
    """The ConnectError for a failure to open a session; ours pass through unchanged.
    `offer`: what the router offers, for a client (`client`) that found nothing in common
    with it (read by `offer_if_no_common`)."""
    if isinstance(exc, ConnectError):
        return exc
    kind = kind_of(exc) or "closed"
    at = where(params, port)
    if params.jump_host and kind in ("refused", "timeout", "unreachable", "closed"):
        at += f" (via jump host {params.jump_host})"
    if kind == "host-key":  # names the known_hosts file: kept to one line of 200 at most
        text = host_key_messages.refused(at, _step_of(kind, step), params.known_hosts_file)
        return ConnectError(text, kind)
    if kind == "algorithms" and offer is not None:
        return _no_common(exc, params, port, offer, client)
    return ConnectError(f"{at}: {_step_of(kind, step)}: {_fix(kind, params, exc)}", kind)


_CATEGORIES = (
    ("host_key", ("host key",)),
    ("kex", ("kex", "key exchange")),
    ("ciphers", ("cipher", "encrypt")),
    ("macs", ("mac",)),
)


def _no_common(
    exc: BaseException, params: DeviceParams, port: int | None, offer: Algorithms, client: str
) -> ConnectError:
    """A client that agreed on nothing with the router: the policy's own message when the
    policy allows nothing the router offers, else which category this client lacks,
    naming what the router offers."""
    from .identity import _SHORT_LABELS, negotiate_offer

    negotiate_offer(params, [], offer)  # ConnectError(algorithms), naming the offer
    text = " ".join(_text(i) for i in _chain(exc))
    category = next((name for name, words in _CATEGORIES if any(w in text for w in words)), "kex")
    offered = getattr(offer, category) or ("none",)
    head = (
        f"{where(params, port)}: key exchange: {client} implements no {_SHORT_LABELS[category]}"
        " the router offers"
    )
    fix = "use another driver, or widen ssh_algorithms"
    return ConnectError(
        first_fitting(
            f"{head} ({', '.join(offered)}); {fix}",
            f"{head} ({offered[0]}, ...); {fix}",
            f"{head} ({offered[0]}, ...)",
        ),
        "algorithms",
    )


def offer_if_no_common(exc: BaseException, params: DeviceParams) -> Algorithms | None:
    """When a driver found no algorithm in common: the router's offer, read again (in
    clear, no credentials), to name it; None otherwise or when it cannot be read."""
    if kind_of(exc) != "algorithms":
        return None
    from . import route
    from .offer import read_offer

    port = params.effective_ssh_port
    try:
        with route.connect(params, params.host, port, params.timeout) as sock:
            return read_offer(params.host, port, params.timeout, sock).algorithms
    except (OSError, TimeoutError, IosSshError):
        return None


def telnet_behind(params: DeviceParams, port: int) -> ConnectError | None:
    """A connection that failed before the server said a word of SSH: a telnet server
    there (it opens with option negotiation) is `not-ssh`, not the closed connection or
    silence the SSH client saw; None when it is not that (or the port cannot be read)."""
    from . import route
    from .offer import NotSsh, read_offer

    try:
        with route.connect(params, params.host, port, min(params.timeout, 5.0)) as sock:
            read_offer(params.host, port, min(params.timeout, 5.0), sock)
    except NotSsh as exc:
        return connect_error(exc, params, "connect", port)
    except (OSError, TimeoutError, IosSshError):
        return None
    return None


def session_lost(
    exc: BaseException, params: DeviceParams, text: str, timeout: float, dropped: bool = False
) -> SessionLost:
    """The SessionLost for a driver failure in the middle of a conversation; `dropped`:
    the driver's channel is closed, whatever the driver's exception says."""
    if isinstance(exc, SessionLost):
        return exc
    if kind_of(exc) == "timeout" and not dropped:
        cause = (
            f"no prompt within {timeout:g} s "
            "(the router stopped answering, or the command needs a longer timeout)"
        )
    else:
        cause = "the session dropped (the router or the network closed it)"
    # the command gives way to the host and the cause (its line is in the session log)
    room = LIMIT - 1 - len(f"{where(params)}: command '': {cause}")
    return SessionLost(f"{where(params)}: {command_step(text, min(room, _MAX_COMMAND))}: {cause}")


def one_line(exc: BaseException | str, limit: int = LIMIT - 1) -> str:
    """Any exception as one line: ours (and a message already written, such as a Report's
    error) as they are; a driver's own multi-paragraph text cut to its first sentence (for
    errors that reach a report unmapped)."""
    if isinstance(exc, IosSshError | str):  # a device's caret line dropped too
        text = " ".join(one_line_text(str(exc)).split())
    else:
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
        text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    text = redact.redact(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
