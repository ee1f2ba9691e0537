"""Secrets out of every log record, from every thread, without switching logging off.

The drivers (netmiko, paramiko, scrapli, asyncssh) log what they send at debug level, from
whichever thread runs a host. A filter on their loggers would miss records of child loggers
(filters do not propagate), and `logging.disable` is process-wide state that one thread
restores while another is still sending. So the log record factory itself scrubs: every
record, whoever logs it, has each known secret replaced before any handler sees it.
Secrets are registered once (when resolved, or when a session opens) and stay registered
for the life of the process; the set only grows, and is swapped whole under a lock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

MASK = "***"
_lock = threading.Lock()
_secrets: tuple[str, ...] = ()  # longest first, so a secret inside another is masked whole
_previous_factory = logging.getLogRecordFactory()
_installed = False


def _forms(value: str) -> set[str]:
    """The value as drivers may print it: plain, and escaped as in a str or bytes repr."""
    escaped = value.replace("\\", "\\\\")
    return {value, escaped, escaped.replace("'", "\\'"), escaped.replace('"', '\\"')}


def register(values: Iterable[str]) -> None:
    """From now on, mask these values in every log record of the process."""
    global _secrets, _installed
    new = {form for value in values if value for form in _forms(value)}
    with _lock:
        if new - set(_secrets):
            _secrets = tuple(sorted(set(_secrets) | new, key=len, reverse=True))
        if not _installed:
            logging.setLogRecordFactory(_scrubbing_factory)
            _installed = True


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _scrubbing_factory(*args: object, **kwargs: object) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    if not _secrets:
        return record
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a malformed record: mask what can be masked
        message = str(record.msg)
    clean = redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(text)
    return record
