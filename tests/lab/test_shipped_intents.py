"""Every shipped intent on every image family (issue 22, item 5): apply converges, its own
verify is green, and a second apply plans nothing. An intent whose settings an image cannot
take is refused there with nothing sent, naming the image.

The routers have async lines (the console-server and full intents configure tty 1-3 and
reverse SSH), each on reverse ports of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import ios_ssh
from ios_ssh import SshIntent
from ios_ssh.demo import free_reverse_offset
from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device, lab_address
from ios_ssh.lab.images import FAMILIES

from .devices import lab_device

pytestmark = pytest.mark.timeout(300)
SECRETS = {"IOS_NETOPS_SECRET": "N3tops-Secret!"}
# (intent, family) pairs refused by design: full.yaml sets ip ssh dh min size, the
# pubkey-chain and stricthostkeycheck, which 12.2(33)SXH does not have (capabilities).
REFUSED = {("full", "ios12.2sx"): "12.2(33)SXH8b"}


@pytest.fixture
def lab() -> Iterator[Lab]:
    lab = Lab()
    try:
        for index, family in enumerate(FAMILIES, start=1):
            device = baseline_device(
                family, image=family, async_lines=8, address=lab_address(index)
            )
            lab.add(device, name=family, reverse_offset=free_reverse_offset())
        yield lab
    finally:
        lab.close()


@pytest.mark.parametrize("name", ios_ssh.intents.names())
def test_a_shipped_intent_converges_verifies_and_then_plans_nothing_on_every_family(
    lab: Lab, name: str
) -> None:
    intent = SshIntent.from_yaml(ios_ssh.intents.path(name))
    for family in FAMILIES:
        device = lab_device(lab, family, reverse_port_offset=lab.routers[family].reverse_offset)
        # 12.2SX has no revert timer (capabilities: revert_timer): applied unprotected
        unprotected = family == "ios12.2sx"
        before = lab.routers[family].device.running_body()
        report = ios_ssh.apply(device, intent, secrets=SECRETS, allow_unprotected=unprotected)
        where = f"{name} on {family}"
        if (name, family) in REFUSED:
            assert report.outcome == "refused" and not report.changed, (where, report.text())
            assert all(REFUSED[name, family] in line for line in report.refusals), report.refusals
            assert lab.routers[family].device.running_body() == before, where
            continue
        assert report.ok and report.outcome == "converged", (where, report.text())
        check = ios_ssh.verify(device, intent, secrets=SECRETS)
        assert check.ok, (where, check.text())
        again = ios_ssh.apply(device, intent, secrets=SECRETS, allow_unprotected=unprotected)
        assert again.ok and again.outcome == "unchanged" and not again.changed, (
            where,
            again.text(),
        )
