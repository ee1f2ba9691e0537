"""Past one machine: shards of the inventory run by the async engine on Dask workers.

Each shard is one Dask task; its worker runs the shard (engine.shard) and sends each host's
result back through a Dask Queue as it finishes (the progress bar moves per host). A
worker that dies takes only its unfinished hosts with it: each of those gets a terminal
Report saying so. Dask would re-run the task elsewhere; a Dask Variable marks each shard
as started, so a re-run refuses instead of applying a second time without the plan
saying so (the next `ios-ssh apply` plans from what the routers then hold).

The boundary (README, "Dask: who can do what"):
- Secret values cross only a `tls://` connection with mutual TLS (`Security`): a run over
  `tcp://` whose jobs carry one is refused before anything is sent (`check_boundary`).
  With `credentials="worker-env"` no job carries one: the worker reads each from its own
  environment, by the name the job carries.
- Jobs and results are JSON text (engine.wire); results are checked field by field on
  receipt. The operator's Dask client runs in this thread with pickle refused
  (engine.no_pickle): what anyone else puts on the run's queue is data or nothing.
- The run's queue, variables and tasks are removed from the scheduler when it ends,
  however it ends (an exception, ^C).
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import IosSshError
from ..message import first_fitting
from ..session.failures import one_line
from .jobs import HOST_TIMEOUT, Job, Outcome, lost_host, shards
from .no_pickle import PickleRefused, refusing
from .shard import run_shard
from .trust import settle, ship
from .wire import End, WireError, decode, encode_end, secrets_in

STARTED = "started"
Credentials = Literal["operator", "worker-env"]
CONNECT_TIMEOUT = 30.0  # s
log = logging.getLogger("ios_ssh")


class DaskBoundaryError(IosSshError, ValueError):
    """A Dask run refused before anything was sent, or a scheduler that could not be
    reached: one line naming the fix."""


def _scheme(address: str) -> str:
    return address.split("://", 1)[0].lower() if "://" in address else "tcp"


def tls_security(ca_file: str | None, cert: str | None, key: str | None) -> Any:
    """Dask's Security for mutual TLS from three files (the operator's client role);
    DaskBoundaryError naming a missing or unreadable one."""
    given = {"--dask-tls-ca-file": ca_file, "--dask-tls-cert": cert, "--dask-tls-key": key}
    missing = [option for option, value in given.items() if not value]
    if missing:
        raise DaskBoundaryError(
            f"{', '.join(missing)}: mutual TLS needs all three: the cluster's CA, this "
            "client's certificate and its key"
        )
    for option, value in given.items():
        if not os.access(str(value), os.R_OK):
            raise DaskBoundaryError(f"{option}: {value}: not a readable file")
    from distributed.security import Security

    return Security(
        require_encryption=True, tls_ca_file=ca_file, tls_client_cert=cert, tls_client_key=key
    )


def check_boundary(
    jobs: list[Job], scheduler: str, security: Any | None, credentials: Credentials
) -> Any | None:
    """Before anything is sent: the Security to connect with (None over tcp://), or
    DaskBoundaryError. Secret values go only over tls:// with mutual TLS; worker-env
    jobs carry none."""
    scheme = _scheme(scheduler)
    if credentials not in ("operator", "worker-env"):
        raise DaskBoundaryError(
            f"dask credentials: {credentials!r} is not allowed; use operator or worker-env"
        )
    carried = [(job.name, field) for job in jobs for field in secrets_in(job)]
    if credentials == "worker-env" and carried:
        name, field = carried[0]
        raise DaskBoundaryError(
            first_fitting(
                f"host {name}: {field} has a value, and --dask-credentials worker-env sends "
                "none: give its variable's name (password_env, secret_env) instead",
                f"host {name}: {field} has a value; worker-env sends none: name its variable",
            )
        )
    if scheme != "tls":
        if security is not None and getattr(security, "tls_ca_file", None):
            raise DaskBoundaryError(
                f"--dask-scheduler {_short(scheduler)}: TLS settings are given for a "
                f"{scheme}:// address; use tls://"
            )
        if carried:
            name, field = carried[0]
            raise DaskBoundaryError(
                first_fitting(
                    f"--dask-scheduler {_short(scheduler)}: {scheme}:// is not encrypted and "
                    f"host {name} would send its {field}: nothing was sent; use tls:// with "
                    "--dask-tls-ca-file/-cert/-key, or --dask-credentials worker-env",
                    f"{scheme}:// is not encrypted and host {name} would send its {field}; "
                    "nothing sent: use tls:// (--dask-tls-*) or --dask-credentials worker-env",
                )
            )
        return None
    if security is None:
        from distributed.security import Security

        security = Security()  # Dask's own configuration (distributed.comm.tls.*), if any
    if not (getattr(security, "tls_ca_file", None) and getattr(security, "tls_client_cert", None)):
        raise DaskBoundaryError(
            f"--dask-scheduler {_short(scheduler)}: tls:// needs mutual TLS: give "
            "--dask-tls-ca-file, --dask-tls-cert and --dask-tls-key (dask_security=)"
        )
    security.require_encryption = True
    return security


def _short(address: str) -> str:
    return address if len(address) <= 60 else address[:57] + "..."


def _run_shard(
    texts: list[str], run: str, index: int, concurrency: int, host_timeout: float
) -> None:
    """On a worker: the shard, once. Each host's result goes to the run's Queue as JSON
    text, then the shard's end; nothing is returned (a result object would be pickled)."""
    from distributed import Queue, Variable

    mark = Variable(f"ios-ssh-{run}-{index}")
    results: Queue = Queue(f"ios-ssh-{run}")
    try:
        try:
            mark.get(timeout=0)
            results.put(encode_end(index, "rerun-refused"))  # a worker that died ran it
            return
        except TimeoutError:
            mark.set(STARTED)
        # The engine's event loop runs in this thread; another one talks to the scheduler.
        run_shard(texts, concurrency, host_timeout, results.put)
        results.put(encode_end(index, "done"))
    except Exception as exc:  # noqa: BLE001 - said to the operator, one line
        results.put(encode_end(index, "error", one_line(exc)[:400]))
    finally:
        results.close()


def run_on_dask(
    jobs: list[Job],
    scheduler: str,
    *,
    concurrency: int = 100,
    host_timeout: float = HOST_TIMEOUT,
    shard_count: int | None = None,
    on_done: Callable[[str, Outcome], None] | None = None,
    security: Any | None = None,
    credentials: Credentials = "operator",
) -> dict[str, Outcome]:
    """Run `jobs` on the Dask cluster at `scheduler`: {host: Outcome} for every job, in
    the jobs' order. Shards: one per worker thread unless given. `security` is Dask's
    `Security` (mutual TLS, for tls://). DaskBoundaryError before anything is sent when
    the run would cross the boundary unsafely, or the scheduler cannot be reached."""
    security = check_boundary(jobs, scheduler, security, credentials)
    texts = ship(jobs)  # the known_hosts files read strictly: errors before any connection
    run = Run(jobs, texts, scheduler, security, concurrency, host_timeout, shard_count, on_done)
    with refusing():  # this thread, its loop's tasks: no pickle resolves a global
        return asyncio.run(run.main())


@dataclass
class Run:
    """One run on the cluster, as the operator's (asynchronous) client sees it."""

    jobs: list[Job]
    texts: list[str]  # each job as its worker receives it (wire.encode_job)
    scheduler: str
    security: Any | None
    concurrency: int
    host_timeout: float
    shard_count: int | None
    on_done: Callable[[str, Outcome], None] | None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    results: dict[str, Outcome] = field(default_factory=dict)
    refused: int = 0  # queue items that were not results of this run
    inbox: Any = None

    def __post_init__(self) -> None:
        self.name = f"ios-ssh-{self.id}"
        self.by_name = {job.name: job for job in self.jobs}

    async def main(self) -> dict[str, Outcome]:
        from distributed import Client

        try:
            client = await Client(
                self.scheduler,
                asynchronous=True,
                security=self.security,
                timeout=CONNECT_TIMEOUT,
                set_as_default=False,
                deserializers=("msgpack",),  # the queue's items are text; objects refused
            )
        except (OSError, TimeoutError, ValueError, TypeError) as exc:  # TLS set-up included
            raise DaskBoundaryError(_unreachable(self.scheduler, exc)) from None
        futures: list[Any] = []
        parts: list[list[Job]] = []
        try:
            parts = await self._shards(client)
            futures = await self._operate(client, parts, futures)
        finally:
            await self._clean(client, futures, len(parts))
        if self.refused:
            log.warning(
                "%d item(s) on the run's Dask queue were not results of its workers and "
                "were refused: something else reached the scheduler",
                self.refused,
            )
        return {job.name: self.results[job.name] for job in self.jobs}

    async def _shards(self, client: Any) -> list[list[Job]]:
        threads: dict[str, int] = await client.nthreads()  # every worker: its address
        if _scheme(self.scheduler) == "tls":
            plain = [a for a in threads if _scheme(a) != "tls"]
            if plain:  # a job sent there would cross in clear
                raise DaskBoundaryError(f"Dask worker {_short(plain[0])} does not use TLS")
        return shards(self.jobs, self.shard_count or max(1, sum(threads.values())))

    def _record(self, name: str, outcome: Outcome) -> None:
        if name in self.by_name and name not in self.results:
            self.results[name] = outcome
            if self.on_done is not None:
                self.on_done(name, outcome)

    def _take(self, item: object, parts: list[list[Job]], ended: dict[int, str]) -> None:
        """One queue item: a host's result, or a shard's end; anything else is refused."""
        try:
            message = decode(item)
        except WireError as exc:
            self.refused += 1
            log.info("Dask queue item refused: %s", exc)
            return
        if isinstance(message, End):
            if message.shard < len(parts) and message.shard not in ended:
                if message.how == "rerun-refused":
                    ended[message.shard] = worker_died(rerun_refused=True)
                elif message.how == "error":
                    ended[message.shard] = f"its Dask task failed: {message.why}"[:120]
                else:
                    ended[message.shard] = "its Dask worker ended"
                self._lose(parts[message.shard], ended[message.shard])
            return
        job = self.by_name.get(message.name)
        if job is None or message.name in self.results:
            self.refused += 1
            return
        self._record(message.name, settle(job, message.outcome, message.pins))

    def _lose(self, part: list[Job], why: str) -> None:
        for job in part:
            if job.name not in self.results:
                self._record(job.name, lost_host(job, why))

    async def _get(self, inbox: Any, timeout: float) -> object | None:
        """The next queue item, None after `timeout` s; an item that would have to be
        unpickled (or deserialized as anything but plain data) counts as refused."""
        try:
            return await inbox.get(timeout=timeout)
        except TimeoutError:
            return None
        except (PickleRefused, TypeError, ValueError) as exc:
            self.refused += 1
            log.info("Dask queue item refused: %s", one_line(exc))
            return _REFUSED

    async def _operate(self, client: Any, parts: list[list[Job]], futures: list[Any]) -> list[Any]:
        from distributed import Queue

        inbox = self.inbox = await Queue(self.name, client=client)
        text_of = dict(zip((id(job) for job in self.jobs), self.texts, strict=True))
        for index, part in enumerate(parts):
            futures.append(
                client.submit(
                    _run_shard,
                    [text_of[id(job)] for job in part],
                    self.id,
                    index,
                    self.concurrency,
                    self.host_timeout,
                    pure=False,
                    key=f"{self.name}-{index}",
                )
            )
        ended: dict[int, str] = {}
        try:
            await self._receive(inbox, futures, parts, ended)
        except OSError as exc:  # the scheduler went away: every host still out is lost
            why = f"the connection to the Dask scheduler was lost ({type(exc).__name__})"
            for part in parts:
                self._lose(part, why)
        return futures

    async def _receive(
        self, inbox: Any, futures: list[Any], parts: list[list[Job]], ended: dict[int, str]
    ) -> None:
        """Until every host has a result: the queue's items as they come; a shard whose
        task ended without saying so (its worker died) loses its unfinished hosts."""
        while len(self.results) < len(self.jobs):
            item = await self._get(inbox, 0.5)
            if item is not None:
                if item is not _REFUSED:
                    self._take(item, parts, ended)
                continue
            for index, future in enumerate(futures):
                if index in ended or not future.done():
                    continue
                while (item := await self._get(inbox, 0.2)) is not None:  # what it sent
                    if item is not _REFUSED:
                        self._take(item, parts, ended)
                if index not in ended:
                    ended[index] = worker_died(status=future.status)
                    self._lose(parts[index], ended[index])

    async def _clean(self, client: Any, futures: list[Any], shard_count: int) -> None:
        """Remove the run from the scheduler: its tasks, its variables, its queue (also
        what a dead worker left), then close the client. Never raises."""
        from distributed import Variable

        try:
            if futures:
                await client.cancel(futures, force=True)
            for index in range(shard_count):
                Variable(f"{self.name}-{index}", client=client).delete()
            if self.inbox is not None:
                self.inbox.close()  # our own handle
            await asyncio.wait_for(client.run_on_scheduler(_forget_run, self.name), 10)
        except Exception as exc:  # noqa: BLE001 - the run's own outcome matters more
            log.warning("Dask run %s: not every trace was removed: %s", self.id, one_line(exc))
        finally:
            try:
                await asyncio.wait_for(client.close(), 10)
            except Exception as exc:  # noqa: BLE001
                log.info("Dask client close: %s", one_line(exc))


_REFUSED = object()


def _forget_run(prefix: str, dask_scheduler: Any = None) -> int:
    """On the scheduler: drop the queue and variables a run left (a worker that died
    holds its queue handle forever); how many names were dropped."""
    dropped = 0
    queues = dask_scheduler.extensions.get("queues")
    if queues is not None:
        for name in [n for n in queues.queues if n.startswith(prefix)]:
            queues.queues.pop(name, None)
            queues.client_refcount.pop(name, None)
            dropped += 1
    variables = dask_scheduler.extensions.get("variables")
    if variables is not None:
        for name in [n for n in variables.variables if n.startswith(prefix)]:
            variables.variables.pop(name, None)
            variables.waiting_conditions.pop(name, None)
            dropped += 1
    return dropped


def worker_died(
    error: BaseException | None = None, *, rerun_refused: bool = False, status: str = ""
) -> str:
    """Why a shard's hosts have no result, short: Dask's own error text (KilledWorker's
    runs to a paragraph) is left to the Dask logs."""
    if rerun_refused:
        return "its Dask worker died (Dask's re-run was refused: no second apply)"
    if error is not None:
        return f"its Dask worker died ({type(error).__name__})"
    return f"its Dask worker died (task {status})" if status else "its Dask worker died"


def _unreachable(scheduler: str, exc: BaseException) -> str:
    cause = one_line(exc) if str(exc) else type(exc).__name__
    return first_fitting(
        f"Dask scheduler {_short(scheduler)}: no connection within {CONNECT_TIMEOUT:g} s "
        f"({cause[:80]}); check the address and, for tls://, the certificates",
        f"Dask scheduler {_short(scheduler)}: no connection; check the address and certificates",
    )
