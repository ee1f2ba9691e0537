"""Faults on demand: what a router does wrong, from a YAML or JSON map (`serve --faults`).

    r1: {reject: "^ip ssh dh", slow_ms: 200}
    r2: {auth: fail}
    "*": {rate: 0.25, drop: "^crypto key"}

A router's own entry wins over "*"; "*" applies to each router with probability `rate`
(default 1), drawn from a generator seeded with `--seed` and the router's name, so the
same file and seed inject the same faults into the same routers on every run.

Kinds (each read where it acts: the CLI session, the SSH server, login checks):
- reject: REGEX   IOS's invalid-input error for matching commands
- drop: REGEX     the session is cut when a matching command is typed
- hang: REGEX     no reply at all to a matching command (nor to anything after it)
- slow_ms: N      every command's reply comes N ms late
- auth: fail      every login refused (SSH and telnet)
- reset_after_kex: true   the TCP connection is reset once key exchange is done
- aaa_down: true  the router's TACACS+ and RADIUS servers stop answering (login lists
                  fall through to their next method, `local` included)
- echo_pieces: N  the echo of typed text goes out N characters at a time, a pause between
                  (a slow link: a driver that logs each read sees a typed secret split)
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

KINDS = (
    "reject",
    "drop",
    "hang",
    "slow_ms",
    "auth",
    "reset_after_kex",
    "aaa_down",
    "echo_pieces",
)


class DropSession(Exception):
    """Raised by fault injection: the server cuts the connection."""


class HangSession(Exception):
    """Raised by fault injection: the server never answers this session again."""


def load(path: Path) -> dict[str, dict[str, Any]]:
    """Read and check a faults file (JSON is YAML too, but say which failed)."""
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise TypeError(f"{path}: a map of router name to faults")
    for name, faults in data.items():
        check(str(name), faults)
    return {str(k): v for k, v in data.items()}


def check(name: str, faults: object) -> None:
    if not isinstance(faults, dict):
        raise TypeError(f"{name}: a map of fault kind to value")
    for kind, value in faults.items():
        if kind == "rate" and name == "*":
            if not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"{name}.rate: a number from 0 to 1")
        elif kind in ("reject", "drop", "hang"):
            re.compile(str(value))  # a bad pattern fails at start-up, not mid-run
        elif kind == "slow_ms":
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"{name}.slow_ms: milliseconds, 0 or more")
        elif kind == "echo_pieces":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name}.echo_pieces: characters, 1 or more")
        elif kind == "auth":
            if value != "fail":
                raise ValueError(f"{name}.auth: only 'fail'")
        elif kind in ("reset_after_kex", "aaa_down"):
            if not isinstance(value, bool):
                raise ValueError(f"{name}.{kind}: true or false")
        else:
            raise ValueError(f"{name}: unknown fault {kind!r}; one of {', '.join(KINDS)}")


def for_router(name: str, spec: dict[str, dict[str, Any]], seed: int) -> dict[str, Any]:
    """The faults router `name` gets from a loaded file."""
    if name in spec:
        return {k: v for k, v in spec[name].items() if k != "rate"}
    wild = spec.get("*")
    if not wild:
        return {}
    rate = float(wild.get("rate", 1.0))
    if random.Random(f"{seed}:{name}").random() >= rate:
        return {}
    return {k: v for k, v in wild.items() if k != "rate"}


def summary(faults: dict[str, Any]) -> str:
    """`reject,drop` for the serve line; '' when the router has none."""
    return ",".join(k for k in KINDS if faults.get(k))


def command_fault(faults: dict[str, Any], line: str, caret: Callable[[str, str], str]) -> str:
    """What a typed command meets: '' (nothing), IOS's error text, or an exception."""
    if faults.get("slow_ms"):
        time.sleep(int(faults["slow_ms"]) / 1000)
    if faults.get("hang") and re.search(str(faults["hang"]), line):
        raise HangSession(line)
    if faults.get("drop") and re.search(str(faults["drop"]), line):
        raise DropSession(line)
    if faults.get("reject") and re.search(str(faults["reject"]), line):
        return caret(line, line.split()[-1])
    return ""


def login_refused(faults: dict[str, Any]) -> bool:
    return faults.get("auth") == "fail"


def aaa_down(faults: dict[str, Any]) -> bool:
    return faults.get("aaa_down") is True
