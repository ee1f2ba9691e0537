"""The read-plan-apply-confirm-verify logic, once, free of I/O.

Each flow is a generator: it yields a request (`protocol`: an Exchange on a session, Open,
Close, Protect, Call, Gather) and is sent the result, or has the runner's exception thrown
in. Runners (`ios_ssh.engine`) do the I/O: sync over netmiko/scrapli for the API and
Nornir, async over asyncssh for fleets.
"""

from __future__ import annotations

from .apply import apply
from .read import read_state
from .verify import verify

__all__ = ["apply", "read_state", "verify"]
