"""Audit results as JSON, JUnit XML and rich tables, written one device at a time.

Each writer takes devices as they are audited (`add`) and finishes with `close`: nothing
is held per device but the table's one row, so a fleet of any size is written in constant
memory at the speed the rules run. Device text is inert in every format: JSON escapes it,
JUnit shows control characters as visible escapes (XML 1.0 cannot carry them even
escaped), and the tables build `Text` cells, never parsed as rich markup.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterable
from typing import IO, Protocol
from xml.sax.saxutils import escape, quoteattr

from rich.table import Table
from rich.text import Text

from .inert import visible
from .model import Device, Finding, Results


class Writer(Protocol):
    def add(self, device: Device) -> None: ...
    def close(self) -> None: ...


def devices(results: Results) -> Iterable[Device]:
    return (Device(name, findings) for name, findings in results.items())


# -- JSON ---------------------------------------------------------------------------------


class JsonWriter:
    """`{device: [{rule, title, severity, status, evidence}, ...], ...}`, one finding per
    line. The constant part of each finding (rule, title, severity) is encoded once."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self._heads: dict[tuple[str, str, str], str] = {}

    def add(self, device: Device) -> None:
        lines = [self._encode(f) for f in device.findings]
        body = ",\n    ".join(lines)
        name = _json(device.name)
        sep = "{\n" if self.count == 0 else ",\n"
        self.out.write(f"{sep}  {name}: [\n    {body}\n  ]" if lines else f"{sep}  {name}: []")
        self.count += 1

    def _encode(self, f: Finding) -> str:
        key = (f.rule, f.title, f.severity)
        head = self._heads.get(key)
        if head is None:
            rule, title, severity = map(_json, key)
            head = f'{{"rule": {rule}, "title": {title}, "severity": {severity}, "status": '
            if len(self._heads) < 10_000:  # intent rules are named per line block
                self._heads[key] = head
        return f'{head}"{f.status}", "evidence": {_json(list(f.evidence))}}}'

    def close(self) -> None:
        self.out.write("\n}\n" if self.count else "{}\n")
        self.out.flush()


def _json(value: object) -> str:
    # json escapes C0 controls and (ensure_ascii) everything past ASCII; DEL it leaves.
    return json.dumps(value).replace("\x7f", "\\u007f")


def to_json(results: Results) -> str:
    out = io.StringIO()
    writer = JsonWriter(out)
    for device in devices(results):
        writer.add(device)
    writer.close()
    return out.getvalue()


# -- JUnit --------------------------------------------------------------------------------


class JunitWriter:
    """One <testsuite> per router, one <testcase> per rule; not-assessable is <skipped>.
    Every string goes through `visible` and XML escaping, so the file is always XML 1.0."""

    def __init__(self, out: IO[str], suite: str = "ios-ssh audit") -> None:
        self.out = out
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f"<testsuites name={_attr(suite)}>\n")

    def add(self, device: Device) -> None:
        counts = Counter(f.status for f in device.findings)
        name = _attr(device.name)
        head = (
            f'  <testsuite name={name} tests="{len(device.findings)}" '
            f'failures="{counts["fail"]}" skipped="{counts["not-assessable"]}" errors="0">\n'
        )
        parts = [head]
        for f in device.findings:
            case = _attr(f"{f.rule}: {f.title}")
            parts.append(f"    <testcase classname={name} name={case}>\n")
            text = escape(visible("\n".join(f.evidence)))
            if f.status == "fail":
                parts.append(
                    f"      <failure message={_attr(_first(f))} type={_attr(f.severity)}>"
                    f"{text}</failure>\n"
                )
            elif f.status == "not-assessable":
                parts.append(f"      <skipped message={_attr(_first(f))} />\n")
            else:
                parts.append(f"      <system-out>{text}</system-out>\n")
            parts.append("    </testcase>\n")
        parts.append("  </testsuite>\n")
        self.out.write("".join(parts))

    def close(self) -> None:
        self.out.write("</testsuites>\n")
        self.out.flush()


