"""The operator's process unpickles nothing while it talks to a Dask cluster.

Dask's wire protocol carries pickles, and its client unpickles some of them whatever
`Client(deserializers=...)` says: a `__Pickled__` frame is loaded unconditionally
(distributed.protocol.core.loads), and so are the warnings, result types and errors the
scheduler forwards. Whoever reaches the scheduler can therefore have an object of their
making loaded in the operator's process: put a `Pickled` wrapper on the run's queue, and
the scheduler hands the inner pickle on as a `__Pickled__` frame (shown by
tests/e2e/test_dask_boundary.py).

Python's audit hook `pickle.find_class` is raised by every unpickler (C and Python, the
stdlib's and cloudpickle's) before it resolves any global: a class, a function, a
constructor. Nothing that runs code can be unpickled without one. While `refusing()`
lasts, a hook refuses every such lookup in this thread, in the tasks and callbacks its
event loop runs, and in Dask's offload thread (which runs with the caller's context):
pure data (str, int, list, dict) still loads, any object is refused. ios_ssh's own
results are JSON text (engine.wire), so a legitimate run needs no unpickling at all.

The hook is installed once per process (audit hooks cannot be removed) and costs one
comparison per audited event elsewhere.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
from collections.abc import Iterator

from ..errors import IosSshError


class PickleRefused(IosSshError):
    """An object arrived where only plain data may: it was not loaded."""


_REFUSING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ios_ssh_refusing_pickle", default=False
)
_THREADS: set[int] = set()
_GUARD = threading.Lock()
_installed = False


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event != "pickle.find_class":
        return
    if _REFUSING.get() or threading.get_ident() in _THREADS:
        module, name = (str(a)[:80] for a in args[:2])
        raise PickleRefused(
            f"refused to unpickle {module}.{name}: only plain data is accepted from Dask"
        )


def _install() -> None:
    global _installed
    with _GUARD:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True


@contextlib.contextmanager
def refusing() -> Iterator[None]:
    """In this thread (and the tasks it starts), no pickle may resolve a global."""
    _install()
    ident = threading.get_ident()
    token = _REFUSING.set(True)
    with _GUARD:
        nested = ident in _THREADS
        _THREADS.add(ident)
    try:
        yield
    finally:
        _REFUSING.reset(token)
        if not nested:
            with _GUARD:
                _THREADS.discard(ident)
