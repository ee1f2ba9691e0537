"""Who is on the other end: the host-key check every SSH session passes first.

Before a driver sends a user name, `establish` reads the server's offer (the algorithm
policy refuses a router up front), takes the host key from a key exchange (no
authentication), and holds it against the known_hosts file: `strict` needs it pinned,
`accept-new` records an unknown host, `off` checks nothing (and the report says so). A
refused key raises ConnectError, so no password, secret or command is ever sent.

The drivers then connect with strict checking against the same file, so their own
connection is held to the same key.

Every host-key decision of the tool is taken here (`judge`, `judge_at`, `pinned_keys`,
`pinned_at`), for any host and port: a router's, a bastion's. The store behind them is a
known_hosts file: the operator's own, or on a worker (a process of `--processes`, a Dask
worker) a private file written from the operator's pins shipped with the job
(engine.trust), whose first contacts go back to the operator to be pinned there. A first
contact is decided under the file's lock: of two sessions that meet two different keys for
one address, the second is judged against the first's pin.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from pathlib import Path

import asyncssh

from ..errors import ConnectError
from ..message import first_fitting
from . import algorithms, failures, host_key_messages, route
from .aio import run
from .known_hosts import HostKey, KnownHosts, KnownHostsError, host_name, shown
from .offer import read_offer
from .params import DeviceParams, parse_jump


@dataclass(frozen=True)
class Identity:
    """The outcome of the check for one session."""

    host: str
    port: int
    check: str
    file: Path | None
    key: HostKey | None  # the key on the wire (None when check is off)
    recorded: bool  # accept-new pinned it just now
    negotiated: algorithms.Algorithms
    banner: str

    @property
    def legacy(self) -> list[str]:
        return algorithms.legacy_in(self.negotiated)

    def notes(self) -> list[str]:
        """What a report says about this session's identity and algorithms."""
        name = host_name(self.host, self.port)
        out = []
        if self.check == "off":
            out.append(
                f"host key NOT checked (host_key_check=off): the identity of {name} "
                "was not verified"
            )
        elif self.recorded and self.key is not None:
            out.append(
                f"host key of {name} was unknown and is now pinned in {shown(self.file or '')} "
                f"(accept-new): {self.key.fingerprint}"
            )
        out.append(f"ssh algorithms negotiated with {name}: {algorithms.describe(self.negotiated)}")
        if self.legacy:
            out.append(algorithms.legacy_fix(self.legacy))
        return out


def _negotiate(params: DeviceParams, pinned: list[HostKey]) -> tuple[str, algorithms.Algorithms]:
    port = params.effective_ssh_port
    try:
        with route.connect(params, params.host, port, params.timeout) as sock:
            offer = read_offer(params.host, port, params.timeout, sock)
    except (OSError, TimeoutError) as exc:
        raise failures.connect_error(exc, params, port=params.effective_ssh_port) from exc
    return offer.banner, negotiate_offer(params, pinned, offer.algorithms)


def ordered_policy(
    params: DeviceParams, pinned: list[HostKey], ciphers_first: tuple[str, ...] = ()
) -> algorithms.Algorithms:
    """The policy's algorithms in the order a client offers them: the pinned key's type
    first, and (a client's choice within the same set) these ciphers first."""
    allowed = algorithms.prefer_key_types(
        algorithms.resolve(params.ssh_algorithms), [k.keytype for k in pinned]
    )
    first = tuple(c for c in ciphers_first if c in allowed.ciphers)
    rest = tuple(c for c in allowed.ciphers if c not in first)
    return algorithms.Algorithms(allowed.kex, allowed.host_key, first + rest, allowed.macs)


