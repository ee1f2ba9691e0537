"""Audit speed, end to end: files read to output written, for every output, on one core.

Generates --count configs of realistic size (a few hundred lines: interfaces, ACLs, routes,
AAA, banners, line blocks) for mixed images (12.4, 15.2, 16.9, 17.x) into a temporary
backup directory, then runs the audit (CIS + STIG) over it the ways a user does: the
terminal table, --json, --junit, --html, all of them at once, and the rules alone. Each
mode runs in fresh processes (best CPU time of --repeat), and again over the first --small
configs: the memory it grew must not depend on the fleet's size. Ratios are against the
table output of the same run.
Then the same rules written with ciscoconfparse2 over the first --baseline configs (0 skips
it), statuses compared. `--live N` starts a demo lab and times `audit -i` with the table
and with --json, then N router states (read from the lab) through the online path.
Run: python benchmarks/audit.py [--count 10000] [--small 1000] [--baseline 1000] [--live 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ciscoconfparse2 import CiscoConfParse

from ios_ssh.audit import iter_paths, rule_sets
from ios_ssh.audit.model import Rule

IMAGES = ("12.4", "15.2", "16.9", "17.9", "17.15")


def make_config(index: int, rng: random.Random) -> str:
    """One router's running-config: hardened, half-hardened or neglected at random."""
    image = rng.choice(IMAGES)
    care = rng.random()
    out = [
        "Building configuration...",
        "",
        f"Current configuration : {rng.randint(9000, 40000)} bytes",
        "!",
        f"version {image}",
        "service timestamps debug datetime msec",
        "service timestamps log datetime msec",
        "service password-encryption" if care > 0.3 else "no service password-encryption",
        "!",
        f"hostname rtr-{index:05d}",
        "!",
        "boot-start-marker",
        "boot-end-marker",
        "!",
        "enable secret 9 $9$abcdefghijklmn$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
        if care > 0.2
        else "enable password 7 0822455D0A16",
        "!",
    ]
    if care > 0.5:
        out += [
            "aaa new-model",
            "aaa authentication login default group tacacs+ local",
            "aaa authentication enable default group tacacs+ enable",
            "aaa accounting exec default start-stop group tacacs+",
            "aaa accounting commands 15 default start-stop group tacacs+",
            "!",
        ]
    else:
        out += ["no aaa new-model", "!"]
    out += [f"ip domain name site{index % 97}.example.net", "!"]
    if care > 0.6:
        out += [
            "login block-for 900 attempts 3 within 120",
            "login on-failure log",
            "login on-success log",
        ]
    for user in range(rng.randint(1, 3)):
        kind = "secret 9 $9$abcdefghijklmn$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq"
        if care < 0.3:
            kind = "password 7 0822455D0A16"
        out.append(f"username ops{user} privilege {rng.choice((1, 15))} {kind}")
    out.append("!")
    for port in range(rng.randint(16, 48)):
        out += [
            f"interface GigabitEthernet0/{port}",
            f" description link {port} to site {rng.randint(1, 900)}",
            f" ip address 10.{index % 250}.{port}.1 255.255.255.0"
            if port % 3
            else " no ip address",
            " ip access-group EDGE-IN in" if port == 0 else " no ip redirects",
            " negotiation auto",
            " shutdown" if port % 7 == 6 else " no shutdown",
            "!",
        ]
    out += ["router ospf 1", " router-id 10.255.0.1", " passive-interface default"]
    out += [f" network 10.{index % 250}.{n}.0 0.0.0.255 area 0" for n in range(rng.randint(5, 20))]
    out += ["!"]
    out += [
        f"ip route 172.16.{n}.0 255.255.255.0 10.0.0.{n % 250 + 1}"
        for n in range(rng.randint(10, 40))
    ]
    out += ["!", "ip access-list extended EDGE-IN"]
    out += [
        f" {10 * (n + 1)} permit tcp any host 192.0.2.{n} eq 443"
        for n in range(rng.randint(10, 40))
    ]
    out += [" 9999 deny ip any any log", "!", "ip access-list standard MGMT"]
    out += [" 10 permit 198.51.100.0 0.0.0.255", " 20 deny any log", "!"]
    if care > 0.4:
        out += ["ip ssh time-out 60", "ip ssh authentication-retries 3"]
    if care > 0.5 and not image.startswith("17."):
        out.append("ip ssh version 2")
    if care > 0.7 and image.startswith(("16.", "17.")):
        out += [
            "ip ssh server algorithm mac hmac-sha2-256 hmac-sha2-512",
            "ip ssh server algorithm encryption aes256-ctr aes192-ctr aes128-ctr",
        ]
    out += ["no ip http server" if care > 0.5 else "ip http server", "!"]
    if care > 0.6:
        out += [
            "tacacs server T1",
            " address ipv4 198.51.100.10",
            "tacacs server T2",
            " address ipv4 198.51.100.11",
        ]
    out += ["snmp-server community public RO", "ntp server 192.0.2.123", "!"]
    if care > 0.3:
        out += [
            "banner login ^C",
            "Authorised access only.",
            "Disconnect now if you are not.",
            "^C",
        ]
    if care > 0.5:
        out += ["banner motd ^CMaintenance on Sundays^C", "banner exec ^C", "Logged.", "^C"]
    out += ["!", "line con 0", f" exec-timeout {5 if care > 0.5 else 0} 0", "line aux 0"]
    if care > 0.5:
        out += [" no exec", " transport input none"]
    vty = " transport input ssh" if care > 0.3 else " transport input telnet ssh"
    out += ["line vty 0 4"]
    if care > 0.4:
        out += [" access-class MGMT in", " exec-timeout 5 0"]
    out += [" login authentication default" if care > 0.5 else " login local", vty]
    out += ["line vty 5 15", " transport input none" if care > 0.6 else vty, "!", "end", ""]
    return "\n".join(out)


