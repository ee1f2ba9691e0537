"""SCP to and from `flash:`, with IOS's prerequisites: `ip scp server enable`, AAA exec
authorization and a privilege-15 user. Without them the copy fails, as on IOS."""

from __future__ import annotations

import asyncssh

from .device import Device


def scp_refusal(device: Device, username: str) -> str | None:
    """Why IOS would refuse this user an SCP copy now, or None."""
    config = device.config
    if not config.scp_server:
        return "SCP server is not enabled (ip scp server enable)"
    if not config.aaa_new_model or not config.aaa_exec:
        return "SCP needs aaa authorization exec"
    user = config.users.get(username)
    if user is None or user.privilege < 15:
        return f"user {username} is not privilege 15"
    return None


class FlashSFTPServer(asyncssh.SFTPServer):
    """File access confined to the router's flash directory; `flash:` names map into it."""

    def __init__(self, chan: asyncssh.SSHServerChannel, device: Device) -> None:
        username = chan.get_extra_info("username") or ""
        why = scp_refusal(device, username)
        if why is not None:
            raise asyncssh.SFTPPermissionDenied(why)
        super().__init__(chan, chroot=str(device.flash).encode())
        # `flash:x`, and the image's own names for its one store (`bootflash:`, `disk0:`,
        # IOL's `unix:`)
        names = {"flash:", *device.image.file_systems}
        self._prefixes = sorted((n.encode() for n in names), key=len, reverse=True)

    def map_path(self, path: bytes) -> bytes:
        for prefix in self._prefixes:
            if path.startswith(prefix):
                path = b"/" + path[len(prefix) :].lstrip(b"/")
                break
        return super().map_path(path)
