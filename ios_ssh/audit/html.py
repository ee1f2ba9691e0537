"""The HTML report: one self-contained file (inline CSS and JS, no fetches, no CDN).

A reader who never ran the tool sees the fleet summary, a routers x rules matrix coloured
by result, filters by rule, severity, router and status, and every finding that did not
pass with its evidence lines. The data travels as JSON inside the page; the script builds
the page from it with textContent only, so device text is never parsed as HTML. The file is
written as the devices are audited (`HtmlWriter`), in constant memory.
"""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ..inert import inert as visible
from .model import Device, Finding, Results
from .output import FindingEncoder, json_string

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em} .meta{color:#666;margin-bottom:1em}
.cards{display:flex;gap:1em;flex-wrap:wrap;margin:1em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:8em}
.card b{display:block;font-size:1.6em}
#filters{display:flex;gap:1.2em;flex-wrap:wrap;align-items:center;padding:.6em;background:#f4f4f4;border-radius:6px}
table{border-collapse:collapse;margin:1em 0} th,td{border:1px solid #ccc;padding:2px 6px}
#matrix th.rule{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:12px;white-space:nowrap}
#matrix td.cell{width:18px;height:18px;text-align:center;cursor:default;font-size:11px}
.pass{background:#2e9e44;color:#fff} .fail{background:#d33;color:#fff} .na{background:#e8b400;color:#222}
.finding{border-left:5px solid #d33;padding:.3em .8em;margin:.5em 0;background:#fafafa}
.finding.is-na{border-left-color:#e8b400}
#matrix tr th{white-space:nowrap;text-align:left}
.finding pre{margin:.3em 0 0;white-space:pre-wrap;font-size:12px}
.sev{font-size:11px;border-radius:3px;padding:0 4px;border:1px solid #999;margin-left:.5em}
.hidden{display:none}
"""

_JS = r"""
(function () {
  const data = JSON.parse(document.getElementById('audit-data').textContent);
  const status = {pass: 'pass', fail: 'fail', 'not-assessable': 'na'};
  const mark = {pass: '\u2713', fail: '\u2717', 'not-assessable': '?'};
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const routers = Object.keys(data.results);
  const rules = [];
  const ruleInfo = {};
  for (const router of routers) for (const f of data.results[router]) {
    if (!ruleInfo[f.rule]) { ruleInfo[f.rule] = f; rules.push(f.rule); }
  }
  document.getElementById('title').textContent = data.title;
  document.getElementById('meta').textContent =
    `${routers.length} routers, ${rules.length} rules, generated ${data.generated}`;

  const ruleSelect = document.getElementById('f-rule');
  for (const rule of rules) ruleSelect.appendChild(el('option', {value: rule}, `${rule}: ${ruleInfo[rule].title}`));

  const matrix = document.getElementById('matrix');
  const head = el('tr');
  head.appendChild(el('th', {}, 'router'));
  for (const rule of rules) {
    const th = el('th', {class: 'rule', 'data-rule': rule, 'data-severity': ruleInfo[rule].severity}, rule);
    th.title = ruleInfo[rule].title;
    head.appendChild(th);
  }
  matrix.appendChild(head);
  const findings = document.getElementById('findings');
  for (const router of routers) {
    const row = el('tr', {'data-router': router});
    row.appendChild(el('th', {}, router));
    const byRule = {};
    for (const f of data.results[router]) byRule[f.rule] = f;
    for (const rule of rules) {
      const f = byRule[rule];
      const td = el('td', {'data-rule': rule, 'data-severity': ruleInfo[rule].severity,
                           'data-status': f ? f.status : 'none'});
      if (f) {
        td.className = 'cell ' + status[f.status];
        td.textContent = mark[f.status];
        td.title = `${router} ${rule}: ${f.status}\n${f.evidence.join('\n')}`;
      } else td.className = 'cell';
      row.appendChild(td);
      if (f && f.status !== 'pass') {
        const box = el('div', {class: 'finding is-' + status[f.status], 'data-router': router,
          'data-rule': rule, 'data-severity': f.severity, 'data-status': f.status});
        const title = el('div');
        title.appendChild(el('b', {}, `${router} \u2014 ${rule}`));
        title.appendChild(document.createTextNode(` ${f.title} `));
        title.appendChild(el('span', {class: 'sev'}, f.severity));
        title.appendChild(el('span', {class: 'sev'}, f.status));
        box.appendChild(title);
        box.appendChild(el('pre', {}, f.evidence.join('\n')));
        findings.appendChild(box);
      }
    }
    matrix.appendChild(row);
  }

  function summary(visibleRouters, visibleRules) {
    let pass = 0, fail = 0, na = 0, failing = 0;
    for (const router of visibleRouters) {
      let bad = false;
      for (const f of data.results[router]) {
        if (!visibleRules.has(f.rule)) continue;
        if (f.status === 'pass') pass++; else if (f.status === 'fail') { fail++; bad = true; } else na++;
      }
      if (bad) failing++;
    }
    const cards = document.getElementById('summary');
    cards.replaceChildren();
    for (const [label, value, cls] of [['routers', visibleRouters.length, ''],
        ['routers failing', failing, failing ? 'fail' : 'pass'], ['checks passed', pass, 'pass'],
        ['checks failed', fail, fail ? 'fail' : 'pass'], ['not assessable', na, na ? 'na' : '']]) {
      const card = el('div', {class: 'card', 'data-card': label});
      card.appendChild(el('b', {}, String(value)));
      card.appendChild(el('span', {class: cls ? 'sev ' + cls : ''}, label));
      cards.appendChild(card);
    }
  }

  function apply() {
    const rule = ruleSelect.value;
    const text = document.getElementById('f-router').value.trim().toLowerCase();
    const want = document.getElementById('f-status').value;
    const sevs = new Set([...document.querySelectorAll('input[name=severity]:checked')].map(c => c.value));
    const visibleRules = new Set(rules.filter(r => (rule === '' || r === rule) && sevs.has(ruleInfo[r].severity)));
    const visibleRouters = routers.filter(r => r.toLowerCase().includes(text));
    for (const node of matrix.querySelectorAll('[data-rule]'))
      node.classList.toggle('hidden', !visibleRules.has(node.dataset.rule));
    for (const row of matrix.querySelectorAll('tr[data-router]'))
      row.classList.toggle('hidden', !visibleRouters.includes(row.dataset.router));
    let shown = 0;
    for (const box of findings.querySelectorAll('.finding')) {
      const ok = visibleRules.has(box.dataset.rule) && visibleRouters.includes(box.dataset.router)
        && (want === '' || box.dataset.status === want);
      box.classList.toggle('hidden', !ok);
      if (ok) shown++;
    }
    document.getElementById('shown').textContent = `${shown} findings shown`;
    summary(visibleRouters, visibleRules);
  }
  for (const id of ['f-rule', 'f-router', 'f-status']) {
    document.getElementById(id).addEventListener('input', apply);
    document.getElementById(id).addEventListener('change', apply);
  }
  for (const box of document.querySelectorAll('input[name=severity]')) box.addEventListener('change', apply);
  apply();
})();
"""

_PAGE_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@</title><style>@@CSS@@</style></head>
<body>
<h1 id="title"></h1><div class="meta" id="meta"></div>
<div class="cards" id="summary"></div>
<div id="filters">
 <label>Rule <select id="f-rule"><option value="">all rules</option></select></label>
 <span>Severity
  <label><input type="checkbox" name="severity" value="high" checked> high</label>
  <label><input type="checkbox" name="severity" value="medium" checked> medium</label>
  <label><input type="checkbox" name="severity" value="low" checked> low</label></span>
 <label>Router <input id="f-router" type="search" placeholder="name contains"></label>
 <label>Findings <select id="f-status"><option value="">fail and not assessable</option>
  <option value="fail">fail</option><option value="not-assessable">not assessable</option></select></label>
</div>
<h2>Routers &times; rules</h2>
<p>Green &#10003; pass, red &#10007; fail, yellow ? not assessable from what was read.
Hover a cell for its evidence.</p>
<table id="matrix"></table>
<h2>Findings <small id="shown"></small></h2>
<div id="findings"></div>
<script type="application/json" id="audit-data">"""
_PAGE_TAIL = """</script>
<script>@@JS@@</script>
</body></html>
"""


class HtmlWriter:
    """The page, written as devices arrive: the head, then the data (one JSON object per
    device inside the data script), then the code. The data is inert: every string has its
    control characters shown as visible escapes, and `<`, `>`, `&` are written as JSON
    escapes, so no device text (`</script>`, `<!--<script>`) can end or change the script
    element; U+2028/2029 are escaped too (ensure_ascii)."""

    def __init__(self, out: IO[str], title: str) -> None:
        self.out = out
        self.count = 0
        self.encoder = FindingEncoder()
        shown = visible(title)
        head = _PAGE_HEAD.replace("@@TITLE@@", html.escape(shown)).replace("@@CSS@@", _CSS)
        generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        out.write(head)
        out.write(
            f'{{"title": {_script_json(shown)}, "generated": {_script_json(generated)}, '
            '"results": {'
        )

    def add(self, device: Device) -> None:
        body = ",".join(map(self.encoder.encode, device.findings))
        name = device.name
        if "\\u" in body or "\\u" in json_string(name):  # beyond plain ASCII: look closer
            name = visible(name)
            body = ",".join(
                self.encoder.encode(
                    Finding(
                        visible(f.rule),
                        visible(f.title),
                        f.severity,
                        f.status,
                        tuple(map(visible, f.evidence)),
                    )
                )
                for f in device.findings
            )
        entry = f"{json_string(name)}: [{body}]"
        self.out.write(("," if self.count else "") + "\n" + _inert_in_script(entry))
        self.count += 1

    def close(self) -> None:
        self.out.write("}}" + _PAGE_TAIL.replace("@@JS@@", _JS))
        self.out.flush()


def _inert_in_script(text: str) -> str:
    """JSON text that is safe inside a <script> element: no `<`, `>` or `&` in it at all
    (inside JSON they only occur in strings, where the escapes mean the same)."""
    if "<" in text or ">" in text or "&" in text:
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text


def _script_json(value: str) -> str:
    return _inert_in_script(json_string(value))


def html_report(results: Results, title: str) -> str:
    out = io.StringIO()
    writer = HtmlWriter(out, title)
    for name, findings in results.items():
        writer.add(Device(name, findings))
    writer.close()
    return out.getvalue()


def write_html(path: Path, results: Results, title: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        writer = HtmlWriter(out, title)
        for name, findings in results.items():
            writer.add(Device(name, findings))
        writer.close()
