"""Router states of each image family, built from show output in the shapes real routers
print (see tests/parsers/cisco_ios/* and shared/reference/samples), with real RSA keys.

`show version` comes from the parser fixtures; the rest is written per family:
12.2SX and early 15.x print the two-line `show ip ssh` without a key blob, IOS XE the full
form with the blob; XE 17 hides its default `ip ssh version 2` from `show running-config`.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ios_ssh.state import DeviceState, build_state

VERSIONS = Path(__file__).resolve().parents[1] / "parsers/cisco_ios/show_version"
SHOW_VERSION = {
    "ios12.2sx": "sup720_12.2-18-SXF7.raw",
    "ios15": "c3945_15.0-1-M7.raw",
    "xe16": "isr4400_16.6.5.raw",
    "xe17": "asr1001x_17.5.1a.raw",
}
DIRECTORY = {"ios12.2sx": "disk0:", "ios15": "flash:", "xe16": "bootflash:", "xe17": "bootflash:"}


def rsa_key(name: str, bits: int = 2048) -> rsa.RSAPublicKey:
    """One real key per name and size (cached: key generation is slow)."""
    return _rsa_key(name, bits)


@cache
def _rsa_key(name: str, bits: int) -> rsa.RSAPublicKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits).public_key()


def _der_hex(key: rsa.RSAPublicKey) -> str:
    der = (
        key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .hex()
        .upper()
    )
    words = [der[i : i + 8] for i in range(0, len(der), 8)]
    return "\n".join("  " + " ".join(words[i : i + 8]) + " " for i in range(0, len(words), 8))


def openssh_blob(key: rsa.RSAPublicKey) -> str:
    line = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return line.decode().split()[1]


def sha256(key: rsa.RSAPublicKey) -> str:
    raw = base64.b64decode(openssh_blob(key))
    import hashlib

    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


@dataclass
class Router:
    """What one router shows; `state()` parses it like read_state does."""

    family: str
    hostname: str = "r1"
    domain: str = "lab.example.com"
    keys: dict[str, int] = field(default_factory=lambda: {"r1.lab.example.com": 2048})
    served: str | None = None  # the key SSH serves; default: the first
    run_ip_ssh: list[str] = field(default_factory=list)  # `ip ssh ...` lines in show run
    version_shown: str = "2.0"
    timeout: int = 120
    retries: int = 3
    dh_shown: int | None = None  # the DH line of show ip ssh (None: not printed)
    blob: bool = True  # show ip ssh prints the key blob
    archive: str | None = None
    vty: list[str] = field(default_factory=list)
    show_version: str | None = None

    def running_config(self) -> str:
        out = ["Building configuration...", "", "Current configuration : 1234 bytes", "!"]
        out += [f"hostname {self.hostname}", "!", f"ip domain name {self.domain}", "!"]
        if self.archive:
            out += ["archive", f" path {self.archive}", "!"]
        out += self.run_ip_ssh + ["!", "line con 0", "line vty 0 4"]
        out += [f" {line}" for line in self.vty] + ["!", "end"]
        return "\n".join(out)

    def show_ip_ssh(self) -> str:
        served = self.served or next(iter(self.keys), "")
        out = [f"SSH Enabled - version {self.version_shown}"]
        if self.blob:  # the IOS XE / late 15.x form
            out += [
                "Authentication methods:publickey,keyboard-interactive,password",
                "Authentication Publickey Algorithms:rsa-sha2-512,rsa-sha2-256,ssh-rsa",
                "Hostkey Algorithms:rsa-sha2-512,rsa-sha2-256,ssh-rsa",
                "Encryption Algorithms:aes128-gcm,aes256-gcm,aes128-ctr,aes192-ctr,aes256-ctr",
                "MAC Algorithms:hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com",
                "KEX Algorithms:ecdh-sha2-nistp256,diffie-hellman-group14-sha256",
            ]
        out.append(
            f"Authentication timeout: {self.timeout} secs; Authentication retries: {self.retries}"
        )
        if self.dh_shown:
            out.append(f"Minimum expected Diffie Hellman key size : {self.dh_shown} bits")
        if self.blob and served:
            blob = openssh_blob(rsa_key(served, self.keys[served]))
            out += [
                f"IOS Keys in SECSH format(ssh-rsa, base64 encoded): {served}",
                f"Modulus Size : {self.keys[served]} bits",
                f"ssh-rsa {blob}",
                "IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE",
            ]
        return "\n".join(out)

    def show_crypto_key(self) -> str:
        out = []
        for name, bits in self.keys.items():
            out += [
                "% Key pair was generated at: 10:11:12 UTC Nov 3 2026",
                f"Key name: {name}",
                f"Key type: RSA KEYS  {bits} bits",
                " Storage Device: private-config",
                " Usage: General Purpose Key",
                " Key is not exportable. Redundancy enabled.",
                " Key Data:",
                _der_hex(rsa_key(name, bits)),
            ]
        return "\n".join(out)

    def outputs(self) -> dict[str, str]:
        version = self.show_version or (VERSIONS / SHOW_VERSION[self.family]).read_text()
        return {
            "show running-config": self.running_config(),
            "show ip ssh": self.show_ip_ssh(),
            "show crypto key mypubkey rsa": self.show_crypto_key(),
            "show line": (
                "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int\n"
                "      0 CTY              -    -      -    -    -      0       0     0/0       -"
            ),
            "show users": (
                "    Line       User       Host(s)              Idle       Location\n"
                "   0 con 0                idle                 00:00:00"
            ),
            "show ssh": "%No SSHv2 server connections running.",
            "show version": version,
            "dir": (
                f"Directory of {DIRECTORY[self.family]}/\n\n"
                "    1  -rw-    12345678  Nov 3 2026 10:00:00 +00:00  image.bin"
            ),
            # 12.2(18)SXF7 has no revert timer, so no such command (ios-behaviour.md 8)
            "show archive config rollback timer": (
                "show archive config rollback timer\n                             ^\n"
                "% Invalid input detected at '^' marker."
                if self.family == "ios12.2sx"
                else "%No Rollback Confirmed Change pending"
            ),
        }

    def state(self) -> DeviceState:
        return build_state(self.outputs())


HARDENED_VTY = ["exec-timeout 10 0", "login local", "transport input ssh"]


def converged(family: str) -> Router:
    """A router of `family` already as inventory/intents/hardening.yaml wants it, shown
    the way that family shows it."""
    if family == "ios12.2sx":  # no DH command, no key blob, disk0:
        return Router(
            family,
            run_ip_ssh=[
                "ip ssh time-out 60",
                "ip ssh authentication-retries 3",
                "ip ssh version 2",
            ],
            timeout=60,
            blob=False,
            archive="disk0:archive",
            vty=HARDENED_VTY,
        )
    if family == "ios15":  # early 15.x: DH line, no blob
        return Router(
            family,
            run_ip_ssh=[
                "ip ssh time-out 60",
                "ip ssh authentication-retries 3",
                "ip ssh version 2",
                "ip ssh dh min size 2048",
            ],
            timeout=60,
            dh_shown=2048,
            blob=False,
            archive="flash:archive",
            vty=HARDENED_VTY,
        )
    run = ["ip ssh time-out 60", "ip ssh authentication-retries 3", "ip ssh dh min size 2048"]
    if family == "xe16":
        run.append("ip ssh version 2")
    # xe17: `ip ssh version 2` is the default, shown only by `show running-config all`
    return Router(
        family,
        run_ip_ssh=run,
        timeout=60,
        dh_shown=2048,
        archive="bootflash:archive",
        vty=HARDENED_VTY,
    )
