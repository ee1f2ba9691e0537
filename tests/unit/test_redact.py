"""The log record factory masks a secret in every form a driver logs it: plain, as a
regular expression, inside str and bytes reprs and JSON, split over two reads, and inside
a mapping of arguments (Nornir's task arguments) it was never told about."""

from __future__ import annotations

import json
import logging
import random
import re
import threading
from collections.abc import Iterator

import pytest

from ios_ssh import redact

# every character re.escape and repr treat specially, and both quotes
SECRET = "Qz7-Canary.4f1a$x\\'\"(q)"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lock_ = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        with self.lock_:
            self.records.append(record)
            self.lines.append(text)


@pytest.fixture(autouse=True)
def only_our_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    # secrets other tests registered at import (a module's "admin") would mask more here
    monkeypatch.setattr(redact, "_secrets", redact._Known())
    monkeypatch.setattr(redact, "_streams", redact._Streams())


@pytest.fixture
def logs() -> Iterator[_Collect]:
    root = logging.getLogger()
    handler, level = _Collect(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _reads(lines: list[str], prefix: str) -> list[str]:
    return [line.split(prefix, 1)[1] for line in lines if prefix in line]


def test_python_writes_reprs_as_the_forms_say() -> None:
    # the escapers are Python's own rules, for any text (both quotes, control characters,
    # non-ASCII, backslashes)
    rng = random.Random(7)
    alphabet = "ab\\'\"\t\n\x1b\x7f\u00e9\u200b\U0001f600\x00$.-"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))
        raw = text.encode("utf-8", "surrogatepass")
        assert repr(text)[1:-1] in {redact._escape_str(text, q) for q in ("'", None)}
        assert repr(raw)[2:-1] in {redact._escape_bytes(raw, q) for q in ("'", None)}


@pytest.mark.parametrize(
    "shown",
    [
        SECRET,
        re.escape(SECRET),  # netmiko: read_until_pattern(re.escape(command))
        repr(SECRET),
        repr(SECRET.encode()),
        repr(re.escape(SECRET)),  # netmiko's ReadException: repr(pattern)
        repr(repr(SECRET)),
        repr(SECRET + "'"),  # Python delimits with the other quote
        repr((SECRET + '"').encode()),
        json.dumps(SECRET),
        json.dumps({"pattern": re.escape(SECRET)}),
    ],
)
def test_every_form_is_masked(logs: _Collect, shown: str) -> None:
    redact.register([SECRET])
    logging.getLogger("netmiko").debug(f"Pattern found: {shown} r1(config)#")
    logging.getLogger("scrapli.driver").info("sending %s", shown)
    assert len(logs.lines) == 2
    for line in logs.lines:
        assert "***" in line
        for form in redact.forms(SECRET):
            assert form not in line, (form, line)
        assert "Canary" not in line and "4f1a" not in line


def test_the_arguments_of_a_record_are_masked_too(logs: _Collect) -> None:
    redact.register([SECRET])
    logging.getLogger("x").debug("sent %r, then %s", SECRET.encode(), [SECRET])
    (record,) = logs.records
    assert record.args is None  # a handler formatting the arguments itself sees no secret
    assert "Canary" not in logs.lines[0]


def test_secrets_in_logged_arguments_are_registered_before_the_record_is_formatted(
    logs: _Collect,
) -> None:
    # Nornir logs a task's keyword arguments (secrets= included) before the task runs
    value = "Never-Registered-9j2"
    logging.getLogger("nornir.core").info(
        "Running task %r with args %s on %d hosts",
        "apply_ssh",
        {"intent": "x", "secrets": {"NETOPS_SECRET": value}, "device": {"password": "Pw-4k"}},
        2,
    )
    assert value not in logs.lines[0] and "Pw-4k" not in logs.lines[0]
    assert "Running task 'apply_ssh' with args" in logs.lines[0]
    logging.getLogger("later").debug("typed %s", value)  # registered from now on
    assert value not in logs.lines[1]


def test_a_traceback_is_masked(logs: _Collect) -> None:
    redact.register([SECRET])
    try:
        raise ValueError(f"pattern {re.escape(SECRET)!r} not found")
    except ValueError:
        logging.getLogger("paramiko").exception("failed")
    assert "Canary" not in logs.lines[0] and "ValueError" in logs.lines[0]


