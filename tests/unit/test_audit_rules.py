"""Every CIS and STIG rule: a passing fixture and a failing one (pure, no device).

The passing fixture is `fixtures/audit/compliant.log` (a running-config and a `show ip ssh`
capture that meet every rule). Each rule's failing fixture is that text with the edits in
FAILS: one setting broken, so the test also shows which setting the rule reads.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ios_ssh.audit import Facts, evaluate, facts_from_outputs, load_rule_set
from ios_ssh.audit.offline import split_outputs

COMPLIANT = (Path(__file__).parent / "fixtures/audit/compliant.log").read_text()
RULES = {rule.id: rule for name in ("cis", "stig") for rule in load_rule_set(name)}

# rule id -> [(text in the passing fixture, what it becomes in the failing one)]
FAILS: dict[str, list[tuple[str, str]]] = {
    "CIS 1.1.1": [("aaa new-model\n", "no aaa new-model\n")],
    "CIS 1.1.2": [("aaa authentication login default group tacacs+ local\n", "")],
    "CIS 1.1.3": [("aaa authentication enable default group tacacs+ enable\n", "")],
    "CIS 1.1.4": [
        (
            "line vty 2 4\n access-class MGMT in\n exec-timeout 5 0\n login authentication default\n",
            "line vty 2 4\n access-class MGMT in\n exec-timeout 5 0\n login authentication NOLIST\n",
        )
    ],
    "CIS-15 1.1.4": [
        (
            "line con 0\n exec-timeout 5 0\n login authentication default\n",
            "line con 0\n exec-timeout 5 0\n login authentication MISSING\n",
        )
    ],
    "CIS-15 1.1.5": [
        (
            "line 2 3\n exec-timeout 5 0\n login authentication default\n",
            "line 2 3\n exec-timeout 5 0\n login authentication MISSING\n",
        )
    ],
    "CIS 1.1.6": [("aaa accounting commands 15 default start-stop group tacacs+\n", "")],
    "CIS 1.1.7": [("aaa accounting connection default start-stop group tacacs+\n", "")],
    "CIS 1.1.8": [("aaa accounting exec default start-stop group tacacs+\n", "")],
    "CIS 1.1.9": [("aaa accounting network default start-stop group tacacs+\n", "")],
    "CIS 1.1.10": [("aaa accounting system default start-stop group tacacs+\n", "")],
    "CIS 1.2.1": [("username breakglass privilege 1 ", "username breakglass privilege 15 ")],
    "CIS 1.2.2": [
        (
            " login authentication default\n transport input ssh\n",
            " login authentication default\n transport input telnet ssh\n",
        )
    ],
    "CIS 1.2.3": [(" exec-timeout 5 0\n no exec\n", " exec-timeout 5 0\n")],
    "CIS 1.2.4": [
        (
            "ip access-list standard MGMT\n 10 permit 198.51.100.0 0.0.0.255\n 20 deny   any log\n",
            "",
        )
    ],
    "CIS 1.2.5": [("line vty 0 1\n access-class MGMT in\n", "line vty 0 1\n")],
    "CIS 1.2.6": [("line aux 0\n exec-timeout 5 0\n", "line aux 0\n exec-timeout 0 0\n")],
    "CIS 1.2.7": [("line con 0\n exec-timeout 5 0\n", "line con 0\n exec-timeout 30 0\n")],
    "CIS-15 1.2.8": [("line 2 3\n exec-timeout 5 0\n", "line 2 3\n exec-timeout 11 0\n")],
    "CIS 1.2.8": [
        (
            "line vty 0 1\n access-class MGMT in\n exec-timeout 5 0\n",
            "line vty 0 1\n access-class MGMT in\n exec-timeout 0 0\n",
        )
    ],
    "CIS 1.2.9": [(" no exec\n transport input none\n", " no exec\n transport input ssh\n")],
    "CIS 1.3.1": [("banner exec ^C\nActivity on this device is logged.\n^C\n", "")],
    "CIS 1.3.2": [
        (
            "banner login ^C\nYou are accessing a U.S. Government (USG) Information System (IS) that is\nprovided for USG-authorized use only.\n^C\n",
            "",
        )
    ],
    "CIS 1.3.3": [("banner motd ^CMaintenance on Sundays^C\n", "banner motd ^C^C\n")],
    "CIS 1.4.1": [
        (
            "enable secret 9 $9$abcdefghijklmn$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq\n",
            "enable password 7 0822455D0A16\n",
        )
    ],
    "CIS 1.4.2": [("service password-encryption\n", "no service password-encryption\n")],
    "CIS 1.4.3": [
        (
            "username breakglass privilege 1 secret 9 $9$abcdefghijklmn$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
            "username breakglass privilege 1 password 7 0822455D0A16",
        )
    ],
    "CIS 1.6.1": [("login block-for 900 attempts 3 within 120\n", "")],
    "CIS 2.1.1.1.1": [("hostname gw\n", "hostname Router\n")],
    "CIS 2.1.1.1.2": [("ip domain name corp.example.net\n", "")],
    "CIS 2.1.1.1.3": [("Modulus Size : 2048 bits", "Modulus Size : 1024 bits")],
    "CIS 2.1.1.1.4": [("Authentication timeout: 60 secs", "Authentication timeout: 120 secs")],
    "CIS 2.1.1.1.5": [("Authentication retries: 3", "Authentication retries: 5")],
    "CIS 2.1.1.2": [("SSH Enabled - version 2.0", "SSH Enabled - version 1.99")],
    "CIS 2.2.8": [("login on-success log\n", "")],
    "CISC-ND-000010": [
        (
            "line vty 2 4\n access-class MGMT in\n exec-timeout 5 0\n login authentication default\n transport input none\n",
            "line vty 2 4\n access-class MGMT in\n exec-timeout 5 0\n login authentication default\n transport input ssh\n",
        )
    ],
    "CISC-ND-000140": [(" 20 deny   any log\n", " 20 permit any\n")],
    "CISC-ND-000150": [
        ("login block-for 900 attempts 3 within 120", "login block-for 60 attempts 5 within 120")
    ],
    "CISC-ND-000160": [
        (
            "You are accessing a U.S. Government (USG) Information System (IS) that is\n",
            "Private system.\n",
        )
    ],
    "CISC-ND-000490": [
        (
            "!\ninterface GigabitEthernet0/0",
            "username second secret 9 $9$x\n!\ninterface GigabitEthernet0/0",
        )
    ],
    "CISC-ND-000620": [("service password-encryption\n", "")],
    "CISC-ND-000720": [
        (
            "line vty 0 1\n access-class MGMT in\n exec-timeout 5 0\n",
            "line vty 0 1\n access-class MGMT in\n exec-timeout 10 0\n",
        )
    ],
    "CISC-ND-001200": [
        ("MAC Algorithms:hmac-sha2-256,hmac-sha2-512", "MAC Algorithms:hmac-sha2-256,hmac-sha1")
    ],
    "CISC-ND-001210": [
        (
            "Encryption Algorithms:aes256-ctr,aes192-ctr,aes128-ctr",
            "Encryption Algorithms:aes256-ctr,aes256-cbc,3des-cbc",
        )
    ],
    "CISC-ND-001260": [("login on-failure log\n", "")],
    "CISC-ND-001370": [("tacacs server TAC2\n address ipv4 198.51.100.11\n", "")],
}


def facts_of(text: str) -> Facts:
    return facts_from_outputs("file", split_outputs(text))


def status(rule_id: str, text: str) -> tuple[str, tuple[str, ...]]:
    finding = evaluate(facts_of(text), [RULES[rule_id]])[0]
    return finding.status, finding.evidence


def broken(rule_id: str) -> str:
    text = COMPLIANT
    for old, new in FAILS[rule_id]:
        assert old in text, f"{rule_id}: the edit does not apply: {old!r}"
        text = text.replace(old, new, 1)
    return text


def test_every_rule_has_a_failing_fixture() -> None:
    assert set(FAILS) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_passes_on_the_compliant_fixture(rule_id: str) -> None:
    got, evidence = status(rule_id, COMPLIANT)
    assert got == "pass", evidence


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_fails_on_its_failing_fixture(rule_id: str) -> None:
    got, evidence = status(rule_id, broken(rule_id))
    assert got == "fail", evidence
    assert evidence  # a failure always says what it saw


def test_without_show_ip_ssh_the_key_and_algorithm_rules_need_a_capture() -> None:
    config_only = COMPLIANT.split("gw#show ip ssh")[0]
    assert status("CIS 2.1.1.1.3", config_only)[0] == "not-assessable"
    # the configured algorithm lines decide when there is no capture
    assert status("CISC-ND-001200", config_only)[0] == "pass"
    no_lines = config_only.replace("ip ssh server algorithm mac hmac-sha2-256 hmac-sha2-512\n", "")
    assert status("CISC-ND-001200", no_lines)[0] == "not-assessable"


@pytest.mark.parametrize(
    ("version_line", "expected"),
    [("version 17.9", "pass"), ("version 15.2", "fail"), ("version 16.9", "not-assessable")],
)
def test_ssh_version_default_follows_the_image(version_line: str, expected: str) -> None:
    text = COMPLIANT.split("gw#show ip ssh")[0].replace("ip ssh version 2\n", "")
    text = text.replace("version 17.9", version_line)
    got, evidence = status("CIS 2.1.1.2", text)
    assert got == expected, evidence


def test_hidden_defaults_are_not_assumed() -> None:
    # aux transport input: `none` is the usual default but hidden, so unknown without the line
    text = COMPLIANT.replace(" no exec\n transport input none\n", " no exec\n")
    assert status("CIS 1.2.9", text)[0] == "not-assessable"
    # exec-timeout: the hidden default (10 min) passes CIS and fails the STIG's 5 minutes
    text = COMPLIANT.replace("line con 0\n exec-timeout 5 0\n", "line con 0\n")
    assert status("CIS 1.2.7", text)[0] == "pass"
    assert status("CISC-ND-000720", text)[0] == "fail"
    # ip ssh time-out: absent means the default 120 s, which fails
    text = COMPLIANT.split("gw#show ip ssh")[0].replace("ip ssh time-out 60\n", "")
    assert status("CIS 2.1.1.1.4", text) == ("fail", ("no ip ssh time-out (default 120 s)",))


def test_evidence_never_holds_a_secret() -> None:
    text = broken("CIS 1.4.1").replace("0822455D0A16", "SECRETHASH")
    text = text.replace(
        "tacacs server TAC1\n",
        "radius-server host 192.0.2.9 key 7 SERVERKEY\ntacacs server TAC1\n",
    )
    findings = evaluate(facts_of(text), RULES.values())
    evidence = [line for f in findings for line in f.evidence]
    assert "radius-server host 192.0.2.9 key <type 7, masked>" in evidence
    assert not any("SECRETHASH" in line or "SERVERKEY" in line for line in evidence)
    assert not any("$9$" in line for line in evidence)


def test_banner_text_is_not_read_as_commands() -> None:
    text = COMPLIANT.replace(
        "Activity on this device is logged.\n", "line vty 0 15\n transport input telnet\n"
    )
    assert status("CIS 1.2.2", text)[0] == "pass"
    assert status("CIS 1.3.1", text)[0] == "pass"
