"""The chaos fleet (issue 14): 200 routers of mixed images, 10 % with seeded faults of every
kind the lab offers, `ios-ssh apply hardening.yaml --json` over all of them. Every host
ends in a terminal outcome within a bound computed from the timeouts; each faulty router's
running-config after the revert window is what it was before (or holds the confirmed
change, when the fault came after it); healthy hosts are green; each error is one line
under 200 characters naming the cause; stderr holds no traceback; the exit code is 1.
What is built and checked is in chaos_fleet.py (benchmarks/chaos.py runs bigger fleets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import chaos_fleet

ROUTERS = 200
WORKERS = 20
SEED = 14

pytestmark = pytest.mark.timeout(int(chaos_fleet.bound(ROUTERS, WORKERS)) + 300)


# the Nornir path over netmiko and over scrapli (whose 2.5 s read once turned each hang into
# "the session dropped"), and the CLI's default engine (asyncssh, one process)
@pytest.mark.parametrize("driver", ["netmiko", "scrapli", "async"])
def test_a_chaos_fleet_ends_in_true_outcomes(tmp_path: Path, driver: str) -> None:
    fleet = chaos_fleet.start(ROUTERS, SEED, tmp_path)
    try:
        kinds = {next(iter(chaos_fleet.SCENARIOS_BY_NAME[s][1])) for s in fleet.faults.values()}
        assert kinds == set(chaos_fleet.lab_faults.KINDS)  # every kind the lab offers
        assert len(fleet.faults) == round(ROUTERS * chaos_fleet.FAULT_RATE)
        run = chaos_fleet.apply(fleet, WORKERS, driver)
        chaos_fleet.wait_for_revert_window(fleet, run)
        problems = chaos_fleet.problems(fleet, run)
        assert not problems, "\n".join(problems[:40])
    finally:
        fleet.lab.close()
