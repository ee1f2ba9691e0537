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

from . import redact, yamlfile
from .errors import IntentError, IosSshError
from .session.params import DeviceParams

CREDENTIAL_ENVS = ("username_env", "password_env", "secret_env")
# Per host, group or defaults (or from the CLI): how every session checks the host, how it
# gets there (a jump host, an ssh_config) and how the tool logs in (keys, the agent). The
# `*_env` secrets are read from the environment by DeviceParams.
CONNECTION_KEYS = (
    "host_key_check", "known_hosts", "ssh_algorithms",
    "jump_host", "jump_key_file", "jump_password_env", "ssh_config_file",
    "use_keys", "key_file", "allow_agent", "passphrase_env",
)  # fmt: skip
# Extras ios_ssh sets from those: an inventory that sets them itself is refused.
HOST_KEY_EXTRAS = frozenset(
    {"ssh_strict", "system_host_keys", "alt_host_keys", "alt_key_file", "auth_strict_key"}
    | {"ssh_known_hosts_file"}
)
# Extras the channels pass themselves; the rest reaches every session (driver options).
CHANNEL_OWN = {
    "netmiko": frozenset(
        {"secret", "fast_cli", "timeout", "auth_timeout", "banner_timeout", "device_type"}
        | {"conn_timeout"}
    ),
    "scrapli": frozenset(
        {"auth_secondary", "transport", "timeout_socket", "timeout_transport", "timeout_ops"}
    ),
}


class InventoryError(IosSshError):
    """An inventory that cannot be used; the message names the file, host and field."""


def _connection_options(
    telnet: bool, secret: str, params: DeviceParams
) -> dict[str, ConnectionOptions]:
    """nornir_netmiko's and nornir_scrapli's options: the host-key check and algorithm
    policy of `params` (as our own sessions have them), then the user's driver extras."""
    from .session import login, netmiko_driver, scrapli_driver

    # The device timeout bounds every wait, as in our own sessions (session.failures):
    # netmiko's defaults cut a connect at 10 s, scrapli's wait 30 s for a wrong secret.
    wait = params.timeout
    netmiko: dict[str, Any] = {
        "secret": secret,
        "fast_cli": False,
        "timeout": wait,
        "conn_timeout": wait,
        "auth_timeout": wait,
        "banner_timeout": wait,
        **params.netmiko_options,
    }
    scrapli: dict[str, Any] = {
        "auth_secondary": secret,
        "transport": "telnet" if telnet else "system",
        "timeout_socket": wait,
        "timeout_transport": wait,
        "timeout_ops": wait,
        **params.scrapli_options,
    }
    if telnet:
        scrapli["auth_strict_key"] = False
    else:
        netmiko.update(netmiko_driver.host_key_options(params))
        scrapli.update(scrapli_driver.host_key_options(params))
        # the login (keys, agent): nornir_netmiko passes the host's password itself
        netmiko.update({k: v for k, v in login.netmiko_options(params).items() if k != "password"})
    # an ssh_config's HostName and Port are the address the plugins connect to
    where: dict[str, Any] = {}
    if params.ssh_config_host:
        where = {"hostname": params.host, "port": params.effective_port}
    return {
        "netmiko": ConnectionOptions(
            platform="cisco_ios_telnet" if telnet else "cisco_ios", extras=netmiko, **where
        ),
        "scrapli": ConnectionOptions(platform="cisco_iosxe", extras=scrapli, **where),
    }


def _driver_options(host: Host) -> dict[str, dict[str, Any]]:
    """The user's own extras per driver, without what the channels set themselves."""
    out: dict[str, dict[str, Any]] = {}
    for name in ("netmiko", "scrapli"):
        # merged over the host's groups and the defaults, as Nornir itself does
        extras = dict(host.get_connection_parameters(name).extras or {})
        refused = sorted(set(extras) & HOST_KEY_EXTRAS)
        if refused:
            raise InventoryError(
                f"host {host.name}: connection_options.{name}.extras.{refused[0]} is set by "
                "ios_ssh from host_key_check and known_hosts (use those)"
            )
        out[name] = {k: v for k, v in extras.items() if k not in CHANNEL_OWN[name]}
    return out


def _session_params(host: Host, options: dict[str, dict[str, Any]]) -> DeviceParams:
    data: dict[str, Any] = {"host": host.hostname, "port": host.port, "username": host.username}
    data["password"] = host.password or ""  # which login methods OpenSSH may offer
    data.update({k: host.get(k) for k in CONNECTION_KEYS if host.get(k) is not None})
    data.update(netmiko_options=options["netmiko"], scrapli_options=options["scrapli"])
    try:
        return DeviceParams.coerce(data)
    except IntentError as exc:
        raise InventoryError(f"host {host.name}: {'; '.join(exc.problems)}") from None


