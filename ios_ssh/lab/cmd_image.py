"""Which commands a router's image has: the shared spec tables minus what the image lacks,
plus the few commands only some images have; and those commands' handlers.

A command an image lacks is simply not in its table, so the grammar puts IOS's caret
under the first word no remaining command accepts (`ip ssh dh ...` -> under `dh`).
"""

from __future__ import annotations

import datetime as dt
import threading

from .grammar import Spec
from .images import Image

# Handlers that exist only when the image has the feature (images.py flags).
_REVERT_TIMER = {
    "configure_revert",
    "configure_revert_idle",
    "configure_confirm",
    "configure_revert_now",
    "configure_revert_reset",
    "show_rollback_timer",
}
_REPLACE = {"configure_replace", "configure_replace_force"}
_DH = {"ssh_dh"}
_PUBKEY_CHAIN = {"pubkey_chain", "no_pubkey_chain", "ssh_strict_on", "ssh_strict_off"}

# Commands every image has that the shared tables do not list.
EVERY_IMAGE = {
    "user": [("show clock", "show_clock")],
    "enable": [
        ("show clock", "show_clock"),
        ("show running-config all", "show_run_all"),
    ],
}
# XE 17: `crypto key generate rsa` at the EXEC prompt runs in the background (S13 in
# image-families.md; sample labnotes-RTR-Training-SSH).
EXEC_KEYGEN = [
    ("crypto key generate rsa", "exec_keygen"),
    ("crypto key generate rsa LINE", "exec_keygen"),
]


def absent(image: Image) -> set[str]:
    """Handler names of the shared tables this image does not have."""
    out: set[str] = set()
    if not image.revert_timer:
        out |= _REVERT_TIMER
    if not image.configure_replace:
        out |= _REPLACE
    if image.dh_sizes is None:
        out |= _DH
    if not image.pubkey_chain:
        out |= _PUBKEY_CHAIN
    return out


_CACHE: dict[str, dict[str, list[Spec]]] = {}


def specs_for(image: Image, base: dict[str, list[Spec]]) -> dict[str, list[Spec]]:
    """`base` (the session's one shared table) as this image has it; built once per image."""
    if image.name not in _CACHE:
        gone = absent(image)
        out = {mode: [s for s in specs if s.name not in gone] for mode, specs in base.items()}
        extra = {mode: list(pairs) for mode, pairs in EVERY_IMAGE.items()}
        if image.exec_keygen_background:
            extra["enable"] += EXEC_KEYGEN
        for mode, pairs in extra.items():
            out.setdefault(mode, []).extend(Spec.of(text, handler) for text, handler in pairs)
        # Inside `tclsh` every privileged command runs too (its own `exit` leaves the shell).
        out["tcl"] = out.get("tcl", []) + [s for s in out["enable"] if s.name != "exit"]
        _CACHE[image.name] = out
    return _CACHE[image.name]


class ImageCommands:
    """Mixin for Session: the commands `EVERY_IMAGE` and `EXEC_KEYGEN` add."""

    def _show_clock(self, args: list) -> str:
        now = dt.datetime.now(dt.UTC)
        return (
            now.strftime("*%H:%M:%S.")
            + f"{now.microsecond // 1000:03d}"
            + now.strftime(" UTC %a %b %-d %Y")
        )

    def _show_run_all(self, args: list) -> str:
        """`show running-config all`: running-config plus the `ip ssh` defaults it hides
        (sample RT01 17.15.1 show_running-config_all: time-out, retries, version, dh)."""
        device = self.device
        config, image = device.config, device.image
        lines = device.running_text().rstrip("\n").split("\n")
        defaults = [f"ip ssh time-out {config.ssh_time_out}"]
        defaults.append(f"ip ssh authentication-retries {config.ssh_retries}")
        if device.ssh_version is not None:
            defaults.append(f"ip ssh version {device.ssh_version}")
        if image.dh_sizes is not None:
            defaults.append(f"ip ssh dh min size {config.ssh_dh_min or image.dh_default}")
        missing = [d for d in defaults if d not in lines]
        at = next(
            (i for i, ln in enumerate(lines) if ln.startswith(("ip ssh", "ip scp"))),
            next((i for i, ln in enumerate(lines) if ln.startswith("line ")), len(lines)),
        )
        return "\n".join(lines[:at] + missing + lines[at:])

    def _exec_keygen(self, args: list) -> str:
        """XE 17 at the EXEC prompt: the same dialogue, then the key is made in the
        background (`% Generating crypto RSA keys in background ...`)."""
        return self._keygen(args, background=True)

    def _generate_in_background(self, name: str, bits: int, usage: bool, exportable: bool) -> str:
        threading.Thread(
            target=self._generate, args=(name, bits, usage, exportable), daemon=True
        ).start()
        return "% Generating crypto RSA keys in background ..."
