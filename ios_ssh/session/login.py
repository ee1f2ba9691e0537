"""Who logs in: the tool's own credentials (a password, a key file, the ssh-agent), as
each client library takes them. netmiko's names and meanings throughout:

- `use_keys`: offer a key: `key_file`, else the default ~/.ssh/id_* files;
- `key_file` (implies use_keys) with its `passphrase`;
- `allow_agent`: offer the keys of the agent at SSH_AUTH_SOCK;
- `password`: optional when a key or the agent is offered (the enable `secret` is still
  needed for a privilege 1 user).

Nothing not asked for is offered: without use_keys/allow_agent no key is tried (an agent
with many keys would use up a router's `ip ssh authentication-retries`).
"""

from __future__ import annotations

from typing import Any

from .params import DeviceParams


def _password(params: DeviceParams) -> str | None:
    return params.password.get_secret_value() or None


def asyncssh_options(params: DeviceParams) -> dict[str, Any]:
    """asyncssh.connect's credentials. asyncssh's `client_keys=()` loads the default key
    files, `None` turns public keys (and the agent) off; `agent_path=None` the agent."""
    offers_keys = params.keys_wanted or params.allow_agent
    options: dict[str, Any] = {
        "username": params.username,
        "password": _password(params),
        "preferred_auth": ["keyboard-interactive", "password"],
        "client_keys": None,
        "agent_path": None,
    }
    if offers_keys:
        options["preferred_auth"] = ["publickey", *options["preferred_auth"]]
        options["client_keys"] = [str(params.key_file)] if params.key_file else ()
        options["passphrase"] = params.passphrase.get_secret_value() or None
        if params.allow_agent:
            options["agent_path"] = ()  # SSH_AUTH_SOCK
    return options


def netmiko_options(params: DeviceParams) -> dict[str, Any]:
    """ConnectHandler's credentials (paramiko tries the key, then the agent, then the
    password; `password=None` tries none)."""
    return {
        "password": _password(params),
        "use_keys": params.keys_wanted,
        "key_file": str(params.key_file) if params.key_file else None,
        "allow_agent": params.allow_agent,
        "passphrase": params.passphrase.get_secret_value() or None,
    }


def scrapli_options(params: DeviceParams) -> tuple[dict[str, Any], list[str]]:
    """IOSXEDriver's key settings (the password is passed as `auth_password`, where
    nornir_scrapli passes the host's), and the OpenSSH options of its system transport that
    say which methods are offered (OpenSSH would otherwise offer every default key and
    the agent, and scrapli would type an empty password at a password prompt)."""
    driver: dict[str, Any] = {}
    ssh: list[str] = []
    if params.key_file:
        driver["auth_private_key"] = str(params.key_file)
        driver["auth_private_key_passphrase"] = params.passphrase.get_secret_value()
        if not params.allow_agent:
            ssh += ["-o", "IdentitiesOnly=yes"]
    if not params.allow_agent:
        ssh += ["-o", "IdentityAgent=none"]
    if not params.keys_wanted and not params.allow_agent:
        ssh += ["-o", "PubkeyAuthentication=no"]
    if not params.password.get_secret_value():
        ssh += ["-o", "PasswordAuthentication=no", "-o", "KbdInteractiveAuthentication=no"]
    return driver, ssh


def has_credentials(params: DeviceParams) -> bool:
    """Something to log in with: a password, a key or the agent."""
    return bool(params.password.get_secret_value()) or params.keys_wanted or params.allow_agent
