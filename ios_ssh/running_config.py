"""A small hierarchical parser for the SSH-related parts of an IOS running-config.

The running-config is an indented tree, which TextFSM handles poorly; a tree walk is
clearer. Only what ios_ssh manages is interpreted; other lines are left alone. Secrets
are never kept: a `username` record says that a secret exists and of which type, not
what it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import keys


@dataclass
class Node:
    text: str
    children: list[Node] = field(default_factory=list)


def build_tree(text: str) -> list[Node]:
    """Indented lines -> a forest; banners, `!` and the `Building...` header dropped."""
    root = Node("")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for raw in text.replace("\r", "").split("\n"):
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or _is_header(stripped):
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        node = Node(stripped)
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root.children


def _is_header(line: str) -> bool:
    return line == "end" or line.startswith(
        ("Building configuration", "Current configuration", "Last configuration", "version ")
    )


def _empty_state() -> dict[str, Any]:
    return {
        "hostname": "",
        "domain_name": "",
        "ip_ssh": {
            "time_out": None,
            "authentication_retries": None,
            "version": None,
            "dh_min_size": None,
            "rsa_keypair_name": "",
            "stricthostkeycheck": False,
            "ports": [],
            "pubkey_users": [],
            "pubkey_servers": [],
        },
        "aaa": {
            "new_model": False,
            "authentication_login": {},
            "authorization_exec": {},
            # `tacacs server NAME` / `radius server NAME` blocks, `aaa group server` blocks,
            # and the older one-line `tacacs-server host A` / `radius-server host A` forms.
            # A key is recorded by its type only ("7", "0", "6"), never its value.
            "tacacs_servers": {},
            "radius_servers": {},
            "server_groups": {},
            "server_hosts": {"tacacs+": [], "radius": []},
        },
        "users": [],
        "enable_secret": False,
        "scp_server": False,
        "lines": [],
        "archive": None,
        "other": [],
    }


def parse_running_config(text: str) -> dict[str, Any]:
    """Parse `show running-config` (whole or `| section`/`| include` filtered)."""
    state = _empty_state()
    for node in build_tree(text):
        words = node.text.split()
        handled = _apply_top(state, node, words)
        if not handled:
            state["other"].append(node.text)
    return state


def _apply_top(state: dict[str, Any], node: Node, words: list[str]) -> bool:
    text = node.text
    if words[0] == "hostname" and len(words) == 2:
        state["hostname"] = words[1]
    elif re.match(r"^ip domain[- ]name \S+$", text):
        state["domain_name"] = words[-1]
    elif text.startswith("ip ssh "):
        return _apply_ip_ssh(state["ip_ssh"], node, words[2:])
    elif text == "ip scp server enable":
        state["scp_server"] = True
    elif text == "aaa new-model":
        state["aaa"]["new_model"] = True
    elif text.startswith("aaa authentication login ") and len(words) >= 5:
        state["aaa"]["authentication_login"][words[3]] = _methods(words[4:])
    elif text.startswith("aaa authorization exec ") and len(words) >= 5:
        state["aaa"]["authorization_exec"][words[3]] = _methods(words[4:])
    elif words[:2] in (["tacacs", "server"], ["radius", "server"]) and len(words) == 3:
        table = "tacacs_servers" if words[0] == "tacacs" else "radius_servers"
        state["aaa"][table][words[2]] = _aaa_server(node)
    elif words[:3] == ["aaa", "group", "server"] and len(words) == 5:
        state["aaa"]["server_groups"][words[4]] = _server_group(node, words[3])
    elif words[0] in ("tacacs-server", "radius-server") and words[1:2] == ["host"]:
        kind = "tacacs+" if words[0] == "tacacs-server" else "radius"
        if len(words) >= 3:
            state["aaa"]["server_hosts"][kind].append(words[2])
    elif words[0] == "username" and len(words) >= 2:
        state["users"].append(_user(words))
    elif text.startswith(("enable secret", "enable password")):
        state["enable_secret"] = True
    elif words[0] == "line" and len(words) >= 2:
        _add_line(state["lines"], _line(node, words[1:]), node)
    elif text == "archive":
        state["archive"] = _archive(node)
    else:
        return False
    return True


def _methods(words: list[str]) -> list[str]:
    """`group tacacs+ local` -> ['group tacacs+', 'local']."""
    methods: list[str] = []
    i = 0
    while i < len(words):
        if words[i] == "group" and i + 1 < len(words):
            methods.append(f"group {words[i + 1]}")
            i += 2
        else:
            methods.append(words[i])
            i += 1
    return methods


def _aaa_server(node: Node) -> dict[str, Any]:
    """A `tacacs server` / `radius server` block: address, ports, and the key's type."""
    server: dict[str, Any] = {
        "address": "",
        "port": None,
        "auth_port": None,
        "acct_port": None,
        "key_type": "",
    }
    for child in node.children:
        words = child.text.split()
        if words[:2] == ["address", "ipv4"] and len(words) >= 3:
            server["address"] = words[2]
            rest = words[3:]
            for name, value in zip(rest[::2], rest[1::2], strict=False):
                if name in ("auth-port", "acct-port") and value.isdigit():
                    server[name.replace("-", "_")] = int(value)
        elif words[:1] == ["port"] and len(words) == 2 and words[1].isdigit():
            server["port"] = int(words[1])
        elif words[:1] == ["key"] and len(words) >= 2:
            # `key 7 0822...`, `key 0 text`, or `key text`: only the type is kept
            server["key_type"] = words[1] if len(words) >= 3 and words[1].isdigit() else "0"
    return server