# Resolved on the worker, not here, with `ios-ssh ... --dask-credentials worker-env`.
WORKER_CREDENTIAL_ENVS = ("password_env", "secret_env")


def finish_host(host: Host, worker_credentials: bool = False) -> None:
    """ios_ssh's host handling, for a host of any inventory: credentials from the
    environment (`username_env`, `password_env`, `secret_env`), and the per-driver
    connection options (nornir_netmiko's and nornir_scrapli's) with the host-key check,
    known_hosts pinning and algorithm policy of `host_key_check`, `known_hosts` and
    `ssh_algorithms`, then the user's driver extras. Safe to call again (a setting
    changed since): it starts from the inventory's own connection options each time.
    With `worker_credentials` the password and secret are left to the worker (Dask
    `worker-env`): only their variables' names are kept, in the host's data.

    Raises InventoryError naming the host and field."""
    data = host.data  # merged with groups and defaults by Nornir
    # The inventory's own options, kept on the first call: a second call (the CLI's
    # options over a config's transform) starts from them, not from ours.
    host.connection_options = dict(
        data.setdefault(_INVENTORY_OPTIONS, dict(host.connection_options))
    )
    problems = []
    values: dict[str, str] = {}
    for key in CREDENTIAL_ENVS:
        if worker_credentials and key in WORKER_CREDENTIAL_ENVS:
            continue
        env = host.get(key)
        if env:
            value = os.environ.get(env)
            if value is None:
                problems.append(f"host {host.name}: {key} names {env}, which is not set")
            values[key] = value or ""
    if problems:
        raise InventoryError("; ".join(problems))
    # masked in every log from now on: Nornir and the drivers have not seen them yet
    redact.register([host.password, host.get("secret"), values.get("password_env")])
    redact.register([values.get("secret_env")])
    if "username_env" in values:
        host.username = values["username_env"]
    if "password_env" in values:
        host.password = values["password_env"]
    secret = values.get("secret_env") or host.get("secret") or ""
    telnet = host.get("transport") == "telnet"
    if not host.hostname:
        raise InventoryError(f"host {host.name}: hostname is not set")
    if not host.username and not host.get("ssh_config_file"):
        raise InventoryError(f"host {host.name}: username is not set (username or username_env)")
    options = _driver_options(host)
    params = _session_params(host, options)
    data["_driver_options"] = options  # for the sessions ios_ssh opens itself
    user = host.connection_options
    host.connection_options = {
        name: _with_user_fields(ours, user.get(name))
        for name, ours in _connection_options(telnet, secret, params).items()
    }
    for name, option in user.items():
        host.connection_options.setdefault(name, option)


_finish_host = finish_host  # the name it had before it was public
_INVENTORY_OPTIONS = "_inventory_connection_options"


def transform(
    host: Host,
    *,
    username_env: str | None = None,
    password_env: str | None = None,
    secret_env: str | None = None,
    host_key_check: str | None = None,
    known_hosts: str | None = None,
    ssh_algorithms: str | None = None,
) -> None:
    """A Nornir transform function (registered as `ios_ssh` under the
    `nornir.plugins.transform_function` entry point): ios_ssh's host handling for ANY
    inventory plugin (NetBox, Nautobot, YAMLInventory, your own), as `load_inventory`
    gives it to a SimpleInventory folder.

    The options (`transform_function_options` in the Nornir configuration) fill in what
    the host, its groups and the defaults do not set: the names of the environment
    variables holding the credentials, and how every session checks the host.

        nr = InitNornir(
            inventory={
                "plugin": "NetBoxInventory2",
                "options": {...},
                "transform_function": "ios_ssh",
                "transform_function_options": {
                    "username_env": "IOS_USERNAME",
                    "password_env": "IOS_PASSWORD",
                    "host_key_check": "strict",
                },
            },
        )

    Raises InventoryError naming the host and field (a variable that is not set, a bad
    setting, driver extras that would weaken the host-key check)."""
    given = {
        "username_env": username_env,
        "password_env": password_env,
        "secret_env": secret_env,
        "host_key_check": host_key_check,
        "known_hosts": known_hosts,
        "ssh_algorithms": ssh_algorithms,
    }
    for key, value in given.items():
        if value is not None and host.get(key) is None:
            host.data[key] = value
    finish_host(host)