# -- the same rules, written the way people write them with ciscoconfparse2 ----------------


def _timeout_seconds(children: list[str]) -> int | None:
    for text in children:
        m = re.match(r"^\s*exec-timeout (\d+)(?: (\d+))?", text)
        if m:
            return int(m.group(1)) * 60 + int(m.group(2) or 0)
    return None


def _child(children: list[str], pattern: str) -> re.Match[str] | None:
    for text in children:
        if m := re.search(pattern, text):
            return m
    return None


def ccp_rules(rules: list[Rule]) -> Callable[[str], dict[str, str]]:
    """One function per rule, each a ciscoconfparse2 query, as a user would write them."""

    def audit(text: str) -> dict[str, str]:
        parse = CiscoConfParse(text.splitlines(), ignore_blank_lines=True)
        top = [o.text for o in parse.find_objects(r"^\S")]

        def has(pattern: str) -> bool:
            return bool(parse.find_objects(pattern))

        def blocks(kinds: list[str]) -> list[tuple[str, list[str]]]:
            out = []
            for kind in kinds:
                word = {"con": "con", "aux": "aux", "vty": "vty", "tty": r"\d"}[kind]
                for obj in parse.find_objects(rf"^line {word}"):
                    out.append((obj.text, [c.text for c in obj.children]))
            return out

        def per_block(kinds: list[str], ok: Callable[[list[str]], bool]) -> str:
            found = blocks(kinds)
            if not found:
                return "not-assessable"
            return "pass" if all(ok(children) for _, children in found) else "fail"

        login_lists = {
            o.text.split()[3]: o.text.split()[4:]
            for o in parse.find_objects(r"^aaa authentication login \S+ \S")
        }
        new_model = has(r"^aaa new-model")
        acls: dict[str, list[str]] = {}
        for obj in parse.find_objects(r"^ip access-list (standard|extended) "):
            name = obj.text.split()[3]
            acls[name] = [re.sub(r"^\d+ ", "", c.text.strip()) for c in obj.children]
        for obj in parse.find_objects(r"^access-list \S+ "):
            acls.setdefault(obj.text.split()[1], []).append(" ".join(obj.text.split()[2:]))
        users = [o.text.split() for o in parse.find_objects(r"^username \S+")]

        def privilege(words: list[str]) -> int:
            return int(words[words.index("privilege") + 1]) if "privilege" in words else 1

        def ssh_version() -> str | None:
            if m := re.search(r"^ip ssh version (\d)", text, re.MULTILINE):
                return "2.0" if m.group(1) == "2" else "1.5"
            image = (re.search(r"^version (\S+)", text, re.MULTILINE) or [None, ""])[1]
            if image.startswith("17."):
                return "2.0"
            return "1.99" if image.startswith(("12.", "15.")) else None

        def banner(kind: str, must: str = "") -> str:
            objs = parse.find_objects(rf"^banner {kind}\s")
            if not objs:
                return "fail"
            body = " ".join([objs[0].text.split(None, 2)[2]] + [c.text for c in objs[0].children])
            body = body.replace("^C", " ").strip()
            if not body or (must and " ".join(must.split()) not in " ".join(body.split())):
                return "fail"
            return "pass"

        def check(rule: Rule) -> str:
            p = rule.params
            name = rule.check
            if name == "aaa_new_model":
                return "pass" if new_model else "fail"
            if name == "aaa_login_list":
                authenticates = any(m and m[0] != "none" for m in login_lists.values())
                return "pass" if new_model and authenticates else "fail"
            if name == "config_line":
                return "pass" if any(re.search(p["pattern"], t) for t in top) else "fail"
            if name == "config_lines_all":
                return (
                    "pass"
                    if all(any(re.search(x, t) for t in top) for x in p["patterns"].values())
                    else "fail"
                )
            if name == "line_login_authentication":

                def login_ok(children: list[str]) -> bool:
                    m = _child(children, r"^\s*login authentication (\S+)")
                    name = "default" if m is None else m.group(1)
                    if m is None and not p.get("lenient"):
                        return False
                    methods = login_lists.get(name)
                    return new_model and bool(methods) and methods[0] != "none"

                return per_block(p["kinds"], login_ok)
            if name == "users_max_privilege":
                return "pass" if all(privilege(u) <= p["max_privilege"] for u in users) else "fail"
            if name == "users_use_secret":
                return "fail" if any("password" in u for u in users) else "pass"
            if name == "line_transport_ssh":

                def ssh_only(children: list[str]) -> bool:
                    m = _child(children, r"^\s*transport input (.+)$")
                    return bool(m) and (
                        m.group(1).split() == ["none"] or set(m.group(1).split()) == {"ssh"}
                    )

                return per_block(p["kinds"], ssh_only)
            if name == "line_transport_none":
                found = blocks(p["kinds"])
                if not found or any(not _child(c, r"^\s*transport input ") for _, c in found):
                    return "not-assessable"
                return per_block(
                    p["kinds"], lambda c: bool(_child(c, r"^\s*transport input none$"))
                )
            if name == "line_no_exec":
                return per_block(p["kinds"], lambda c: bool(_child(c, r"^\s*no exec$")))
            if name == "line_access_class":
                return per_block(p["kinds"], lambda c: bool(_child(c, r"^\s*access-class \S+ in")))
            if name == "line_acl_defined":

                def acl_ok(children: list[str]) -> bool:
                    if p.get("only_open") and _child(children, r"^\s*transport input none$"):
                        return True
                    m = _child(children, r"^\s*access-class (\S+) in")
                    entries = acls.get(m.group(1)) if m else None
                    if not entries:
                        return False
                    return not p.get("ends_in_deny") or entries[-1].split()[0] == "deny"

                return per_block(p["kinds"], acl_ok)
            if name == "line_exec_timeout":

                def timeout_ok(children: list[str]) -> bool:
                    seconds = _timeout_seconds(children)
                    return (
                        600 <= p["max_seconds"]
                        if seconds is None
                        else 0 < seconds <= p["max_seconds"]
                    )

                status = per_block(p["kinds"], timeout_ok)
                if (
                    p.get("http_idle_max")
                    and status == "pass"
                    and has(r"^ip http (secure-)?server$")
                ):
                    m = re.search(r"^ip http timeout-policy idle (\d+)", text, re.MULTILINE)
                    status = "pass" if m and int(m.group(1)) <= p["http_idle_max"] else "fail"
                return status
            if name == "banner_set":
                return banner(p["kind"], p.get("must_contain", ""))
            if name == "enable_secret":
                return "pass" if has(r"^enable secret ") else "fail"
            if name == "login_block":
                m = re.search(
                    r"^login block-for (\d+) attempts (\d+) within \d+", text, re.MULTILINE
                )
                if not m:
                    return "fail"
                ok = (p.get("max_attempts") is None or int(m.group(2)) <= p["max_attempts"]) and (
                    p.get("min_block") is None or int(m.group(1)) >= p["min_block"]
                )
                return "pass" if ok else "fail"
            if name == "hostname_set":
                m = re.search(r"^hostname (\S+)", text, re.MULTILINE)
                return "pass" if m and m.group(1) != "Router" else "fail"
            if name == "domain_set":
                return "pass" if has(r"^ip domain[ -]name \S+") else "fail"
            if name == "rsa_modulus":
                return "not-assessable"  # keys are never in a config file
            if name == "ssh_timeout":
                m = re.search(r"^ip ssh time-out (\d+)", text, re.MULTILINE)
                return "pass" if (int(m.group(1)) if m else 120) <= p["max_seconds"] else "fail"
            if name == "ssh_retries":
                m = re.search(r"^ip ssh authentication-retries (\d+)", text, re.MULTILINE)
                return "pass" if (int(m.group(1)) if m else 3) <= p["max_retries"] else "fail"
            if name == "ssh_version_2":
                version = ssh_version()
                return (
                    "not-assessable"
                    if version is None
                    else ("pass" if version == "2.0" else "fail")
                )
            if name == "ssh_algorithms":
                m = re.search(rf"^ip ssh server algorithm {p['kind']} (.+)$", text, re.MULTILINE)
                if not m:
                    return "not-assessable"
                bad = [a for a in m.group(1).split() if a not in p["allowed"]]
                version = ssh_version()
                if not bad and version is None:
                    return "not-assessable"
                return "pass" if not bad and version == "2.0" else "fail"
            if name == "vty_session_limit":
                found = blocks(["vty"])
                if not found:
                    return "not-assessable"
                count = 0
                for header, children in found:
                    if _child(children, r"^\s*transport input none$"):
                        continue
                    numbers = [int(n) for n in header.split()[2:]]
                    count += numbers[-1] - numbers[0] + 1
                ok = count <= p["max_sessions"]
                if has(r"^ip http secure-server$"):
                    m = re.search(r"^ip http max-connections (\d+)$", text, re.MULTILINE)
                    if m is None:
                        return "fail" if not ok else "not-assessable"
                    ok = ok and int(m.group(1)) <= p["max_sessions"]
                return "pass" if ok else "fail"
            if name == "single_local_user":
                ok = len(users) == 1 and bool(login_lists)
                for methods in login_lists.values():
                    if "local" in methods:
                        ok = ok and "group" in methods[: methods.index("local")]
                return "pass" if ok else "fail"
            if name == "auth_servers":
                servers = parse.find_objects(
                    r"^(radius server|radius-server host|tacacs server|tacacs-server host) "
                )
                group_first = any(m and m[0] == "group" for m in login_lists.values())
                return "pass" if len(servers) >= p["minimum"] and group_first else "fail"
            raise KeyError(name)

        return {rule.id: check(rule) for rule in rules}

    return audit