def _echo(secret: str) -> str:
    return f"username netops secret 0 {secret}\nr1(config)#"


@pytest.mark.parametrize("cut", range(1, len(_echo(SECRET))))
def test_a_netmiko_read_split_anywhere_shows_no_part_of_the_secret(
    logs: _Collect, cut: int
) -> None:
    redact.register([SECRET])
    echo = _echo(SECRET)
    log = logging.getLogger("netmiko")
    log.debug(f"read_channel: {echo[:cut]}")
    log.debug(f"read_channel: {echo[cut:]}")
    first, second = _reads(logs.lines, "read_channel: ")
    # every character of the secret is masked, every other one kept
    assert (first + second).replace("***", "") == echo.replace(SECRET, "")
    assert "***" in first or "***" in second


def test_one_character_per_read_shows_none_of_it(logs: _Collect) -> None:
    redact.register([SECRET])
    log = logging.getLogger("netmiko")
    for ch in "secret 0 " + SECRET + "\n":
        log.debug(f"read_channel: {ch}")
    shown = "".join(_reads(logs.lines, "read_channel: "))
    assert shown == "secret 0 " + "***" * len(SECRET) + "\n"


def test_a_read_that_only_looks_like_a_start_is_masked_at_once_and_the_next_kept(
    logs: _Collect,
) -> None:
    # the first read cannot be taken back: its possible start is masked; the next read,
    # which does not continue the secret, is shown whole
    redact.register([SECRET])
    log = logging.getLogger("netmiko")
    log.debug("read_channel: abc Qz7")
    log.debug("read_channel: -something else")
    assert _reads(logs.lines, "read_channel: ") == ["abc ***", "-something else"]


@pytest.mark.parametrize("cut", [1, 5, 17, len(SECRET) - 1])
def test_a_scrapli_read_of_bytes_split_in_two(logs: _Collect, cut: int) -> None:
    redact.register([SECRET])
    echo = _echo(SECRET).encode()
    at = echo.index(SECRET.encode()) + cut
    log = logging.getLogger("scrapli.channel")
    log.debug("read: %r", echo[:at])
    log.debug("read: %r", echo[at:])
    first, second = _reads(logs.lines, "read: ")
    assert first.endswith("0 ***'") and second.startswith("b'***\\nr1(config)#")
    assert first.startswith("b'username netops secret 0 ")


def test_many_threads_each_split_their_own_reads(logs: _Collect) -> None:
    # each thread's reads are its own stream: interleaved records of other hosts do not
    # hide a split, nor mask another thread's plain text
    secrets = [f"Zk{n:02d}-Canary.{n:03d}$" for n in range(16)]
    redact.register(secrets)
    start = threading.Barrier(16)

    def host(n: int) -> None:
        echo = _echo(secrets[n])
        log = logging.getLogger("netmiko")
        start.wait()
        for at in range(0, len(echo), 7):
            log.debug(f"read_channel: {echo[at : at + 7]}")

    threads = [threading.Thread(target=host, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = "\n".join(logs.lines)
    assert text.count("read_channel: ") > 16 * 5
    for secret in secrets:
        for start_at in range(len(secret) - 3):
            assert secret[start_at : start_at + 4] not in text, secret
    assert logging.root.manager.disable == 0


def test_a_fleet_of_own_passwords_is_masked_through_the_index() -> None:
    # every router with its own password: batches of doubling size (log n of them), the
    # large ones searched by one pass over the text rather than form by form
    passwords = [f"Rtr-{n:04d}-Pw.{n % 7}$" for n in range(3000)]
    for password in passwords:
        redact.register([password])
    assert len(redact._secrets.batches) <= 13
    assert max(len(b.forms) for b in redact._secrets.batches) > redact.SEARCH_EACH
    for n in (0, 1, 1234, 2999):
        text = f"username x secret 0 {passwords[n]} then {re.escape(passwords[n])}!"
        assert redact.redact(text) == "username x secret 0 *** then ***!"
    assert redact.redact("Rtr-0000-Pw. is not one") == "Rtr-0000-Pw. is not one"


def test_a_secret_inside_another_is_masked_whole() -> None:
    redact.register(["Inner-7Q", "Outer-Inner-7Q-x"])
    assert redact.redact("a Outer-Inner-7Q-x b Inner-7Q c") == "a *** b *** c"
