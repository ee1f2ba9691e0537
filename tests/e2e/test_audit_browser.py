"""The audit's HTML report in a real browser: Debian's chromium, headless, via Selenium and
Debian's chromedriver (.ci/run installs both; nothing is downloaded at run time).

Skipped only where chromium is absent and this is not CI; in CI (CI=true) it must run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ios_ssh.cli import app

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = [
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        not (CHROMIUM and CHROMEDRIVER) and not IN_CI,
        reason="Debian's chromium and chromium-driver are not installed (CI installs them)",
    ),
]


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM and CHROMEDRIVER, "CI must have chromium and chromedriver (.ci/run)"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument("--window-size=1400,1000")
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def visible(driver, selector: str) -> list:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def test_report_loads_clean_and_filters_work(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page = tmp_path / "audit.html"
    result = CliRunner().invoke(
        app, ["audit", "--rules", "cis,stig", str(REPO / "inventory/backups"), "--html", str(page)]
    )
    assert result.exit_code == 1, result.output
    browser.get(page.as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []

    routers = {e.get_attribute("data-router") for e in visible(browser, "#matrix tr[data-router]")}
    assert routers == {"edge-01", "branch-02", "core-03", "r1"}
    all_findings = len(visible(browser, "#findings .finding"))
    assert all_findings > 50
    cells = visible(browser, "#matrix td.fail")
    assert cells and "\n" in cells[0].get_attribute("title")  # evidence on hover

    # router filter: one router's row and findings only
    browser.find_element(By.ID, "f-router").send_keys("branch")
    rows = visible(browser, "#matrix tr[data-router]")
    assert [r.get_attribute("data-router") for r in rows] == ["branch-02"]
    shown = visible(browser, "#findings .finding")
    assert shown and {f.get_attribute("data-router") for f in shown} == {"branch-02"}
    assert "transport input all" in browser.find_element(By.ID, "findings").text

    # severity filter: no low-severity rule left in the matrix or the findings
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=low]").click()
    assert not visible(browser, "#matrix th[data-severity=low]")
    assert all(
        f.get_attribute("data-severity") != "low" for f in visible(browser, "#findings .finding")
    )
    assert len(visible(browser, "#findings .finding")) < len(shown)

    # rule filter: one column, one finding (branch-02 fails CIS 1.2.2)
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("CIS 1.2.2")
    assert [h.get_attribute("data-rule") for h in visible(browser, "#matrix th.rule")] == [
        "CIS 1.2.2"
    ]
    assert len(visible(browser, "#findings .finding")) == 1
    assert browser.find_element(By.ID, "shown").text == "1 findings shown"

    # back to everything; the summary follows the filters
    Select(browser.find_element(By.ID, "f-rule")).select_by_value("")
    browser.find_element(By.CSS_SELECTOR, "input[name=severity][value=low]").click()
    browser.find_element(By.ID, "f-router").clear()
    browser.execute_script("document.getElementById('f-router').dispatchEvent(new Event('input'))")
    assert len(visible(browser, "#findings .finding")) == all_findings
    cards = browser.find_element(By.ID, "summary").text
    assert "4\nrouters" in cards

    shot = tmp_path / "audit-report.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("IOS_SSH_SCREENSHOT")  # where the README's picture is refreshed from
    if keep:
        shutil.copyfile(shot, keep)
    assert browser.get_log("browser") == []


def test_hostile_device_text_cannot_blank_or_script_the_page(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A banner with `<!--<script>` used to blank the whole page (the data script element
    never ended); device text with markup, escapes and bidi overrides must show as text."""
    from selenium.webdriver.common.by import By

    folder = tmp_path / "backups"
    folder.mkdir()
    banner = "<!--<script>alert(1)</script>\x1b[2J \u202eevil\u2028 ]]>"
    (folder / "evil.cfg").write_text(
        f"hostname <img/src=x/onerror=alert(2)>\n!\nbanner login ^C{banner}^C\n!\n"
        "line vty 0 4\n transport input telnet\n"
    )
    (folder / "branch-02").write_text((REPO / "inventory/backups/oxidized/branch-02").read_text())
    page = tmp_path / "audit.html"
    result = CliRunner().invoke(app, ["audit", "--rules", "stig", str(folder), "--html", str(page)])
    assert result.exit_code == 1, result.output
    browser.get(page.as_uri())  # an alert() would make every later call raise
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")] == []
    routers = [e.get_attribute("data-router") for e in visible(browser, "#matrix tr[data-router]")]
    assert routers == ["branch-02", "<img/src=x/onerror=alert(2)>"]  # not a blank page
    assert browser.find_elements(By.CSS_SELECTOR, "#matrix img, #findings img") == []
    shown = "banner login: '<!--<script>alert(1)</script>\\x1b[2J \\u202eevil\\u2028 ]]>'"
    assert shown in browser.find_element(By.ID, "findings").text
    assert "2\nrouters" in browser.find_element(By.ID, "summary").text
