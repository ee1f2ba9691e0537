"""The check functions rules name: Facts (+ the rule's params) -> Outcome (pure).

Each function reads only what its rule's `reads` says. Where the answer depends on what
was not captured, or on a default that `show running-config` hides, it returns
`not-assessable` with the reason, never `pass`. Defaults and thresholds come from
/work/shared/reference/compliance-rules.md (CIS IOS 17.x v2.0.0, DISA IOS Router NDM V3R4).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .facts import Facts
from .mask import mask
from .model import Outcome

CheckFn = Callable[..., Outcome]
CHECKS: dict[str, CheckFn] = {}

# `show running-config` hides these defaults (compliance-rules.md section 4).
DEFAULT_EXEC_TIMEOUT = 600  # seconds: 10 minutes
DEFAULT_SSH_TIMEOUT = 120  # seconds
DEFAULT_SSH_RETRIES = 3
NO_CONFIG = Outcome("not-assessable", ("no running-config in the input",))


def check(fn: CheckFn) -> CheckFn:
    """Register `fn` under its name; rules refer to it by that name."""
    CHECKS[fn.__name__] = fn
    return fn


def _pass_if(ok: bool, evidence: list[str], blocks: list[str] = ()) -> Outcome:  # type: ignore[assignment]
    return Outcome("pass" if ok else "fail", tuple(evidence), tuple(blocks))


# -- line blocks --------------------------------------------------------------------------


def block_name(block: dict[str, Any]) -> str:
    """The block as an intent's `lines` names it: `vty 0 4`, `con 0`, `aux 0`, `1 3`
    (`0/0/0 0/0/12` for async ports by slot; `vty ?` where the numbers are unknown)."""
    first, last = block["first"], block["last"]
    if first is None:
        return f"{block['kind']} ?"
    numbers = f"{first}" + (f" {last}" if last != first else "")
    return numbers if block["kind"] == "tty" else f"{block['kind']} {numbers}"


_KINDS = {"con", "aux", "vty", "tty"}


def _blocks(facts: Facts, kinds: list[str]) -> list[dict[str, Any]]:
    """The blocks of `kinds` whose lines are known."""
    assert facts.config is not None
    return [b for b in facts.config["lines"] if b["kind"] in kinds and not b.get("problem")]


def _unplaced(facts: Facts, kinds: list[str]) -> list[str]:
    """Why some lines of `kinds` are unknown: blocks the reader could not place (no numbers,
    a line type it does not know, which could be any of them)."""
    assert facts.config is not None
    return [
        b["problem"]
        for b in facts.config["lines"]
        if b.get("problem") and (b["kind"] in kinds or b["kind"] not in _KINDS)
    ]


def _seconds(block: dict[str, Any]) -> int | None:
    value = block["exec_timeout"]
    return None if value is None else value[0] * 60 + value[1]


# judge(block) -> (True pass / False fail / None cannot tell, what it saw)
Judge = Callable[[dict[str, Any]], tuple[bool | None, str]]


def _per_block(facts: Facts, kinds: list[str], judge: Judge) -> Outcome:
    """Every block of `kinds` must pass `judge`; one failing block fails the rule. No such
    block at all, or a block the reader could not place (and none failing): not-assessable."""
    if facts.config is None:
        return NO_CONFIG
    blocks = _blocks(facts, kinds)
    unknown = _unplaced(facts, kinds)
    if not blocks and not unknown:
        return Outcome("not-assessable", (f"no 'line {'/'.join(kinds)}' block in the config",))
    evidence, failing, unsure = [], [], []
    for block in blocks:
        ok, said = judge(block)
        evidence.append(f"line {block_name(block)}: {said}")
        if ok is False:
            failing.append(block_name(block))
        elif ok is None:
            unsure.append(block_name(block))
    if failing:
        return Outcome("fail", tuple(evidence + unknown), tuple(failing))
    if unknown or unsure:
        return Outcome("not-assessable", tuple(evidence + unknown))
    return Outcome("pass", tuple(evidence))


def _unread_setting(block: dict[str, Any], word: str) -> str | None:
    """A `word ...` setting of the block the reader did not understand, if any."""
    for other in block["other"]:
        if other.startswith(word) and other[len(word) : len(word) + 1] in ("", " "):
            return other
    return None


@check
def line_exec_timeout(
    facts: Facts, kinds: list[str], max_seconds: int, http_idle_max: int | None = None
) -> Outcome:
    """exec-timeout at most `max_seconds` (0 0 = never = fail; absent = 10 min)."""

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        seconds = _seconds(block)
        if seconds is None and (odd := _unread_setting(block, "exec-timeout")):
            return None, f"'{odd}' not understood"
        if seconds is None:
            return DEFAULT_EXEC_TIMEOUT <= max_seconds, "no exec-timeout (default 10 min)"
        minutes, secs = block["exec_timeout"]
        return 0 < seconds <= max_seconds, f"exec-timeout {minutes} {secs}"

    outcome = _per_block(facts, kinds, judge)
    if http_idle_max is None or outcome.status == "not-assessable":
        return outcome
    http = facts.top_matching(_HTTP_SERVER)
    if not http:
        return outcome
    policy = facts.top_matching(re.compile(r"^ip http timeout-policy idle (\d+)"))
    idle = int(policy[0].split()[4]) if policy else None
    ok = idle is not None and idle <= http_idle_max
    said = policy[0] if policy else "no ip http timeout-policy (idle default 180 s is not shown)"
    return Outcome(
        "pass" if ok and outcome.status == "pass" else "fail",
        (*outcome.evidence, f"{http[0]}; {said}"),
        outcome.blocks,
    )


_HTTP_SERVER = re.compile(r"^ip http (secure-)?server$")


@check
def line_transport_ssh(facts: Facts, kinds: list[str]) -> Outcome:
    """transport input ssh (or none); an absent line fails: its default varies by release."""

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        got = block["transport_input"]
        if not got:
            return False, "no transport input line (release default)"
        return got == ["none"] or set(got) == {"ssh"}, f"transport input {' '.join(got)}"

    return _per_block(facts, kinds, judge)


@check
def line_transport_none(facts: Facts, kinds: list[str]) -> Outcome:
    """transport input none; `none` is the usual default and hidden, so absent = unknown."""

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        got = block["transport_input"]
        if not got:
            return None, "no transport input line; the default is hidden"
        return got == ["none"], f"transport input {' '.join(got)}"

    return _per_block(facts, kinds, judge)


@check
def line_no_exec(facts: Facts, kinds: list[str]) -> Outcome:
    return _per_block(
        facts, kinds, lambda b: (not b["exec"], "no exec" if not b["exec"] else "exec allowed")
    )


def _login_lists(facts: Facts) -> dict[str, list[str]]:
    assert facts.config is not None
    return facts.config["aaa"]["authentication_login"]


def _authenticates(methods: list[str]) -> bool:
    """A login list authenticates unless its first method is `none` (which lets anyone in;
    methods after it are never tried)."""
    return bool(methods) and methods[0] != "none"


def _login_list(name: str, methods: list[str]) -> str:
    said = f"aaa authentication login {name} {' '.join(methods)}"
    return said if _authenticates(methods) else f"{said} (no authentication)"


@check
def line_login_authentication(facts: Facts, kinds: list[str], lenient: bool = False) -> Outcome:
    """`login authentication L` with L defined (or `default`) and authenticating; lenient:
    an absent line is fine when `aaa authentication login default` exists (it then applies)."""
    if facts.config is None:
        return NO_CONFIG
    lists = _login_lists(facts)
    new_model = facts.config["aaa"]["new_model"]

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        name = block["login_authentication"]
        if not name:
            if not (lenient and new_model and "default" in lists):
                return False, "no login authentication line"
            ok = _authenticates(lists["default"])
            return ok, "no login authentication line (aaa authentication login default " + (
                "applies)" if ok else "applies, and its only method is none)"
            )
        if name not in lists:
            return False, f"login authentication {name} (list not defined)"
        if not _authenticates(lists[name]):
            return False, f"login authentication {name}: {_login_list(name, lists[name])}"
        return new_model, f"login authentication {name}"

    return _per_block(facts, kinds, judge)


@check
def line_access_class(facts: Facts, kinds: list[str], only_open: bool = False) -> Outcome:
    """`access-class ACL in` on each block (only_open: on blocks that take any input)."""

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        if only_open and block["transport_input"] == ["none"]:
            return True, "transport input none"
        acl = block["access_class_in"]
        return bool(acl), f"access-class {acl} in" if acl else "no access-class in"

    return _per_block(facts, kinds, judge)


@check
def line_acl_defined(
    facts: Facts, kinds: list[str], ends_in_deny: bool = False, only_open: bool = False
) -> Outcome:
    """The ACL each block's access-class names exists, has entries (and ends in deny);
    only_open: blocks that take no input (`transport input none`) need none."""

    def judge(block: dict[str, Any]) -> tuple[bool | None, str]:
        if only_open and block["transport_input"] == ["none"]:
            return True, "transport input none: takes no sessions"
        acl = block["access_class_in"]
        if not acl:
            return False, "no access-class in, so no ACL guards it"
        entries = facts.acls.get(acl)
        if not entries:
            return False, f"access-class {acl} in: ACL {acl} is not defined or empty"
        last = entries[-1]
        if ends_in_deny and last.split()[0] != "deny":
            return False, f"ACL {acl}: last entry '{last}' is not a deny"
        return True, f"ACL {acl}: {len(entries)} entries, last '{last}'"

    return _per_block(facts, kinds, judge)


@check
def vty_session_limit(facts: Facts, max_sessions: int) -> Outcome:
    """At most `max_sessions` vty lines take input (or a session-limit at most that), and
    with the HTTPS server on, `ip http max-connections` at most that too."""
    if facts.config is None:
        return NO_CONFIG
    blocks = _blocks(facts, ["vty"])
    unknown = _unplaced(facts, ["vty"])
    if not blocks and not unknown:
        return Outcome("not-assessable", ("no 'line vty' block in the config",))
    open_lines = 0
    evidence = []
    for block in blocks:
        count = block["last"] - block["first"] + 1
        limit = _unread_setting(block, "session-limit")
        if block["transport_input"] == ["none"]:
            evidence.append(f"line {block_name(block)}: transport input none")
            continue
        if limit is not None and limit.split()[1:2] and limit.split()[1].isdigit():
            count = min(count, int(limit.split()[1]))
        open_lines += count
        shown = " ".join(block["transport_input"]) or "(default)"
        evidence.append(
            f"line {block_name(block)}: transport input {shown}" + (f", {limit}" if limit else "")
        )
    evidence.append(f"{open_lines} concurrent sessions possible, at most {max_sessions} allowed")
    ok = open_lines <= max_sessions
    if facts.top_matching(_HTTPS_SERVER):
        # The STIG's check text: with `ip http secure-server`, `ip http max-connections N`.
        found = facts.top_matching(_HTTP_MAX)
        if found:
            evidence.append(f"ip http secure-server; {found[0]}")
            ok = ok and int(found[0].split()[3]) <= max_sessions
        else:
            evidence.append(
                "ip http secure-server without ip http max-connections: the default limit "
                "is not shown in the config"
            )
            unknown = [*unknown, evidence.pop()]
    if ok and unknown:
        return Outcome("not-assessable", (*evidence, *unknown))
    return _pass_if(ok, evidence + unknown)


_HTTPS_SERVER = re.compile(r"^ip http secure-server$")
_HTTP_MAX = re.compile(r"^ip http max-connections \d+$")


# -- top-level configuration -------------------------------------------------------------


def _shown(lines: list[str]) -> list[str]:
    """Config lines as evidence, every credential value masked (`key <type 7, masked>`)."""
    return [mask(line) for line in lines]


@check
def config_line(facts: Facts, pattern: str, describe: str) -> Outcome:
    """A top-level line matching `pattern` is present."""
    if facts.config is None:
        return NO_CONFIG
    found = facts.top_matching(_re(pattern))
    return _pass_if(bool(found), _shown(found[:3]) if found else [f"no {describe} line"])


@check
def config_lines_all(facts: Facts, patterns: dict[str, str]) -> Outcome:
    """Every pattern (described by its key) matches a top-level line."""
    if facts.config is None:
        return NO_CONFIG
    evidence, ok = [], True
    for describe, pattern in patterns.items():
        found = facts.top_matching(_re(pattern))
        evidence += _shown(found[:1]) if found else [f"no {describe} line"]
        ok = ok and bool(found)
    return _pass_if(ok, evidence)


@check
def config_line_absent(facts: Facts, pattern: str, describe: str) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    found = facts.top_matching(_re(pattern))
    return _pass_if(not found, _shown(found[:3]) if found else [f"no {describe} line"])


_COMPILED: dict[str, re.Pattern[str]] = {}


def _re(pattern: str) -> re.Pattern[str]:
    compiled = _COMPILED.get(pattern)
    if compiled is None:
        compiled = _COMPILED[pattern] = re.compile(pattern)
    return compiled


@check
def aaa_new_model(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    on = facts.config["aaa"]["new_model"]
    return _pass_if(on, ["aaa new-model" if on else "no aaa new-model"])


@check
def aaa_login_list(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    lists = _login_lists(facts)
    evidence = [_login_list(n, m) for n, m in lists.items()]
    ok = facts.config["aaa"]["new_model"] and any(map(_authenticates, lists.values()))
    return _pass_if(ok, evidence or ["no aaa authentication login line"])


@check
def hostname_set(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    name = facts.config["hostname"]
    return _pass_if(bool(name) and name != "Router", [f"hostname {name or '(none: Router)'}"])


@check
def domain_set(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    domain = facts.config["domain_name"]
    return _pass_if(bool(domain), [f"ip domain name {domain}" if domain else "no ip domain name"])


@check
def banner_set(facts: Facts, kind: str, must_contain: str = "") -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    if unread := facts.unread.get(f"banner {kind}"):
        return Outcome("not-assessable", (unread,))
    text = facts.banners.get(kind, "")
    if not text:
        return Outcome("fail", (f"no banner {kind} (or an empty one)",))
    first = text.split("\n", 1)[0][:80]  # IOS lines end at a newline only
    if must_contain and " ".join(must_contain.split()) not in " ".join(text.split()):
        return Outcome("fail", (f"banner {kind}: '{first}' lacks the required notice",))
    return Outcome("pass", (f"banner {kind}: '{first}'",))


@check
def enable_secret(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    found = facts.top_matching(_re(r"^enable (secret|password)\b"))
    shown = [mask(line) for line in found]  # never the password, nor the hash
    ok = any(line.startswith("enable secret") for line in found)
    return _pass_if(ok, shown or ["no enable secret"])


def _users(facts: Facts) -> list[dict[str, Any]]:
    assert facts.config is not None
    return facts.config["users"]


@check
def users_max_privilege(facts: Facts, max_privilege: int) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    users = _users(facts)
    evidence = [f"username {u['name']} privilege {u['privilege']}" for u in users]
    ok = all(u["privilege"] <= max_privilege for u in users)
    return _pass_if(ok, evidence or ["no local users"])


@check
def users_use_secret(facts: Facts) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    users = [u for u in _users(facts) if u["secret_type"]]
    evidence = [
        f"username {u['name']} {word} <type {kind}, masked>"
        for u in users
        for word, _, kind in [u["secret_type"].partition(" ")]
    ]
    ok = all(u["secret_type"].startswith("secret") for u in users)
    return _pass_if(ok, evidence or ["no local users with a credential"])


@check
def single_local_user(facts: Facts) -> Outcome:
    """Exactly one local account, and login lists try a server group before `local`."""
    if facts.config is None:
        return NO_CONFIG
    users = _users(facts)
    evidence = [f"{len(users)} local users: {', '.join(u['name'] for u in users) or 'none'}"]
    ok = len(users) == 1
    for name, methods in _login_lists(facts).items():
        evidence.append(f"aaa authentication login {name} {' '.join(methods)}")
        if "local" in methods:
            ok = ok and any(m.startswith("group ") for m in methods[: methods.index("local")])
    if not _login_lists(facts):
        evidence.append("no aaa authentication login list: local is the only source")
        ok = False
    return _pass_if(ok, evidence)


_SERVER = re.compile(r"^(radius server|radius-server host|tacacs server|tacacs-server host) ")


@check
def auth_servers(facts: Facts, minimum: int) -> Outcome:
    """At least `minimum` RADIUS/TACACS+ servers and a login list `group ... local`."""
    if facts.config is None:
        return NO_CONFIG
    servers = facts.top_matching(_SERVER)
    lists = _login_lists(facts)
    with_group = [n for n, m in lists.items() if m and m[0].startswith("group ")]
    evidence = [f"{len(servers)} authentication servers", *_shown(servers[:4])]
    evidence += [f"aaa authentication login {n} {' '.join(lists[n])}" for n in with_group]
    ok = len(servers) >= minimum and bool(with_group)
    return _pass_if(
        ok, evidence if with_group else [*evidence, "no login list starts with a group"]
    )


@check
def login_block(
    facts: Facts, max_attempts: int | None = None, min_block: int | None = None
) -> Outcome:
    if facts.config is None:
        return NO_CONFIG
    found = facts.top_matching(_re(r"^login block-for \d+ attempts \d+ within \d+"))
    if not found:
        return Outcome("fail", ("no login block-for line",))
    words = found[0].split()
    block, attempts = int(words[2]), int(words[4])
    ok = (max_attempts is None or attempts <= max_attempts) and (
        min_block is None or block >= min_block
    )
    return _pass_if(ok, [found[0]])


# -- SSH server: show ip ssh where captured, else the configuration ------------------------


def _ssh_config(facts: Facts) -> dict[str, Any] | None:
    return None if facts.config is None else facts.config["ip_ssh"]


@check
def ssh_timeout(facts: Facts, max_seconds: int) -> Outcome:
    if facts.ip_ssh is not None and facts.ip_ssh.get("timeout"):
        value = int(facts.ip_ssh["timeout"])
        return _pass_if(
            value <= max_seconds, [f"show ip ssh: Authentication timeout: {value} secs"]
        )
    ssh = _ssh_config(facts)
    if ssh is None:
        return NO_CONFIG
    value = ssh["time_out"]
    if value is None:
        return _pass_if(DEFAULT_SSH_TIMEOUT <= max_seconds, ["no ip ssh time-out (default 120 s)"])
    return _pass_if(value <= max_seconds, [f"ip ssh time-out {value}"])


@check
def ssh_retries(facts: Facts, max_retries: int) -> Outcome:
    if facts.ip_ssh is not None and facts.ip_ssh.get("retries"):
        value = int(facts.ip_ssh["retries"])
        return _pass_if(value <= max_retries, [f"show ip ssh: Authentication retries: {value}"])
    ssh = _ssh_config(facts)
    if ssh is None:
        return NO_CONFIG
    value = ssh["authentication_retries"]
    if value is None:
        return _pass_if(
            DEFAULT_SSH_RETRIES <= max_retries, ["no ip ssh authentication-retries (default 3)"]
        )
    return _pass_if(value <= max_retries, [f"ip ssh authentication-retries {value}"])


def _ssh_version(facts: Facts) -> tuple[str | None, str]:
    """The effective SSH version ("2.0", "1.99", "1.5") and how we know, or None."""
    if facts.ip_ssh is not None and facts.ip_ssh.get("version"):
        status = "Enabled" if facts.ip_ssh["status"] == "enabled" else "Disabled"
        return str(
            facts.ip_ssh["version"]
        ), f"show ip ssh: SSH {status} - version {facts.ip_ssh['version']}"
    ssh = _ssh_config(facts)
    if ssh is None:
        return None, "no running-config or show ip ssh in the input"
    if ssh["version"] is not None:
        return {1: "1.5", 2: "2.0"}[ssh["version"]], f"ip ssh version {ssh['version']}"
    image = facts.image
    # image-families.md: XE 17.x defaults to (and hides) version 2; classic 12.x/15.x
    # default to compatibility mode 1.99. 16.x: not established, so unknown.
    if image.startswith("17."):
        return "2.0", f"no ip ssh version; version {image}: IOS XE 17 defaults to SSH 2.0"
    if image.startswith(("12.", "15.")):
        return "1.99", f"no ip ssh version; version {image}: the default is 1.99 (v1 enabled)"
    return None, f"no ip ssh version line and image '{image or 'unknown'}': default unknown"


@check
def ssh_version_2(facts: Facts) -> Outcome:
    version, said = _ssh_version(facts)
    if version is None:
        return Outcome("not-assessable", (said,))
    return _pass_if(version == "2.0", [said])


@check
def rsa_modulus(facts: Facts, min_bits: int) -> Outcome:
    """The SSH host key's modulus; keys are not in the running-config."""
    if facts.ip_ssh is not None and facts.ip_ssh.get("rsa_modulus"):
        bits = int(facts.ip_ssh["rsa_modulus"])
        name = facts.ip_ssh.get("rsa_key_name") or "?"
        return _pass_if(bits >= min_bits, [f"show ip ssh: key {name}, Modulus Size : {bits} bits"])
    if facts.rsa_keys:
        wanted = (_ssh_config(facts) or {}).get("rsa_keypair_name") or ""
        keys = [k for k in facts.rsa_keys if not wanted or k["key_name"] == wanted]
        if keys:
            evidence = [
                f"show crypto key mypubkey rsa: {k['key_name']} {k['modulus']} bits" for k in keys
            ]
            return _pass_if(all(int(k["modulus"] or 0) >= min_bits for k in keys), evidence)
        return Outcome("fail", (f"show crypto key mypubkey rsa: no key {wanted}",))
    if facts.rsa_keys == [] or (facts.ip_ssh is not None and facts.ip_ssh["status"] != "enabled"):
        return Outcome("fail", ("no RSA key pair (SSH has no host key)",))
    return Outcome(
        "not-assessable",
        (
            "no show ip ssh or show crypto key mypubkey rsa in the input: keys are not in the config",
        ),
    )


