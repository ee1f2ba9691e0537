"""The known_hosts file: reading, matching, recording and replacing host keys.

OpenSSH's format (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): `patterns keytype base64 [comment]`,
with `[host]:port` for ports other than 22, `*`/`?` wildcards, `!` negation, hashed names
(`|1|salt|HMAC-SHA1(salt, name)`), and `@cert-authority` / `@revoked` markers. One module
owns the file so every driver, the probes and key rotation agree on what is pinned.

A new host is appended, as OpenSSH appends it; a replaced key rewrites the file
atomically (a temporary file renamed over the old one). Writes are serialised: a lock per
file for threads (Nornir runs hosts in threads) and an flock for other processes.
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

DEFAULT_FILE = Path("~/.ssh/known_hosts")
ENV_FILE = "IOS_SSH_KNOWN_HOSTS"  # overrides the default (tests, CI, the demo)


def default_file() -> Path:
    """The file used when a device names none: $IOS_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts."""
    return Path(os.environ.get(ENV_FILE) or DEFAULT_FILE).expanduser()


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


def host_name(host: str, port: int) -> str:
    """The name known_hosts uses: `host` on port 22, `[host]:port` otherwise."""
    return host if port == 22 else f"[{host}]:{port}"


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


def parse_line(line: str) -> Entry | None:
    """An entry, or None for a blank line, a comment or a line that cannot be read."""
    words = line.split()
    if not words or words[0].startswith("#"):
        return None
    marker = words.pop(0) if words[0].startswith("@") else ""
    if len(words) < 3:
        return None
    try:
        key = HostKey.parse(" ".join(words[1:3]))
    except ValueError:
        return None
    return Entry(marker, words[0], key)


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
    entries: list[Entry] = field(default_factory=list)
    by_name: dict[str, list[int]] = field(default_factory=dict)
    general: list[int] = field(default_factory=list)
    revoked: set[HostKey] = field(default_factory=set)
    hashed_names: bool = False

    def extend(self, text: str) -> None:
        for entry in filter(None, map(parse_line, text.splitlines())):
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
        try:
            return self.path.read_text().splitlines()
        except FileNotFoundError:
            return []

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
                index.extend(complete[len(index.data) :].decode(errors="replace"))
                index.data = complete
        tail = parse_line(data[len(complete) :].decode(errors="replace"))
        return index, [tail] if tail else []

    def _candidates(self, name: str, data: bytes | None = None) -> tuple[list[Entry], set[HostKey]]:
        """The entries that may name `name`, in file order, and the revoked keys."""
        index, tail = self._index(data)
        revoked = index.revoked | {e.key for e in tail if e.marker == "@revoked"}
        return index.candidates(name) + tail, revoked

    def lookup(self, host: str, port: int) -> list[HostKey]:
        """The keys pinned for this host and port (revoked keys are left out)."""
        name = host_name(host, port)
        candidates, revoked = self._candidates(name)
        return [
            e.key
            for e in candidates
            if not e.marker and e.key not in revoked and patterns_match(e.patterns, name)
        ]

    def is_revoked(self, key: HostKey) -> bool:
        """The file marks this key `@revoked` (OpenSSH then refuses it for every host)."""
        index, tail = self._index()
        return key in index.revoked or any(e.marker == "@revoked" and e.key == key for e in tail)

    def add(self, host: str, port: int, key: HostKey, hashed: bool | None = None) -> None:
        """Record a key for a host (accept-new's first contact), appended as OpenSSH does.
        The name is hashed when asked, or by default when the file already hashes its
        names (HashKnownHosts)."""
        name = host_name(host, port)
        with _locked(self.path):  # exclusive: read here without the shared lock
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                data = b""
            candidates, _ = self._candidates(name, data)
            if any(
                not e.marker and e.key == key and patterns_match(e.patterns, name)
                for e in candidates
            ):
                return  # another thread recorded it meanwhile
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

    def replace(self, host: str, port: int, key: HostKey) -> list[HostKey]:
        """Pin `key` as the host's only key (rotation); returns the keys it replaced.

        A line naming several hosts keeps the others; a hashed entry is replaced by a hashed
        one, so the file keeps the style it had."""
        name = host_name(host, port)
        with _locked(self.path):
            kept, old, hashed = [], [], False
            for line in self._lines():
                entry = parse_line(line)
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


def _entry_line(name: str, key: HostKey, hashed: bool) -> str:
    shown = _hashed(name, os.urandom(20)) if hashed else name
    return f"{shown} {key.openssh()}"


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