# -- end to end: files read to output written, one mode per fresh process ----------------

MODES = {
    "engine": "the rules alone (no output)",
    "table": "ios-ssh audit DIR",
    "json": "ios-ssh audit DIR --json",
    "junit": "ios-ssh audit DIR --junit F",
    "html": "ios-ssh audit DIR --html F",
    "all": "--json --junit --html --emit-intent",
}


def measure(mode: str, folder: Path, out: Path) -> dict[str, float]:
    """One mode over `folder`, in this process: CPU seconds and how much the peak memory
    grew while it ran (imports and rule loading excluded)."""
    from rich.console import Console

    from ios_ssh.audit import iter_paths
    from ios_ssh.audit.cli import run_audit

    rules, _ = rule_sets(["cis,stig"])
    options = {
        "paths": [folder],
        "rule_names": ["cis,stig"],
        "inventory": None,
        "intent_file": None,
        "hosts": None,
        "groups": None,
        "driver": "netmiko",
        "workers": 1,
        "as_json": mode in ("json", "all"),
        "junit": out / "audit.xml" if mode in ("junit", "all") else None,
        "html": out / "audit.html" if mode in ("html", "all") else None,
        "emit_intent": out / "fix.yaml" if mode == "all" else None,
    }
    with open(os.devnull, "w") as null:
        console = Console(file=null, width=150)
        before = _rss_kib("VmRSS")
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
        start = time.process_time()
        if mode == "engine":
            for _ in iter_paths([folder], rules, None):
                pass
        else:
            with contextlib.redirect_stderr(null):
                run_audit(console, **options)  # type: ignore[arg-type]
        cpu = time.process_time() - start
    return {"cpu": cpu, "grown_kib": _rss_kib("VmHWM") - before}


