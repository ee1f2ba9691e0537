"""One simulated router: configuration, keys, flash, saved state, live sessions, timers.

This is the lab's own model of IOS, written from the behaviour notes; it shares no code
with the library's parsers or renderer, so a test that passes is two models agreeing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .changes import ChangeLog
from .cmd_files import render_dir
from .config import Config, default_lines, render_running
from .extras import Interface
from .images import Image
from .images import image as image_named
from .interfaces import config_order
from .ioshash import check_secret, check_type9
from .keygen import generate_rsa

if TYPE_CHECKING:
    from .ping import Network
    from .show_keys import ServerKey

DEFAULT_DH_MIN = 2048
NVRAM_BYTES = 262144

# What the lab's SSH server offered before image families (the `hybrid` image's lists,
# kept for readers of this name); each router now follows its image (images.py).
ALGORITHMS = {
    "Authentication methods": "publickey,keyboard-interactive,password",
    "Authentication Publickey Algorithms": "rsa-sha2-256,rsa-sha2-512,ssh-rsa",
    "Hostkey Algorithms": "rsa-sha2-512,rsa-sha2-256,ssh-rsa",
    "Encryption Algorithms": "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
    "MAC Algorithms": "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "KEX Algorithms": "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512",
}


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ios_time(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M:%S UTC %b %-d %Y")


def write_private(path: Path, text: str) -> None:
    """Replace `path` with `text`, readable by its owner only from the first byte: a
    temporary file created 0600 (mkstemp), then renamed over it. Written first and
    chmod-ed after, the private keys were world-readable until the chmod (and for good if
    the process died in between)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class RsaKey:
    label: str
    private: rsa.RSAPrivateKey
    usage: str = "General Purpose Key"
    exportable: bool = False
    generated_at: dt.datetime = field(default_factory=now_utc)
    saved: bool = False  # written to private-config by `write memory` (show_keys.py)

    @property
    def modulus(self) -> int:
        return self.private.key_size

    def ssh_blob_b64(self) -> str:
        line = self.private.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        return line.decode().split()[1]

    def der_hex(self) -> str:
        der = self.private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return der.hex().upper()


@dataclass
class LiveSession:
    """A login on a vty (or a tty, for reverse SSH)."""

    tty: int
    username: str
    location: str
    proto: str = "ssh"  # ssh | telnet
    version: str = "2.0"
    cipher: str = ""
    mac: str = ""
    started: float = field(default_factory=time.monotonic)
    close: Callable[[], None] | None = None
    last_input: float = field(default_factory=time.monotonic)  # `show users` Idle


@dataclass
class Revert:
    """A pending `configure terminal revert timer`."""

    deadline: float
    backup_name: str
    backup_text: str
    user: str
    minutes: int
    idle: bool
    started: dt.datetime = field(default_factory=now_utc)


