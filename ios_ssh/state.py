"""DeviceState: what a router's SSH setup is, built from parsed show output (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .image import UNKNOWN, Image, identify
from .parse import parse
from .rollback_timer import PendingRollback, parse_rollback_timer
from .running_config import parse_running_config

# The commands read_state runs, in order; `build_state` takes their outputs.
STATE_COMMANDS = (
    "show running-config",
    "show ip ssh",
    "show crypto key mypubkey rsa",
    "show line",
    "show users",
    "show ssh",
    "show version",  # the image family and release: what the router can do
    "dir",  # the default file system, from "Directory of disk0:/"
    # an unconfirmed change (ours from a lost run, or someone's) the router will roll back
    "show archive config rollback timer",
)

_DIRECTORY = re.compile(r"^Directory of (?P<fs>[A-Za-z][\w-]*:)", re.MULTILINE)


@dataclass(frozen=True)
class KeyInfo:
    """An RSA key pair on the router (`show crypto key mypubkey rsa`)."""

    name: str
    modulus: int
    usage: str
    md5: str
    sha256: str


@dataclass(frozen=True)
class SshSession:
    """An incoming SSH session (`show ssh`)."""

    connection: str
    version: str
    encryption: str
    hmac: str
    username: str


@dataclass
class DeviceState:
    """A router's SSH-related state. Users appear without their secrets."""

    hostname: str
    domain: str
    ssh_enabled: bool
    ssh_version: str  # "1.5", "1.99", "2.0"
    timeout: int
    retries: int
    dh_min_size: int | None
    ssh_key_name: str
    ssh_key_modulus: int | None
    ssh_key_md5: str
    ssh_key_sha256: str
    keys: list[KeyInfo]
    config: dict[str, Any] = field(repr=False)  # the parsed running-config
    lines: list[dict[str, Any]] = field(repr=False)  # `show line` records
    users_online: list[dict[str, Any]] = field(repr=False)  # `show users` records
    sessions: list[SshSession] = field(default_factory=list)
    raw: dict[str, str] = field(default_factory=dict, repr=False)
    image: Image = UNKNOWN  # from `show version`
    default_dir: str = ""  # the file system `dir` lists ("" when not read)
    # an unconfirmed change the router is about to roll back: what was read will change
    pending_rollback: PendingRollback | None = None

    @property
    def own_line(self) -> dict[str, Any] | None:
        """The `show users` record marked `*`: the line our session is on."""
        return next((u for u in self.users_online if u.get("active") == "*"), None)

    def key(self, name: str) -> KeyInfo | None:
        """The key pair called `name`, if the router has it."""
        return next((k for k in self.keys if k.name == name), None)

    @property
    def ip_ssh(self) -> dict[str, Any]:
        return self.config["ip_ssh"]

    def summary(self) -> str:
        """One line: names, image, SSH version and settings, key, users and sessions."""
        key = f"{self.ssh_key_name} {self.ssh_key_modulus} bits" if self.ssh_key_name else "none"
        return (
            f"{self.hostname}.{self.domain} ({self.image}): "
            f"SSH {'enabled' if self.ssh_enabled else 'disabled'} "
            f"{self.ssh_version}, time-out {self.timeout}s, retries {self.retries}, key {key}, "
            f"{len(self.config['users'])} local users, {len(self.sessions)} SSH sessions"
            + (
                f"; PENDING ROLLBACK: {self.pending_rollback.describe()}"
                if self.pending_rollback
                else ""
            )
        )


def build_state(outputs: dict[str, str]) -> DeviceState:
    """DeviceState from the outputs of STATE_COMMANDS."""
    config = parse_running_config(outputs["show running-config"])
    ip_ssh = parse("show ip ssh", outputs["show ip ssh"])[0]
    keys = [
        KeyInfo(r["key_name"], int(r["modulus"] or 0), r["usage"], r["md5"], r["sha256"])
        for r in parse("show crypto key mypubkey rsa", outputs["show crypto key mypubkey rsa"])
    ]
    sessions = [
        SshSession(r["connection"], r["version"], r["encryption"], r["hmac"], r["username"])
        for r in parse("show ssh", outputs["show ssh"])
        if r["mode"] in ("IN", "")
    ]
    return DeviceState(
        hostname=config["hostname"],
        domain=config["domain_name"],
        ssh_enabled=ip_ssh["status"] == "enabled",
        ssh_version=ip_ssh["version"],
        timeout=int(ip_ssh["timeout"] or 120),
        retries=int(ip_ssh["retries"] or 3),
        # images that print no DH line in `show ip ssh` still show a configured one
        dh_min_size=int(ip_ssh["min_dh_size"])
        if ip_ssh["min_dh_size"]
        else config["ip_ssh"]["dh_min_size"],
        ssh_key_name=ip_ssh["rsa_key_name"],
        ssh_key_modulus=int(ip_ssh["rsa_modulus"]) if ip_ssh["rsa_modulus"] else None,
        ssh_key_md5=ip_ssh["rsa_key_md5"],
        ssh_key_sha256=ip_ssh["rsa_key_sha256"],
        keys=keys,
        config=config,
        lines=parse("show line", outputs["show line"]),
        users_online=parse("show users", outputs["show users"]),
        sessions=sessions,
        raw=dict(outputs),
        image=identify(outputs["show version"]) if outputs.get("show version") else UNKNOWN,
        default_dir=_default_dir(outputs.get("dir", "")),
        pending_rollback=parse_rollback_timer(
            outputs.get("show archive config rollback timer", "")
        ),
    )


def _default_dir(output: str) -> str:
    match = _DIRECTORY.search(output)
    return match["fs"] if match else ""
