"""What the lab's SSH server adds to the key exchange beyond the router's own lists:
asyncssh always advertises `ext-info-s` and `kex-strict-s-v00@openssh.com` and sends an
EXT_INFO (`server-sig-algs`, `global-requests-ok`); a router of a family with
`kex_extensions=False` (images.py: 12.2SX, 15.x, XE 16) sends none of them.

Evidence that those releases send neither: RFC 8308 (EXT_INFO, 2018) and strict key
exchange (OpenSSH 9.6, December 2023, against Terrapin) post-date 12.2(33)SX and 15.0; and
the captures of their offers list only algorithms - OpenSSH's refusal quotes the whole
KEX list ("Their offer: diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1,
diffie-hellman-group1-sha1", scrapli #227; "...group1-sha1" alone, exscript #190), as do a
node ssh2 debug log of `SSH-2.0-Cisco-1.25` (mscdex/ssh2 #1064, #1235) and IOS's own
`%SSH-3-NO_MATCH ... server diffie-hellman-group-exchange-sha1,diffie-hellman-group14-sha1`
(mscdex/ssh2 #1276). image-families.md S5, S8, S27.

How asyncssh decides (asyncssh 2.24, connection.py): `_get_extra_kex_algs()` appends the
two names to the KEXINIT; on the client's KEXINIT the server sets `_can_send_ext_info`
when the client offered `ext-info-c` and `_strict_kex` when it offered
`kex-strict-c-v00@openssh.com` - assuming it advertised the `-s` names itself. So the lab
drops the names from its KEXINIT and keeps both flags down: a strict client then finds no
`kex-strict-s` and runs the classic key exchange, as against a real legacy router (a
server that went strict alone would reset its sequence numbers and break the session).
"""

from __future__ import annotations

from collections.abc import Callable

import asyncssh.connection

_Server = asyncssh.connection.SSHServerConnection


def _quiet(conn: object, is_legacy: Callable[[object], bool]) -> bool:
    owner = getattr(conn, "__dict__", {}).get("_owner")
    return owner is not None and is_legacy(owner)


def install(is_legacy: Callable[[object], bool]) -> None:
    """`is_legacy(owner)`: whether the connection's server object stands for a router that
    sends no extensions. Installed once, for the lab's server connections only."""
    if getattr(_Server, "_lab_legacy_wire", False):
        return
    extra_kex = _Server._get_extra_kex_algs

    def extra_kex_algs(self: _Server) -> list[bytes]:
        return [] if _quiet(self, is_legacy) else extra_kex(self)

    def flag(name: str) -> property:
        key = f"_lab{name}"

        def get(self: _Server) -> bool:
            return self.__dict__.get(key, False)

        def set_(self: _Server, value: bool) -> None:
            self.__dict__[key] = bool(value) and not _quiet(self, is_legacy)

        return property(get, set_)

    _Server._get_extra_kex_algs = extra_kex_algs  # type: ignore[method-assign]
    _Server._can_send_ext_info = flag("_can_send_ext_info")  # type: ignore[assignment]
    _Server._strict_kex = flag("_strict_kex")  # type: ignore[assignment]
    _Server._lab_legacy_wire = True  # type: ignore[attr-defined]
