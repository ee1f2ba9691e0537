"""What crosses a worker boundary (a worker process's pipe, a Dask cluster): JSON text,
checked where it arrives.

Results come back as JSON and are rebuilt field by field, every type checked (pydantic),
into a Report or a DeviceState: a worker, or anyone who reached the scheduler, may send a
wrong result, never an object for the operator's process to run. A DeviceState comes
without its `raw` outputs (the router's running-config, with its type-7 passwords, stays
on the worker; every parsed field is there). Anything else is refused (WireError).

Jobs go out as JSON as well: the device fields (secrets as their values, or, for
credentials resolved on the worker, the names of the variables that hold them), the
intent as its fields, the apply/verify keywords, and the operator's known_hosts pins
for the job's addresses (public keys: engine.trust).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError

from .. import redact
from ..errors import IntentError, IosSshError
from ..intent import SshIntent
from ..report import Report
from ..session.known_hosts import HostKey
from ..session.params import DeviceParams
from ..state import DeviceState
from .jobs import Job, Kind, Outcome

VERSION = 1
MAX_TEXT = 16 * 2**20  # characters: a result larger than this is refused unread
SECRET_OPTIONS = ("secrets", "private_keys")  # apply/verify keywords that hold secrets


class WireError(IosSshError):
    """Text from the other side of a boundary that is not what ios_ssh sends there."""


# -- jobs: operator -> worker ------------------------------------------------------------


@dataclass(frozen=True)
class Shipped:
    """A job as a worker receives it: the job, the operator's pins for its addresses
    (a known_hosts file's text, "" when its check is off), and the operator's known_hosts
    path (what the worker's messages name)."""

    job: Job
    known_hosts: str = ""
    label: str = ""


def secret_fields(params: DeviceParams) -> list[str]:
    """The device fields that hold a secret value (not a variable's name)."""
    found = [
        name
        for name in type(params).model_fields
        if isinstance(value := getattr(params, name), SecretStr) and value.get_secret_value()
    ]
    for driver in ("netmiko_options", "scrapli_options"):
        extras: Mapping[str, Any] = getattr(params, driver, {}) or {}
        found += [
            f"{driver}.{key}"
            for key, value in extras.items()
            if value and any(word in key.lower() for word in ("pass", "secret"))
        ]
    return found


def secrets_in(job: Job) -> list[str]:
    """Every place this job carries a secret value: what must never cross unencrypted."""
    found = secret_fields(job.params)
    for option in SECRET_OPTIONS:
        held = job.options.get(option) or {}
        found += [f"{option}.{key}" for key, value in dict(held).items() if value]
    return found


def _secret_targets(params: DeviceParams) -> set[str]:
    return {n for n in type(params).model_fields if isinstance(getattr(params, n), SecretStr)}


def check_secret_env(job: Job) -> None:
    """`secret_env` names only places that take a secret, each with a variable name."""
    targets = _secret_targets(job.params)
    for where, variable in job.secret_env.items():
        if not (where in targets or where.startswith("secrets.") and len(where) > 8):
            allowed = ", ".join(sorted(targets)) + " or secrets.KEY"
            raise IntentError([f"host {job.name}: secret_env.{where}: not a secret ({allowed})"])
        if not isinstance(variable, str) or not variable or "=" in variable or "\0" in variable:
            raise IntentError([f"host {job.name}: secret_env.{where}: not a variable name"])


def _plain(value: Any, where: str) -> Any:
    """`value` as JSON-able data (a Path as its text); WireError naming `where` else."""

    def default(item: object) -> object:
        if isinstance(item, Path):
            return str(item)
        if isinstance(item, SecretStr):
            return item.get_secret_value()
        raise TypeError(type(item).__name__)

    try:
        return json.loads(json.dumps(value, default=default))
    except (TypeError, ValueError) as exc:
        raise WireError(f"{where}: holds a {exc} that cannot be sent to a worker") from None


def encode_job(job: Job, known_hosts: str = "", label: str = "") -> str:
    """The job as JSON text (secret values in clear: only over a pipe of our own or TLS)."""
    params = {name: getattr(job.params, name) for name in type(job.params).model_fields}
    return json.dumps(
        {
            "v": VERSION,
            "name": job.name,
            "kind": job.kind,
            "params": _plain(params, f"host {job.name}: device fields"),
            "intent": None
            if job.intent is None
            else job.intent.model_dump(mode="json", exclude_unset=True),
            "options": _plain(dict(job.options), f"host {job.name}: options"),
            "secret_env": dict(job.secret_env),
            "known_hosts": known_hosts,
            "label": label,
        }
    )


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _JobWire(_Wire):
    v: Literal[1]
    name: str
    kind: Kind
    params: dict[str, Any]
    intent: dict[str, Any] | None
    options: dict[str, Any]
    secret_env: dict[str, str]
    known_hosts: str
    label: str


class MissingCredential(IosSshError):
    """A variable a job names for a credential is not set where the job runs."""


def job_name(text: str) -> str:
    """The job's name, read as leniently as can be (for the report of a job that did not
    decode): "" when even that is not there."""
    try:
        name = json.loads(text).get("name")
    except (ValueError, AttributeError, RecursionError):
        return ""
    return name if isinstance(name, str) else ""


def decode_job(text: str, environ: Mapping[str, str] | None = None) -> Shipped:
    """The job of `text`, validated as the operator's own fields are. Credentials the job
    names by variable come from `environ` (this process's environment): registered for
    masking at once; MissingCredential names a variable that is not set."""
    try:
        wire = _JobWire.model_validate_json(text)
    except ValidationError as exc:
        raise WireError(f"not a job: {_first(exc)}") from None
    environ = os.environ if environ is None else environ
    params, options = dict(wire.params), dict(wire.options)
    resolved = []
    for where, variable in wire.secret_env.items():
        value = environ.get(variable)
        if not value:
            raise MissingCredential(
                f"${variable} (for {where}) is not set in the worker's environment; set it "
                "there (credentials are resolved on the worker)"
            )
        resolved.append(value)
        if where.startswith("secrets."):
            options["secrets"] = {**(options.get("secrets") or {}), where[8:]: value}
        else:
            params[where] = value
    redact.register(resolved)  # before any driver or log sees them
    redact.register(v for v in (options.get("secrets") or {}).values() if isinstance(v, str))
    device = DeviceParams.coerce(params)
    redact.register(getattr(device, f).get_secret_value() for f in _secret_targets(device))
    intent = None if wire.intent is None else SshIntent.from_dict(wire.intent)
    job = Job(wire.name, wire.kind, device, intent, options, dict(wire.secret_env))
    return Shipped(job, wire.known_hosts, wire.label)


# -- results: worker -> operator ---------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """A change the worker made to its copy of the operator's pins: a first contact
    (`replaced` empty) or a rotation the flow proved; the operator makes it in its file."""

    host: str
    port: int
    keys: tuple[HostKey, ...]
    replaced: tuple[HostKey, ...] = ()


@dataclass(frozen=True)
class Result:
    """One host's result as received."""

    name: str
    outcome: Outcome
    pins: tuple[Pin, ...] = ()


@dataclass(frozen=True)
class End:
    """A shard's last word: `done` (everything was sent), `rerun-refused` (Dask ran it a
    second time, which does nothing), or `error` (the shard itself failed: `why`)."""

    shard: int
    how: Literal["done", "rerun-refused", "error"]
    why: str = ""


def _state_data(state: DeviceState) -> dict[str, Any]:
    data = dataclasses.asdict(state)
    data["raw"] = {}  # the running-config with its type-7 passwords stays on the worker
    return data


def encode_outcome(name: str, outcome: Outcome, pins: list[Pin] | tuple[Pin, ...] = ()) -> str:
    value = outcome.value
    data: dict[str, Any] = {
        "v": VERSION,
        "type": "outcome",
        "host": name,
        "sessions": outcome.sessions,
        "round_trips": outcome.round_trips,
        "seconds": float(outcome.seconds),
        "pins": [
            {
                "host": pin.host,
                "port": pin.port,
                "keys": [k.openssh() for k in pin.keys],
                "replaced": [k.openssh() for k in pin.replaced],
            }
            for pin in pins
        ],
    }
    if isinstance(value, DeviceState):
        data["state"] = _state_data(value)
    else:
        data["report"] = dataclasses.asdict(value)
    return json.dumps(data)


def encode_end(shard: int, how: str, why: str = "") -> str:
    return json.dumps({"v": VERSION, "type": "end", "shard": shard, "how": how, "why": why})


class _PinWire(_Wire):
    host: str
    port: int = Field(ge=1, le=65535)
    keys: list[str] = Field(min_length=1)
    replaced: list[str]


class _OutcomeWire(_Wire):
    v: Literal[1]
    type: Literal["outcome"]
    host: str
    report: Report | None = None
    state: DeviceState | None = None
    sessions: int = Field(ge=0)
    round_trips: int = Field(ge=0)
    seconds: float = Field(ge=0)
    pins: list[_PinWire]


class _EndWire(_Wire):
    v: Literal[1]
    type: Literal["end"]
    shard: int = Field(ge=0)
    how: Literal["done", "rerun-refused", "error"]
    why: str = Field(max_length=400)


_MESSAGE: TypeAdapter[_OutcomeWire | _EndWire] = TypeAdapter(
    Annotated[_OutcomeWire | _EndWire, Field(discriminator="type")]
)


def decode(text: object) -> Result | End:
    """A worker's message, or WireError: only JSON text of ios_ssh's shapes is taken."""
    if not isinstance(text, str):
        raise WireError(f"a {type(text).__name__} where JSON text was expected")
    if len(text) > MAX_TEXT:
        raise WireError(f"{len(text)} characters: more than a result holds")
    try:
        message = _MESSAGE.validate_json(text)
    except ValidationError as exc:
        raise WireError(f"not a result: {_first(exc)}") from None
    if isinstance(message, _EndWire):
        return End(message.shard, message.how, message.why)
    if (message.report is None) == (message.state is None):
        raise WireError("not a result: a report or a state, exactly one")
    value: Report | DeviceState = message.report if message.report is not None else message.state  # type: ignore[assignment]
    try:
        pins = tuple(
            Pin(
                p.host,
                p.port,
                tuple(HostKey.parse(k) for k in p.keys),
                tuple(HostKey.parse(k) for k in p.replaced),
            )
            for p in message.pins
        )
    except ValueError as exc:
        raise WireError(f"not a result: a pinned key: {exc}") from None
    outcome = Outcome(value, message.sessions, message.round_trips, message.seconds)
    return Result(message.host, outcome, pins)


def _first(exc: ValidationError) -> str:
    """The first fault, by place and kind only (never the input: it may be hostile)."""
    err = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in err["loc"]) or "text"
    return f"{where}: {err['type']}"[:160]
