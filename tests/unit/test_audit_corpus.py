"""The audit over the real corpus (issue 24): 226 public IOS / IOS-XE configurations written
by others (`../shared/reference/real-configs/`, read in place, never copied here), through
every output format: no exception, every IOS file has verdicts, no secret in any output.

The directory sits beside the checkout (`IOS_SSH_REAL_CONFIGS` names another place). In CI
(CI=true) it must be there: the test fails rather than skips.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from ios_ssh.cli import app

REPO = Path(__file__).resolve().parents[2]
CORPUS = Path(
    os.environ.get("IOS_SSH_REAL_CONFIGS") or REPO.parent / "shared/reference/real-configs"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir() and not IN_CI, reason=f"no real-config corpus at {CORPUS}"
)

# The test's own reading of a credential, independent of ios_ssh.audit.mask: a keyword,
# an optional `level N` and type digit, then the value.
CREDENTIAL = re.compile(
    r"(?<![\w-])(password|secret|key|key-string|community|md5|authentication-key|server-key)"
    r"(?:\s+level\s+\d+)?(?:\s+[0-9])?\s+(\S+)"
)


def corpus_secrets() -> set[str]:
    """Every credential value in the corpus that the corpus does not also show as ordinary
    text (a user named `vagrant` whose password is `vagrant` is no secret to leak)."""
    secrets: set[str] = set()
    public: set[str] = set()
    for path in CORPUS.glob("*.cfg"):
        for line in path.read_text(errors="replace").splitlines():
            values = {
                m.group(2)
                for m in CREDENTIAL.finditer(line)
                if m.group(1) != "community" or line.lstrip().startswith("snmp-server")
            }
            secrets |= values
            public.update(word for word in line.split() if word not in values)
    return {value for value in secrets - public if len(value) >= 4}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    assert CORPUS.is_dir(), f"CI must have the real-config corpus at {CORPUS}"
    out = tmp_path_factory.mktemp("corpus")
    runner = CliRunner()
    files = {name: out / name for name in ("audit.xml", "audit.html", "fix.yaml")}
    streamed = runner.invoke(
        app,
        ["audit", "--rules", "cis,stig", str(CORPUS), "--json"]
        + ["--junit", str(files["audit.xml"]), "--html", str(files["audit.html"])]
        + ["--emit-intent", str(files["fix.yaml"])],
    )
    table = runner.invoke(app, ["audit", "--rules", "cis,stig", str(CORPUS)])
    assert streamed.exit_code == 1 and table.exit_code == 1, streamed.output[-2000:]
    assert streamed.exception is None or isinstance(streamed.exception, SystemExit)
    got = {name: path.read_text() for name, path in files.items()}
    return got | {
        "json": streamed.stdout,
        "stderr": streamed.stderr + table.stderr,
        "table": table.stdout,
    }


def test_every_ios_file_has_verdicts_in_every_format(outputs: dict[str, str]) -> None:
    configs = sorted(CORPUS.glob("*.cfg"))
    assert len(configs) >= 200
    report = json.loads(outputs["json"])
    assert len(report) == len(configs) + 1  # and MANIFEST.tsv
    (manifest,) = [d for d, fs in report.items() if fs[0]["rule"] == "platform"]
    assert manifest == "MANIFEST.tsv"
    for device, findings in report.items():
        if device != manifest:
            assert {"pass", "fail"} & {f["status"] for f in findings}, device
            assert len(findings) == 46, device
    # the one file that is not a configuration: one line on stderr per run
    lines = outputs["stderr"].splitlines()
    assert len(lines) == 2 and all("MANIFEST.tsv: not an IOS configuration" in x for x in lines)
    suites = ET.fromstring(outputs["audit.xml"]).findall("testsuite")
    assert {s.get("name") for s in suites} == set(report)
    data = re.search(r'id="audit-data">(.*?)</script>', outputs["audit.html"], re.DOTALL)
    assert data is not None and set(json.loads(data.group(1))["results"]) == set(report)
    assert "Fixes: " in outputs["fix.yaml"]


def test_the_lines_that_broke_the_audit_are_read(outputs: dict[str, str]) -> None:
    report = json.loads(outputs["json"])
    # `line 0/0/0 0/0/12` (batfish): the async ports are tty lines, judged like the others
    tty = {f["rule"]: f for f in report["ios-line"]}["CIS-15 1.2.8"]
    assert "line 0/0/0 0/0/12: exec-timeout 0 0" in tty["evidence"]
    # the banner without its closing ^C no longer hides the vty lines after it
    (s1,) = [
        fs
        for d, fs in report.items()
        if d.startswith("S1") and "banner motd has no closing" in json.dumps(fs)
    ]
    vty = {f["rule"]: f for f in s1}["CIS 1.2.2"]
    assert vty["status"] == "fail" and vty["evidence"][0].startswith("line vty 0: ")


def shows(text: str, value: str) -> bool:
    """`value` stands in `text` as itself (not inside a longer word: the password `secure`
    is not leaked by `ip http secure-server`)."""
    start = text.find(value)
    while start >= 0:
        before = text[start - 1 : start]
        after = text[start + len(value) : start + len(value) + 1]
        if not (before.isalnum() or after.isalnum() or after == "-"):
            return True
        start = text.find(value, start + 1)
    return False


def test_no_secret_of_the_corpus_in_any_output(outputs: dict[str, str]) -> None:
    secrets = corpus_secrets()
    assert len(secrets) > 50  # hashes, type-7 strings, plain passwords, keys, communities
    for name, text in outputs.items():
        leaked = sorted(value for value in secrets if shows(text, value))
        assert leaked == [], f"{name} shows {leaked}"
