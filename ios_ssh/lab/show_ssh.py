"""`show ip ssh` in the shape of the router's image family (images.py `show_ip_ssh`).

Shapes, from the captures in shared/reference/samples/:
- two-line: `SSH Enabled - version 1.99` and the timeout line (labnotes-R1-ro,
  labnotes-RT1-jp); a router without keys says only `%SSH has not been enabled`
  (secondary-kisa-guide-kr).
- classic (15.x): algorithm lines without KEX, timeout, DH line, the key label (empty when
  the key has none) and its blob wrapped at 80 columns, no `Modulus Size`, no ssh-ec line
  (muninn c3750x, oxidized2564 ASR920 15.5, secondary-netacad c2960).
- xe16: classic plus the KEX line (oxidized2564 ASR920 16.12.5).
- xe17: the full XE form with `Modulus Size` and the ssh-ec line (RT01 17.15.1).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .device import Device


def show_ip_ssh(device: Device) -> str:
    image, config = device.image, device.config
    enabled = device.ssh_enabled
    timeout = (
        f"Authentication timeout: {config.ssh_time_out} secs; "
        f"Authentication retries: {config.ssh_retries}"
    )
    state = "Enabled" if enabled else "Disabled"
    if image.show_ip_ssh == "two-line":
        if not enabled and device.ssh_key() is None:
            return image.disabled_text
        return f"SSH {state} - version {device.version_text}\n{timeout}"
    out = [f"SSH {state} - version {device.version_text}"]
    if not enabled:
        out.append(image.disabled_text)
    out += [f"{label}:{text}" for label, text in image.shown_algorithms]
    out.append(timeout)
    out.append(f"Minimum expected Diffie Hellman key size : {_dh(device)} bits")
    key = device.ssh_key()
    if key is None:
        out.append("IOS Keys in SECSH format(ssh-rsa, base64 encoded): NONE")
    else:
        out.append(f"IOS Keys in SECSH format(ssh-rsa, base64 encoded): {key.label}")
        if image.show_ip_ssh == "xe17":
            out.append(f"Modulus Size : {key.modulus} bits")
        out += textwrap.wrap("ssh-rsa " + key.ssh_blob_b64(), 80, break_on_hyphens=False)
    if image.show_ip_ssh == "xe17":
        out.append("IOS Keys in SECSH format(ssh-ec, base64 encoded): NONE")
    return "\n".join(out)


def _dh(device: Device) -> int:
    return device.config.ssh_dh_min or device.image.dh_default or 1024


# `show ssh`: every column is printed at its width and followed by one space, so a name
# longer than its column pushes the rest right and never runs into the next one. Widths
# from the header; the space from public captures of real routers, where `hmac-sha2-256`
# (13 characters, the Hmac column is 12) is still followed by a space before
# `Session started` (IOS 15 and IOS-XE lab notes found with the code index, e.g.
# "0          2.0     IN   aes256-cbc  hmac-sha2-256 Session started       admin").
SHOW_SSH_HEADER = "Connection Version Mode Encryption  Hmac         State                 Username"
_COLUMNS = (10, 7, 4, 11, 12, 21)
NO_V2 = "%No SSHv2 server connections running."
NO_V1 = "%No SSHv1 server connections running."


def ssh_row(*fields: str) -> str:
    """One row: the first six fields padded to their columns, each then a space."""
    *padded, username = fields
    return "".join(f"{text:<{width}} " for text, width in zip(padded, _COLUMNS, strict=True)) + (
        username
    )


def show_ssh(device: Device) -> str:
    live = sorted(device.sessions.values(), key=lambda s: s.tty)
    rows = [s for s in live if s.proto == "ssh"]
    out: list[str] = []
    if rows:
        out.append(SHOW_SSH_HEADER)
        first_vty = device.tty_number("vty", 0)
        for session in rows:
            for mode in ("IN", "OUT"):
                out.append(
                    ssh_row(
                        str(session.tty - first_vty),
                        session.version,
                        mode,
                        session.cipher,
                        session.mac,
                        "Session started",
                        session.username,
                    )
                )
    else:
        out.append(NO_V2)
    if device.ssh_version != 2:
        out.append(NO_V1)
    return "\n".join(out)
