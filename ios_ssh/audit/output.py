"""Audit results as JSON, JUnit XML and the terminal listing, written one device at a time.

Each writer takes devices as they are audited (`add`) and finishes with `close`: nothing
is held per device, so a fleet of any size is written in constant memory at the speed the
rules run. Device text is inert in every format: JSON escapes it, JUnit and the terminal
show control characters as visible escapes (XML 1.0 cannot carry them even escaped), and
the terminal output is built from `Text`, never parsed as rich markup.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii
from typing import IO, Protocol

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..inert import inert as visible
from ..inert import is_plain
from .model import Device, Finding, Results


class Writer(Protocol):
    def add(self, device: Device) -> None: ...
    def close(self) -> None: ...


def devices(results: Results) -> Iterable[Device]:
    return (Device(name, findings) for name, findings in results.items())


# -- JSON ---------------------------------------------------------------------------------


def json_string(text: str) -> str:
    """A JSON string literal: control characters and everything past ASCII escaped (C
    code: the per-string cost of writing a large fleet), DEL too."""
    encoded: str = encode_basestring_ascii(text)
    return encoded.replace("\x7f", "\\u007f") if "\x7f" in encoded else encoded


class FindingEncoder:
    """A finding as one JSON object. The constant part (rule, title, severity) is encoded
    once per rule; the status and evidence per finding."""

    def __init__(self) -> None:
        self._heads: dict[tuple[str, str, str], str] = {}

    def encode(self, f: Finding) -> str:
        key = (f.rule, f.title, f.severity)
        head = self._heads.get(key)
        if head is None:
            rule, title, severity = map(json_string, key)
            head = f'{{"rule": {rule}, "title": {title}, "severity": {severity}, "status": '
            if len(self._heads) < 10_000:  # intent rules are named per line block
                self._heads[key] = head
        evidence = ", ".join(map(json_string, f.evidence))
        return f'{head}"{f.status}", "evidence": [{evidence}]}}'


class JsonWriter:
    """`{device: [{rule, title, severity, status, evidence}, ...], ...}`, one finding per
    line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self.encoder = FindingEncoder()

    def add(self, device: Device) -> None:
        body = ",\n    ".join(map(self.encoder.encode, device.findings))
        name = json_string(device.name)
        sep = "{\n" if self.count == 0 else ",\n"
        self.out.write(f"{sep}  {name}: [\n    {body}\n  ]" if body else f"{sep}  {name}: []")
        self.count += 1

    def close(self) -> None:
        self.out.write("\n}\n" if self.count else "{}\n")
        self.out.flush()


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
        self._cases: dict[tuple[str, str], str] = {}
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f"<testsuites name={_attr(suite)}>\n")

    def add(self, device: Device) -> None:
        findings = device.findings
        # One look at all of the device's text decides whether any needs `visible`.
        text = " ".join([device.name, *(line for f in findings for line in f.evidence)])
        shown = _same if is_plain(text) else visible
        counts = Counter(f.status for f in findings)
        name = _quoted(shown(device.name))
        head = (
            f'  <testsuite name={name} tests="{len(findings)}" '
            f'failures="{counts["fail"]}" skipped="{counts["not-assessable"]}" errors="0">\n'
        )
        parts = [head]
        for f in findings:
            parts.append(f"    <testcase classname={name} name={self._case(f)}>\n")
            if f.status == "fail":
                message = _quoted(shown(_first(f)))
                text = _xml("\n".join(map(shown, f.evidence)))
                severity = _quoted(f.severity)
                parts.append(f"      <failure message={message} type={severity}>{text}</failure>\n")
            elif f.status == "not-assessable":
                parts.append(f"      <skipped message={_quoted(shown(_first(f)))} />\n")
            else:
                text = _xml("\n".join(map(shown, f.evidence)))
                parts.append(f"      <system-out>{text}</system-out>\n")
            parts.append("    </testcase>\n")
        parts.append("  </testsuite>\n")
        self.out.write("".join(parts))

    def _case(self, f: Finding) -> str:
        key = (f.rule, f.title)
        case = self._cases.get(key)
        if case is None:
            case = _attr(f"{f.rule}: {f.title}")
            if len(self._cases) < 10_000:
                self._cases[key] = case
        return case

    def close(self) -> None:
        self.out.write("</testsuites>\n")
        self.out.flush()


