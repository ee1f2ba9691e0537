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