def _server_group(node: Node, kind: str) -> dict[str, Any]:
    servers = []
    for child in node.children:
        words = child.text.split()
        if words[:2] == ["server", "name"] and len(words) == 3:
            servers.append(words[2])
        elif words[:1] == ["server"] and len(words) >= 2:  # `server 10.1.1.1` (older form)
            servers.append(words[1])
    return {"kind": kind, "servers": servers}


def _user(words: list[str]) -> dict[str, Any]:
    user: dict[str, Any] = {"name": words[1], "privilege": 1, "secret_type": ""}
    rest = words[2:]
    for i, word in enumerate(rest):
        if word == "privilege" and i + 1 < len(rest) and rest[i + 1].isdigit():
            user["privilege"] = int(rest[i + 1])
        elif word in ("secret", "password"):
            kind = rest[i + 1] if i + 2 < len(rest) and rest[i + 1].isdigit() else "0"
            user["secret_type"] = f"{word} {kind}"
            break  # everything after is the secret itself: never kept
    return user


def _apply_ip_ssh(ssh: dict[str, Any], node: Node, args: list[str]) -> bool:
    text = " ".join(args)
    if m := re.fullmatch(r"time-out (\d+)", text):
        ssh["time_out"] = int(m.group(1))
    elif m := re.fullmatch(r"authentication-retries (\d+)", text):
        ssh["authentication_retries"] = int(m.group(1))
    elif m := re.fullmatch(r"version (\d)", text):
        ssh["version"] = int(m.group(1))
    elif m := re.fullmatch(r"dh min size (\d+)", text):
        ssh["dh_min_size"] = int(m.group(1))
    elif m := re.fullmatch(r"rsa keypair-name (\S+)", text):
        ssh["rsa_keypair_name"] = m.group(1)
    elif text == "stricthostkeycheck":
        ssh["stricthostkeycheck"] = True
    elif m := re.fullmatch(r"port (\d+) rotary (\d+)(?: (\d+))?", text):
        last = int(m.group(3)) if m.group(3) else None
        ssh["ports"].append(
            {"port": int(m.group(1)), "rotary": int(m.group(2)), "last_rotary": last}
        )
    elif text == "pubkey-chain":
        _pubkey_chain(ssh, node)
    else:
        return False
    return True


def _pubkey_chain(ssh: dict[str, Any], node: Node) -> None:
    for child in node.children:
        words = child.text.split()
        if len(words) != 2 or words[0] not in ("username", "server"):
            continue
        types = _key_hashes(child)
        record = {"key_hashes": list(types), "key_types": types}
        if words[0] == "username":
            ssh["pubkey_users"].append({"username": words[1], **record})
        else:
            ssh["pubkey_servers"].append({"server": words[1], **record})


