"""Removals: what an intent takes off a router, and whether that is safe (pure).

An entry with `state: absent` is removed, and a list the intent owns (`exclusive: [users,
ssh.pubkey_users, ssh.pubkey_servers]`) loses every entry it does not name. The plan sends
the removals last, inside the same revert window as the rest of the change: `no username
X`, and in `ip ssh pubkey-chain` `no username X` / `no server X` (a listed pubkey user's
unlisted keys go with `no key-hash TYPE MD5`, in plan.py). The enable secret is never
removed: it is no user, and no list covers it.

Refused before anything is sent, each naming what it protects:
- the session's own login: its local user (unless it logs in with a key that the
  pubkey-chain keeps, which the fresh login then proves), and its login key (unless its
  password login stays);
- the last privilege-15 local user where `local` is the fallback after a server group;
- what a later step of the same change needs: a privilege-15 local user for SCP, and the
  operator's login for the reverse-SSH checks.

How the operator logs in is judged here only as far as removals need it (`_vty_methods`);
the AAA login-path reasoning proper is login_path.py's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .intent import SshIntent
from .render import ConfigLine, plain
from .state import DeviceState

if TYPE_CHECKING:
    from .plan import PlanContext

LOCAL = ("local", "local-case")


@dataclass(frozen=True)
class Removed:
    """What the plan removes, in the router's own order."""

    users: tuple[str, ...] = ()
    pubkey_users: tuple[str, ...] = ()
    pubkey_servers: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.users or self.pubkey_users or self.pubkey_servers)

    def why(self) -> str:
        parts = [
            f"{label} {', '.join(names)}"
            for label, names in (
                ("local users", self.users),
                ("pubkey-chain users", self.pubkey_users),
                ("pubkey-chain servers", self.pubkey_servers),
            )
            if names
        ]
        return "remove (state: absent, or not in an exclusive list): " + "; ".join(parts)


def _gone(have: Iterable[str], entries: Iterable[Any], name: Callable[[Any], str], owned: bool):
    absent = {name(e) for e in entries if e.state == "absent"}
    present = {name(e) for e in entries if e.state == "present"}
    out: list[str] = []
    for item in have:
        if item not in out and (item in absent or (owned and item not in present)):
            out.append(item)
    return tuple(out)


def find(state: DeviceState, intent: SshIntent) -> Removed:
    cfg = state.config
    chain = cfg["ip_ssh"]
    return Removed(
        _gone(
            (u["name"] for u in cfg["users"]), intent.users, lambda u: u.name, intent.owns("users")
        ),
        _gone(
            (u["username"] for u in chain["pubkey_users"]),
            intent.ssh.pubkey_users,
            lambda u: u.username,
            intent.owns("ssh.pubkey_users"),
        ),
        _gone(
            (s["server"] for s in chain["pubkey_servers"]),
            intent.ssh.pubkey_servers,
            lambda s: s.server,
            intent.owns("ssh.pubkey_servers"),
        ),
    )


def lines(removed: Removed) -> list[ConfigLine]:
    """The removal commands. IOS XE asks `[confirm]` on `no username X` ("This operation
    will remove all username related configurations with same name"; cisco.ios's
    ios_user answers it): kind `confirm`."""
    out = [ConfigLine(f"no username {n}", f"no username {n}", "confirm") for n in removed.users]
    chain = [plain(f" no username {n}") for n in removed.pubkey_users]
    chain += [plain(f" no server {s}") for s in removed.pubkey_servers]
    if chain:
        out += [plain("ip ssh pubkey-chain", "enter"), *chain, plain("exit", "exit")]
    return out


# -- safety ------------------------------------------------------------------------------


def removed_keys(state: DeviceState, intent: SshIntent, removed: Removed) -> dict[str, set[str]]:
    """Pubkey-chain user -> the key hashes the plan takes from it (a removed user loses
    all; a listed one those the intent does not list)."""
    listed = {
        u.username: set(u.all_key_hashes) for u in intent.ssh.pubkey_users if u.state == "present"
    }
    out: dict[str, set[str]] = {}
    for user in state.ip_ssh["pubkey_users"]:
        have = set(user["key_hashes"])
        if user["username"] in removed.pubkey_users:
            out[user["username"]] = have
        elif user["username"] in listed and have - listed[user["username"]]:
            out[user["username"]] = have - listed[user["username"]]
    return out


def final_key_hashes(
    state: DeviceState, intent: SshIntent, removed: Removed, user: str
) -> set[str]:
    """The key hashes `user` has in the pubkey-chain after the change."""
    for entry in intent.ssh.pubkey_users:
        if entry.username == user:
            return set(entry.all_key_hashes) if entry.state == "present" else set()
    if user in removed.pubkey_users:
        return set()
    for entry in state.ip_ssh["pubkey_users"]:
        if entry["username"] == user:
            return set(entry["key_hashes"])
    return set()