def negotiate_offer(
    params: DeviceParams,
    pinned: list[HostKey],
    offer: algorithms.Algorithms,
    ciphers_first: tuple[str, ...] = (),
) -> algorithms.Algorithms:
    """What the algorithm policy picks from the server's offer; ConnectError (with the fix)
    when it allows nothing the server offers. Every SSH client of the tool uses this."""
    where = f"{params.host}:{params.effective_ssh_port}"
    ordered = ordered_policy(params, pinned, ciphers_first)
    try:
        return algorithms.negotiate(ordered, offer)
    except algorithms.NoCommonAlgorithm as exc:
        policy = params.ssh_algorithms
        shown = policy if isinstance(policy, str) else "an explicit list"
        modern = policy == "modern"
        hint = (
            "legacy-ok reaches it, or fix the router ('ip ssh server algorithm ...')"
            if modern
            else "widen ssh_algorithms or fix the router"
        )
        terse = "legacy-ok reaches it, or fix the router" if modern else hint
        # the router's offer says most (the policy's own lists are in the README)
        label = _SHORT_LABELS[exc.category]
        head = f"{where}: key exchange: ssh_algorithms={shown} allows no {label} the router offers"
        offered = exc.offered or ("none",)
        first, all_ = offered[0], ", ".join(offered)
        raise ConnectError(
            first_fitting(
                f"{head} ({all_}); {hint}",
                f"{head} ({first}, ...); {hint}",
                f"{head} ({first}, ...); {terse}",
                f"{where}: key exchange: no {label} in common (router: {first}, ...); {terse}",
            ),
            "algorithms",
        ) from None


_SHORT_LABELS = {"kex": "kex", "host_key": "host key type", "ciphers": "cipher", "macs": "MAC"}


def fetch_host_key(params: DeviceParams, allowed: algorithms.Algorithms) -> HostKey:
    """The host key the server proves it holds in a key exchange (no authentication)."""
    algs = algorithms.asyncssh_options(allowed)
    options = asyncssh.SSHClientConnectionOptions(**algs, connect_timeout=params.timeout)

    async def fetch(sock: socket.socket) -> asyncssh.SSHKey | None:
        return await asyncio.wait_for(
            asyncssh.get_server_host_key(
                params.host,
                params.effective_ssh_port,
                sock=sock,  # straight to the router, or a channel through its jump host
                kex_algs=algs["kex_algs"],  # these two override `options` when left out
                server_host_key_algs=algs["server_host_key_algs"],
                options=options,
            ),
            params.timeout,
        )

    where, port = f"{params.host}:{params.effective_ssh_port}", params.effective_ssh_port
    try:
        sock = route.connect(params, params.host, port, params.timeout)
    except (OSError, TimeoutError) as exc:
        raise failures.connect_error(exc, params, "connect", port) from exc
    with sock:
        sock.setblocking(False)
        try:
            key = run(lambda: fetch(sock))
        except (OSError, TimeoutError, asyncssh.Error) as exc:
            raise failures.connect_error(exc, params, "key exchange", port) from exc
    if key is None:
        raise ConnectError(f"{where}: key exchange: the server showed no host key", "host-key")
    return HostKey(key.get_algorithm(), key.public_data)


def establish(params: DeviceParams) -> Identity:
    """Check the server's host key for an SSH session; raise ConnectError on a refusal."""
    port, check = params.effective_ssh_port, params.host_key_check
    file = None if check == "off" else params.known_hosts_file
    pinned = pinned_at(params.host, port, check, file) if file else []
    banner, negotiated = _negotiate(params, pinned)
    if file is None:
        return Identity(params.host, port, check, None, None, False, negotiated, banner)
    allowed = algorithms.prefer_key_types(
        algorithms.resolve(params.ssh_algorithms), [k.keytype for k in pinned]
    )
    key = fetch_host_key(params, allowed)
    return judge(params, pinned, key, negotiated, banner)


def pinned_keys(params: DeviceParams) -> list[HostKey]:
    """The known_hosts entries for this device's SSH port ([] when the check is off)."""
    return pinned_at(
        params.host, params.effective_ssh_port, params.host_key_check, params.known_hosts_file
    )


def pinned_at(host: str, port: int, check: str, file: Path | None) -> list[HostKey]:
    """The keys pinned for any host and port ([] when the check is off). The file is read
    strictly: a bad line is a KnownHostsError (a ConnectError) before anything is sent."""
    if check == "off" or file is None:
        return []
    return KnownHosts(file).lookup(host, port)