def _attr(value: str) -> str:
    return quoteattr(visible(value))


def _first(finding: Finding) -> str:
    return finding.evidence[0] if finding.evidence else finding.status


def to_junit(results: Results, suite: str = "ios-ssh audit") -> str:
    out = io.StringIO()
    writer = JunitWriter(out, suite)
    for device in devices(results):
        writer.add(device)
    writer.close()
    return out.getvalue()


# -- tables -------------------------------------------------------------------------------


class TableWriter:
    """Counts per rule and one row per router, for the two tables printed at the end."""

    def __init__(self) -> None:
        self.rules: dict[str, Finding] = {}  # rule -> its first finding (title, severity)
        self.counts: dict[str, Counter[str]] = {}
        self.failing: dict[str, list[str]] = {}  # rule -> the first failing routers
        self.failing_count: Counter[str] = Counter()
        self.rows: list[tuple[str, Counter[str]]] = []

    def add(self, device: Device) -> None:
        name = visible(device.name)
        for f in device.findings:
            self.rules.setdefault(f.rule, f)
            self.counts.setdefault(f.rule, Counter())[f.status] += 1
            if f.status == "fail":
                self.failing_count[f.rule] += 1
                shown = self.failing.setdefault(f.rule, [])
                if len(shown) < 4:
                    shown.append(name)
        self.rows.append((name, Counter(f.status for f in device.findings)))

    def close(self) -> None:
        pass

    def rules_table(self, title: str) -> Table:
        """Rules down, pass/fail/not-assessable counts across, and which routers fail."""
        table = Table(title=Text(visible(title)))
        table.add_column("rule", no_wrap=True)
        table.add_column("severity")
        table.add_column("title", ratio=3)
        for column in ("pass", "fail", "n/a"):
            table.add_column(column, justify="right", no_wrap=True)
        table.add_column("failing routers", ratio=2)
        for rule, first in self.rules.items():
            counts = self.counts[rule]
            names = self.failing.get(rule, [])
            more = self.failing_count[rule] - len(names)
            shown = ", ".join(names) + (f" +{more}" if more else "")
            table.add_row(
                Text(visible(rule)),
                Text(first.severity),
                Text(visible(first.title)),
                Text(str(counts["pass"]), style="green"),
                Text(str(counts["fail"]), style="red" if counts["fail"] else ""),
                Text(
                    str(counts["not-assessable"]),
                    style="yellow" if counts["not-assessable"] else "",
                ),
                Text(shown),
            )
        return table

    def routers_table(self) -> Table:
        table = Table(title="routers")
        for column in ("router", "result", "pass", "fail", "n/a"):
            table.add_column(column, justify="left" if column in ("router", "result") else "right")
        for name, counts in self.rows:
            if counts["fail"]:
                result = Text("FAIL", style="red")
            elif counts["pass"]:
                result = Text("pass", style="green")
            else:
                result = Text("not assessed", style="yellow")
            table.add_row(
                Text(name),
                result,
                str(counts["pass"]),
                str(counts["fail"]),
                str(counts["not-assessable"]),
            )
        return table


def rules_table(results: Results, title: str) -> Table:
    writer = TableWriter()
    for device in devices(results):
        writer.add(device)
    return writer.rules_table(title)


def routers_table(results: Results) -> Table:
    writer = TableWriter()
    for device in devices(results):
        writer.add(device)
    return writer.routers_table()


# -- exit code ----------------------------------------------------------------------------


class Tally:
    """What the exit code needs: did any rule fail, was anything audited at all."""

    def __init__(self) -> None:
        self.failed = False
        self.audited = 0
        self.skipped = 0

    def add(self, device: Device) -> None:
        if any(f.status == "fail" for f in device.findings):
            self.failed = True
        if device.problem:
            self.skipped += 1
        else:
            self.audited += 1

    def close(self) -> None:
        pass


def exit_code(results: Results) -> int:
    """0 when every assessable rule passes everywhere, else 1."""
    return 1 if any(f.status == "fail" for fs in results.values() for f in fs) else 0