def _vty_methods(state: DeviceState, intent: SshIntent) -> list[tuple[str, list[str]]]:
    """(vty lines, login methods) as they will be after the change: the AAA method list a
    vty block names (or `default`), else `login local` -> [local]."""
    cfg = state.config
    new_model = cfg["aaa"]["new_model"] or bool(intent.aaa and intent.aaa.new_model)
    lists = dict(cfg["aaa"]["authentication_login"])
    if intent.aaa is not None:
        lists.update(intent.aaa.authentication_login)
    blocks = {
        (b["kind"], b["first"], b["last"]): {
            "login": b["login"],
            "login_authentication": b["login_authentication"],
        }
        for b in cfg["lines"]
    }
    for line in intent.lines:
        first, last = line.numbers
        block = blocks.setdefault(
            (line.kind, first, last), {"login": "", "login_authentication": ""}
        )
        if line.login is not None:
            block["login"] = line.login
        if line.login_authentication is not None:
            block["login_authentication"] = line.login_authentication
    out = []
    for (kind, first, last), block in blocks.items():
        if kind != "vty":
            continue
        where = f"line vty {first} {last}" if last != first else f"line vty {first}"
        if new_model:
            name = block["login_authentication"] or "default"
            methods = lists.get(name) or (["local"] if name == "default" else [])
            out.append((f"{where} (aaa authentication login {name})", list(methods)))
        else:
            out.append((where, ["local"] if block["login"] == "local" else []))
    return out


def _privilege_15(users: dict[str, int]) -> list[str]:
    return sorted(name for name, level in users.items() if level == 15)


def refusals(
    state: DeviceState, intent: SshIntent, context: PlanContext, removed: Removed
) -> list[str]:
    """Why the removals must not be sent (each naming what it protects); [] when safe."""
    keys_gone = removed_keys(state, intent, removed)
    if removed.empty and not keys_gone:
        return []
    out: list[str] = []
    cfg = state.config
    me = context.username
    vtys = _vty_methods(state, intent)
    local_login = any(set(methods) & set(LOCAL) for _, methods in vtys)
    my_keys = set(context.login_keys)
    keeps_my_key = bool(my_keys & final_key_hashes(state, intent, removed, me)) if me else False
    user_kept = me not in removed.users

    # 1. the session's own login: its local user and password ...
    if me and me in removed.users and local_login and context.password_login:
        if not keeps_my_key:
            out.append(
                f"users: removing {me!r} removes this session's own login (it logs in as "
                f"{me!r} with a local password, and so must the fresh login after the "
                f"change): keep {me!r} in users, or log in with a key the pubkey-chain keeps"
            )
        elif _reverse_ports(state, intent):
            out.append(
                f"users: removing {me!r} removes the password login the reverse SSH checks "
                "use (ip ssh port ... rotary): keep it"
            )
    # ... and its login key
    mine_gone = sorted(keys_gone.get(me, set()) & my_keys) if me else []
    if mine_gone and not (context.password_login and user_kept and local_login):
        out.append(
            f"ssh.pubkey_users: removing key {mine_gone[0]} of {me!r} removes this session's "
            "own login key (the fresh login after the change needs it): keep it, or log in "
            "with a password the intent keeps"
        )

    # 2. the last privilege-15 local user, and what needs one
    before = {u["name"]: u["privilege"] for u in cfg["users"]}
    after = {n: p for n, p in before.items() if n not in removed.users}
    after.update({u.name: u.privilege for u in intent.present_users})
    lost = [n for n in _privilege_15(before) if n in removed.users]
    if lost and _privilege_15(before) and not _privilege_15(after):
        names = ", ".join(repr(n) for n in lost)
        for where, methods in vtys:
            fallback = _fallback(methods)
            if fallback:
                out.append(
                    f"users: removing {names} leaves no privilege-15 local user, and local is "
                    f"the login fallback on {where}: {' '.join(methods)}; with the servers "
                    "down nobody could log in with privilege 15: keep one"
                )
                break
        scp = intent.scp.enabled if "scp" in intent.model_fields_set else cfg["scp_server"]
        if scp:
            out.append(
                f"users: removing {names} leaves no privilege-15 local user, which SCP needs "
                "(ip scp server enable runs exec authorization): keep one, or turn SCP off"
            )
    return out


def _fallback(methods: list[str]) -> bool:
    """`local` comes after a server group: it is what logs in when the servers do not
    answer."""
    for index, method in enumerate(methods):
        if method in LOCAL:
            return any(m.startswith("group ") for m in methods[:index])
    return False


def _reverse_ports(state: DeviceState, intent: SshIntent) -> bool:
    if "reverse_ssh" in intent.model_fields_set:
        return bool(intent.reverse_ssh)
    return bool(state.ip_ssh["ports"])
