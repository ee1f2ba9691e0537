"""Secrets out of every log record, from every thread, in every form, without switching
logging off.

The drivers (netmiko, paramiko, scrapli, asyncssh) log what they send at debug level, from
whichever thread runs a host. A filter on their loggers would miss records of child loggers
(filters do not propagate), and `logging.disable` is process-wide state that one thread
restores while another is still sending. So the log record factory itself scrubs: every
record, whoever logs it, has each known secret replaced before any handler sees it.

A secret reaches a log in more forms than its own text, and each is masked:
- escaped for a regular expression: netmiko waits for a command's echo with
  `re.escape(command)` and logs that pattern (`User\\-Canary\\.4f1a\\$x`);
- inside a repr, str or bytes, with either quote (scrapli logs `read: b'...'`; netmiko's
  errors hold `repr(pattern)`, a repr of the escaped form), and JSON-escaped;
- split over two records: netmiko and scrapli log each read of the channel as it comes, so
  the router's echo of one secret may end one record and start the next. Each thread keeps
  the raw tail of its last read per driver (`_Stream`): a secret that spans the boundary is
  masked in the second record, and a read that ENDS with the start of a secret has that
  start masked at once (a record cannot be taken back once a handler has it), even when
  the next read turns out not to continue it. Only those per-read records get this;
  elsewhere a record holds whole values.

Secrets are registered when they are resolved (the environment, a prompt, an inventory, a
device's fields), before any driver or Nornir sees them, and stay registered for the life
of the process; the set only grows, and is swapped whole under a lock. A record whose
arguments hold a mapping with secret-named keys (Nornir logs a task's keyword arguments,
`secrets=` included) has those values registered before it is formatted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import SecretStr

MASK = "***"
# Keys whose values are secrets wherever a mapping with them is logged (Nornir's task
# arguments, a driver's connection dict): `secrets` maps names to values.
SECRET_KEYS = frozenset(
    {"password", "secret", "secrets", "auth_password", "auth_secondary", "passphrase"}
    | {"auth_private_key_passphrase", "enable_secret"}
)


@dataclass(frozen=True)
class _Known:
    """Everything registered, swapped whole: readers never see half an update."""

    values: frozenset[str] = frozenset()  # as given (text), and as bytes seen as latin-1
    forms: tuple[str, ...] = ()  # every form of every value, longest first
    starts: frozenset[str] = frozenset()  # proper prefixes of `values` (a read's tail)
    longest: int = 0  # of `values`: how much of a read each stream keeps


_lock = threading.Lock()
_secrets = _Known()  # the name tests restore (tests/conftest.py)
_previous_factory = logging.getLogRecordFactory()
_installed = False


def _escape_str(text: str, quote: str | None) -> str:
    """The inside of a str repr delimited by `quote` (None: the other quote, so neither
    quote is escaped): how Python writes it."""
    out = []
    for ch in text:
        if ch == "\\" or ch == quote:
            out.append("\\" + ch)
        elif ch in "\t\n\r" or not ch.isprintable():
            out.append(repr(ch)[1:-1])  # \t, \x1b, \u200b ...
        else:
            out.append(ch)
    return "".join(out)


def _escape_bytes(raw: bytes, quote: str | None) -> str:
    """The inside of a bytes repr delimited by `quote`, as Python writes it."""
    out = []
    for byte in raw:
        ch = chr(byte)
        if ch == "\\" or ch == quote:
            out.append("\\" + ch)
        elif ch in "\t\n\r":
            out.append(repr(ch)[1:-1])
        elif 0x20 <= byte < 0x7F:
            out.append(ch)
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def _quoted(text: str) -> set[str]:
    """`text` as it shows inside a str or bytes repr (either quote) and in JSON."""
    raw = text.encode("utf-8", "surrogatepass")
    out = {json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]}
    for quote in ("'", None):  # Python escapes ' when it delimits with it, never "
        out |= {_escape_str(text, quote), _escape_bytes(raw, quote)}
    return out


def forms(value: str) -> set[str]:
    """The value as drivers may print it: plain, regex-escaped, and each of those inside a
    repr (once or twice: a repr of a message holding a repr) or JSON."""
    plain = {value, re.escape(value)}
    once = plain | {q for text in plain for q in _quoted(text)}
    return {f for f in once | {q for text in once for q in _quoted(text)} if f}


def _as_bytes_text(value: str) -> str:
    """The value's UTF-8 bytes as latin-1 text: how a read of bytes is matched, one char
    per byte (a read may split a multi-byte character)."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