_ALGORITHM_FIELDS = {"encryption": "encryption_algorithms", "mac": "mac_algorithms"}


@check
def ssh_algorithms(facts: Facts, kind: str, allowed: list[str]) -> Outcome:
    """Every offered SSH `kind` algorithm is in `allowed`, and SSH version 2 is in force."""
    version, said = _ssh_version(facts)
    field = _ALGORITHM_FIELDS[kind]
    offered: list[str] = []
    where = ""
    if facts.ip_ssh is not None and facts.ip_ssh.get(field):
        offered, where = list(facts.ip_ssh[field]), f"show ip ssh: {kind} algorithms"
    elif facts.config is not None:
        line = facts.top_matching(_re(rf"^ip ssh server algorithm {kind} "))
        if line:
            offered, where = line[0].split()[5:], line[0]
    if not offered:
        image = facts.image or "unknown"
        return Outcome(
            "not-assessable",
            (
                (
                    f"no ip ssh server algorithm {kind} line and no show ip ssh list (image {image}: "
                    "the defaults are not shown)"
                ),
            ),
        )
    bad = [a for a in offered if a not in allowed]
    evidence = [f"{where}: {' '.join(offered)}"]
    if bad:
        evidence.append(f"not allowed: {' '.join(bad)}")
    if version is not None and version != "2.0":
        evidence.append(said)
    if not bad and version is None:  # the lists are fine, but is v1 still on?
        return Outcome("not-assessable", (*evidence, said))
    return _pass_if(not bad and version == "2.0", evidence)


def names() -> Iterator[str]:
    return iter(CHECKS)
