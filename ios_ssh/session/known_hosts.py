"""The known_hosts file: reading, matching, recording and replacing host keys.

OpenSSH's format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `patterns keytype base64 [comment]`,
with `[host]:port` for ports other than 22, `*`/`?` wildcards, `!` negation, hashed names
(`|1|salt|HMAC-SHA1(salt, name)`), and `@cert-authority` / `@revoked` markers. One module
owns the file so every driver, the probes and key rotation agree on what is pinned.

A new host is appended, as OpenSSH appends it; a replaced key rewrites the file
atomically (a temporary file renamed over the old one). Writes are serialised: a lock per
file for threads (Nornir runs hosts in threads) and an flock for other processes. A first
contact is decided under that lock (`first_contact`): of two sessions that meet two
different keys for one address, only the first pins; the second is judged against it.

The file is read strictly: a line that is not UTF-8 or not in OpenSSH's format is an
error naming the file and the line (KnownHostsError), at the first lookup, before any
session sends anything: never skipped (a skipped line may be the pin that would have
refused an impostor) and never found only when a rotation rewrites the file.
"""

from __future__ import annotations

import atexit
import base64
import binascii
import contextlib
import fcntl
import hashlib
import hmac
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConnectError
from ..message import LIMIT, elide

DEFAULT_FILE = Path("~/.ssh/known_hosts")
ENV_FILE = "IOS_SSH_KNOWN_HOSTS"  # overrides the default (tests, CI, the demo)


def default_file() -> Path:
    """The file used when a device names none: $IOS_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts."""
    return Path(os.environ.get(ENV_FILE) or DEFAULT_FILE).expanduser()


# A worker's private copy of the operator's pins -> the operator's path: what every
# message names (engine.trust registers it, for the shard's lifetime).
_SHOWN_AS: dict[str, str] = {}


def show_as(path: Path | str, label: str | None) -> None:
    """Messages name `path` as `label` from now on (None: as itself again)."""
    if label is None:
        _SHOWN_AS.pop(str(path), None)
    else:
        _SHOWN_AS[str(path)] = label


def shown(path: Path | str) -> str:
    """The known_hosts path as messages name it."""
    return _SHOWN_AS.get(str(path), str(path))


def sha256_fingerprint(blob: bytes) -> str:
    """OpenSSH's `SHA256:` fingerprint of a public key blob (base64, no padding)."""
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


@dataclass(frozen=True)
class HostKey:
    """A public host key: its type name (`ssh-rsa`, `ssh-ed25519`, ...) and wire blob."""

    keytype: str
    blob: bytes

    @property
    def fingerprint(self) -> str:
        return sha256_fingerprint(self.blob)

    def openssh(self) -> str:
        return f"{self.keytype} {base64.b64encode(self.blob).decode()}"

    @classmethod
    def parse(cls, text: str) -> HostKey:
        """`ssh-rsa AAAA... [comment]`."""
        words = text.split()
        if len(words) < 2:
            raise ValueError("a key needs a type and base64 data")
        try:
            return cls(words[0], base64.b64decode(words[1], validate=True))
        except binascii.Error:
            raise ValueError("key data is not base64") from None


class KnownHostsError(ConnectError):
    """A known_hosts file that is not OpenSSH's format: the file, the line and why (the
    line itself is never shown: it is the file's text, not ours)."""

    def __init__(self, path: Path | str, line: int | None, problem: str) -> None:
        self.path, self.line, self.problem = Path(path), line, problem
        at = f" line {line}" if line else ""
        room = LIMIT - 1 - len(f"known_hosts {at}: {problem}; fix or remove it")
        where = elide(shown(path), max(room, 24)) + at  # a long path: its middle elided
        super().__init__(f"known_hosts {where}: {problem}; fix or remove it", "host-key")


_NOT_IN_A_NAME = frozenset("*?!,[] \t\r\n")