def _rss_kib(field: str) -> int:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def in_child(mode: str, folder: Path, out: Path, repeat: int) -> dict[str, float]:
    """The best CPU of `repeat` fresh processes (the machine is shared), and the most
    memory any of them grew."""
    runs = []
    for _ in range(repeat):
        line = (
            subprocess.run(
                [sys.executable, __file__, "--measure", mode, str(folder), str(out)],
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        runs.append(json.loads(line))
    return {"cpu": min(r["cpu"] for r in runs), "grown_kib": max(r["grown_kib"] for r in runs)}


def end_to_end(folder: Path, small: Path, count: int, small_count: int, repeat: int) -> None:
    print(f"\nend to end, files read to output written, one core (best of {repeat} runs):")
    print(f"{'':44} {'configs/s':>10} {'vs table':>9} {'memory grown':>26}")
    with tempfile.TemporaryDirectory(prefix="ios-ssh-audit-out-") as out:
        rows = {}
        for mode in MODES:
            big = in_child(mode, folder, Path(out), repeat)
            little = in_child(mode, small, Path(out), repeat)
            rows[mode] = (count / big["cpu"], big["grown_kib"], little["grown_kib"])
        table = rows["table"][0]
        for mode, (rate, grown, grown_small) in rows.items():
            memory = (
                f"{grown_small / 1024:.0f} MB ({small_count}) / {grown / 1024:.0f} MB ({count})"
            )
            print(f"{mode:7} {MODES[mode]:36} {rate:10.0f} {rate / table:8.2f}x {memory:>26}")


# -- online: what the audit adds to reading a live fleet ------------------------------------


def online(count: int, repeat: int) -> None:
    """A demo lab (4 routers: IOS-XE 17, IOS 15, a factory-fresh one, a console server):
    `ios-ssh audit -i` with the table and with --json, end to end; then the per-router
    work of the online path (audit a state read from the lab, write it), over `count`
    copies of the states, table against --json."""
    import io

    import yaml
    from rich.console import Console

    from ios_ssh.audit.cli import run_audit
    from ios_ssh.audit.model import Device
    from ios_ssh.audit.output import JsonWriter, TableWriter
    from ios_ssh.audit.run import audit_state
    from ios_ssh.demo import free_reverse_offset
    from ios_ssh.labctl import LabProcess

    repo = Path(__file__).resolve().parents[1]
    rules, _ = rule_sets(["cis,stig"])
    with tempfile.TemporaryDirectory(prefix="ios-ssh-audit-live-") as tmp:
        folder = Path(tmp)
        known = folder / "known_hosts"
        offset = free_reverse_offset()
        lab = LabProcess.start("demo", 0, known_hosts=known, reverse_offset=offset)
        try:
            hosts = yaml.safe_load((repo / "inventory/lab/hosts.yaml").read_text())
            for router in lab.routers:
                host, data = hosts[router.name], hosts[router.name].setdefault("data", {})
                data["telnet_port"] = router.telnet_port
                if data.get("transport") == "telnet":
                    host["port"], data["ssh_port"] = router.telnet_port, router.ssh_port
                else:
                    host["port"] = router.ssh_port
                if "ssh_intent_file" in data:
                    data["ssh_intent_file"] = str(repo / data["ssh_intent_file"])
                    data["reverse_port_offset"] = offset
            (folder / "hosts.yaml").write_text(yaml.safe_dump(hosts))
            (folder / "groups.yaml").write_text((repo / "inventory/lab/groups.yaml").read_text())
            defaults = yaml.safe_load((repo / "inventory/lab/defaults.yaml").read_text())
            defaults["data"]["known_hosts"] = str(known)
            (folder / "defaults.yaml").write_text(yaml.safe_dump(defaults))
            print(f"\nonline, a {len(lab.routers)}-router lab read with `audit -i`:")
            for as_json in (False, True):
                wall, cpu = [], []
                for _ in range(repeat):
                    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
                        start, start_cpu = time.monotonic(), time.process_time()
                        run_audit(
                            Console(file=null, width=150),
                            paths=[],
                            rule_names=["cis,stig"],
                            inventory=folder,
                            intent_file=None,
                            hosts=None,
                            groups=None,
                            driver="netmiko",
                            workers=4,
                            as_json=as_json,
                            junit=None,
                            html=None,
                            emit_intent=None,
                        )
                        wall.append(time.monotonic() - start)
                        cpu.append(time.process_time() - start_cpu)
                label = "--json" if as_json else "table"
                print(f"  {label:7} {min(wall):6.2f} s wall, {min(cpu):6.2f} s CPU")
            states = [_read(router, known) for router in lab.routers if router.name != "r3"]
        finally:
            lab.stop()
    print(f"  per router, {count} states ({len(states)} read from the lab, repeated):")
    rates = {}
    for label in ("table", "json"):
        best = float("inf")
        for _ in range(repeat):
            out = io.StringIO()
            writer = JsonWriter(out) if label == "json" else TableWriter(Console(file=out))
            start = time.process_time()
            for index in range(count):
                state = states[index % len(states)]
                writer.add(Device(f"r{index}", audit_state(state, rules, None)))
            writer.close()
            best = min(best, time.process_time() - start)
        rates[label] = count / best
        print(f"  {label:7} {rates[label]:8.0f} routers/s audited and written")
    print(f"  --json / table: {rates['json'] / rates['table']:.2f}x")


def _read(router, known: Path):  # type: ignore[no-untyped-def]
    from ios_ssh import read_state
    from ios_ssh.session import DeviceParams

    params = DeviceParams(
        host=router.host,
        port=router.ssh_port,
        username="admin",
        password="admin",
        secret="admin",
        known_hosts=str(known),
        timeout=60,
    )
    return read_state(params)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--count", type=int, default=10_000)
    args.add_argument("--small", type=int, default=1_000, help="the smaller fleet (memory)")
    args.add_argument("--repeat", type=int, default=3)
    args.add_argument("--baseline", type=int, default=1_000, help="0: skip ciscoconfparse2")
    args.add_argument("--live", type=int, default=0, help="states through the online path")
    args.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    opts = args.parse_args()
    if opts.measure:
        mode, folder, out = opts.measure
        print(json.dumps(measure(mode, Path(folder), Path(out))))
        return
    rules, _ = rule_sets(["cis,stig"])
    rng = random.Random(15)
    with tempfile.TemporaryDirectory(prefix="ios-ssh-audit-bench-") as tmp:
        folder, small = Path(tmp) / "fleet", Path(tmp) / "small"
        folder.mkdir()
        small.mkdir()
        texts = []
        for index in range(opts.count):
            text = make_config(index, rng)
            texts.append(text)
            (folder / f"rtr-{index:05d}").write_text(text)
            if index < opts.small:
                (small / f"rtr-{index:05d}").write_text(text)
        lines = sum(t.count("\n") for t in texts) / len(texts)
        print(f"{opts.count} configs, {lines:.0f} lines on average, images {', '.join(IMAGES)}")
        print(f"{len(rules)} rules (cis + stig)")
        end_to_end(folder, small, opts.count, min(opts.small, opts.count), opts.repeat)
        if opts.baseline:
            compare_ccp(folder, rules, opts.baseline)
    if opts.live:
        online(opts.live, opts.repeat)


def compare_ccp(folder: Path, rules: list[Rule], count: int) -> None:
    """The same rules written with ciscoconfparse2, over the first `count` configs."""
    sample = sorted(folder.iterdir())[:count]
    start = time.process_time()
    results = {d.name: d.findings for d in iter_paths(sample, rules, None)}
    ours = time.process_time() - start
    audit = ccp_rules(rules)
    start = time.process_time()
    theirs = {path.name: audit(path.read_text()) for path in sample}
    base = time.process_time() - start
    print(f"\nthe same rules with ciscoconfparse2, over the first {len(sample)} configs:")
    print(
        f"  ios_ssh.audit   {len(sample) / ours:8.0f} configs/s ({ours / len(sample) * 1e3:.2f} ms each)"
    )
    print(
        f"  ciscoconfparse2 {len(sample) / base:8.0f} configs/s ({base / len(sample) * 1e3:.2f} ms each)"
    )
    print(f"  speed-up: {(base / len(sample)) / (ours / len(sample)):.1f}x per config")
    differ = 0
    for name, statuses in theirs.items():
        mine = {f.rule: f.status for f in results[name]}
        differ += sum(1 for rule, status in statuses.items() if mine[rule] != status)
    total = sum(len(s) for s in theirs.values())
    print(f"  statuses compared: {total - differ}/{total} agree")


if __name__ == "__main__":
    main()
