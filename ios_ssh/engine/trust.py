"""One trust decision, the operator's, on every worker.

A worker (a process of `--processes`, a Dask worker) never consults its own
~/.ssh/known_hosts or $IOS_SSH_KNOWN_HOSTS. The operator ships, with each job, the pins
its own known_hosts file holds for the job's addresses and every @revoked key (public keys
only), and the job's check mode stays the operator's. The worker writes them to a private
file (mode 0600, in a directory of its own) that every session of the shard is judged
against: session.identity, the drivers, OpenSSH under scrapli, the probes and key
rotation all read that file, as they read the operator's at home.

What the worker's sessions change there comes back with each host's result: a first
contact under accept-new, or a rotation the flow proved. The operator's process then
makes the same change in its own file, judged there again: a first contact whose address
got another key meanwhile (another run) is refused and said in that host's report; a
changed key is refused everywhere, as at home. The worker's file is removed when the
shard ends, so nothing is pinned only on a worker.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Self

from ..errors import ConnectError
from ..message import compose
from ..report import Report
from ..session import identity
from ..session.known_hosts import KnownHosts, forget, show_as
from ..state import DeviceState
from .jobs import Job, Outcome
from .wire import Pin, Shipped, encode_job


def operator_file(job: Job) -> Path | None:
    """The operator's known_hosts file for this job (None when its check is off), as
    this process resolves it ($IOS_SSH_KNOWN_HOSTS, else ~/.ssh/known_hosts)."""
    if job.params.host_key_check == "off":
        return None
    return KnownHosts(job.params.known_hosts_file).path


def check_files(jobs: list[Job]) -> None:
    """Read every known_hosts file the jobs use, strictly, before any router is touched:
    KnownHostsError (one line naming the file and the line) for the first bad one."""
    for file in dict.fromkeys(f for f in map(operator_file, jobs) if f is not None):
        identity.check_file(file)


def ship(jobs: list[Job]) -> list[str]:
    """Each job as the JSON text a worker receives, with the operator's pins for its
    addresses. The files are read strictly first (KnownHostsError before anything is sent)."""
    check_files(jobs)
    texts = []
    for job in jobs:
        file = operator_file(job)
        if file is None:
            texts.append(encode_job(job))
            continue
        # the worker must not resolve a default of its own: name the operator's file
        pinned = replace(job, params=job.params.model_copy(update={"known_hosts": file}))
        snapshot = KnownHosts(file).snapshot(identity.trust_addresses(job.params))
        texts.append(encode_job(pinned, snapshot, str(file)))
    return texts


def settle(job: Job, outcome: Outcome, pins: tuple[Pin, ...]) -> Outcome:
    """Make the worker's pin changes in the operator's file; a change the file refuses
    turns the host's result into a failure that says so (never silently dropped)."""
    file = operator_file(job)
    problems = []
    for pin in pins:
        if file is None or (pin.host.lower(), pin.port) not in {
            (h.lower(), p) for h, p in identity.trust_addresses(job.params)
        }:
            problems.append(f"{pin.host}:{pin.port}: a pin for an address not in this job")
            continue
        try:
            if pin.replaced:
                if not identity.rotate_pinned(pin.host, pin.port, pin.replaced, pin.keys, file):
                    problems.append(
                        f"{pin.host}:{pin.port}: rotated on the worker, but {file} no longer "
                        "holds the key it replaced; not pinned: check the key, pin it by hand"
                    )
            else:
                for key in pin.keys:
                    identity.judge_at(pin.host, pin.port, key, "accept-new", file)
        except ConnectError as exc:  # another key was pinned meanwhile, or it is revoked
            problems.append(compose("first contact on a worker", str(exc)))
        except OSError as exc:
            problems.append(f"known_hosts {file}: {exc.strerror}; the worker's pin is lost")
    if not problems:
        return outcome
    value = outcome.value
    if isinstance(value, DeviceState):
        value = Report(job.name, ok=False, outcome="failed-before-change")
    value.ok = False
    value.errors = [*value.errors, *problems]
    return replace(outcome, value=value)


class WorkerTrust:
    """On a worker: the operator's pins in a private file per operator file, the jobs
    pointed at it, and what the sessions changed there."""

    def __init__(self, shipped: list[Shipped]) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="ios-ssh-trust-")).resolve()  # mode 0700
        self.working: dict[str, Path] = {}  # operator's path -> the worker's copy
        self.pristine: dict[str, Path] = {}
        texts: dict[str, dict[str, None]] = {}
        for item in shipped:
            if item.label:
                lines = texts.setdefault(item.label, {})
                lines.update(dict.fromkeys(item.known_hosts.splitlines()))
        for number, (label, lines) in enumerate(texts.items()):
            text = "".join(f"{line}\n" for line in lines if line)
            for kind, table in (("known_hosts", self.working), ("shipped", self.pristine)):
                path = self.folder / f"{number}.{kind}"
                path.touch(mode=0o600)
                path.write_text(text)
                table[label] = path
            show_as(self.working[label], label)  # what every message names
        self.off = self.folder / "off.known_hosts"  # named by jobs that check nothing

    def job(self, item: Shipped) -> Job:
        """The job, its sessions judged against the worker's copy of the operator's pins."""
        file = self.working.get(item.label, self.off)
        params = item.job.params.model_copy(update={"known_hosts": file})
        return replace(item.job, params=params)

    def pins(self, job: Job) -> list[Pin]:
        """What this job's sessions changed in the worker's copy, per address."""
        label = self._label(job)
        if label is None:
            return []
        working, pristine = KnownHosts(self.working[label]), KnownHosts(self.pristine[label])
        out = []
        for host, port in dict.fromkeys(identity.trust_addresses(job.params)):
            before, after = pristine.lookup(host, port), working.lookup(host, port)
            if after and after != before:
                out.append(Pin(host, port, tuple(after), tuple(before)))
        return out

    def _label(self, job: Job) -> str | None:
        path = job.params.known_hosts_file
        return next((label for label, file in self.working.items() if file == path), None)

    def shown(self, text: str) -> str:
        """JSON text from this shard with the worker's copies named as the operator's files
        (what a report says is pinned where is true at the operator's)."""
        for label, path in self.working.items():
            text = text.replace(json.dumps(str(path))[1:-1], json.dumps(label)[1:-1])
        return text

    def close(self) -> None:
        for path in [*self.working.values(), *self.pristine.values(), self.off]:
            forget(path)
            show_as(path, None)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["WorkerTrust", "check_files", "operator_file", "settle", "ship"]
