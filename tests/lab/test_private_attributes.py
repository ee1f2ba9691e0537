"""Every private attribute ios_ssh reads (or replaces) in asyncssh, paramiko, netmiko and
scrapli still exists, with the shape we use: an upgrade that moves one fails here, by name,
rather than as a silent fallback (a getattr default) or a confusing error in a session.

Where each is used (grep `._` and `getattr(..., "_` in ios_ssh):
- paramiko `Transport._preferred_{kex,keys,pubkeys,ciphers,macs}`: session/algorithms.py,
  the algorithms to disable for paramiko (netmiko's `disabled_algorithms`).
- asyncssh `SSHClientConnection._server_kexinit`, `._server_version`: engine/aio_session.py,
  the router's offer and banner as sent.
- asyncssh `SSHServerConnection._send_version`, `._send`, `._version`, `._server_version`,
  `._owner`, `.send_packet`, `.connection_made`: the lab's IOS banner (lab/server.py), its
  write coalescing (lab/coalesce.py) and no IGNORE packets (lab/no_ignore.py).
- asyncssh `SSHServerConnection._get_extra_kex_algs`, `._can_send_ext_info`,
  `._strict_kex`: lab/legacy_wire.py, no extensions from legacy routers.
- asyncssh `crypto.dh.DH._pn`, `._priv_key`: lab/dhcache.py replaces `__init__` and
  `get_shared`; the methods it leaves must read nothing else.
- scrapli `Driver._base_channel_args.channel_log`: session/scrapli_driver.py refuses a
  channel log when secrets are sent.
- netmiko: none (ios_ssh uses its public API only; this test says so).
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import asyncssh
import netmiko
import paramiko
import pytest
from asyncssh.crypto import dh as asyncssh_dh
from scrapli.driver.core import IOSXEDriver

from ios_ssh.lab import Lab
from ios_ssh.lab.fleet import baseline_device

REPO = Path(__file__).resolve().parents[2]


def _assigned_in_init(cls: type, *names: str) -> set[str]:
    """The `self.<name>` attributes that `cls.__init__` assigns, among `names`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.__init__)))
    found = {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        and isinstance(node.ctx, ast.Store)
    }
    return found & set(names)


def test_paramiko_preferred_algorithm_lists() -> None:
    for name in ("kex", "keys", "pubkeys", "ciphers", "macs"):
        value = getattr(paramiko.Transport, f"_preferred_{name}")
        assert isinstance(value, tuple) and value, name
        assert all(isinstance(item, str) for item in value), name


def test_asyncssh_connection_attributes_set_at_construction() -> None:
    wanted = ("_server_kexinit", "_server_version", "_version", "_owner")
    assert _assigned_in_init(asyncssh.connection.SSHConnection, *wanted) == set(wanted)
    server = asyncssh.connection.SSHServerConnection
    for method in ("_send_version", "_send", "send_packet", "connection_made"):
        assert callable(getattr(server, method)), method


def test_asyncssh_server_extension_hooks_of_the_legacy_wire() -> None:
    """lab/legacy_wire.py wraps `_get_extra_kex_algs` and turns the two flags asyncssh sets
    on the client's KEXINIT into properties: all three must still be there."""
    connection = asyncssh.connection.SSHConnection
    assert callable(asyncssh.connection.SSHServerConnection._get_extra_kex_algs)
    wanted = ("_can_send_ext_info", "_strict_kex")
    assert _assigned_in_init(connection, *wanted) == set(wanted)


def test_asyncssh_dh_reads_only_what_the_lab_cache_sets() -> None:
    """lab/dhcache.py sets `_pn`, `_priv_key` (and its own `_x`): the one method it does not
    replace, `get_public`, and asyncssh's own `__init__` use nothing more."""
    tree = ast.parse(inspect.getsource(asyncssh_dh))
    (dh_class,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "DH"]
    methods = {f.name: f for f in dh_class.body if isinstance(f, ast.FunctionDef)}
    assert {"__init__", "get_public", "get_shared"} <= set(methods)
    read = {
        node.attr
        for name in ("__init__", "get_public")
        for node in ast.walk(methods[name])
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    }
    assert read == {"_pn", "_priv_key"}, read