class Device:
    def __init__(
        self,
        hostname: str = "Router",
        domain: str = "",
        *,
        async_lines: int = 0,
        state_dir: Path | None = None,
        minute_seconds: float = 60.0,
        keygen_seconds: float | str = 0.0,
        keygen: Callable[[int], rsa.RSAPrivateKey] | None = None,
        image: str | Image | None = None,
    ) -> None:
        self.image = image_named(image)  # the family this router is (images.py)
        self.config = self.blank_config(hostname, domain)
        self.keys: dict[str, RsaKey] = {}
        self.server_keys: dict[str, ServerKey] = {}  # `<label>.server` (show_keys.py)
        self.async_lines = async_lines
        self.state_dir = state_dir
        self.minute_seconds = minute_seconds  # shrink for tests: timers are in minutes
        # Seconds a key generation takes, or "realistic": the image's figure for the size.
        self.keygen_seconds = keygen_seconds
        self.keygen = keygen or generate_rsa  # a fleet may hand out keys made in advance
        self.startup: str | None = None
        self.sessions: dict[int, LiveSession] = {}
        self.uses: dict[int, int] = {}
        self.revert: Revert | None = None
        self.reload_at: float | None = None
        self.reload_by = ""
        self.logbuf: list[str] = []
        self.monitors: set = set()  # sessions with `terminal monitor`
        self.on_key_change: list[Callable[[], None]] = []
        self.on_timer_change: list[Callable[[], None]] = []
        self.on_port_change: list[Callable[[], None]] = []
        self.on_config_change: list[Callable[[], None]] = []
        # After a replacement; called with self.lock held, so a hook must not wait on a
        # thread that may want the lock (the servers' loop): it only schedules.
        self.on_replace: list[Callable[[], None]] = []
        self.archives: list[str] = []
        self.changes = ChangeLog()  # `! Last configuration change at ...` in show run
        self.booted = time.monotonic()  # `show version` uptime counts from here
        self.console_input = self.booted  # the console's `show users` Idle counts from here
        # Fault injection (faults.py): {"reject": regex} refuses matching commands with
        # IOS's invalid-input error; {"drop": regex} cuts the session when one is typed;
        # "hang", "slow_ms", "auth", "reset_after_kex" likewise.
        self.faults: dict[str, object] = {}
        # Remote AAA (auth.py): the lab's TACACS+ directory (None: no TACACS+ server
        # answers), and the exec level a server granted each remote user at login.
        self.tacacs_users: dict | None = None
        self.remote_levels: dict[str, int] = {}
        self.debug_ssh = False  # `debug ip ssh`: session events to monitor sessions
        self.network: Network | None = None  # the lab this router is in (ping.py)
        self._ssh_connections = 0
        # Console cables: async line number -> the device whose console is on it.
        self.consoles: dict[int, Device] = {}
        self._archive_counter = 0
        self.lock = threading.RLock()
        self._tmp: tempfile.TemporaryDirectory | None = None
        if state_dir is not None:
            state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.boot_from_state()

    # -- flash ---------------------------------------------------------------------------
    @property
    def flash(self) -> Path:
        if self.state_dir is not None:
            path = self.state_dir / "flash"
        else:
            if self._tmp is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="ios-lab-flash-")
            path = Path(self._tmp.name)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def flash_path(self, name: str) -> Path | None:
        """`flash:foo`, `flash:/foo` or `foo` -> the file, if it stays inside flash.
        Every file system the image has (flash:, bootflash:, disk0: ...) is this one store;
        one it lacks (flash: on a Sup720) has no files."""
        if ":" in name and name.split(":", 1)[0].lower() + ":" not in self.image.file_systems:
            return None
        bare = name.split(":", 1)[1] if ":" in name else name
        bare = bare.lstrip("/")
        path = (self.flash / bare).resolve()
        return path if self.flash.resolve() in path.parents else None

    # -- configuration -------------------------------------------------------------------
    def blank_config(self, hostname: str = "Router", domain: str = "") -> Config:
        """The configuration of this platform out of the box: its lines and interfaces."""
        platform = self.image.platform
        config = Config(hostname=hostname, domain=domain)
        if platform is not None:
            config.lines = default_lines(platform.aux, platform.vty_blocks)
        if platform is None:
            return config
        switch = "Vlan1" in platform.interfaces
        uplink = next(
            n
            for n in platform.interfaces
            if n != platform.mgmt_interface and not n.startswith(("Vlan", "FastEthernet"))
        )
        for name in platform.interfaces:
            # A router's ports are shut out of the box, a switch's are not; a hardware
            # port has a link only where the lab's clients come in (its uplink).
            config.extras.interfaces[name] = Interface(
                name,
                shutdown=not switch,
                physical=True,
                link=platform.virtual_ports or name in (platform.mgmt_interface, uplink),
                switchport=switch and "Ethernet" in name and not name.startswith("Fast"),
            )
        return config

    def running_text(self) -> str:
        comments = self.changes.lines()
        body = ("!\n" + "".join(f"{c}\n" for c in comments) if comments else "") + (
            self.running_body()
        )
        return f"Building configuration...\n\nCurrent configuration : {len(body)} bytes\n{body}"

    def running_body(self) -> str:
        platform = self.image.platform
        order = functools.partial(config_order, platform) if platform is not None else None
        return "\n".join(render_running(self.config, self.image.config_version, order)) + "\n"

    def load_config(self, text: str, *, merge: bool = False) -> list[str]:
        """Replay configuration text through the CLI, as IOS does at boot; returns errors."""
        from .session import Session  # the CLI is the only parser of configuration

        if not merge:
            self.config = self.blank_config()
        session = Session(self, "", 15, replay=True)
        session.feed("configure terminal")
        errors: list[str] = []
        for line in text.splitlines():
            if not session.collecting and (
                not line.strip()
                or line.strip() == "!"
                or line.startswith(("Building", "Current configuration"))
            ):
                continue
            if line.strip() == "end" and not session.collecting:
                break
            out = session.feed(line)
            if "% Invalid" in out or "% Incomplete" in out or "% Ambiguous" in out:
                errors.append(f"{line.strip()}: {out.strip().splitlines()[-1]}")
        if not merge:
            # A replacement (revert, rollback, configure replace) drops lines without their
            # `no` forms: the served key (ip ssh rsa keypair-name) and the reverse-SSH
            # listeners (ip ssh port) must follow the new text, not the one replaced.
            for callback in list(self.on_replace):
                callback()
        return errors

    def save(self, by: str = "") -> None:
        self.changes.save(by)
        for key in self.keys.values():
            key.saved = True
        self.startup = self.running_body()
        archive = self.config.archive
        if archive is not None and archive.path and archive.write_memory:
            self.write_archive()
        if self.state_dir is not None:  # password hashes: private too
            write_private(self.state_dir / "startup-config", self.startup)
            self._save_keys()

    def _save_keys(self) -> None:
        assert self.state_dir is not None
        records = [
            {
                "label": key.label,
                "usage": key.usage,
                "exportable": key.exportable,
                "generated_at": key.generated_at.isoformat(),
                "pem": key.private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                ).decode(),
            }
            for key in self.keys.values()
        ]
        write_private(self.state_dir / "private-config.json", json.dumps(records))

    def boot_from_state(self) -> None:
        """Load keys and startup-config saved by an earlier run, if any."""
        assert self.state_dir is not None
        keys_file = self.state_dir / "private-config.json"
        if keys_file.exists():
            self.keys = {}
            for rec in json.loads(keys_file.read_text()):
                private = serialization.load_pem_private_key(
                    rec["pem"].encode(), None, unsafe_skip_rsa_key_validation=True
                )
                assert isinstance(private, rsa.RSAPrivateKey)
                self.keys[rec["label"]] = RsaKey(
                    rec["label"],
                    private,
                    rec["usage"],
                    rec["exportable"],
                    dt.datetime.fromisoformat(rec["generated_at"]),
                    saved=True,
                )
        startup = self.state_dir / "startup-config"
        if startup.exists():
            self.startup = startup.read_text()
            self.load_config(self.startup)

    # -- archive -------------------------------------------------------------------------
    def next_archive_name(self) -> str:
        assert self.config.archive is not None
        stamp = now_utc()
        return (
            f"{self.config.archive.path}-{stamp.strftime('%b-%d-%H-%M-%S')}."
            f"{stamp.microsecond // 1000:03d}-{self._archive_counter}"
        )

    def write_archive(self) -> str:
        """Save the running-config as the next archive file; returns its name."""
        archive = self.config.archive
        assert archive is not None
        name = self.next_archive_name()
        self._archive_counter += 1
        path = self.flash_path(name)
        assert path is not None
        path.write_text(self.running_body())
        self.archives.append(name)
        limit = archive.maximum or 10
        while len(self.archives) > limit:
            old = self.flash_path(self.archives.pop(0))
            if old is not None and old.exists():
                old.unlink()
        return name

    # -- credentials ---------------------------------------------------------------------
    def check_enable(self, attempt: str) -> bool:
        stored = self.config.enable_secret9
        return bool(stored) and check_type9(attempt, stored)

    def check_login(self, username: str, attempt: str) -> bool:
        user = self.config.users.get(username)
        return user is not None and check_secret(user.kind, user.stored, attempt)

    def privilege_of(self, username: str) -> int:
        if username in self.remote_levels:  # a AAA server accepted this user
            return self.remote_levels[username]
        user = self.config.users.get(username)
        return user.privilege if user is not None else 1

    # -- hooks for the servers -----------------------------------------------------------
    def timers_changed(self) -> None:
        for callback in list(self.on_timer_change):
            callback()

    def config_changed(self) -> None:
        for callback in list(self.on_config_change):
            callback()

    def ports_changed(self) -> list[str]:
        """Tell the servers; what they could not listen on comes back as error lines."""
        problems: list[str] = []
        for callback in list(self.on_port_change):
            problems += callback() or []
        return problems

    # -- keys and SSH state --------------------------------------------------------------
    def ssh_key(self) -> RsaKey | None:
        if self.config.ssh_keypair_name:
            return self.keys.get(self.config.ssh_keypair_name)
        if self.image.serves_tp_self_signed:  # 15.x/XE: the self-signed key, when there
            tp = [k for k in self.keys.values() if k.label.startswith("TP-self-signed-")]
            if tp:
                return tp[0]
        return next(iter(self.keys.values()), None)

    @property
    def ssh_version(self) -> int | None:
        """The version in force: configured, or the image's default (None = 1.99)."""
        return self.config.ssh_version or self.image.default_version

    def keygen_time(self, bits: int) -> float:
        if self.keygen_seconds == "realistic":
            return self.image.keygen_seconds(bits)
        return float(self.keygen_seconds)

    @property
    def ssh_enabled(self) -> bool:
        key = self.ssh_key()
        return key is not None and (self.ssh_version != 2 or key.modulus >= 768)

    @property
    def version_text(self) -> str:
        if self.ssh_version == 1:
            return "1.5"
        if self.ssh_version == 2:
            return "2.0"
        key = self.ssh_key()
        return "1.5" if key is not None and key.modulus < 768 else "1.99"

    def default_key_label(self) -> str:
        return f"{self.config.hostname}.{self.config.domain}"

    def keys_changed(self) -> None:
        for callback in list(self.on_key_change):
            callback()

    # -- lines and sessions --------------------------------------------------------------
    @property
    def mac_salt(self) -> int:
        """Tells this router's MACs from another's of the same platform: its address."""
        platform = self.image.platform
        mgmt = self.config.extras.interfaces.get(platform.mgmt_interface) if platform else None
        if mgmt is None or mgmt.address is None:
            return 0
        return int.from_bytes(bytes(int(o) for o in mgmt.address[0].split("."))[2:], "big")

    @property
    def has_aux(self) -> bool:
        platform = self.image.platform
        return platform is None or platform.aux

    def tty_number(self, kind: str, number: int) -> int:
        if kind == "con":
            return 0
        if kind == "tty":
            return number
        if kind == "aux":
            return self.async_lines + 1
        return self.async_lines + (2 if self.has_aux else 1) + number

    def attach(self, live: LiveSession, kind: str = "vty") -> int | None:
        """Take the first free line of `kind`; None when all are busy."""
        with self.lock:
            count = self.config.vty_last() + 1 if kind == "vty" else 0
            for number in range(count):
                tty = self.tty_number("vty", number)
                if tty not in self.sessions:
                    live.tty = tty
                    self.sessions[tty] = live
                    self.uses[tty] = self.uses.get(tty, 0) + 1
                    return tty
            return None

    def detach(self, tty: int) -> None:
        with self.lock:
            self.sessions.pop(tty, None)

    def syslog(self, message: str) -> None:
        stamp = now_utc().strftime("*%b %d %H:%M:%S.%f")[:-3]
        line = f"{stamp}: {message}"
        self.logbuf.append(line)
        del self.logbuf[:-500]
        for session in list(self.monitors):
            session.notices.append(line)

    def ssh_event(self, number: int, text: str) -> None:
        """A `debug ip ssh` line, when debugging is on."""
        if self.debug_ssh:
            self.syslog(f"SSH2 {number}: {text}")

    def next_ssh_connection(self) -> int:
        with self.lock:
            number = self._ssh_connections
            self._ssh_connections += 1
            return number

    # -- timers: revert and reload -------------------------------------------------------
    def tick(self, now: float | None = None) -> None:
        """Fire an expired revert or reload timer (called before any use, and by the lab)."""
        now = time.monotonic() if now is None else now
        with self.lock:
            if self.revert is not None and now >= self.revert.deadline:
                backup = self.revert.backup_text
                self.revert = None
                self.load_config(backup)
                self.syslog(
                    "%ARCHIVE_DIFF-5-ROLLBK_CNFMD_CHG_TIMER_EXPIRED: Timer expired; rolling back"
                )
            if self.reload_at is not None and now >= self.reload_at:
                self.reload_at = None
                self.reload()

    def next_deadline(self) -> float | None:
        times = [t for t in (self.revert.deadline if self.revert else None, self.reload_at) if t]
        return min(times) if times else None

    def reload(self) -> None:
        """Restart: running-config from startup-config, every session dropped."""
        with self.lock:
            for live in list(self.sessions.values()):
                if live.close is not None:
                    live.close()
            self.sessions.clear()
            self.monitors.clear()
            self.revert = None
            self.booted = time.monotonic()
            self.changes.restart()
            if self.state_dir is not None:
                self.boot_from_state()
            else:
                self.load_config(self.startup or "")

    # -- show commands -------------------------------------------------------------------
    def show_ip_ssh(self) -> str:
        from .show_ssh import show_ip_ssh  # one function per image shape

        return show_ip_ssh(self)

    def show_crypto_key(self, label: str | None = None) -> str:
        from .show_keys import show_crypto_key  # the family's shape (images.py)

        return show_crypto_key(self, label)

    def show_ssh(self) -> str:
        from .show_ssh import show_ssh  # the table's layout lives with `show ip ssh`'s

        return show_ssh(self)

    def line_rows(self) -> list[tuple[int, str, int, str]]:
        """(tty, type, relative number, speed) for every line the router has."""
        rows = [(0, "CTY", 0, "")]
        rows += [(n, "TTY", n, "9600/9600") for n in range(1, self.async_lines + 1)]
        if self.has_aux:
            rows.append((self.async_lines + 1, "AUX", 0, "9600/9600"))
        rows += [
            (self.tty_number("vty", n), "VTY", n, "") for n in range(self.config.vty_last() + 1)
        ]
        return rows

    def show_line(self) -> str:
        from .show_lines import show_line

        return show_line(self)

    def show_users(self, own_tty: int | None, everyone: bool = False) -> str:
        from .show_lines import show_users

        return show_users(self, own_tty, everyone)

    def line_of(self, tty: int) -> tuple[str, int]:
        if tty == 0:
            return "con", 0
        if tty <= self.async_lines:
            return "tty", tty
        if tty == self.async_lines + 1 and self.has_aux:
            return "aux", 0
        return "vty", tty - self.tty_number("vty", 0)

    def show_startup(self) -> str:
        if self.startup is None:
            return "startup-config is not present"
        return f"Using {len(self.startup)} out of {NVRAM_BYTES} bytes\n{self.startup.rstrip()}"

    def dir_flash(self) -> str:
        return render_dir(self.flash, self.flash_fs, platform=self.image.platform)

    @property
    def flash_fs(self) -> str:
        """The file system `dir` shows with no argument: the image's first."""
        return self.image.flash

    @property
    def version_banner(self) -> str:
        """The identity lines of `show version`: the image family's."""
        return "\n".join(self.image.show_version_head)