def host_name(host: str, port: int) -> str:
    """The name known_hosts uses: `host` on port 22, `[host]:port` otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


def check_host(host: str) -> str:
    """A host to record: never a pattern (`*`, `?`, `!`, `,`) or a bracketed name, which
    known_hosts would read as matching other hosts."""
    if not host or any(c in _NOT_IN_A_NAME or not c.isprintable() for c in host):
        raise ValueError(f"{host!r} cannot be recorded in known_hosts: not a host name")
    return host


def _hashed(name: str, salt: bytes) -> str:
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def _hashed_match(pattern: str, name: str) -> bool:
    parts = pattern.split("|")
    if len(parts) != 4 or parts[1] != "1":
        return False
    try:
        salt = base64.b64decode(parts[2])
    except binascii.Error:
        return False
    return hmac.compare_digest(_hashed(name, salt), pattern)


def _pattern_match(pattern: str, name: str) -> bool:
    if pattern.startswith("|"):
        return _hashed_match(pattern, name)
    if "*" not in pattern and "?" not in pattern:  # the common case: no regex to build
        return pattern.lower() == name.lower()
    # OpenSSH wildcards are only `*` and `?`: `[` is literal (`[host]:port`).
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name, re.IGNORECASE) is not None


def patterns_match(patterns: str, name: str) -> bool:
    """OpenSSH's rule: some pattern matches and no negated (`!`) pattern does."""
    hit = False
    for pattern in patterns.split(","):
        if pattern.startswith("!"):
            if _pattern_match(pattern[1:], name):
                return False
        elif _pattern_match(pattern, name):
            hit = True
    return hit


@dataclass(frozen=True)
class Entry:
    """One parsed line; `marker` is '' for a plain key, else `@revoked`/`@cert-authority`."""

    marker: str
    patterns: str
    key: HostKey


MARKERS = ("@revoked", "@cert-authority")


def read_line(line: str) -> Entry | None:
    """An entry, None for a blank line or a comment; ValueError saying why for any other
    line (sshd(8): `[marker] patterns keytype base64 [comment]`)."""
    words = line.split()
    if not words or words[0].startswith("#"):
        return None
    marker = ""
    if words[0].startswith("@"):
        marker = words.pop(0)
        if marker not in MARKERS:
            raise ValueError("an unknown marker (only @revoked and @cert-authority exist)")
    if len(words) < 3:
        raise ValueError("not 'host-patterns key-type base64-key'")
    for pattern in words[0].split(","):
        if not pattern.lstrip("!"):
            raise ValueError("an empty host pattern")
        if pattern.startswith("|") and not _well_hashed(pattern):
            raise ValueError("a hashed host name that is not |1|salt|hash")
    try:
        key = HostKey.parse(" ".join(words[1:3]))
    except ValueError:
        raise ValueError("the key data is not base64") from None
    return Entry(marker, words[0], key)


def _well_hashed(pattern: str) -> bool:
    parts = pattern.split("|")
    if len(parts) != 4 or parts[0] or parts[1] != "1":
        return False
    try:
        base64.b64decode(parts[2], validate=True)
        base64.b64decode(parts[3], validate=True)
    except binascii.Error:
        return False
    return True


def parse_line(line: str) -> Entry | None:
    """An entry, or None for a blank line, a comment or a line that cannot be read."""
    try:
        return read_line(line)
    except ValueError:
        return None