def check_file(file: Path) -> None:
    """Read a known_hosts file strictly now (KnownHostsError names its first bad line):
    a run checks each file up front, before any router is touched."""
    KnownHosts(file).check()


def judge_jump(params: DeviceParams, host: str, port: int, key: HostKey) -> Identity:
    """The device's host-key policy and known_hosts file, for another server on its path
    (its jump host): the Identity, or ConnectError before any credential is sent there."""
    at = params.model_copy(update={"host": host, "port": port, "device_type": "cisco_ios"})
    return judge(at, pinned_keys(at), key, algorithms.Algorithms((), (), (), ()), "")


def judge(
    params: DeviceParams,
    pinned: list[HostKey],
    key: HostKey,
    negotiated: algorithms.Algorithms,
    banner: str,
) -> Identity:
    """The host-key policy for a key the server proved it holds (before any credential):
    the Identity, or ConnectError. `accept-new` pins an unknown host here."""
    port, check, file = params.effective_ssh_port, params.host_key_check, params.known_hosts_file
    recorded = _decide(params.host, port, key, check, file, pinned)
    return Identity(params.host, port, check, file, key, recorded, negotiated, banner)


def judge_at(host: str, port: int, key: HostKey, check: str, file: Path) -> bool:
    """The same policy for any host and port (a bastion's, say): True when accept-new
    pinned the key just now; ConnectError (kind host-key) when it is refused."""
    if check == "off":
        return False
    return _decide(host, port, key, check, file, pinned_at(host, port, check, file))


def _decide(
    host: str, port: int, key: HostKey, check: str, file: Path, pinned: list[HostKey]
) -> bool:
    store = KnownHosts(file)
    if store.is_revoked(key):  # before all else: accept-new must not pin it either
        raise ConnectError(host_key_messages.revoked(host, port, key.fingerprint, file), "host-key")
    if key in pinned:
        return False
    if pinned:
        raise ConnectError(host_key_messages.changed(host, port, key.fingerprint, file), "host-key")
    if check == "strict":
        raise ConnectError(host_key_messages.unknown(host, port, key.fingerprint, file), "host-key")
    # accept-new: decided under the file's lock, so a concurrent first contact that met
    # another key first (another thread or process) is the pin this key is judged against
    now, written = store.first_contact(host, port, key)
    if key not in now:
        raise ConnectError(host_key_messages.changed(host, port, key.fingerprint, file), "host-key")
    return written


def trust_addresses(params: DeviceParams) -> list[tuple[str, int]]:
    """Every address whose host key a job's sessions judge: what a worker is shipped the
    operator's pins for (the router's SSH address, and its jump host's)."""
    out = [(params.host, params.effective_ssh_port)]
    if params.jump_host:
        _user, host, port = parse_jump(params.jump_host)
        out.append((host, port))
    return out


def rotate_pinned(
    host: str, port: int, old: tuple[HostKey, ...], new: tuple[HostKey, ...], file: Path
) -> bool:
    """A rotation proven elsewhere (on a worker), made here only if the file still pins
    exactly `old` (or already `new`): False when it holds something else by now."""
    if len(new) != 1:
        return False
    return KnownHosts(file).replace(host, port, new[0], expect=old) is not None


def pin_rotation(host: str, port: int, key: HostKey, file: Path) -> list[HostKey]:
    """Pin `key` as this address's only key, in place of the old ones (a rotation the
    flow proved): the keys it replaced."""
    return KnownHosts(file).replace(host, port, key)


def only_key_file(folder: Path, host: str, port: int, key: HostKey) -> Path:
    """A known_hosts file in `folder` holding just this key for this address."""
    store = KnownHosts(folder / "known_hosts")
    store.add(host, port, key)
    return store.path


__all__ = [
    "Identity", "KnownHostsError", "check_file", "establish", "fetch_host_key", "judge",
    "judge_at", "judge_jump", "negotiate_offer", "only_key_file", "ordered_policy", "pin_rotation",
    "pinned_at", "pinned_keys", "rotate_pinned", "trust_addresses",
]  # fmt: skip