def _key_hashes(entry: Node) -> dict[str, str]:
    """MD5 key hash -> key type (`key-hash ssh-ed25519 <MD5>` on images that take it), in
    the order shown."""
    hashes: dict[str, str] = {}
    for child in entry.children:
        words = child.text.split()
        if words[:1] == ["key-hash"] and len(words) >= 3:
            hashes[words[2].upper()] = words[1]
        elif words == ["key-string"]:
            blob = "".join(c.text for c in child.children if c.text not in ("exit", "quit"))
            try:
                info = keys.info_from_base64(blob)
            except ValueError:
                continue  # a key IOS itself could not have accepted
            hashes[info.md5_hex] = info.key_type
    return hashes


_LINE_KINDS = {"con": "con", "console": "con", "aux": "aux", "vty": "vty", "tty": "tty"}
# `line 33 48` (absolute numbers), `line 0/0/0 0/0/12` and `line 1/0 1/15` (async ports by
# slot/subslot/port or slot/port): IOS shows tty lines by number, never by the word tty.
_TTY_NUMBER = re.compile(r"\d+(?:/\d+){0,2}")


def _line(node: Node, args: list[str]) -> dict[str, Any]:
    """One `line ...` block. Never raises: numbers or settings it cannot read are named in
    `problem`, so a reader of the block (the audit) can say what it does not know."""
    if _TTY_NUMBER.fullmatch(args[0]):
        kind, numbers = "tty", args
    else:
        kind, numbers = _LINE_KINDS.get(args[0], args[0]), args[1:]
    first, last, problem = _line_numbers(kind, numbers)
    if kind not in _LINE_KINDS.values():
        problem = f"unknown line type {args[0]!r}"
    line: dict[str, Any] = {
        "kind": kind,
        "first": first,
        "last": last,
        "exec": True,
        "login": "",
        "login_authentication": "",
        "rotary": None,
        "transport_input": [],
        "transport_output": [],
        "exec_timeout": None,
        "password": False,
        "access_class_in": "",
        "access_class_out": "",
        "privilege_level": None,
        "other": [],
        "problem": problem,
    }
    for child in node.children:
        _apply_line_setting(line, child.text)
    return line


def _line_numbers(kind: str, numbers: list[str]) -> tuple[Any, Any, str]:
    """(first, last, problem): ints for absolute numbers, the text as written for
    slot/port numbers (`0/0/0`), None where the block does not say."""
    if not numbers:
        if kind == "con":
            return 0, 0, ""  # `line console`: there is one console line
        return None, None, f"'line {kind}' names no line number"
    if len(numbers) > 2 or not all(_TTY_NUMBER.fullmatch(n) for n in numbers):
        return None, None, f"'line {kind} {' '.join(numbers)}': numbers not understood"
    first = int(numbers[0]) if numbers[0].isdigit() else numbers[0]
    last = first if len(numbers) == 1 else (int(numbers[1]) if numbers[1].isdigit() else numbers[1])
    if type(first) is not type(last):
        return None, None, f"'line {kind} {' '.join(numbers)}': mixed number forms"
    if isinstance(first, int) and last < first:
        return None, None, f"'line {kind} {' '.join(numbers)}': the range is reversed"
    return first, last, ""


def _add_line(lines: list[dict[str, Any]], block: dict[str, Any], node: Node) -> None:
    """Add a block the way IOS applies it: a repeated `line vty 0 4` adds its settings to the
    lines it names (a typed script may say it twice); a range that overlaps earlier blocks
    splits them, so every block describes lines that share one configuration."""
    first, last = block["first"], block["last"]
    same = [b for b in lines if b["kind"] == block["kind"] and not b["problem"]]
    if block["problem"] or not any(_overlap(b, first, last) for b in same):
        lines.append(block)
        return
    if not isinstance(first, int):  # slot/port numbers: only an identical range merges
        old = next(b for b in same if _overlap(b, first, last))
        if (old["first"], old["last"]) == (first, last):
            _apply_children(old, node)
        else:
            block["problem"] = f"'line {first} {last}' overlaps 'line {old['first']} {old['last']}'"
            lines.append(block)
        return
    covered: list[tuple[int, int]] = []
    for old in [b for b in same if _overlap(b, first, last)]:
        index = lines.index(old)
        pieces = []
        lo, hi = max(old["first"], first), min(old["last"], last)
        if old["first"] < lo:
            pieces.append(_piece(old, old["first"], lo - 1))
        inside = _piece(old, lo, hi)
        _apply_children(inside, node)
        pieces.append(inside)
        if hi < old["last"]:
            pieces.append(_piece(old, hi + 1, old["last"]))
        lines[index : index + 1] = pieces
        covered.append((lo, hi))
    for lo, hi in _gaps(first, last, covered):
        lines.append(_piece(block, lo, hi))


