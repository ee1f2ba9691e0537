"""Evaluate rules over Facts; the `intent` rule set reuses verify's own checks (pure)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from ..checks import state_checks
from ..intent import SshIntent
from ..state import DeviceState, KeyInfo
from .checks import CHECKS
from .facts import SHOW_IP_SSH, SHOW_RSA_KEYS, Facts
from .mask import mask, may_hold
from .model import Finding, Outcome, Rule

INTENT_SEVERITY = "medium"


def evaluate(facts: Facts, rules: Iterable[Rule]) -> list[Finding]:
    findings = []
    for rule in rules:
        outcome = _bound(rule)(facts)
        findings.append(
            Finding(
                rule.id, rule.title, rule.severity, outcome.status, outcome.evidence, outcome.blocks
            )
        )
    return masked(findings)


# id(rule) -> (the rule, its check with its params bound); rules live as long as the
# process (load_rule_set caches them), and the entry keeps its rule alive.
_BOUND: dict[int, tuple[Rule, Callable[[Facts], Outcome]]] = {}


def _bound(rule: Rule) -> Callable[[Facts], Outcome]:
    entry = _BOUND.get(id(rule))
    if entry is None or entry[0] is not rule:
        entry = _BOUND[id(rule)] = (rule, partial(CHECKS[rule.check], **rule.params))
    return entry[1]


def masked(findings: list[Finding]) -> list[Finding]:
    """The checks mask what they quote; this is the net under them: no evidence line leaves
    with a credential value in it, whichever check wrote it."""
    for finding in findings:
        if any(map(may_hold, finding.evidence)):
            finding.evidence = tuple(map(mask, finding.evidence))
    return findings


def state_from_facts(facts: Facts) -> DeviceState:
    """A DeviceState from whatever was captured: fields whose command is missing get
    neutral values, and `intent_findings` reports their checks as not-assessable."""
    config = facts.config
    assert config is not None
    ssh = facts.ip_ssh or {}
    keys = [
        KeyInfo(k["key_name"], int(k["modulus"] or 0), k["usage"], k["md5"], k["sha256"])
        for k in facts.rsa_keys or []
    ]
    return DeviceState(
        hostname=config["hostname"],
        domain=config["domain_name"],
        ssh_enabled=ssh.get("status") == "enabled",
        ssh_version=str(ssh.get("version", "")),
        timeout=int(ssh.get("timeout") or 120),
        retries=int(ssh.get("retries") or 3),
        dh_min_size=int(ssh["min_dh_size"]) if ssh.get("min_dh_size") else None,
        ssh_key_name=str(ssh.get("rsa_key_name", "")),
        ssh_key_modulus=int(ssh["rsa_modulus"]) if ssh.get("rsa_modulus") else None,
        ssh_key_md5=str(ssh.get("rsa_key_md5", "")),
        ssh_key_sha256=str(ssh.get("rsa_key_sha256", "")),
        keys=keys,
        config=config,
        lines=[],
        users_online=[],
    )


def intent_findings(
    state: DeviceState, intent: SshIntent, captured: frozenset[str] | None = None
) -> list[Finding]:
    """verify's checks (`checks.state_checks`, no probes) as findings. `captured`: the
    commands the state was built from (None: all of them, as from a router)."""
    findings = []
    for check in state_checks(state, intent):
        source = check.evidence.split(":", 1)[0]
        missing = (
            captured is not None
            and source.startswith("show ")
            and not any(
                source.startswith(command) or command.startswith(source) for command in captured
            )
        )
        evidence = (check.evidence, f"expected {check.expected}, found {check.found}")
        if missing:
            status = "not-assessable"
            evidence = (f"needs `{source}`, which the input does not have",)
        else:
            status = "pass" if check.ok else "fail"
        findings.append(
            Finding(f"intent: {check.name}", check.name, INTENT_SEVERITY, status, evidence)
        )
    return findings


def captured_commands(facts: Facts) -> frozenset[str]:
    got = {"running-config"} if facts.config is not None else set()
    if facts.ip_ssh is not None:
        got.add(SHOW_IP_SSH)
    if facts.rsa_keys is not None:
        got.add(SHOW_RSA_KEYS)
    return frozenset(got)