def test_scrapli_base_channel_args_channel_log() -> None:
    driver = IOSXEDriver(host="127.0.0.1", auth_strict_key=False, channel_log=False)
    assert driver._base_channel_args.channel_log is False


# Every private name ios_ssh reads on another's object, by file: (expression, whose).
# The lab's own Router (`router._on_keys`, ...) and its own flag `_lab_sending` are ours.
KNOWN = {
    ("engine/aio_session.py", "getattr(self.conn, '_server_kexinit', b'')"): "asyncssh",
    ("engine/aio_session.py", "getattr(self.conn, '_server_version', b'')"): "asyncssh",
    ("engine/aio_session.py", "getattr(client.conn, '_server_kexinit', b'')"): "asyncssh",
    ("engine/aio_session.py", "getattr(client.conn, '_server_version', b'')"): "asyncssh",
    ("lab/coalesce.py", "getattr(conn, '_owner', None)"): "asyncssh",
    ("lab/server.py", "getattr(conn, '_owner', None)"): "asyncssh",
    ("lab/server.py", "asyncssh.connection.SSHServerConnection._send_version"): "asyncssh",
    ("lab/server.py", "conn._server_version"): "asyncssh",
    ("lab/server.py", "conn._version"): "asyncssh",
    ("lab/server.py", "conn._send"): "asyncssh",
    ("lab/legacy_wire.py", "_Server._get_extra_kex_algs"): "asyncssh",
    ("lab/legacy_wire.py", "_Server._can_send_ext_info"): "asyncssh",
    ("lab/legacy_wire.py", "_Server._strict_kex"): "asyncssh",
    **{
        ("session/algorithms.py", f"Transport._preferred_{name}"): "paramiko"
        for name in ("kex", "keys", "pubkeys", "ciphers", "macs")
    },
    ("session/scrapli_driver.py", "getattr(self.conn, '_base_channel_args', None)"): "scrapli",
}


NAMEDTUPLE_API = frozenset({"_replace", "_asdict", "_fields", "_make", "_field_defaults"})


def _private_reads() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for path in sorted((REPO / "ios_ssh").rglob("*.py")):
        name = str(path.relative_to(REPO / "ios_ssh"))
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and re.fullmatch(r"_[a-z]\w*", node.attr)
                and node.attr not in NAMEDTUPLE_API  # a namedtuple's public methods
                and not node.attr.startswith("_lab_")  # the lab's own flags
            ):
                base = node.value
                if isinstance(base, ast.Name) and base.id in ("self", "cls", "router"):
                    continue  # our own objects (the lab's Router included)
                found.add((name, ast.unparse(node)))
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr", "setattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and str(node.args[1].value).startswith("_")
                and not str(node.args[1].value).startswith(("_lab_", "__"))  # ours; dunders
            ):
                found.add((name, ast.unparse(node)))
    return found


def test_every_private_read_is_listed_here() -> None:
    """A new private read (netmiko's included: none today) must be added to KNOWN, with a
    check above that fails when the library moves it."""
    assert _private_reads() == set(KNOWN)
    assert "netmiko" not in KNOWN.values()
    assert netmiko.__version__.startswith("4.")


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    try:
        lab.add(baseline_device("r1", bits=1024))
        yield lab
    finally:
        lab.close()


def test_asyncssh_client_keeps_the_servers_offer_and_banner(lab: Lab) -> None:
    """What engine/aio_session.py reads after a real key exchange with a lab router."""
    address = lab.addresses["r1"]

    async def read() -> tuple[bytes, bytes]:
        async with asyncssh.connect(
            address.host,
            address.port,
            username="admin",
            password="admin",
            known_hosts=None,
        ) as conn:
            return conn._server_kexinit, conn._server_version

    kexinit, version = asyncio.run(read())
    assert isinstance(kexinit, bytes) and len(kexinit) > 100  # a real KEXINIT payload
    assert version.startswith(b"SSH-") and b"Cisco" in version