def _decoded(data: bytes, path: Path, first_line: int) -> str:
    """`data` as text; KnownHostsError naming the line of a byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = first_line + data.count(b"\n", 0, exc.start)
        raise KnownHostsError(path, line, "not UTF-8 text") from None


def _entries(text: str, path: Path, first_line: int) -> list[Entry]:
    """Every entry of these complete lines, strictly (KnownHostsError names the line)."""
    out = []
    for number, line in enumerate(text.split("\n"), first_line):
        try:
            entry = read_line(line)
        except ValueError as exc:
            raise KnownHostsError(path, number, str(exc)) from None
        if entry is not None:
            out.append(entry)
    return out


_THREAD_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with _LOCKS_GUARD:
        lock = _THREAD_LOCKS.setdefault(path, threading.Lock())
    with lock:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock_file = path.with_name(path.name + ".lock")
        with open(lock_file, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _is_plain(pattern: str) -> bool:
    return not pattern.startswith(("|", "!")) and "*" not in pattern and "?" not in pattern


@dataclass
class _Index:
    """A file's entries as last read, with plain host names indexed: a fleet run looks a
    thousand hosts up in a thousand-line file, and a scan of every line per lookup made
    the run quadratic. Entries with wildcards, negations or hashed names are few; they
    are tried for every name."""

    data: bytes = b""
    lines: int = 0  # complete lines read
    entries: list[Entry] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    general: list[int] = field(default_factory=list)
    revoked: set[HostKey] = field(default_factory=set)
    hashed_names: bool = False

    def extend(self, data: bytes, path: Path) -> None:
        """The entries of `data` (complete lines after those read), or KnownHostsError,
        in which case nothing was added."""
        text = _decoded(data, path, self.lines + 1)
        for entry in _entries(text.removesuffix("\n"), path, self.lines + 1):
            position = len(self.entries)
            self.entries.append(entry)
            patterns = entry.patterns.split(",")
            if all(map(_is_plain, patterns)):
                for pattern in patterns:
                    self.by_name.setdefault(pattern.lower(), []).append(position)
            else:
                self.general.append(position)
            self.hashed_names = self.hashed_names or entry.patterns.startswith("|1|")
            if entry.marker == "@revoked":
                self.revoked.add(entry.key)
        self.lines += data.count(b"\n")

    def candidates(self, name: str) -> list[Entry]:
        """The entries that may name `name`, in file order (patterns still to be checked)."""
        positions = self.by_name.get(name.lower(), [])
        if self.general:
            positions = sorted({*positions, *self.general})
        return [self.entries[i] for i in positions]


# path -> the file as last read and its index; a file that only grew since (hosts added,
# as OpenSSH and `add` append them) is read on from where it was.
_INDEXES: dict[Path, _Index] = {}
_INDEXES_GUARD = threading.Lock()


class KnownHosts:
    """One known_hosts file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser().resolve()

    def _lines(self) -> list[str]:
        """The file's lines, every one checked (KnownHostsError names a bad one)."""
        text = _decoded(self._bytes(), self.path, 1).removesuffix("\n")
        _entries(text, self.path, 1)
        return text.split("\n") if text else []

    def check(self) -> None:
        """Read the whole file strictly now: KnownHostsError names the first bad line."""
        self._index()

    def snapshot(self, addresses: list[tuple[str, int]]) -> str:
        """The pins for these addresses and every @revoked key, as a file of their own
        (public keys only): what a worker judges against, in place of this file."""
        lines = []
        for host, port in dict.fromkeys(addresses):
            name = host_name(check_host(host), port)
            lines += [_entry_line(name, key, False) for key in self.lookup(host, port)]
        index, tail = self._index()
        revoked = index.revoked | {e.key for e in tail if e.marker == "@revoked"}
        lines += [f"@revoked * {key.openssh()}" for key in sorted(revoked, key=_order)]
        return "".join(f"{line}\n" for line in lines)

    def _read(self) -> bytes:
        """The file's bytes, read under a shared lock: a writer of ours appends under the
        exclusive one, so a line is never read half-written (a torn line could read as
        another key). A file whose lock cannot be made (a read-only directory) is read
        as it is."""
        try:
            handle = open(self.path.with_name(self.path.name + ".lock"), "a")  # noqa: SIM115
        except OSError:
            handle = None
        try:
            if handle is not None:
                fcntl.flock(handle, fcntl.LOCK_SH)
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""
        finally:
            if handle is not None:
                handle.close()  # releases the lock

    def _index(self, data: bytes | None = None) -> tuple[_Index, list[Entry]]:
        """The index of the file's complete lines, and the entry of a last line without
        its newline (parsed each time, never kept: it may be growing)."""
        if data is None:
            data = self._read()
        complete = data[: data.rfind(b"\n") + 1]
        with _INDEXES_GUARD:
            index = _INDEXES.get(self.path)
            if index is None or not complete.startswith(index.data):
                index = _INDEXES[self.path] = _Index()
            if len(complete) > len(index.data):
                # strict: a bad line raises before anything is added, and is met again
                index.extend(complete[len(index.data) :], self.path)
                index.data = complete
        return index, self._tail(data[len(complete) :], index.lines + 1)

    def _tail(self, data: bytes, number: int) -> list[Entry]:
        """A last line without its newline: not UTF-8 is an error; a line that does not
        parse yet is one being written (another program's append), taken when complete."""
        tail = parse_line(_decoded(data, self.path, number))
        return [tail] if tail else []

    def _candidates(self, name: str, data: bytes | None = None) -> tuple[list[Entry], set[HostKey]]:
        """The entries that may name `name`, in file order, and the revoked keys."""
        index, tail = self._index(data)
        revoked = index.revoked | {e.key for e in tail if e.marker == "@revoked"}
        return index.candidates(name) + tail, revoked

    def lookup(self, host: str, port: int) -> list[HostKey]:
        """The keys pinned for this host and port (revoked keys are left out)."""
        return self._pins(host_name(host, port))

    def is_revoked(self, key: HostKey) -> bool:
        """The file marks this key `@revoked` (OpenSSH then refuses it for every host)."""
        index, tail = self._index()
        return key in index.revoked or any(e.marker == "@revoked" and e.key == key for e in tail)

    def add(self, host: str, port: int, key: HostKey, hashed: bool | None = None) -> None:
        """Record a key for a host (accept-new's first contact), appended as OpenSSH does.
        The name is hashed when asked, or by default when the file already hashes its
        names (HashKnownHosts)."""
        name = host_name(check_host(host), port)
        with _locked(self.path):  # exclusive: read here without the shared lock
            data = self._bytes()
            candidates, _ = self._candidates(name, data)
            if any(
                not e.marker and e.key == key and patterns_match(e.patterns, name)
                for e in candidates
            ):
                return  # another thread recorded it meanwhile
            self._append(name, key, hashed, data)

    def first_contact(self, host: str, port: int, key: HostKey) -> tuple[list[HostKey], bool]:
        """accept-new's first contact, decided under the file's lock: `key` is pinned when
        nothing is pinned for this host and port yet. Returns the pins as they then are,
        and whether `key` was written now. A session that met another key first (another
        thread, or another process) has pinned it: this one is judged against that pin."""
        name = host_name(check_host(host), port)
        with _locked(self.path):
            data = self._bytes()
            pins = self._pins(name, data)
            if pins:
                return pins, False
            self._append(name, key, None, data)
            return [key], True

    def _pins(self, name: str, data: bytes | None = None) -> list[HostKey]:
        """The keys pinned for `name` (revoked ones left out), from `data` when the caller
        read it under the exclusive lock."""
        candidates, revoked = self._candidates(name, data)
        return [
            e.key
            for e in candidates
            if not e.marker and e.key not in revoked and patterns_match(e.patterns, name)
        ]

    def _bytes(self) -> bytes:
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return b""

    def _append(self, name: str, key: HostKey, hashed: bool | None, data: bytes) -> None:
        """One line for `name`, appended (the caller holds the lock and read `data`)."""
        if hashed is None:
            hashed = self._index(data)[0].hashed_names
        line = _entry_line(name, key, hashed) + "\n"
        if data and not data.endswith(b"\n"):
            line = "\n" + line
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def replace(
        self, host: str, port: int, key: HostKey, expect: tuple[HostKey, ...] | None = None
    ) -> list[HostKey] | None:
        """Pin `key` as the host's only key (rotation); returns the keys it replaced.
        With `expect`, only if the host's pins are exactly those (or already just `key`),
        else None and nothing changed (a worker's rotation, made here after the fact).

        A line naming several hosts keeps the others; a hashed entry is replaced by a hashed
        one, so the file keeps the style it had."""
        name = host_name(check_host(host), port)
        with _locked(self.path):
            if expect is not None:
                current = self._pins(name, self._bytes())
                if current == [key]:
                    return []
                if set(current) != set(expect):
                    return None
            kept, old, hashed = [], [], False
            for line in self._lines():
                entry = read_line(line)  # strict: _lines has checked every line
                if entry is None or entry.marker or not patterns_match(entry.patterns, name):
                    kept.append(line)
                    continue
                old.append(entry.key)
                others = [
                    p
                    for p in entry.patterns.split(",")
                    if not p.startswith("|") and not _pattern_match(p.lstrip("!"), name)
                ]
                hashed = hashed or entry.patterns.startswith("|")
                if others and not any(p.startswith("!") for p in others):
                    kept.append(f"{','.join(others)} {entry.key.openssh()}")
            self._write(kept + [_entry_line(name, key, hashed)])
        return old

    def _write(self, lines: list[str]) -> None:
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o600
        fd, tmp = tempfile.mkstemp(prefix=".known_hosts.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write("".join(f"{line}\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise


def forget(path: Path | str) -> None:
    """Drop what this process keeps of a file it no longer uses (a worker's copy)."""
    with _INDEXES_GUARD:
        _INDEXES.pop(Path(path).expanduser().resolve(), None)
    with _LOCKS_GUARD:
        _THREAD_LOCKS.pop(Path(path).expanduser().resolve(), None)


def _order(key: HostKey) -> tuple[str, bytes]:
    return key.keytype, key.blob


def _entry_line(name: str, key: HostKey, hashed: bool) -> str:
    written = _hashed(name, os.urandom(20)) if hashed else name
    return f"{written} {key.openssh()}"


def known_hosts_lines(entries: list[tuple[str, int, HostKey]]) -> str:
    """A whole file for these hosts (the lab writes one for the routers it serves)."""
    return "".join(f"{_entry_line(host_name(h, p), k, False)}\n" for h, p, k in entries)


_PINS_DIR: list[Path] = []  # this process's directory of one-host files, made on first use
_PINS_GUARD = threading.Lock()


def _pins_dir() -> Path:
    with _PINS_GUARD:
        if not _PINS_DIR:
            made = Path(tempfile.mkdtemp(prefix="ios-ssh-pins-"))  # mode 0700
            atexit.register(shutil.rmtree, made, ignore_errors=True)
            _PINS_DIR.append(made)
        return _PINS_DIR[0]


def pinned_file(path: Path | str, host: str, port: int) -> Path:
    """A known_hosts file holding only this host's pinned keys, kept up to date.

    paramiko (so netmiko) parses the whole file it is given on every connection, with a
    logger lookup per line under logging's global lock: a fleet of a thousand hosts with
    twenty threads spent its time there. Handed this one-host file it checks the same
    keys (a changed key is refused, an unknown one rejected). The file's name depends on
    the file, host and port only, so a connection option that names it stays valid when
    the pins change (accept-new's first contact writes it again).
    """
    known = KnownHosts(path)
    name = hashlib.sha256(f"{known.path}\0{host}\0{port}".encode()).hexdigest()[:32]
    target = _pins_dir() / name
    text = "".join(
        f"{_entry_line(host_name(host, port), key, False)}\n" for key in known.lookup(host, port)
    )
    fd, tmp = tempfile.mkstemp(dir=target.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, target)  # a reader in another thread sees the old file or the new one
    return target
