"""From a Nornir host to what the task functions take: device params, intent, session."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from nornir.core.inventory import Host
from nornir.core.task import Task

from .. import intents
from ..errors import ConnectError, IntentError
from ..intent import SshIntent
from ..inventory import CONNECTION_KEYS
from ..session import Conversation, DeviceParams, Driver, establish, failures, open_session
from ..session.known_hosts import pinned_file

CONNECTION_NAMES = {"netmiko": "netmiko", "scrapli": "scrapli"}


def device_params(task: Task) -> DeviceParams:
    return device_params_of(task.host)


def device_params_of(host: Host) -> DeviceParams:
    """The host's device fields (IntentError naming each bad one; no connection made)."""
    extras = {}
    for name in ("netmiko", "scrapli"):
        options = host.connection_options.get(name)
        if options is not None and options.extras:
            extras.update(options.extras)
    secret = extras.get("secret") or extras.get("auth_secondary") or host.data.get("secret", "")
    data: dict[str, Any] = {
        "host": host.hostname or host.name,
        "port": host.port,
        "password": host.password or "",
        "secret": secret or "",
    }
    if host.username or not host.get("ssh_config_file"):  # else its User, if any
        data["username"] = host.username or ""
    for key in ("ssh_port", "telnet_port", "timeout", "reverse_port_offset"):
        if host.data.get(key) is not None:
            data[key] = host.data[key]
    # How every session checks this host, reaches it and logs in, and the user's driver
    # extras (from ios_ssh.inventory): the same for the fresh login, verify and the probes.
    for key in CONNECTION_KEYS:
        if host.get(key) is not None:
            data[key] = host.get(key)
    options = host.get("_driver_options") or {}
    data["netmiko_options"] = options.get("netmiko", {})
    data["scrapli_options"] = options.get("scrapli", {})
    if host.data.get("transport") == "telnet" or str(host.platform).endswith("_telnet"):
        data["device_type"] = "cisco_ios_telnet"
    return DeviceParams.coerce(data)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def host_intent(task: Task, intent: SshIntent | str | Path | None) -> SshIntent:
    return intent_for_host(task.host, intent)


def intent_for_host(host: Host, intent: SshIntent | str | Path | None) -> SshIntent:
    """The intent for this host: the one given (or the host's `ssh_intent_file`), with the
    host's `ssh_intent` data merged over it (per-host hostname, for example)."""
    file = host.get("ssh_intent_file")
    if file is not None:
        intent = _find(Path(file), host.get("_inventory_dir"))
    if intent is None:
        raise IntentError(["ssh_intent_file: not set, and no intent given"])
    if isinstance(intent, SshIntent):
        base = intent
    else:
        try:
            base = SshIntent.from_yaml(intent)
        except IntentError as exc:
            where = "ssh_intent_file" if file is not None else "intent"
            raise IntentError([f"{where}: {p}" for p in exc.problems]) from None
    merged = base.model_dump(exclude_unset=True)
    layers = [host.defaults.data.get("ssh_intent")]
    layers += [g.data.get("ssh_intent") for g in reversed(list(host.groups))]
    layers.append(host.data.get("ssh_intent"))
    if not any(layers):
        return base
    for layer in layers:
        if layer and not isinstance(layer, dict):
            raise IntentError([f"ssh_intent: expected a mapping, got {type(layer).__name__}"])
        if layer:
            merged = _deep_merge(merged, layer)
    return SshIntent.from_dict(merged)


def allows_unprotected(host: Host) -> bool:
    """The host's `allow_unprotected` data: a router with no revert timer (12.2(33)SXH,
    say) that may be changed without one (README, "Outcomes": `partial`)."""
    value = host.get("allow_unprotected", False)
    if not isinstance(value, bool):
        raise IntentError([f"allow_unprotected: {value!r} is not true or false"])
    return value


def preflight(hosts: Iterable[Host], intent: SshIntent | str | Path | None) -> list[str]:
    """Every problem of every host's device fields and resolved intent, one line each,
    before any connection: a fleet run starts only when this is empty."""
    problems: list[str] = []
    for host in hosts:
        checks: list[Callable[[], object]] = [partial(device_params_of, host)]
        if intent is not None:  # `state` has no intent: only the device fields
            checks.append(partial(intent_for_host, host, intent))
            checks.append(partial(allows_unprotected, host))
        for check in checks:
            try:
                check()
            except IntentError as exc:
                problems += [f"{host.name}: {problem}" for problem in exc.problems]
    return problems


