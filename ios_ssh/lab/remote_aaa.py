"""The AAA servers a lab router asks: a real RADIUS server, and a TACACS+ directory.

RADIUS is the real protocol: an Access-Request (PAP, the key from the router's
`radius server` block) to the block's address and `auth-port`, answered by whatever
RADIUS server listens there (the tests start Debian's FreeRADIUS). An Access-Accept may
carry `Cisco-AVPair = "shell:priv-lvl=N"`, the privilege exec authorization grants.

TACACS+ is simulated: no TACACS+ server is packaged for Debian or PyPI, so a router whose
`tacacs server` block has an address is answered by the lab's own directory
(`serve --tacacs-users FILE`, YAML `name: {password: ..., privilege: N}`), shared by every
router of the lab. The protocol itself (TCP 49, the key's body encryption) is not spoken.

An answer is "accept", "reject" or None (no server answered: the next method is tried).
"""

from __future__ import annotations

import hmac
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("ios_ssh.lab")

RADIUS_TIMEOUT = 1.0  # seconds per try; IOS waits 5 s x 3 tries, the lab less
RADIUS_TRIES = 2
_PRIV = re.compile(r"^shell:priv-lvl\s*[=*]\s*(\d{1,2})$")

# The attributes the lab sends and reads (RFC 2865; Cisco vendor 9, attribute 1).
_DICTIONARY = """\
ATTRIBUTE\tUser-Name\t1\tstring
ATTRIBUTE\tUser-Password\t2\tstring\tencrypt=1
ATTRIBUTE\tNAS-IP-Address\t4\tipaddr
ATTRIBUTE\tReply-Message\t18\tstring
VENDOR\tCisco\t9
BEGIN-VENDOR\tCisco
ATTRIBUTE\tCisco-AVPair\t1\tstring
END-VENDOR\tCisco
"""


@dataclass(frozen=True)
class Answer:
    verdict: str  # "accept" | "reject"
    privilege: int | None = None  # what the server grants for exec, when it says


@dataclass(frozen=True)
class TacacsUser:
    password: str
    privilege: int = 1


def load_tacacs_users(path: Path) -> dict[str, TacacsUser]:
    """`serve --tacacs-users FILE`: a map of user name to {password, privilege}."""
    data = yaml.safe_load(path.read_text())
    if not isinstance(data, dict):
        raise TypeError(f"{path}: a map of user name to {{password: ..., privilege: N}}")
    users: dict[str, TacacsUser] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("password"), str):
            raise TypeError(f"{path}: {name}: needs password: TEXT")
        level = entry.get("privilege", 1)
        if not isinstance(level, int) or not 0 <= level <= 15:
            raise ValueError(f"{path}: {name}.privilege: a number from 0 to 15")
        unknown = set(entry) - {"password", "privilege"}
        if unknown:
            raise ValueError(f"{path}: {name}: unknown field {min(unknown)!r}")
        users[str(name)] = TacacsUser(entry["password"], level)
    return users


def tacacs_ask(directory: dict[str, TacacsUser], username: str, password: str) -> Answer:
    user = directory.get(username)
    if user is None or not hmac.compare_digest(user.password.encode(), password.encode()):
        return Answer("reject")
    return Answer("accept", user.privilege)


def radius_ask(address: str, port: int, key: str, username: str, password: str) -> Answer | None:
    """One Access-Request; None when the server does not answer (or the key is wrong:
    a RADIUS server drops a request whose authenticator it cannot check)."""
    from pyrad import packet  # the lab's only use of it: imported when a router asks
    from pyrad.client import Client, Timeout
    from pyrad.dictionary import Dictionary

    client = Client(
        server=address,
        authport=port,
        secret=key.encode(),
        dict=Dictionary(io.StringIO(_DICTIONARY)),
    )
    client.timeout, client.retries = RADIUS_TIMEOUT, RADIUS_TRIES
    request = client.CreateAuthPacket(code=packet.AccessRequest, User_Name=username)
    request["User-Password"] = request.PwCrypt(password)
    request["NAS-IP-Address"] = "127.0.0.1"
    try:
        reply = client.SendPacket(request)
    except (Timeout, OSError) as exc:
        log.info("RADIUS %s:%s did not answer: %s", address, port, type(exc).__name__)
        return None
    if reply.code != packet.AccessAccept:
        return Answer("reject")
    return Answer("accept", _privilege(reply))


def _privilege(reply: Any) -> int | None:
    try:
        pairs = reply["Cisco-AVPair"]
    except KeyError:
        return None
    for pair in pairs:
        match = _PRIV.match(str(pair).strip())
        if match and int(match[1]) <= 15:
            return int(match[1])
    return None
