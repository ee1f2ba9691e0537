"""Hostile text through every audit output (issue 20, item 5): a device name, a banner or a
file name holding rich markup, terminal escapes, HTML comment and script openers, bidi
overrides and characters XML 1.0 forbids is shown as inert, visible text: the table does not
crash or obey it, the JSON escapes it, the JUnit file stays XML, the HTML page keeps its
two script elements (the browser test loads it: tests/e2e/test_audit_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from ios_ssh.audit import html_report, results_from_reports
from ios_ssh.cli import app
from ios_ssh.inert import inert as visible
from ios_ssh.report import Check, Report

HOSTILE_NAME = "[/]evil[bold]\x1b]0;owned\x07"
BANNER = "<!--<script>alert(1)</script>\x1b[2J\x1b[31m \u202ereversed\u2028 \x85\x7f\x00 ]]>"
CONFIG = f"""hostname {HOSTILE_NAME}
!
banner motd ^C{BANNER}^C
!
line vty 0 4
 access-class <b>x</b> in
 transport input telnet
line vty 5 15
 transport input ssh
"""
# What XML 1.0 cannot hold, and what a terminal or browser would act on.
RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202e]")
runner = CliRunner()


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "evil.cfg").write_text(CONFIG)
    # no hostname: named by its file, which is hostile too
    (folder / "r[red]\x1b[8m.cfg").write_text("version 15.2\nline vty 0 4\n transport input ssh\n")
    return folder


def test_visible_escapes_what_would_act_and_keeps_the_rest() -> None:
    assert visible("r1 [/] <b>") == "r1 [/] <b>"  # markup is the writers' business
    assert visible("a\x1b[2Jb\x07\u202e\u2028\x85\x7f\ud800") == (
        "a\\x1b[2Jb\\x07\\u202e\\u2028\\x85\\x7f\\ud800"
    )


def test_the_table_shows_markup_and_escapes_as_text(hostile: Path) -> None:
    result = runner.invoke(app, ["audit", str(hostile)])
    assert result.exit_code == 1, result.output  # audited, not crashed
    assert "[/]evil[bold]\\x1b]0;owned\\x07" in result.stdout
    assert "r[red]\\x1b[8m" in result.stdout
    assert not RAW.search(result.stdout)


def test_json_carries_the_text_as_escaped_data(hostile: Path) -> None:
    result = runner.invoke(app, ["audit", str(hostile), "--json"])
    assert result.exit_code == 1
    assert not RAW.search(result.stdout)
    report = json.loads(result.stdout)
    assert set(report) == {HOSTILE_NAME, "r[red]\x1b[8m"}  # the data itself, unchanged
    banner = {f["rule"]: f for f in report[HOSTILE_NAME]}["CIS 1.3.3"]
    assert banner["evidence"] == [f"banner motd: '{BANNER}'"]


def test_junit_is_always_xml(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.xml"
    result = runner.invoke(app, ["audit", str(hostile), "--junit", str(out)])
    assert result.exit_code == 1
    text = out.read_text()
    assert not RAW.search(text)
    suites = {s.get("name"): s for s in ET.fromstring(text).iter("testsuite")}
    assert set(suites) == {visible(HOSTILE_NAME), "r[red]\\x1b[8m"}
    cases = suites[visible(HOSTILE_NAME)].findall("testcase")
    motd = next(c for c in cases if c.get("name").startswith("CIS 1.3.3"))
    assert motd.find("system-out").text == f"banner motd: '{visible(BANNER)}'"
    vty = next(c for c in cases if c.get("name").startswith("CIS 1.2.2"))
    assert vty.find("failure").text == (
        "line vty 0 4: transport input telnet\nline vty 5 15: transport input ssh"
    )


def page_data(page: str) -> dict:
    # the page's own two script elements, and nothing a device wrote
    assert page.count("<script") == 2 and page.count("</script>") == 2
    assert "<!--" not in page and not RAW.search(page)
    data = re.search(
        r'<script type="application/json" id="audit-data">(.*?)</script>', page, re.DOTALL
    )
    assert data is not None and not re.search("[<>&]", data.group(1))
    return json.loads(data.group(1))


def test_html_embeds_device_text_as_inert_data(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = runner.invoke(app, ["audit", str(hostile), "--html", str(out)])
    assert result.exit_code == 1
    data = page_data(out.read_text())
    assert set(data["results"]) == {visible(HOSTILE_NAME), "r[red]\\x1b[8m"}
    findings = {f["rule"]: f for f in data["results"][visible(HOSTILE_NAME)]}
    assert findings["CIS 1.3.3"]["evidence"] == [f"banner motd: '{visible(BANNER)}'"]
    assert "access-class <b>x</b> in" in findings["CIS 1.2.5"]["evidence"][0]


def test_apply_and_verify_pages_are_inert_too() -> None:
    report = Report(
        HOSTILE_NAME,
        ok=False,
        checks=[Check("banner", False, "set", BANNER, "show running-config")],
    )
    report.errors.append("router said: <!--<script> \x1b[2J")
    data = page_data(html_report(results_from_reports({HOSTILE_NAME: report}), "t</title>"))
    (findings,) = data["results"].values()
    assert findings[0]["evidence"][1] == f"expected set, found {visible(BANNER)}"
    assert findings[1]["evidence"] == ["router said: <!--<script> \\x1b[2J"]
