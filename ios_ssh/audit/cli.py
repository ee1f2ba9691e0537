"""What `ios-ssh audit` does, apart from option parsing: returns the exit code.

0: every assessable rule passes on every router; 1: some rule fails (or a router or a file
could not be read; the others are audited and written all the same); 2: bad input, no
audit possible (unknown rule set, no files, an output that cannot be written, an invalid
intent, or not one file that is an IOS configuration).

Devices are written as they are audited: every output (`--json`, `--junit`, `--html`,
`--emit-intent`, the tables) takes one device at a time, so memory does not grow with the
fleet. Output files are opened before the first device is read (a path that cannot be
written is bad input, found up front) and put in place when the run ends.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from rich.console import Console

from ..errors import IntentError
from ..inert import inert as visible
from ..intent import SshIntent
from .fix import FixCollector
from .html import HtmlWriter
from .model import READ_RULE, Device, Finding, Rule
from .offline import InputError
from .output import JsonWriter, JunitWriter, TableWriter, Tally, Writer
from .rules import RuleSetError
from .run import audit_state, iter_paths, rule_sets, unreachable

BAD_INPUT = 2


class _Bad(Exception):
    pass


def run_audit(
    console: Console,
    *,
    paths: list[Path],
    rule_names: list[str],
    inventory: Path | None,
    intent_file: Path | None,
    hosts: list[str] | None,
    groups: list[str] | None,
    driver: str,
    workers: int,
    as_json: bool,
    junit: Path | None,
    html: Path | None,
    emit_intent: Path | None,
    nornir_config: Path | None = None,
) -> int:
    files: list[_OutputFile] = []
    try:
        rules, wants_intent = rule_sets(rule_names)
        intent = _intent(intent_file, wants_intent)
        if inventory is not None and nornir_config is not None:
            raise _Bad("--nornir-config and --inventory: give one of them, not both")
        online = inventory or nornir_config
        if paths and online is not None:
            raise _Bad("give saved configs or --inventory (--nornir-config), not both")
        if not paths and online is None:
            raise _Bad(
                "nothing to audit: give config files/directories, or --inventory "
                "(or --nornir-config)"
            )
        if driver not in ("netmiko", "scrapli"):
            raise _Bad(f"--driver: {driver!r} is not allowed; use netmiko or scrapli")
        where = "offline" if paths else "online"
        title = f"ios-ssh audit ({', '.join(rule_names)}, {where})"
        tally, table, fixes = Tally(), TableWriter(console), FixCollector(rules)
        writers: list[Writer] = [tally, fixes]
        if as_json:
            writers.append(JsonWriter(console.file))
        else:
            writers.append(table)
        for option, path, make in (
            ("--junit", junit, lambda out: JunitWriter(out)),
            ("--html", html, lambda out: HtmlWriter(out, title)),
            ("--emit-intent", emit_intent, None),
        ):
            if path is not None:
                files.append(_OutputFile(option, path))
                if make is not None:
                    writers.append(make(files[-1].stream))
        out = _Fanout(writers)
        if paths:
            for device in iter_paths(paths, rules, intent):
                if device.problem:
                    _say(device.problem, device.source)
                out.add(device)
        else:
            _online(
                console,
                inventory,
                hosts,
                groups,
                driver,
                workers,
                rules,
                intent,
                as_json,
                nornir_config,
            )(out.add)
    except (_Bad, RuleSetError, InputError) as exc:
        for file in files:
            file.discard()
        print(f"audit: {visible(str(exc))}", file=sys.stderr)
        return BAD_INPUT
    except BaseException:
        for file in files:
            file.discard()
        raise
    out.close()
    if not as_json:
        console.print(table.rules_table(title))
    code = 0
    for file in files:
        if file.option == "--emit-intent":
            try:
                file.stream.write(fixes.yaml())
            except IntentError as exc:
                file.discard()
                print(
                    f"audit: --emit-intent: the fixes do not make a valid intent: {visible(str(exc))}",
                    file=sys.stderr,
                )
                code = BAD_INPUT
                continue
        file.commit()
        if file.option == "--emit-intent" and not as_json:
            console.print(
                f"fixing intent written to {visible(str(file.path))}", markup=False, highlight=False
            )
    if code:
        return code
    if paths and tally.audited == 0:
        print("audit: not one file is an IOS configuration that could be read", file=sys.stderr)
        return BAD_INPUT
    return 1 if tally.failed else 0


def _say(problem: str, source: str) -> None:
    """One line on stderr for a file without verdicts: its path and the reason."""
    text = problem if problem.startswith(source) else f"{source}: {problem}; not scored"
    print(f"audit: {visible(text)}", file=sys.stderr)


class _Fanout:
    """Hands each device to every writer; safe to call from the threads of an online run."""

    def __init__(self, writers: list[Writer]) -> None:
        self.writers = writers
        self.lock = threading.Lock()

    def add(self, device: Device) -> None:
        with self.lock:
            for writer in self.writers:
                writer.add(device)

    def close(self) -> None:
        for writer in self.writers:
            writer.close()


class _OutputFile:
    """An output file written in place only when the run ends: a temporary file beside
    it is opened now (so a missing directory or a read-only one is found before anything
    is read) and renamed over it at `commit`."""

    def __init__(self, option: str, path: Path) -> None:
        self.option, self.path = option, path
        try:
            fd, self.temp = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".part", dir=path.parent or Path(".")
            )
        except OSError as exc:
            raise _Bad(f"{option} {path}: cannot write there ({exc.strerror or exc})") from None
        self.stream: IO[str] = os.fdopen(fd, "w", encoding="utf-8")

    def commit(self) -> None:
        self.stream.close()
        os.chmod(self.temp, 0o666 & ~_umask())  # as open() would have made it
        os.replace(self.temp, self.path)

    def discard(self) -> None:
        self.stream.close()
        Path(self.temp).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _intent(path: Path | None, wanted: bool) -> SshIntent | None:
    if path is None:
        if wanted:
            raise _Bad("--rules intent needs --intent FILE")
        return None
    try:
        return SshIntent.from_yaml(path)
    except FileNotFoundError:
        raise _Bad(f"intent: {path}: no such file") from None
    except IntentError as exc:
        raise _Bad(f"{path}: {exc}") from None


def _online(
    console: Console,
    inventory: Path | None,
    hosts: list[str] | None,
    groups: list[str] | None,
    driver: str,
    workers: int,
    rules: list[Rule],
    intent: SshIntent | None,
    quiet: bool,
    nornir_config: Path | None = None,
) -> Callable[[Callable[[Device], None]], None]:
    """Check the inventory now; the returned function reads each router the way
    `ios-ssh state` does (read-only) and hands it to `emit` audited as its read ends: its
    state is dropped once its findings are written."""
    from ..cli.runs import _progress, _ProgressProcessor
    from ..inventory import InventoryError, filter_hosts, load_inventory, load_nornir_config
    from ..nornir import read_ssh_state

    try:
        if nornir_config is not None:  # any inventory plugin, through Nornir's own file
            loaded = load_nornir_config(nornir_config, workers)
        else:
            assert inventory is not None
            loaded = load_inventory(inventory, workers)
        nornir = filter_hosts(loaded, hosts, groups)
    except InventoryError as exc:
        raise _Bad(f"inventory: {exc}") from None
    if not nornir.inventory.hosts:
        raise _Bad("inventory: no host matches --host/--group")

    def run(emit: Callable[[Device], None]) -> None:
        with _progress(console, quiet) as progress:
            task_id = progress.add_task("reading", total=len(nornir.inventory.hosts))
            audit = _AuditAsRead(rules, intent, emit)
            processors = [_ProgressProcessor(progress, task_id), audit]
            try:
                nornir.with_processors(processors).run(
                    task=read_ssh_state, on_failed=True, driver=driver
                )
            finally:  # give the routers their vty lines back now, not at garbage collection
                nornir.close_connections(on_good=True, on_failed=True)

    return run


class _AuditAsRead:
    """Nornir processor: audits a router the moment its read ends, from its thread."""

    def __init__(
        self, rules: list[Rule], intent: SshIntent | None, emit: Callable[[Device], None]
    ) -> None:
        self.rules, self.intent, self.emit = rules, intent, emit

    def task_started(self, task: Any) -> None: ...
    def task_completed(self, task: Any, result: Any) -> None: ...
    def task_instance_started(self, task: Any, host: Any) -> None: ...
    def subtask_instance_started(self, task: Any, host: Any) -> None: ...
    def subtask_instance_completed(self, task: Any, host: Any, result: Any) -> None: ...

    def task_instance_completed(self, task: Any, host: Any, result: Any) -> None:
        from ..cli.runs import HostFailure, report_of
        from ..nornir.host import intent_for_host

        first = result[0]
        try:
            if first.exception is not None:
                error = report_of(HostFailure(first.exception, 0.0), host.name).errors[0]
                findings = unreachable(error)
            else:
                # The host's own intent (its ssh_intent data merged in), as apply and verify
                # see it.
                wanted = intent_for_host(host, self.intent) if self.intent is not None else None
                findings = audit_state(first.result, self.rules, wanted)
        except Exception as exc:  # noqa: BLE001 - one router's surprise must not stop the others
            cause = f"the audit failed on this router ({type(exc).__name__}); please report it"
            findings = [Finding(*READ_RULE, "fail", (cause,))]
        first.result = None  # the state (every output read) is not needed any more
        self.emit(Device(host.name, findings))
