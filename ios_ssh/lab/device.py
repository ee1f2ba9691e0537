"""The simulated router's state: a configuration model, its keys, and how IOS shows them.

This is the lab's own model of IOS, written from the behaviour notes; it shares no code
with the library's parsers or renderer, so a test that passes is two models agreeing.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .ioshash import type7, type9

DEFAULT_TIMEOUT = 120
DEFAULT_RETRIES = 3

# Algorithm lines as a current IOS-XE prints them.
ALGORITHMS = {
    "Authentication methods": "publickey,keyboard-interactive,password",
    "Authentication Publickey Algorithms": "rsa-sha2-256,rsa-sha2-512,ssh-rsa",
    "Hostkey Algorithms": "rsa-sha2-512,rsa-sha2-256,ssh-rsa",
    "Encryption Algorithms": "aes128-gcm@openssh.com,aes256-gcm@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr",
    "MAC Algorithms": "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1",
    "KEX Algorithms": "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512",
}


@dataclass
class RsaKey:
    label: str
    private: rsa.RSAPrivateKey
    usage: str = "General Purpose Key"
    exportable: bool = False
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

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
class LineConfig:
    kind: str  # con | aux | vty | tty
    first: int
    last: int
    login: str = ""  # "", "line", "local"
    login_authentication: str = ""
    transport_input: list[str] = field(default_factory=list)
    exec_timeout: tuple[int, int] | None = None
    no_exec: bool = False
    rotary: int | None = None
    password: str = ""

    def header(self) -> str:
        name = "" if self.kind == "tty" else f"{self.kind} "
        return f"line {name}{self.first}" + (f" {self.last}" if self.last != self.first else "")


@dataclass
class Device:
    hostname: str = "Router"
    domain: str = ""
    keys: dict[str, RsaKey] = field(default_factory=dict)
    ssh_time_out: int = DEFAULT_TIMEOUT
    ssh_retries: int = DEFAULT_RETRIES
    ssh_version: int | None = None  # None: compatibility (1.99)
    ssh_dh_min: int = 2048
    ssh_keypair_name: str = ""
    users: dict[str, tuple[int, str, str]] = field(
        default_factory=dict
    )  # name: (priv, kind, secret)
    enable_secret: str = ""
    scp_server: bool = False
    lines: list[LineConfig] = field(
        default_factory=lambda: [
            LineConfig("con", 0, 0),
            LineConfig("aux", 0, 0),
            LineConfig("vty", 0, 4),
        ]
    )
    keygen_seconds: float = 0.0  # real routers take 10 s to minutes for 4096 bits

    # -- SSH state ---------------------------------------------------------------------
    def ssh_key(self) -> RsaKey | None:
        if self.ssh_keypair_name:
            return self.keys.get(self.ssh_keypair_name)
        return next(iter(self.keys.values()), None)

    @property
    def ssh_enabled(self) -> bool:
        key = self.ssh_key()
        return key is not None and (self.ssh_version == 1 or key.modulus >= 768)

    @property
    def version_text(self) -> str:
        return {None: "1.99", 1: "1.5", 2: "2.0"}[self.ssh_version]

    def default_key_label(self) -> str:
        return f"{self.hostname}.{self.domain}"

    def line_for(self, kind: str, first: int, last: int) -> LineConfig:
        for line in self.lines:
            if (line.kind, line.first, line.last) == (kind, first, last):
                return line
        line = LineConfig(kind, first, last)
        self.lines.append(line)
        order = {"con": 0, "aux": 1, "tty": 2, "vty": 3}
        self.lines.sort(key=lambda ln: (order.get(ln.kind, 9), ln.first))
        return line

    # -- show commands -----------------------------------------------------------------
    def show_ip_ssh(self) -> str:
        state = "Enabled" if self.ssh_enabled else "Disabled"
        out = [f"SSH {state} - version {self.version_text}"]
        if not self.ssh_enabled:
            out.append(
                "%Please create EC or RSA keys to enable SSH (and of atleast 768 bits for SSH v2 "
                "in case of RSA)."
            )
        out += [f"{label}:{value}" for label, value in ALGORITHMS.items()]
        out.append(
            f"Authentication timeout: {self.ssh_time_out} secs; "
            f"Authentication retries: {self.ssh_retries}"
        )
        out.append(f"Minimum expected Diffie Hellman key size : {self.ssh_dh_min} bits")
        key = self.ssh_key()
        if key is None:
            out.append("IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE")
        else:
            out.append(f"IOS Keys in SECSH format(ssh-rsa, base64 encoded): {key.label}")
            out.append(f"Modulus Size : {key.modulus} bits")
            text = "ssh-rsa " + key.ssh_blob_b64()
            out += textwrap.wrap(text, 80, break_on_hyphens=False, break_long_words=True)
        out.append("IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE")
        return "\n".join(out)

    def show_crypto_key(self, label: str | None = None) -> str:
        out: list[str] = []
        for key in self.keys.values():
            if label and key.label != label:
                continue
            stamp = key.generated_at.strftime("%H:%M:%S UTC %b %-d %Y")
            out += [
                f"% Key pair was generated at: {stamp}",
                f"Key name: {key.label}",
                f"Key type: RSA KEYS      {key.modulus} bits",
                " Storage Device: private-config",
                f" Usage: {key.usage}",
                " Key is exportable. Redundancy enabled."
                if key.exportable
                else " Key is not exportable. Redundancy enabled.",
                " Key Data:",
            ]
            words = textwrap.wrap(key.der_hex(), 8)
            out += ["  " + " ".join(words[i : i + 8]) + " " for i in range(0, len(words), 8)]
        return "\n".join(out)

    def running_config(self) -> str:
        body: list[str] = ["!", "version 17.15", "!", f"hostname {self.hostname}", "!"]
        if self.enable_secret:
            body.append(f"enable secret 9 {type9(self.enable_secret, 'enable')}")
        if self.domain:
            body.append(f"ip domain name {self.domain}")
        for name, (priv, kind, secret) in self.users.items():
            level = f" privilege {priv}" if priv != 1 else ""
            shown = (
                f"secret 9 {type9(secret, name)}"
                if kind == "secret"
                else f"password 7 {type7(secret)}"
            )
            body.append(f"username {name}{level} {shown}")
        body.append("!")
        if self.ssh_time_out != DEFAULT_TIMEOUT:
            body.append(f"ip ssh time-out {self.ssh_time_out}")
        if self.ssh_retries != DEFAULT_RETRIES:
            body.append(f"ip ssh authentication-retries {self.ssh_retries}")
        if self.ssh_version is not None:
            body.append(f"ip ssh version {self.ssh_version}")
        if self.ssh_keypair_name:
            body.append(f"ip ssh rsa keypair-name {self.ssh_keypair_name}")
        if self.scp_server:
            body.append("ip scp server enable")
        body.append("!")
        for line in self.lines:
            body.append(line.header())
            if line.exec_timeout is not None:
                body.append(f" exec-timeout {line.exec_timeout[0]} {line.exec_timeout[1]}")
            if line.no_exec:
                body.append(" no exec")
            if line.password:
                body.append(f" password 7 {type7(line.password)}")
            if line.login == "line":
                body.append(" login")
            elif line.login == "local":
                body.append(" login local")
            if line.login_authentication:
                body.append(f" login authentication {line.login_authentication}")
            if line.rotary is not None:
                body.append(f" rotary {line.rotary}")
            if line.transport_input:
                body.append(f" transport input {' '.join(line.transport_input)}")
        body += ["!", "end"]
        text = "\n".join(body) + "\n"
        return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n" + text
