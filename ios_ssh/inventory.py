"""Nornir inventories for ios_ssh: SimpleInventory folders with credentials from the
environment, or hosts given as dicts (the demo's lab). Errors name host and field."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from nornir import InitNornir
from nornir.core import Nornir
from nornir.core.inventory import (
    ConnectionOptions,
    Defaults,
    Groups,
    Host,
    Hosts,
    Inventory,
)
from nornir.core.plugins.connections import ConnectionPluginRegister
from nornir.core.plugins.runners import RunnersPluginRegister

from . import yamlfile
from .errors import IosSshError

CREDENTIAL_ENVS = ("username_env", "password_env", "secret_env")


class InventoryError(IosSshError):
    """An inventory that cannot be used; the message names the file, host and field."""


def _connection_options(telnet: bool, secret: str) -> dict[str, ConnectionOptions]:
    return {
        "netmiko": ConnectionOptions(
            platform="cisco_ios_telnet" if telnet else "cisco_ios",
            extras={"secret": secret, "fast_cli": False},
        ),
        "scrapli": ConnectionOptions(
            platform="cisco_iosxe",
            extras={
                "auth_secondary": secret,
                "auth_strict_key": False,
                "transport": "telnet" if telnet else "system",
            },
        ),
    }


def _finish_host(host: Host) -> None:
    """Credentials from the environment; the per-driver connection options."""
    data = host.data  # merged with groups and defaults by Nornir
    problems = []
    values: dict[str, str] = {}
    for key in CREDENTIAL_ENVS:
        env = host.get(key)
        if env:
            value = os.environ.get(env)
            if value is None:
                problems.append(f"host {host.name}: {key} names {env}, which is not set")
            values[key] = value or ""
    if problems:
        raise InventoryError("; ".join(problems))
    if "username_env" in values:
        host.username = values["username_env"]
    if "password_env" in values:
        host.password = values["password_env"]
    secret = values.get("secret_env") or host.get("secret") or ""
    telnet = host.get("transport") == "telnet"
    if not host.hostname:
        raise InventoryError(f"host {host.name}: hostname is not set")
    if not host.username:
        raise InventoryError(f"host {host.name}: username is not set (username or username_env)")
    host.connection_options = {**_connection_options(telnet, secret), **host.connection_options}
    del data  # only read through host.get, which sees groups and defaults


def _runner(workers: int) -> dict[str, Any]:
    return {"plugin": "threaded", "options": {"num_workers": workers}}


def _check_groups_known(file: Path, data: dict[str, Any], folder: Path) -> None:
    """A host or group naming a group that groups.yaml lacks: say which, not `KeyError`."""
    if file.name == "defaults.yaml":
        return
    groups_file = folder / "groups.yaml"
    known = set(yamlfile.load(groups_file) or {}) if groups_file.exists() else set()
    for name, spec in data.items():
        if not isinstance(spec, dict):
            raise InventoryError(f"{file}: {name}: expected a mapping of settings")
        for group in spec.get("groups") or []:
            if group not in known:
                raise InventoryError(f"{file}: {name}: group {group!r} is not in {groups_file}")


def load_inventory(path: Path, workers: int = 4) -> Nornir:
    """A Nornir from a SimpleInventory folder (hosts.yaml, groups.yaml, defaults.yaml)."""
    hosts_file = path / "hosts.yaml"
    if not hosts_file.is_file():
        raise InventoryError(f"{path}: no hosts.yaml (a Nornir SimpleInventory folder is needed)")
    shapes = {"hosts.yaml": "host name", "groups.yaml": "group name", "defaults.yaml": "field"}
    for name, keyed_by in shapes.items():
        file = path / name
        if file.exists():
            try:
                data = yamlfile.load(file)
            except yamlfile.YamlProblem as exc:
                raise InventoryError(str(exc)) from None
            if data is None and name == "hosts.yaml":
                raise InventoryError(f"{file}: no hosts in it")
            if data is not None and not isinstance(data, dict):
                raise InventoryError(
                    f"{file}: expected a mapping of {keyed_by} to its settings, "
                    f"got a {type(data).__name__}"
                )
            _check_groups_known(file, data or {}, path)
    options: dict[str, Any] = {"host_file": str(hosts_file)}
    for key, name in (("group_file", "groups.yaml"), ("defaults_file", "defaults.yaml")):
        if (path / name).exists():
            options[key] = str(path / name)
    try:
        nornir = InitNornir(
            runner=_runner(workers),
            inventory={"plugin": "SimpleInventory", "options": options},
            logging={"enabled": False},
        )
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise InventoryError(f"{path}: {exc}") from None
    for host in nornir.inventory.hosts.values():
        _finish_host(host)
        host.data["_inventory_dir"] = str(path.resolve())
    return nornir


def nornir_from_hosts(hosts: dict[str, dict[str, Any]], workers: int = 4) -> Nornir:
    """A Nornir from `{name: {hostname, port, username, password, data...}}`."""
    defaults = Defaults()
    built = Hosts()
    for name, spec in hosts.items():
        spec = dict(spec)
        host = Host(
            name=name,
            hostname=spec.pop("hostname"),
            port=spec.pop("port", None),
            username=spec.pop("username", None),
            password=spec.pop("password", None),
            platform=spec.pop("platform", "cisco_ios"),
            data=spec.pop("data", {}),
            defaults=defaults,
        )
        if spec:
            raise InventoryError(f"host {name}: unknown fields {sorted(spec)}")
        _finish_host(host)
        built[name] = host
    RunnersPluginRegister.auto_register()
    ConnectionPluginRegister.auto_register()
    runner = RunnersPluginRegister.get_plugin("threaded")(num_workers=workers)
    from nornir.core.configuration import Config

    return Nornir(
        inventory=Inventory(hosts=built, groups=Groups(), defaults=defaults),
        runner=runner,
        config=Config(),
    )


def filter_hosts(nornir: Nornir, hosts: list[str] | None, groups: list[str] | None) -> Nornir:
    if hosts:
        unknown = sorted(set(hosts) - set(nornir.inventory.hosts))
        if unknown:
            raise InventoryError(f"--host: {', '.join(unknown)} not in the inventory")
        nornir = nornir.filter(filter_func=lambda h: h.name in hosts)
    if groups:
        nornir = nornir.filter(filter_func=lambda h: any(g.name in groups for g in h.groups))
    return nornir
