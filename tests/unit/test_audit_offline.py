"""`ios-ssh audit` over saved configs: layouts, outputs, exit codes, emit-intent (no device)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml
from typer.testing import CliRunner

from ios_ssh.audit import html_report, results_from_reports
from ios_ssh.audit.model import Finding
from ios_ssh.audit.offline import split_outputs
from ios_ssh.cli import app
from ios_ssh.intent import SshIntent
from ios_ssh.report import Check, Report

REPO = Path(__file__).resolve().parents[2]
BACKUPS = REPO / "inventory/backups"
COMPLIANT = Path(__file__).parent / "fixtures/audit/compliant.log"
HARDENING = REPO / "inventory/intents/hardening.yaml"
runner = CliRunner()


def audit_json(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["audit", *args, "--json"])
    return result.exit_code, json.loads(result.output)


def test_backup_directory_layouts_are_read_and_keyed_by_hostname() -> None:
    code, report = audit_json("--rules", "cis,stig", str(BACKUPS))
    assert code == 1
    # Oxidized files, a RANCID config and a terminal capture; the README is not a device
    assert set(report) == {"edge-01", "branch-02", "core-03", "r1"}
    for findings in report.values():
        assert all(set(f) == {"rule", "title", "severity", "status", "evidence"} for f in findings)
        assert {f["status"] for f in findings} <= {"pass", "fail", "not-assessable"}
    by_rule = {f["rule"]: f for f in report["branch-02"]}
    assert by_rule["CIS 1.2.2"]["status"] == "fail"
    assert by_rule["CIS 1.2.2"]["evidence"] == [
        "line vty 0 4: transport input telnet ssh",
        "line vty 5 15: transport input all",
    ]
    # the capture's `show ip ssh` decides what the config alone cannot
    r1 = {f["rule"]: f for f in report["r1"]}
    assert r1["CIS 2.1.1.1.3"]["status"] == "pass"
    assert r1["CIS 2.1.1.2"]["evidence"] == ["show ip ssh: SSH Enabled - version 1.99"]
    edge = {f["rule"]: f["status"] for f in report["edge-01"]}
    assert edge["CIS 2.1.1.1.3"] == "not-assessable"  # no capture: keys are not in a config


def test_a_config_without_hostname_is_named_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "site-7.cfg").write_text("!\nversion 15.2\nline vty 0 4\n transport input ssh\n")
    code, report = audit_json(str(tmp_path))
    assert list(report) == ["site-7"]
    assert code == 1


def test_rancid_and_oxidized_headers_are_comments() -> None:
    text = (BACKUPS / "rancid/configs/core-03").read_text()
    assert split_outputs(text) == {"show running-config": text}


def test_capture_sections_by_prompt() -> None:
    outputs = split_outputs(
        "r1#sh run\nhostname r1\nr1#show ip ssh\nSSH Enabled - version 2.0\nr1#exit\n"
    )
    assert outputs == {
        "show running-config": "hostname r1",
        "show ip ssh": "SSH Enabled - version 2.0",
    }


def test_exit_zero_when_every_assessable_rule_passes() -> None:
    code, report = audit_json("--rules", "cis", "--rules", "stig", str(COMPLIANT))
    assert code == 0
    assert {f["status"] for f in report["gw"]} == {"pass"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rules", "nist", str(COMPLIANT)], "no rule set 'nist'"),
        (["/nonexistent/backups"], "no such file or directory"),
        (["--rules", "intent", str(COMPLIANT)], "--rules intent needs --intent FILE"),
        ([], "nothing to audit"),
        ([str(COMPLIANT), "-i", str(REPO / "inventory/lab")], "not both"),
        (["--intent", "nope.yaml", "--rules", "intent", str(COMPLIANT)], "no such file"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["audit", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_empty_directory_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", str(tmp_path)])
    assert result.exit_code == 2 and "no configuration files" in result.output


def test_junit_has_a_case_per_router_and_rule(tmp_path: Path) -> None:
    out = tmp_path / "audit.xml"
    result = runner.invoke(app, ["audit", "--rules", "cis", str(BACKUPS), "--junit", str(out)])
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"edge-01", "branch-02", "core-03", "r1"}
    branch = suites["branch-02"]
    cases = branch.findall("testcase")
    assert len(cases) == int(branch.get("tests")) == 35
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == int(branch.get("failures")) > 0
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(skipped) == int(branch.get("skipped"))
    vty = next(c for c in cases if c.get("name").startswith("CIS 1.2.2:"))
    assert "transport input all" in vty.find("failure").text


def test_html_is_one_self_contained_file(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", "--rules", "cis,stig", str(BACKUPS), "--html", str(out)])
    assert result.exit_code == 1
    page = out.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<link" not in page and "@import" not in page and "fetch(" not in page
    data = re.search(
        r'<script type="application/json" id="audit-data">(.*?)</script>', page, re.DOTALL
    )
    assert data is not None
    assert set(json.loads(data.group(1))["results"]) == {"edge-01", "branch-02", "core-03", "r1"}


def test_device_text_cannot_end_the_data_script() -> None:
    finding = Finding("X 1", "t", "low", "fail", ("banner: </script><script>alert(1)</script>",))
    page = html_report({"r</script>": [finding]}, "t")
    assert page.count("</script>") == 2  # the data block's and the code block's own
    assert "alert(1)" in page  # kept as data, escaped


def test_emit_intent_fixes_what_an_intent_can_express(tmp_path: Path) -> None:
    out = tmp_path / "fix.yaml"
    result = runner.invoke(
        app, ["audit", "--rules", "cis,stig", str(BACKUPS), "--emit-intent", str(out)]
    )
    assert result.exit_code == 1, result.output
    text = out.read_text()
    intent = SshIntent.from_yaml(out)  # valid, ready for apply --dry-run
    assert intent.ssh.version == 2 and intent.ssh.timeout == 60
    lines = {line.lines: line for line in intent.lines}
    assert lines["vty 0 4"].transport_input == ["ssh"]
    assert lines["vty 5 15"].transport_input == ["ssh"]
    assert lines["con 0"].exec_timeout == 5  # STIG's 5 minutes beats CIS's 10
    assert intent.aaa is not None and intent.aaa.authentication_login == {"default": ["local"]}
    header = text.split("\n", 3)[:3]
    assert "CIS 1.2.2" in header[1]
    assert "CIS 1.3.1" in header[2] and "CISC-ND-000160" in header[2]  # banners: by hand


def test_emit_intent_of_a_compliant_router_is_empty(tmp_path: Path) -> None:
    out = tmp_path / "fix.yaml"
    result = runner.invoke(app, ["audit", str(COMPLIANT), "--emit-intent", str(out)])
    assert result.exit_code == 0
    assert yaml.safe_load(out.read_text()) == {}


def test_intent_rules_reuse_verify_checks_and_need_captures() -> None:
    code, report = audit_json(
        "--rules", "intent", "--intent", str(HARDENING), str(BACKUPS / "oxidized/branch-02")
    )
    findings = {f["rule"]: f for f in report["branch-02"]}
    assert findings["intent: ssh version"]["status"] == "not-assessable"  # from show ip ssh
    assert findings["intent: line vty 0 4 transport input"]["status"] == "fail"
    assert findings["intent: line vty 0 4 login"]["status"] == "pass"
    code, report = audit_json(
        "--rules", "intent", "--intent", str(HARDENING), str(BACKUPS / "captures")
    )
    findings = {f["rule"]: f for f in report["r1"]}
    assert findings["intent: ssh version"]["status"] == "fail"
    assert findings["intent: ssh version"]["evidence"][1] == "expected 2.0, found 1.99"
    assert findings["intent: ssh enabled"]["status"] == "pass"
    assert code == 1


def test_verify_reports_become_the_same_report_shape() -> None:
    report = Report(
        "r1", ok=False, checks=[Check("ssh version", False, "2.0", "1.99", "show ip ssh")]
    )
    report.errors.append("timed out")
    results = results_from_reports({"r1": report})
    assert [(f.rule, f.status) for f in results["r1"]] == [
        ("ssh version", "fail"),
        ("error", "fail"),
    ]
    assert results["r1"][0].evidence == ("show ip ssh", "expected 2.0, found 1.99")


def test_wheel_ships_the_rule_sets(tmp_path: Path) -> None:
    import zipfile

    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = list(WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"]))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"ios_ssh/audit/rulesets/cis.yaml", "ios_ssh/audit/rulesets/stig.yaml"} <= names
