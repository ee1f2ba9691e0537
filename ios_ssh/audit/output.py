"""Audit results as JSON, JUnit XML and rich tables (pure: text in, text out)."""

from __future__ import annotations

import json
from collections import Counter
from xml.etree import ElementTree as ET

from rich.table import Table

from .model import Finding, Results

_STYLE = {"pass": "green", "fail": "red", "not-assessable": "yellow"}


def to_json(results: Results) -> str:
    """`{device: [{rule, title, severity, status, evidence}]}`."""
    return json.dumps({d: [f.as_dict() for f in fs] for d, fs in results.items()}, indent=2)


def to_junit(results: Results, suite: str = "ios-ssh audit") -> str:
    """One <testsuite> per router, one <testcase> per rule; not-assessable is <skipped>."""
    root = ET.Element("testsuites", name=suite)
    for device, findings in results.items():
        counts = Counter(f.status for f in findings)
        node = ET.SubElement(
            root,
            "testsuite",
            name=device,
            tests=str(len(findings)),
            failures=str(counts["fail"]),
            skipped=str(counts["not-assessable"]),
            errors="0",
        )
        for finding in findings:
            case = ET.SubElement(
                node, "testcase", classname=device, name=f"{finding.rule}: {finding.title}"
            )
            text = "\n".join(finding.evidence)
            if finding.status == "fail":
                failure = ET.SubElement(
                    case, "failure", message=_first(finding), type=finding.severity
                )
                failure.text = text
            elif finding.status == "not-assessable":
                ET.SubElement(case, "skipped", message=_first(finding))
            else:
                ET.SubElement(case, "system-out").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _first(finding: Finding) -> str:
    return finding.evidence[0] if finding.evidence else finding.status


def rules_table(results: Results, title: str) -> Table:
    """Rules down, pass/fail/not-assessable counts across, and which routers fail."""
    table = Table(title=title)
    table.add_column("rule", no_wrap=True)
    table.add_column("severity")
    table.add_column("title", ratio=3)
    for column in ("pass", "fail", "n/a"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("failing routers", ratio=2)
    order: dict[str, Finding] = {}
    per_rule: dict[str, Counter[str]] = {}
    failing: dict[str, list[str]] = {}
    for device, findings in results.items():
        for f in findings:
            order.setdefault(f.rule, f)
            per_rule.setdefault(f.rule, Counter())[f.status] += 1
            if f.status == "fail":
                failing.setdefault(f.rule, []).append(device)
    for rule, first in order.items():
        counts = per_rule[rule]
        names = failing.get(rule, [])
        shown = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
        table.add_row(
            rule,
            first.severity,
            first.title,
            f"[green]{counts['pass']}[/]",
            f"[red]{counts['fail']}[/]" if counts["fail"] else "0",
            f"[yellow]{counts['not-assessable']}[/]" if counts["not-assessable"] else "0",
            shown,
        )
    return table


def routers_table(results: Results) -> Table:
    table = Table(title="routers")
    for column in ("router", "result", "pass", "fail", "n/a"):
        table.add_column(column, justify="left" if column in ("router", "result") else "right")
    for device, findings in results.items():
        counts = Counter(f.status for f in findings)
        result = "[red]FAIL[/]" if counts["fail"] else "[green]pass[/]"
        table.add_row(
            device, result, str(counts["pass"]), str(counts["fail"]), str(counts["not-assessable"])
        )
    return table


def exit_code(results: Results) -> int:
    """0 when every assessable rule passes everywhere, else 1."""
    return 1 if any(f.status == "fail" for fs in results.values() for f in fs) else 0