def _overlap(block: dict[str, Any], first: Any, last: Any) -> bool:
    if isinstance(block["first"], int) and isinstance(first, int):
        return bool(block["first"] <= last and first <= block["last"])
    return (block["first"], block["last"]) == (first, last)


def _piece(block: dict[str, Any], first: int, last: int) -> dict[str, Any]:
    piece = {k: (list(v) if isinstance(v, list) else v) for k, v in block.items()}
    piece["first"], piece["last"] = first, last
    return piece


def _apply_children(block: dict[str, Any], node: Node) -> None:
    for child in node.children:
        _apply_line_setting(block, child.text)


def _gaps(first: int, last: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The runs of first..last outside the `covered` ranges (which lie inside it):
    (0, 15) less [(2, 3)] -> [(0, 1), (4, 15)]. Ranges, never one number at a time."""
    gaps: list[tuple[int, int]] = []
    at = first
    for lo, hi in sorted(covered):
        if lo > at:
            gaps.append((at, lo - 1))
        at = max(at, hi + 1)
    if at <= last:
        gaps.append((at, last))
    return gaps


def _apply_line_setting(line: dict[str, Any], text: str) -> None:
    words = text.split()
    if text == "no exec":
        line["exec"] = False
    elif text == "exec":
        line["exec"] = True
    elif text == "login":
        line["login"] = "line"
    elif text == "login local":
        line["login"] = "local"
    elif words[:2] == ["login", "authentication"] and len(words) == 3:
        line["login_authentication"] = words[2]
    elif words[:1] == ["rotary"] and len(words) == 2 and words[1].isdigit():
        line["rotary"] = int(words[1])
    elif words[:2] == ["transport", "input"]:
        line["transport_input"] = words[2:]
    elif words[:2] == ["transport", "output"]:
        line["transport_output"] = words[2:]
    elif words[:1] == ["exec-timeout"] and 2 <= len(words) <= 3 and _digits(words[1:]):
        minutes = int(words[1])
        seconds = int(words[2]) if len(words) > 2 else 0
        line["exec_timeout"] = [minutes, seconds]
    elif words[:1] == ["password"]:
        line["password"] = True
    elif words[:1] == ["access-class"] and _access_class(words):
        line[f"access_class_{words[2]}"] = words[1]
    elif words[:2] == ["privilege", "level"] and len(words) == 3 and words[2].isdigit():
        line["privilege_level"] = int(words[2])
    else:
        line["other"].append(text)


def _digits(words: list[str]) -> bool:
    return all(w.isdigit() for w in words)


def _access_class(words: list[str]) -> bool:
    """`access-class NAME in` (or `out`), with `vrf-also` after `in` on newer images."""
    return words[2:3] in (["in"], ["out"]) and (
        len(words) == 3 or (len(words) == 4 and words[3] == "vrf-also")
    )


def _archive(node: Node) -> dict[str, Any]:
    archive: dict[str, Any] = {"path": "", "maximum": None, "write_memory": False}
    for child in node.children:
        words = child.text.split()
        if words[:1] == ["path"] and len(words) == 2:
            archive["path"] = words[1]
        elif words[:1] == ["maximum"] and len(words) == 2 and words[1].isdigit():
            archive["maximum"] = int(words[1])
        elif words == ["write-memory"]:
            archive["write_memory"] = True
    return archive