def _xml(text: str) -> str:
    """XML character data (`visible` has already removed what XML 1.0 cannot hold)."""
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _quoted(text: str) -> str:
    """A double-quoted XML attribute value (no newline or tab is left after `visible`)."""
    text = _xml(text)
    return f'"{text.replace(chr(34), "&quot;")}"' if '"' in text else f'"{text}"'


def _same(text: str) -> str:
    return text


def _attr(value: str) -> str:
    return _quoted(visible(value))


def _first(finding: Finding) -> str:
    return finding.evidence[0] if finding.evidence else finding.status


def to_junit(results: Results, suite: str = "ios-ssh audit") -> str:
    out = io.StringIO()
    writer = JunitWriter(out, suite)
    for device in devices(results):
        writer.add(device)
    writer.close()
    return out.getvalue()


# -- the terminal -------------------------------------------------------------------------

_RESULT = {"fail": ("FAIL", "red"), "pass": ("pass", "green"), "none": ("not assessed", "yellow")}


class TableWriter:
    """One line per router as it is audited (result, counts, name), then the rules table:
    rules down, pass/fail/not-assessable counts across, and the first routers failing
    each. Only counts per rule are kept, so the listing streams in constant memory."""

    FLUSH_LINES = 256  # lines printed at once (rich's cost is per print)
    FLUSH_SECONDS = 0.5  # ...or this often, so a slow online run shows its routers

    def __init__(self, console: Console | None = None) -> None:
        self.console = console
        self.rules: dict[str, Finding] = {}  # rule -> its first finding (title, severity)
        self.counts: dict[str, Counter[str]] = {}
        self.failing: dict[str, list[str]] = {}  # rule -> the first failing routers
        self.failing_count: Counter[str] = Counter()
        self.pending: list[Text] = []
        self.flushed = time.monotonic()
        self.routers = 0

    def add(self, device: Device) -> None:
        name = visible(device.name)
        counts = Counter(f.status for f in device.findings)
        for f in device.findings:
            if f.rule not in self.rules:
                self.rules[f.rule] = f
                self.counts[f.rule] = Counter()
            self.counts[f.rule][f.status] += 1
            if f.status == "fail":
                self.failing_count[f.rule] += 1
                shown = self.failing.setdefault(f.rule, [])
                if len(shown) < 4:
                    shown.append(name)
        self.routers += 1
        if self.console is None:
            return
        if self.routers == 1:
            self.pending.append(Text(f"{'result':<12} {'pass':>4} {'fail':>4} {'n/a':>4}  router"))
        result, style = _RESULT["fail" if counts["fail"] else "pass" if counts["pass"] else "none"]
        self.pending.append(
            Text.assemble(
                (f"{result:<12}", style),
                f" {counts['pass']:>4} {counts['fail']:>4} {counts['not-assessable']:>4}  {name}",
            )
        )
        now = time.monotonic()
        if len(self.pending) >= self.FLUSH_LINES or now - self.flushed > self.FLUSH_SECONDS:
            self._flush(now)

    def _flush(self, now: float) -> None:
        if self.pending and self.console is not None:
            self.console.print(Text("\n").join(self.pending), soft_wrap=True)
        self.pending.clear()
        self.flushed = now

    def close(self) -> None:
        self._flush(time.monotonic())

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


def rules_table(results: Results, title: str) -> Table:
    writer = TableWriter()
    for device in devices(results):
        writer.add(device)
    return writer.rules_table(title)


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