def register(values: Iterable[str | SecretStr | None]) -> None:
    """From now on, mask these values in every log record of the process."""
    global _secrets, _installed
    given = set()
    for value in values:
        text = value.get_secret_value() if isinstance(value, SecretStr) else value
        if isinstance(text, str) and text:
            given |= {text, _as_bytes_text(text)}
    with _lock:
        known = _secrets
        new = given - known.values
        if new:
            values_now = known.values | new
            all_forms = set(known.forms) | {f for v in new for f in forms(v)}
            _secrets = _Known(
                values=values_now,
                forms=tuple(sorted(all_forms, key=len, reverse=True)),
                starts=known.starts | {v[:n] for v in new for n in range(1, len(v))},
                longest=max(len(v) for v in values_now),
            )
        if not _installed:
            logging.setLogRecordFactory(_scrubbing_factory)
            _installed = True


def redact(text: str) -> str:
    """`text` with every form of every registered secret masked."""
    for secret in _secrets.forms:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


# -- reads logged one record each ---------------------------------------------------------


@dataclass
class _Stream:
    """One thread's reads from one driver: the raw tail of the last read."""

    tail: str = ""


class _Streams(threading.local):
    def __init__(self) -> None:
        self.by_driver: dict[str, _Stream] = {}


_streams = _Streams()


def _marks(known: _Known, text: str) -> list[bool]:
    """Which characters of `text` belong to a secret, or to a secret's start at its end."""
    marked = [False] * len(text)
    for value in known.values:
        start = text.find(value)
        while start != -1:
            marked[start : start + len(value)] = [True] * len(value)
            start = text.find(value, start + 1)
    for size in range(min(len(text), known.longest - 1), 0, -1):
        if text[-size:] in known.starts:
            marked[-size:] = [True] * size
            break
    return marked


def _masked_read(stream: _Stream, known: _Known, data: str) -> list[str | None]:
    """`data` (one read) cut into pieces, None for each masked run; the stream's tail is
    moved on. A secret that began in the previous read is masked where it ends here."""
    joined = stream.tail + data
    marked = _marks(known, joined)[len(stream.tail) :]
    keep = max(known.longest - 1, 0)
    stream.tail = joined[-keep:] if keep else ""
    pieces: list[str | None] = []
    run_start = 0
    for index in range(1, len(data) + 1):
        if index == len(data) or marked[index] != marked[run_start]:
            pieces.append(None if marked[run_start] else data[run_start:index])
            run_start = index
    return pieces


def _bytes_repr(pieces: list[str | None]) -> str:
    """A bytes repr of the pieces (latin-1 text, one char per byte), MASK for None."""
    out = []
    for piece in pieces:
        if piece is None:
            out.append(MASK)
        else:
            out.append(_escape_bytes(piece.encode("latin-1"), "'"))
    return "b'" + "".join(out) + "'"


def _read_record(record: logging.LogRecord, known: _Known) -> bool:
    """Mask a driver's record of one read (see the module's docstring); False if the
    record is not one."""
    name = record.name
    if name == "netmiko" or name.startswith("netmiko."):
        # netmiko's read_channel: log.debug(f"read_channel: {new_data}")
        msg = record.msg
        if not (isinstance(msg, str) and msg.startswith("read_channel: ") and not record.args):
            return False
        stream = _streams.by_driver.setdefault("netmiko", _Stream())
        pieces = _masked_read(stream, known, msg[len("read_channel: ") :])
        record.msg = "read_channel: " + "".join(MASK if p is None else p for p in pieces)
        return True
    if name == "scrapli" or name.startswith("scrapli."):
        # scrapli's Channel.read: self.logger.debug("read: %r", buf)
        args = record.args
        if record.msg != "read: %r" or not (
            isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], bytes)
        ):
            return False
        stream = _streams.by_driver.setdefault("scrapli", _Stream())
        pieces = _masked_read(stream, known, args[0].decode("latin-1"))
        record.msg, record.args = "read: " + _bytes_repr(pieces), None
        return True
    return False


# -- the record factory -------------------------------------------------------------------


def _secrets_in(args: object, depth: int = 0) -> list[str]:
    """String values under secret-named keys of mappings in a record's arguments."""
    found: list[str] = []
    if depth > 3:
        return found
    if isinstance(args, Mapping):
        for key, value in args.items():
            if key in SECRET_KEYS:
                if isinstance(value, str):
                    found.append(value)
                elif isinstance(value, Mapping):
                    found += [v for v in value.values() if isinstance(v, str)]
            elif isinstance(value, Mapping | list | tuple):
                found += _secrets_in(value, depth + 1)
    elif isinstance(args, list | tuple):
        for item in args:
            if isinstance(item, Mapping | list | tuple):
                found += _secrets_in(item, depth + 1)
    return found


def _scrubbing_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    if record.args:
        named = _secrets_in(record.args)
        if named:
            register(named)
    known = _secrets
    if not known.forms:
        return record
    # an unexpected shape of a read's record: the whole message is still masked below
    with contextlib.suppress(Exception):
        _read_record(record, known)
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record: mask what can be masked
        message = str(record.msg)
    # the masked text replaces msg and args both: a handler that formats the arguments
    # itself would otherwise see them whole
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(text)
    return record
