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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from pydantic import SecretStr

MASK = "***"
# Keys whose values are secrets wherever a mapping with them is logged (Nornir's task
# arguments, a driver's connection dict): `secrets` maps names to values.
SECRET_KEYS = frozenset(
    {"password", "secret", "secrets", "auth_password", "auth_secondary", "passphrase"}
    | {"auth_private_key_passphrase", "enable_secret"}
)


KEY = 4  # characters a large batch indexes its forms by
SEARCH_EACH = 64  # forms a batch searches for one by one (at C speed); more: one scan


@dataclass(frozen=True)
class _Batch:
    """Some registered values with what masking needs of them (immutable)."""

    values: frozenset[str]  # as given (text), and as bytes seen as latin-1
    forms: frozenset[str]  # every form of every value
    starts: frozenset[str]  # proper prefixes of `values` (the tail of a read)
    # for a large batch: the first KEY characters of its forms, the forms by length, and
    # those shorter than KEY
    keys: frozenset[str]
    by_length: dict[int, frozenset[str]]
    short: tuple[str, ...]

    @classmethod
    def of(cls, values: set[str]) -> _Batch:
        all_forms = frozenset(f for v in values for f in forms(v))
        return cls(
            frozenset(values),
            all_forms,
            frozenset(v[:n] for v in values for n in range(1, len(v))),
            *_indexed(all_forms),
        )

    def __or__(self, other: _Batch) -> _Batch:
        all_forms = self.forms | other.forms
        return _Batch(
            self.values | other.values,
            all_forms,
            self.starts | other.starts,
            *_indexed(all_forms),
        )

    def mark(self, text: str, marked: list[bool]) -> bool:
        """Mark every occurrence of every form in `text`; True if there was one."""
        found = False
        if len(self.forms) <= SEARCH_EACH:
            hits: Iterable[str] = [form for form in self.forms if form in text]
        else:  # one pass over the text, whatever the number of forms
            hits = [form for form in self.short if form in text]
            for at in range(len(text) - KEY + 1):
                if text[at : at + KEY] not in self.keys:
                    continue
                for size, group in self.by_length.items():
                    if text[at : at + size] in group:
                        marked[at : at + size] = [True] * size
                        found = True
        for form in hits:
            _mark(marked, text, form)
            found = True
        return found


def _indexed(
    all_forms: frozenset[str],
) -> tuple[frozenset[str], dict[int, frozenset[str]], tuple[str, ...]]:
    if len(all_forms) <= SEARCH_EACH:
        return frozenset(), {}, ()
    by_length: dict[int, set[str]] = {}
    for form in all_forms:
        if len(form) >= KEY:
            by_length.setdefault(len(form), set()).add(form)
    keys = frozenset(form[:KEY] for form in all_forms if len(form) >= KEY)
    short = tuple(form for form in all_forms if len(form) < KEY)
    return keys, {size: frozenset(group) for size, group in by_length.items()}, short


@dataclass(frozen=True)
class _Known:
    """Everything registered, swapped whole: readers never see half an update.

    Values are kept in batches whose sizes at least double from the newest to the oldest
    (a new batch is merged into the one before while that one is not twice as big): a
    fleet whose every router has its own password registers each in O(log n) merges, not
    a rebuild of everything per router, and readers look through O(log n) batches."""

    batches: tuple[_Batch, ...] = ()
    longest: int = 0  # of the values: how much of a read each stream keeps

    def __contains__(self, value: str) -> bool:
        return any(value in batch.values for batch in self.batches)

    def forms(self) -> Iterator[str]:
        return (form for batch in self.batches for form in batch.forms)

    def marks(self, text: str) -> list[bool] | None:
        """Which characters of `text` belong to an occurrence of a form (None: none)."""
        marked = [False] * len(text)
        found = False
        for batch in self.batches:
            found = batch.mark(text, marked) or found
        return marked if found else None

    def starts_with(self, text: str) -> bool:
        """`text` is a proper prefix of some value."""
        return any(text in batch.starts for batch in self.batches)

    def adding(self, values: set[str]) -> _Known:
        batches = [*self.batches, _Batch.of(values)]
        while len(batches) > 1 and len(batches[-2].values) < 2 * len(batches[-1].values):
            newest = batches.pop()
            batches[-1] = batches[-1] | newest
        return _Known(tuple(batches), max(self.longest, *(len(v) for v in values)))


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
        new = {value for value in given if value not in _secrets}
        if new:
            _secrets = _secrets.adding(new)
        if not _installed:
            logging.setLogRecordFactory(_scrubbing_factory)
            _installed = True


def redact(text: str) -> str:
    """`text` with every form of every registered secret masked: each run of characters
    that belongs to any occurrence of any form (overlapping ones too) becomes one MASK."""
    marked = _secrets.marks(text)
    if marked is None:
        return text
    return "".join(MASK if piece is None else piece for piece in _pieces(text, marked))


def _mark(marked: list[bool], text: str, form: str) -> None:
    start = text.find(form)
    while start != -1:
        marked[start : start + len(form)] = [True] * len(form)
        start = text.find(form, start + 1)


def _pieces(text: str, marked: list[bool]) -> list[str | None]:
    """`text` cut into runs, None for each marked one."""
    pieces: list[str | None] = []
    run_start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or marked[index] != marked[run_start]:
            pieces.append(None if marked[run_start] else text[run_start:index])
            run_start = index
    return pieces


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
    marked = known.marks(text) or [False] * len(text)
    for size in range(min(len(text), known.longest - 1), 0, -1):
        if known.starts_with(text[-size:]):
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
    return _pieces(data, marked)


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
    if not known.batches:
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
