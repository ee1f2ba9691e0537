"""The known_hosts file: OpenSSH's format, matching, and atomic, locked updates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import multiprocessing
import threading
from pathlib import Path
from typing import Any

import asyncssh
import pytest

import ios_ssh.session.known_hosts as known_hosts_module
from ios_ssh.errors import ConnectError, IntentError
from ios_ssh.flow.rotation import Rotation
from ios_ssh.session import DeviceParams
from ios_ssh.session.identity import judge_at
from ios_ssh.session.known_hosts import (
    HostKey,
    KnownHosts,
    KnownHostsError,
    check_host,
    host_name,
    patterns_match,
    pinned_file,
)


def _key(kind: str = "ssh-ed25519") -> HostKey:
    key = asyncssh.generate_private_key(kind)
    return HostKey(key.get_algorithm(), key.public_data)


def _hashed(name: str) -> str:
    salt = b"0123456789abcdefghij"
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return f"|1|{base64.b64encode(salt).decode()}|{base64.b64encode(digest).decode()}"


def test_names_and_patterns() -> None:
    assert host_name("r1", 22) == "r1" and host_name("10.0.0.1", 2222) == "[10.0.0.1]:2222"
    assert patterns_match("[10.0.0.1]:2222", "[10.0.0.1]:2222")  # brackets are literal
    assert not patterns_match("[10.0.0.1]:2222", "1")
    assert patterns_match("r*.example.com,!r9.example.com", "r1.example.com")
    assert not patterns_match("r*.example.com,!r9.example.com", "r9.example.com")
    assert patterns_match("R?", "r1") and patterns_match(_hashed("[h]:22"), "[h]:22")


def test_lookup_reads_plain_hashed_and_revoked(tmp_path: Path) -> None:
    a, b, c = _key(), _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(
        "# a comment\n\n"
        f"r1,r2 {a.openssh()} comment\n"
        f"{_hashed('[r1]:2222')} {b.openssh()}\n"
        f"r1 {c.openssh()}\n@revoked * {c.openssh()}\n"
        f"@cert-authority * {b.openssh()}\n"
    )
    store = KnownHosts(file)
    assert store.lookup("r1", 22) == [a]  # c is revoked
    assert store.lookup("r1", 2222) == [b]
    assert store.lookup("r3", 22) == []


def test_replace_pins_one_key_keeps_other_hosts_and_hashing(tmp_path: Path) -> None:
    old, new, other = _key(), _key("ssh-rsa"), _key()
    file = tmp_path / "known_hosts"
    file.write_text(
        f"r1,r2 {old.openssh()}\n{_hashed('[r1]:2222')} {old.openssh()}\nr3 {other.openssh()}\n"
    )
    file.chmod(0o644)
    store = KnownHosts(file)
    assert store.replace("r1", 2222, new) == [old]
    assert store.lookup("r1", 2222) == [new]
    assert store.lookup("r1", 22) == [old] and store.lookup("r3", 22) == [other]
    assert "[r1]:2222" not in file.read_text()  # the new entry is hashed like the old one
    assert store.replace("r1", 22, new) == [old]
    assert store.lookup("r2", 22) == [old] and store.lookup("r1", 22) == [new]
    assert file.stat().st_mode & 0o777 == 0o644
    assert not list(tmp_path.glob(".known_hosts.*"))  # no temporary file left behind


def test_add_from_many_threads_loses_nothing(tmp_path: Path) -> None:
    store = KnownHosts(tmp_path / "sub" / "known_hosts")
    keys = [_key() for _ in range(16)]
    threads = [
        threading.Thread(target=store.add, args=("127.0.0.1", 10000 + i, key))
        for i, key in enumerate(keys)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, key in enumerate(keys):
        assert store.lookup("127.0.0.1", 10000 + i) == [key]
    store.add("127.0.0.1", 10000, keys[0])  # recorded once only
    assert len(store.path.read_text().splitlines()) == 16


def test_add_follows_a_hashed_file(tmp_path: Path) -> None:
    file = tmp_path / "known_hosts"
    file.write_text(f"{_hashed('r1')} {_key().openssh()}\n")
    new = _key()
    KnownHosts(file).add("r2", 2222, new)
    # Every host field hashed (a random key's base64 may well contain "r2": look at hosts).
    hosts = [line.split()[0] for line in file.read_text().splitlines() if line.strip()]
    assert all(host.startswith("|1|") for host in hosts), hosts
    assert KnownHosts(file).lookup("r2", 2222) == [new]


def test_a_bad_key_line_is_refused() -> None:
    with pytest.raises(ValueError):
        HostKey.parse("ssh-rsa not-base64!")


def test_lookups_follow_appends_rewrites_and_a_missing_last_newline(tmp_path: Path) -> None:
    # The index is kept between lookups: whatever changed the file, a lookup sees it.
    a, b, c = _key(), _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(f"r1 {a.openssh()}")  # no newline at the end, as an editor may leave
    hosts = KnownHosts(file)
    assert hosts.lookup("r1", 22) == [a]
    hosts.add("r2", 22, b)  # appended on a line of its own
    assert file.read_text().splitlines() == [f"r1 {a.openssh()}", f"r2 {b.openssh()}"]
    with file.open("a") as handle:  # another program (ssh) appends a host
        handle.write(f"R3,r4 {c.openssh()}\n")
    assert hosts.lookup("r3", 22) == [c] and hosts.lookup("r4", 22) == [c]
    assert hosts.lookup("r2", 22) == [b]
    file.write_text(f"r2 {c.openssh()}\nr* {a.openssh()}\n")  # rewritten: not an append
    assert hosts.lookup("r1", 22) == [a] and hosts.lookup("r2", 22) == [c, a]
    assert hosts.lookup("r3", 22) == [a] and KnownHosts(file).lookup("x", 22) == []
    file.unlink()
    assert hosts.lookup("r2", 22) == []
    hosts.add("r5", 22, b)  # a new file, readable by its owner only
    assert hosts.lookup("r5", 22) == [b] and file.stat().st_mode & 0o777 == 0o600


def test_a_thousand_hosts_are_added_and_found(tmp_path: Path) -> None:
    # A fleet run: each host is looked up, added, then looked up again; every answer right.
    keys = [_key() for _ in range(5)]
    hosts = KnownHosts(tmp_path / "known_hosts")
    for port in range(1000, 2000):
        assert hosts.lookup("127.0.0.1", port) == []
        hosts.add("127.0.0.1", port, keys[port % 5])
        assert hosts.lookup("127.0.0.1", port) == [keys[port % 5]]
    assert all(hosts.lookup("127.0.0.1", p) == [keys[p % 5]] for p in range(1000, 2000))
    assert len((tmp_path / "known_hosts").read_text().splitlines()) == 1000


def test_a_one_host_file_holds_that_hosts_pins_and_follows_them(tmp_path: Path) -> None:
    # netmiko is handed this file instead of the whole known_hosts (paramiko parses what it
    # is given on every connection): the same keys for that host, none of the others.
    a, b, c = _key(), _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(f"[10.0.0.1]:2222 {a.openssh()}\n10.0.0.2 {b.openssh()}\n*.lab {c.openssh()}\n")
    one = pinned_file(file, "10.0.0.1", 2222)
    assert one.read_text() == f"[10.0.0.1]:2222 {a.openssh()}\n"
    assert KnownHosts(one).lookup("10.0.0.1", 2222) == [a]
    assert oct(one.parent.stat().st_mode & 0o777) == "0o700"
    assert KnownHosts(pinned_file(file, "r1.lab", 22)).lookup("r1.lab", 22) == [c]
    assert pinned_file(file, "10.0.0.9", 22).read_text() == ""  # unknown: paramiko rejects
    KnownHosts(file).replace("10.0.0.1", 2222, b)  # a rotation: the same path, new pins
    assert pinned_file(file, "10.0.0.1", 2222) == one
    assert KnownHosts(one).lookup("10.0.0.1", 2222) == [b]


def test_a_lookup_waits_for_a_line_being_appended(tmp_path: Path) -> None:
    # A writer appends under the exclusive lock; a reader that saw half a line could take
    # it for another key (a false "changed"). The lookup waits for the whole line.
    a = _key()
    file = tmp_path / "known_hosts"
    hosts = KnownHosts(file)
    hosts.add("r0", 22, _key())
    line = f"r1 {a.openssh()}\n"
    found: list[list[HostKey]] = []
    with known_hosts_module._locked(hosts.path), file.open("a") as handle:
        handle.write(line[:40])  # half a line, as a reader could catch it
        handle.flush()
        reader = threading.Thread(target=lambda: found.append(hosts.lookup("r1", 22)))
        reader.start()
        reader.join(0.3)
        assert reader.is_alive() and not found  # waiting for the writer
        handle.write(line[40:])
    reader.join(5)
    assert found == [[a]]


def test_a_last_line_without_its_newline_is_read_and_may_still_grow(tmp_path: Path) -> None:
    a, b = _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(f"r1 {a.openssh()}\nr2 {b.openssh()}")
    hosts = KnownHosts(file)
    assert hosts.lookup("r2", 22) == [b]
    with file.open("a") as handle:  # the same line, longer now: a second name
        handle.write(" r2-comment\n")
    assert hosts.lookup("r2", 22) == [b] and hosts.lookup("r1", 22) == [a]
    file.write_text(f"r1 {a.openssh()}\nr2,r3 {b.openssh()}")  # rewritten, no newline
    assert hosts.lookup("r3", 22) == [b]


# -- read strictly, up front (issue 20) --------------------------------------------------


def test_a_byte_that_is_not_utf8_is_an_error_naming_the_file_and_line(tmp_path: Path) -> None:
    a = _key()
    file = tmp_path / "known_hosts"
    file.write_bytes(f"r1 {a.openssh()}\n# caf\xe9\n".encode() + b"# \xff here\n")
    for read in (
        lambda: KnownHosts(file).lookup("r1", 22),
        lambda: KnownHosts(file).replace("r1", 22, a),  # a rotation: never after a confirm
        lambda: KnownHosts(file).add("r2", 22, a),
        lambda: KnownHosts(file).check(),
    ):
        with pytest.raises(KnownHostsError) as bad:
            read()
        message = str(bad.value)
        assert message == f"known_hosts {file} line 3: not UTF-8 text; fix or remove it"
        assert bad.value.kind == "host-key"  # a connect error: the host fails before change
    assert file.read_bytes().count(b"\n") == 3  # nothing was written


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("r1 ssh-ed25519", "not 'host-patterns key-type base64-key'"),
        ("r1 ssh-ed25519 not*base64", "the key data is not base64"),
        ("@trusted r1 ssh-ed25519 AAAA", "an unknown marker"),
        ("r1,,r2 ssh-ed25519 AAAA", "an empty host pattern"),
        ("|1|nope r1 ssh-ed25519 AAAA", "a hashed host name that is not |1|salt|hash"),
    ],
)
def test_a_malformed_line_is_an_error_naming_it(tmp_path: Path, line: str, problem: str) -> None:
    file = tmp_path / "known_hosts"
    file.write_text(f"# pins\nr0 {_key().openssh()}\n{line}\n")
    with pytest.raises(KnownHostsError) as bad:
        KnownHosts(file).lookup("r0", 22)
    assert f"{file} line 3: {problem}" in str(bad.value) and line not in str(bad.value)


def test_an_error_is_met_again_after_the_file_is_fixed_or_grows(tmp_path: Path) -> None:
    a, b = _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(f"r1 {a.openssh()}\n")
    hosts = KnownHosts(file)
    assert hosts.lookup("r1", 22) == [a]
    with file.open("a") as handle:
        handle.write("junk\n")
    for _ in range(2):  # the index is not left half-grown: the same error each time
        with pytest.raises(KnownHostsError, match="line 2"):
            hosts.lookup("r1", 22)
    file.write_text(f"r1 {a.openssh()}\r\nr2 {b.openssh()}\r\n")  # CRLF is fine
    assert hosts.lookup("r2", 22) == [b]


def test_a_pattern_is_never_recorded_as_a_host() -> None:
    for name in ("*", "r?", "!r1", "a,b", "[r1]:22", "r 1", ""):
        with pytest.raises(ValueError, match="cannot be recorded in known_hosts"):
            check_host(name)
        with pytest.raises(IntentError, match="device.host"):
            DeviceParams.coerce({"host": name, "username": "admin"})
    for name in ("r1", "r1.example.com", "10.0.0.1", "2001:db8::1", "fe80::1%eth0", "a_b"):
        assert check_host(name) == DeviceParams(host=name, username="u").host


def test_the_snapshot_holds_the_addresses_pins_and_every_revoked_key(tmp_path: Path) -> None:
    a, b, c, revoked = _key(), _key(), _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_text(
        f"{_hashed('[10.0.0.1]:2222')} {a.openssh()}\n"
        f"10.0.0.* {b.openssh()}\n"
        f"other {c.openssh()}\n"
        f"@revoked * {revoked.openssh()}\n"
    )
    snapshot = KnownHosts(file).snapshot([("10.0.0.1", 2222), ("10.0.0.2", 22)])
    assert snapshot.splitlines() == [
        f"[10.0.0.1]:2222 {a.openssh()}",  # hashed and wildcard entries: resolved
        f"10.0.0.2 {b.openssh()}",
        f"@revoked * {revoked.openssh()}",
    ]


# -- first contacts, one at a time (issue 20) --------------------------------------------


def test_of_concurrent_first_contacts_to_one_address_only_the_first_pins(tmp_path: Path) -> None:
    file = tmp_path / "known_hosts"
    keys = [_key() for _ in range(8)]
    barrier = threading.Barrier(len(keys))
    outcomes: list[bool | str] = []

    def contact(key: HostKey) -> None:
        barrier.wait()
        try:
            outcomes.append(judge_at("10.0.0.1", 2222, key, "accept-new", file))
        except ConnectError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=contact, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (pin,) = KnownHosts(file).lookup("10.0.0.1", 2222)
    assert outcomes.count(True) == 1  # the one that pinned
    refused = [o for o in outcomes if isinstance(o, str)]
    assert len(refused) == 7 and all("host key: CHANGED" in o for o in refused)
    assert judge_at("10.0.0.1", 2222, pin, "accept-new", file) is False  # the pin stands


def _contact_from_another_process(file: str, key_line: str, start: Any, out: Any) -> None:
    key = HostKey.parse(key_line)
    start.wait()
    try:
        out.put(judge_at("10.0.0.1", 2222, key, "accept-new", Path(file)))
    except ConnectError:
        out.put("refused")


def test_first_contacts_from_two_processes_are_serialised_by_the_file_lock(
    tmp_path: Path,
) -> None:
    context = multiprocessing.get_context("spawn")
    file, keys = tmp_path / "known_hosts", [_key(), _key()]
    start, out = context.Barrier(2), context.Queue()
    workers = [
        context.Process(
            target=_contact_from_another_process, args=(str(file), k.openssh(), start, out)
        )
        for k in keys
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(str(out.get(timeout=5)) for _ in keys) == ["True", "refused"]
    assert len(KnownHosts(file).lookup("10.0.0.1", 2222)) == 1


def test_a_rotation_that_cannot_be_written_is_said_not_raised(tmp_path: Path) -> None:
    old, new = _key(), _key()
    file = tmp_path / "known_hosts"
    file.write_bytes(f"r1 {old.openssh()}\n".encode() + b"\xff\n")
    rotation = Rotation(str(file), "r1", 22, [old], new.fingerprint, proven=new)
    said = rotation.commit()
    assert rotation.failed and "known_hosts NOT updated for r1" in said
    assert "line 2: not UTF-8" in said and "\n" not in said and len(said) < 200, said