def _with_user_fields(ours: ConnectionOptions, user: ConnectionOptions | None) -> ConnectionOptions:
    """Our extras with the host's own hostname, port, credentials and platform, if any."""
    if user is None:
        return ours
    return ConnectionOptions(
        hostname=ours.hostname or user.hostname,
        port=ours.port or user.port,
        username=user.username,
        password=user.password,
        platform=user.platform or ours.platform,
        extras=ours.extras,
    )


def _runner(workers: int) -> dict[str, Any]:
    return {"plugin": "threaded", "options": {"num_workers": workers}}


def _check_groups_known(file: Path, data: dict[str, Any], folder: Path) -> None:
    """A host or group naming a group that groups.yaml lacks: say which, not `KeyError`."""
    if file.name == "defaults.yaml":
        return
    groups_file = folder / "groups.yaml"
    try:
        known = set(yamlfile.load(groups_file) or {}) if groups_file.exists() else set()
    except yamlfile.YamlProblem as exc:  # read here before its own turn comes
        raise InventoryError(str(exc)) from None
    for name, spec in data.items():
        if not isinstance(spec, dict):
            raise InventoryError(f"{file}: {name}: expected a mapping of settings")
        for group in spec.get("groups") or []:
            if group not in known:
                raise InventoryError(f"{file}: {name}: group {group!r} is not in {groups_file}")


def load_inventory(
    path: Path,
    workers: int = 4,
    connection: dict[str, Any] | None = None,
    worker_credentials: bool = False,
) -> Nornir:
    """A Nornir from a SimpleInventory folder (hosts.yaml, groups.yaml, defaults.yaml).
    `connection` (host_key_check, known_hosts, ssh_algorithms: the CLI's options) wins
    over what the inventory says. `worker_credentials`: password_env and secret_env are
    not read here (a Dask worker reads them from its own environment)."""
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
        host.data.update({k: v for k, v in (connection or {}).items() if v is not None})
        finish_host(host, worker_credentials)
        host.data["_inventory_dir"] = str(path.resolve())
    return nornir


# The sections of a Nornir configuration file (nornir.core.configuration.Config).
CONFIG_SECTIONS = frozenset({"inventory", "ssh", "logging", "core", "runner", "user_defined"})


def load_nornir_config(
    config_file: Path,
    workers: int = 4,
    connection: dict[str, Any] | None = None,
    worker_credentials: bool = False,
) -> Nornir:
    """A Nornir from a Nornir configuration file: any inventory plugin (NetBoxInventory2,
    Nautobot, YAMLInventory, ...), each host finished as `transform` does (whether or not
    the file names it as its transform function). `connection` (the CLI's options) wins
    over the inventory; `workers` threads run the hosts (the file's runner is replaced).

    The file is read as ios_ssh reads every YAML file (no aliases, one line per problem);
    a plugin's failure is one line naming the file."""
    try:
        data = yamlfile.load(config_file)
    except yamlfile.YamlProblem as exc:
        raise InventoryError(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("inventory"), dict):
        raise InventoryError(
            f"{config_file}: expected a Nornir configuration (a mapping with an `inventory` "
            "section naming its plugin)"
        )
    unknown = sorted(set(data) - CONFIG_SECTIONS)
    if unknown:
        raise InventoryError(
            f"{config_file}: {unknown[0]}: not a Nornir configuration section "
            f"(allowed: {', '.join(sorted(CONFIG_SECTIONS))})"
        )
    settings = {**data, "runner": _runner(workers), "logging": {"enabled": False}}
    try:
        nornir = InitNornir(**settings)
    except InventoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - a plugin's own error (a missing file, an unknown plugin)
        cause = " ".join(str(exc).split()) or type(exc).__name__
        raise InventoryError(f"{config_file}: inventory: {cause}") from None
    for host in nornir.inventory.hosts.values():
        host.data.update({k: v for k, v in (connection or {}).items() if v is not None})
        # again if the file's transform did: the CLI's options win
        finish_host(host, worker_credentials)
        host.data.setdefault("_inventory_dir", str(config_file.resolve().parent))
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
        finish_host(host)
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
    """Only the named hosts (InventoryError naming any the inventory lacks), then only
    those in any of `groups`."""
    if hosts:
        unknown = sorted(set(hosts) - set(nornir.inventory.hosts))
        if unknown:
            raise InventoryError(f"--host: {', '.join(unknown)} not in the inventory")
        nornir = nornir.filter(filter_func=lambda h: h.name in hosts)
    if groups:
        nornir = nornir.filter(filter_func=lambda h: any(g.name in groups for g in h.groups))
    return nornir
