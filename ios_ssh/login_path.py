"""The operator's way in, judged on the change (pure): lock-out refusals by login path.

A plan that changes neither AAA (new-model, method lists, servers, groups), nor local
users, nor the login settings of the line this session uses is never refused because of
how the operator authenticated: a TACACS+ or RADIUS operator may change `ip ssh time-out`
like anyone (design.md, "Who logs in").

A plan that does change one of them is judged on the configuration it leaves: the login
list of the operator's line (its `login authentication LIST`, else `default`, else
`local`) must still hold a method that can let the operator in, tried in IOS's order:

- `group X` with at least one server behind it (a `tacacs server`/`radius server` block or
  an older `tacacs-server host` line; a named group's `server name` entries): the server
  decides. A server that rejects the user ends the login; the next method is tried only
  when no server answers (Cisco, "Configuring Authentication": "The additional methods of
  authentication are used only if the previous method returns an error, not if it fails").
- `local` / `local-case` with the operator among the local users the change leaves.
- `none`.

Refused when none is left, before anything is sent. When one is left, what proves it is
the fresh login under the revert timer: a server that does not know the operator, or a
password that differs, fails that login and the router rolls the change back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .intent import LineIntent, SshIntent

DEFAULT_LIST = "default"


@dataclass(frozen=True)
class Operator:
    username: str
    transport: str
    line: tuple[str, int] | None  # (kind, number) of this session's line, when shown


@dataclass(frozen=True)
class Judgement:
    refusals: list[str]
    notes: list[str]


def operator_of(state: Any, username: str, transport: str) -> Operator:
    own = state.own_line
    line = None
    if own is not None and own.get("type") in ("vty", "tty", "con", "aux"):
        line = (str(own["type"]), int(str(own["number"]).split("/")[-1]))
    return Operator(username, transport, line)


def aaa_on_after(cfg: dict[str, Any], intent: SshIntent) -> bool:
    """`aaa new-model` once the change is in (the intent never turns it off)."""
    return bool(cfg["aaa"]["new_model"] or (intent.aaa is not None and intent.aaa.new_model))


def line_list(cfg: dict[str, Any], intent: SshIntent, kind: str, number: int) -> str:
    """The login list a line uses after the change: its `login authentication`, else
    `default`."""
    name = ""
    for block in cfg["lines"]:
        if _covers(block, kind, number):
            name = block["login_authentication"] or name
    for line in intent.lines:
        first, last = line.numbers
        if line.kind == kind and first <= number <= last and line.login_authentication:
            name = line.login_authentication
    return name or DEFAULT_LIST


def methods_after(cfg: dict[str, Any], intent: SshIntent, name: str) -> list[str] | None:
    """The methods of login list `name` after the change; None when it is not defined."""
    lists = dict(cfg["aaa"]["authentication_login"])
    if intent.aaa is not None:
        lists.update(intent.aaa.authentication_login)
    if name in lists:
        return list(lists[name])
    return ["local"] if name == DEFAULT_LIST else None  # IOS: no default list = local


def servers_after(cfg: dict[str, Any], intent: SshIntent, group: str) -> list[str]:
    """The servers `group X` asks once the change is in (names or addresses)."""
    have = cfg["aaa"]
    aaa = intent.aaa
    tacacs = list(have.get("tacacs_servers", {})) + [
        s.name for s in (aaa.tacacs_servers if aaa else [])
    ]
    radius = list(have.get("radius_servers", {})) + [
        s.name for s in (aaa.radius_servers if aaa else [])
    ]
    hosts = have.get("server_hosts", {"tacacs+": [], "radius": []})
    if group == "tacacs+":
        return _unique(tacacs + hosts["tacacs+"])
    if group == "radius":
        return _unique(radius + hosts["radius"])
    groups = {n: (g["kind"], list(g["servers"])) for n, g in have.get("server_groups", {}).items()}
    for declared in aaa.server_groups if aaa else []:
        kind, members = groups.get(declared.name, (declared.type, []))
        groups[declared.name] = (declared.type, members + list(declared.servers))
    if group not in groups:
        return []
    kind, members = groups[group]
    known = set(tacacs if kind == "tacacs+" else radius if kind == "radius" else [])
    # `server name X` needs block X; the older `server 10.1.1.1` names an address
    return _unique([m for m in members if m in known or _looks_like_address(m)])


def users_after(cfg: dict[str, Any], intent: SshIntent, sent: Iterable[str]) -> set[str]:
    """Local user names once the change is in: the router's, the intent's, less any
    `no username X` the plan sends (removals, issue 22)."""
    names = {u["name"] for u in cfg["users"]} | {u.name for u in intent.users}
    for command in sent:
        words = command.split()
        if words[:2] == ["no", "username"] and len(words) >= 3:
            names.discard(words[2])
    return names


def touches_login(plan: Any, intent: SshIntent, operator: Operator) -> list[str]:
    """What in the plan bears on how anyone logs in: AAA, users, the own line's login."""
    touched = []
    sections = {step.section for step in plan.steps}
    if "aaa" in sections:
        touched.append("AAA")
    if "users" in sections:
        touched.append("local users")
    if operator.line is not None:
        kind, number = operator.line
        covering = {
            f"line {line.ios_name}"
            for line in intent.lines
            if line.kind == kind and line.numbers[0] <= number <= line.numbers[1]
        }
        for step in plan.steps:
            if step.section == "lines" and step.why in covering and _sets_login(step.lines):
                touched.append(f"the login of line {kind} {number}")
                break
    return touched