def _find(path: Path, inventory_dir: str | None) -> Path:
    """An intent file named in the inventory: as given, else beside the inventory, else
    the shipped intent of that name (`console-server`)."""
    if path.is_absolute() or path.exists():
        return path
    for base in (
        (Path(inventory_dir), Path(inventory_dir).parent, Path(inventory_dir).parent.parent)
        if inventory_dir is not None
        else ()
    ):
        if (base / path).exists():
            return base / path
    try:
        return intents.path(path)
    except intents.IntentNotFound:
        return path  # loading it says "no such file"


@contextmanager
def conversation(
    task: Task, driver: Driver, params: DeviceParams
) -> Iterator[tuple[Conversation, DeviceParams]]:
    """Reuse the host's nornir_netmiko or nornir_scrapli connection.

    A host reached over telnet that no longer takes telnet (a finished migration) is
    reached over SSH instead when the inventory gives its `ssh_port`.
    """
    try:
        reused = _reuse(task, driver, params)
    except ConnectError:
        if params.transport != "telnet" or params.ssh_port is None:
            raise  # a refused host key or algorithm: already says host and port
        reused = None
    except Exception as exc:
        if not failures.is_driver_error(exc):
            raise
        if params.transport != "telnet" or params.ssh_port is None:
            # the plugin logs in (and scrapli enables) when it connects: one line, the cause
            offer = failures.offer_if_no_common(exc, params)
            raise failures.connect_error(exc, params, offer=offer, client=driver) from None
        reused = None
    if reused is not None:
        yield reused, params  # the host's connection: Nornir closes it
        return
    ssh = params.for_ssh()
    own = open_session(ssh, driver)
    try:
        yield own, ssh
    finally:
        own.close()


def _connection(task: Task, name: str, params: DeviceParams) -> Any:
    """The plugin's connection; nornir_netmiko's opened over a channel of the jump host
    (session.route), handed to it as `sock` for this one connect (the host's options,
    merged over its groups and defaults as Nornir merges them, are put back after)."""
    if name != "netmiko" or name in task.host.connections or params.jump_host is None:
        return task.host.get_connection(name, task.nornir.config)
    from nornir.core.inventory import ConnectionOptions

    from ..session.netmiko_driver import path_socket

    own = task.host.connection_options.get(name)
    merged = task.host.get_connection_parameters(name)
    sock = path_socket(params)
    task.host.connection_options[name] = ConnectionOptions(
        hostname=merged.hostname,
        port=merged.port,
        username=merged.username,
        password=merged.password,
        platform=merged.platform,
        extras={**(merged.extras or {}), "sock": sock},
    )
    try:
        return task.host.get_connection(name, task.nornir.config)
    except BaseException:
        if sock is not None:
            sock.close()
        raise
    finally:
        if own is None:
            task.host.connection_options.pop(name, None)
        else:
            task.host.connection_options[name] = own


def _reuse(task: Task, driver: Driver, params: DeviceParams) -> Conversation:
    name = CONNECTION_NAMES[driver]
    identity = None
    if params.transport == "ssh":
        # The host key is checked before nornir's plugin sends credentials; the plugin's
        # own connection is then strict against the same file (inventory options).
        if name not in task.host.connections:
            task.host.data[f"_identity_{name}"] = establish(params)
            if driver == "netmiko" and params.host_key_check != "off":
                # the one-host file the inventory names for paramiko: now with what
                # establish pinned (accept-new's first contact)
                pinned_file(params.known_hosts_file, params.host, params.effective_port)
        identity = task.host.data.get(f"_identity_{name}")
    conn = _connection(task, name, params)
    if driver == "netmiko":
        from ..session.netmiko_driver import NetmikoChannel, enable

        conn.set_base_prompt()  # an earlier task may have changed the hostname
        enable(conn, params)  # a wrong secret: one line within the device timeout
        channel = NetmikoChannel.from_connection(conn, params)
    else:
        from ..session.scrapli_driver import ScrapliChannel

        channel = ScrapliChannel.from_connection(conn, params)
    conv = Conversation(channel)
    conv.identity = identity
    conv.send("")
    return conv