def _sets_login(lines: Iterable[Any]) -> bool:
    """A line step that sends `login ...`, `password ...` or their `no` forms."""
    for line in lines:
        words = line.command.split()
        if words[:1] == ["no"]:
            words = words[1:]
        if words[:1] in (["login"], ["password"]):
            return True
    return False


def judge(state: Any, intent: SshIntent, plan: Any, username: str, transport: str) -> Judgement:
    operator = operator_of(state, username, transport)
    touched = touches_login(plan, intent, operator)
    if not touched:
        return Judgement([], [])
    cfg = state.config
    sent = [line.command for line in plan.lines()]
    users = users_after(cfg, intent, sent)
    kind, number = operator.line or ("vty", 0)
    where = f"{kind} {number}"
    who = operator.username or "this session's user"
    notes = _fallback_notes(intent)
    if not aaa_on_after(cfg, intent):
        login = _line_login_after(cfg, intent, kind, number)
        if login == "local" and operator.username and operator.username not in users:
            return Judgement(
                [
                    (
                        f"login local on {where} (this session's line) would refuse {who}: "
                        "not a local user after this change; add it to users"
                    )
                ],
                notes,
            )
        return Judgement([], notes)
    name = line_list(cfg, intent, kind, number)
    methods = methods_after(cfg, intent, name)
    shown = f"'aaa authentication login {name}"
    if methods is None:
        return Judgement(
            [
                (
                    f"{where} (this session's line) would log in through list {name!r}, "
                    "which is not defined: define it in aaa.authentication_login"
                )
            ],
            notes,
        )
    shown += f" {' '.join(methods)}'"
    paths = []
    for method in methods:
        if method.startswith("group "):
            servers = servers_after(cfg, intent, method[6:])
            if servers:
                paths.append(f"{method} ({', '.join(servers)})")
        elif method in ("local", "local-case") and operator.username in users:
            paths.append(f"{method} user {operator.username}")
        elif method == "none" or (method in ("local", "local-case") and not operator.username):
            paths.append(method)
    changed = ", ".join(touched)
    if not paths:
        return Judgement(
            [
                (
                    f"this change ({changed}) would leave {who} no way to log in on {where} "
                    f"(this session's line): {shown} has no group with a server, and {who} "
                    "is not a local user after it; keep a group that has servers in the "
                    f"list, or add {who} to users with local in the list"
                )
            ],
            notes,
        )
    notes.append(
        f"login path of {who} on {where} after this change ({changed}): {shown}, through "
        f"{' or '.join(paths)}; the fresh login under the revert timer proves it"
    )
    return Judgement([], notes)


def _covers(block: dict[str, Any], kind: str, number: int) -> bool:
    """Whether a running-config line block holds line `kind number`: blocks numbered by
    slot/port (`line 0/0/0 0/0/12`) or that the reader could not place hold no line the
    session can be on by number."""
    first, last = block["first"], block["last"]
    if not isinstance(first, int) or not isinstance(last, int):
        return False
    return bool(block["kind"] == kind and first <= number <= last)


def _line_login_after(cfg: dict[str, Any], intent: SshIntent, kind: str, number: int) -> str:
    login = ""
    for block in cfg["lines"]:
        if _covers(block, kind, number):
            login = block["login"] or login
    for line in intent.lines:
        first, last = line.numbers
        if line.kind == kind and first <= number <= last and line.login is not None:
            login = line.login
    return login


def _fallback_notes(intent: SshIntent) -> list[str]:
    """A login list the intent sets with no local method after its groups: not a refusal
    (the operator may be remote-only by design), but said."""
    out = []
    if intent.aaa is None:
        return out
    for name, methods in intent.aaa.authentication_login.items():
        groups = [m for m in methods if m.startswith("group ")]
        if groups and not {"local", "local-case"} & set(methods):
            out.append(
                f"aaa authentication login {name} {' '.join(methods)}: no local fallback; "
                "when no server answers, no one logs in with this list"
            )
    return out


def login_local_under_aaa(cfg: dict[str, Any], intent: SshIntent, line: LineIntent) -> str | None:
    """Under `aaa new-model` IOS takes vty logins from the method lists, not from
    `login local`, and shows no `login local` (Cisco, "Verify AAA behaviour when login local
    is configured", doc 200173: the login and login local commands are replaced by `login
    authentication LIST`). So an intent's `login: local` is met by a line whose list asks
    for a user name; this says how, or None when AAA is off after the change."""
    if line.login != "local" or not aaa_on_after(cfg, intent):
        return None
    first, _ = line.numbers
    name = line_list(cfg, intent, line.kind, first)
    methods = methods_after(cfg, intent, name) or []
    if not any(m.startswith("group ") or m in ("local", "local-case") for m in methods):
        return None  # that list asks for no user name: `login local` is what is meant
    return (
        f"line {line.ios_name} login: local: under aaa new-model, logins there follow "
        f"'aaa authentication login {name} {' '.join(methods)}' (IOS ignores login local); "
        "not sent"
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _looks_like_address(text: str) -> bool:
    return text.replace(".", "").isdigit() or ":" in text
