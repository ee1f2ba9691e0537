"""Device fields as netmiko and scrapli users write them (issue 21): ConnectHandler's and
IOSXEDriver's own names accepted and mapped, ours for the path and the login, anything
else refused naming it; secrets named once; ssh_config applied once."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from netmiko import BaseConnection
from netmiko.ssh_dispatcher import CLASS_MAPPER
from pydantic import SecretStr
from scrapli.driver.core import IOSXEDriver

from ios_ssh import redact
from ios_ssh.errors import ConnectError, IntentError
from ios_ssh.session import login, route
from ios_ssh.session.params import (
    NETMIKO_FIELDS,
    SCRAPLI_FIELDS,
    SECRET_FIELDS,
    DeviceParams,
    DeviceType,
)
from ios_ssh.session.scrapli_driver import host_key_options

BASE = {"host": "r1.example.net", "username": "ops", "password": "pw-Field-1"}


def _refused(device: dict[str, object]) -> str:
    with pytest.raises(IntentError) as caught:
        DeviceParams.coerce(device)
    return str(caught.value)


def test_the_driver_field_lists_are_the_installed_drivers() -> None:
    """A netmiko or scrapli upgrade that adds or drops a keyword shows here first."""
    netmiko = set(inspect.signature(BaseConnection.__init__).parameters) - {"self"}
    scrapli = set(inspect.signature(IOSXEDriver.__init__).parameters) - {"self"}
    assert netmiko == NETMIKO_FIELDS
    assert scrapli == SCRAPLI_FIELDS


def test_every_ios_device_type_is_netmikos() -> None:
    types = DeviceType.__args__  # type: ignore[attr-defined]
    assert set(types) <= set(CLASS_MAPPER)
    for name in types:
        params = DeviceParams.coerce({**BASE, "device_type": name})
        assert params.transport == ("telnet" if name.endswith("_telnet") else "ssh")


def test_a_netmiko_dict_as_written() -> None:
    params = DeviceParams.coerce(
        {
            "device_type": "cisco_xe",
            "ip": "192.0.2.10",
            "username": "ops",
            "password": "pw-Field-1",
            "secret": "en-Field-2",
            "port": 8022,
            "conn_timeout": 20,
            "auth_timeout": 30,
            "banner_timeout": 25,
            "session_log": "session.log",
            "fast_cli": False,
            "global_delay_factor": 2,
            "use_keys": True,
            "key_file": __file__,  # any file: it must exist
            "allow_agent": True,
            "passphrase": "key-Field-3",
            "verbose": False,
        }
    )
    assert (params.host, params.port, params.device_type) == ("192.0.2.10", 8022, "cisco_xe")
    assert params.use_keys and params.allow_agent and params.key_file == Path(__file__)
    assert params.passphrase.get_secret_value() == "key-Field-3"
    assert params.netmiko_options == {
        "conn_timeout": 20,
        "auth_timeout": 30,
        "banner_timeout": 25,
        "session_log": "session.log",
        "fast_cli": False,
        "global_delay_factor": 2,
        "verbose": False,
    }
    assert sorted(params.secret_values()) == ["en-Field-2", "key-Field-3", "pw-Field-1"]
    assert "key-Field-3" not in repr(params) and "pw-Field-1" not in repr(params)


def test_scrapli_names_and_nornir_netmiko_extras_are_the_same_fields() -> None:
    scrapli = DeviceParams.coerce(
        {
            "host": "r1",
            "auth_username": "ops",
            "auth_private_key": __file__,
            "auth_private_key_passphrase": "key-Field-3",
            "timeout_ops": 40,
            "transport": "system",
        }
    )
    assert scrapli.username == "ops" and scrapli.key_file == Path(__file__)
    assert scrapli.keys_wanted and scrapli.passphrase.get_secret_value() == "key-Field-3"
    assert scrapli.scrapli_options == {"timeout_ops": 40}
    nornir = DeviceParams.coerce(
        {**BASE, "netmiko_options": {"use_keys": True, "key_file": __file__, "fast_cli": True}}
    )
    assert nornir.use_keys and nornir.key_file == Path(__file__)
    assert nornir.netmiko_options == {"fast_cli": True}


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("hostname", "r1", "device.hostname: unknown field"),
        ("sock", object(), "device.sock: set by ios_ssh: the path to the router is jump_host"),
        ("pkey", object(), "device.pkey: set by ios_ssh: use key_file"),
        ("ssh_strict", False, "device.ssh_strict: set by ios_ssh"),
        ("key_file", "/nonexistent/id_rsa", "device.key_file: /nonexistent/id_rsa does not exist"),
        ("jump_host", "-oProxyCommand=sh", "device.jump_host:"),
        ("jump_host", "a.example,b.example", "device.jump_host:"),
        ("jump_host", "ops@bastion:70000", "device.jump_host:"),
        ("jump_host", "bastion\nHost *", "device.jump_host:"),
        ("key_file", '/tmp/a"b', "device.key_file:"),
        ("passphrase_env", "IOS_SSH_TEST_UNSET_VARIABLE", "IOS_SSH_TEST_UNSET_VARIABLE is not set"),
    ],
)
def test_a_field_that_cannot_be_used_is_named(field: str, value: object, says: str) -> None:
    text = _refused({**BASE, field: value})
    assert says in text, text
    assert "pw-Field-1" not in text


def test_telnet_cannot_go_through_a_jump_host() -> None:
    text = _refused({**BASE, "device_type": "cisco_ios_telnet", "jump_host": "bastion"})
    assert "device: jump_host: telnet cannot go through a jump host" in text


def test_a_jump_host_has_one_spelling() -> None:
    params = DeviceParams.coerce({**BASE, "jump_host": "ops@[2001:db8::1]"})
    assert params.jump_host == "ops@[2001:db8::1]:22"
    jump = route.jump_of(params)
    assert jump is not None and (jump.user, jump.host, jump.port) == ("ops", "2001:db8::1", 22)
    default_user = DeviceParams.coerce({**BASE, "jump_host": "bastion.example:2222"})
    assert default_user.jump_host is not None and default_user.jump_host.endswith(
        "@bastion.example:2222"
    )
    assert DeviceParams.coerce({**BASE, "jump_host": "none"}).jump_host is None


def test_secrets_from_the_environment_are_masked_once_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IOS_SSH_TEST_PASSPHRASE", "key-Env-4f")
    monkeypatch.setenv("IOS_SSH_TEST_JUMP", "jump-Env-5g")
    params = DeviceParams.coerce(
        {
            **BASE,
            "passphrase_env": "IOS_SSH_TEST_PASSPHRASE",
            "jump_password_env": "IOS_SSH_TEST_JUMP",
        }
    )
    assert params.passphrase.get_secret_value() == "key-Env-4f"
    assert params.jump_password.get_secret_value() == "jump-Env-5g"
    assert redact.redact("a key-Env-4f and jump-Env-5g") == "a *** and ***"
    assert set(SECRET_FIELDS) == {"password", "secret", "passphrase", "jump_password"}


def test_ssh_config_is_applied_once_as_openssh_would(tmp_path: Path) -> None:
    key = tmp_path / "bastion_key"
    key.write_text("not read here")
    config = tmp_path / "ssh_config"
    config.write_text(
        "Host r1\n  HostName 192.0.2.1\n  Port 2201\n  User ops\n  ProxyJump bastion\n"
        f"Host bastion\n  HostName 198.51.100.7\n  User jumper\n  Port 2222\n"
        f"  IdentityFile {key}\n"
        "Host r2\n  ProxyJump a,b\nHost r3\n  ProxyCommand nc %h %p\n"
    )
    params = DeviceParams.coerce({"host": "r1", "ssh_config_file": str(config)})
    assert (params.host, params.port, params.username) == ("192.0.2.1", 2201, "ops")
    assert params.jump_host == "jumper@198.51.100.7:2222" and params.jump_key_file == key
    assert params.ssh_config_host == "r1"
    # given fields win (but HostName); and the result validates again to itself
    mine = DeviceParams.coerce(
        {
            "host": "r1",
            "port": 22,
            "username": "me",
            "jump_host": "none",
            "ssh_config_file": str(config),
        }
    )
    assert (mine.host, mine.port, mine.username, mine.jump_host) == ("192.0.2.1", 22, "me", None)
    assert DeviceParams.model_validate(dict(params)) == params
    assert "one jump host is supported" in _refused({"host": "r2", **_user(config)})
    assert "ProxyCommand for r3 is not supported" in _refused({"host": "r3", **_user(config)})
    assert "does not exist" in _refused({**BASE, "ssh_config_file": str(tmp_path / "none")})


def _user(config: Path) -> dict[str, object]:
    return {"username": "ops", "ssh_config_file": str(config)}


def test_each_client_is_offered_only_the_login_asked_for() -> None:
    password = DeviceParams.coerce(BASE)
    keys = DeviceParams.coerce(
        {**BASE, "password": None, "key_file": __file__, "passphrase": "key-Field-3"}
    )
    agent = DeviceParams.coerce({**BASE, "password": None, "allow_agent": True})
    # asyncssh: no key, no agent unless asked; no password when there is none
    assert login.asyncssh_options(password)["client_keys"] is None
    assert login.asyncssh_options(password)["agent_path"] is None
    assert login.asyncssh_options(keys)["client_keys"] == [__file__]
    assert login.asyncssh_options(keys)["password"] is None
    assert login.asyncssh_options(agent)["agent_path"] == ()
    # netmiko: its own names
    assert login.netmiko_options(keys) == {
        "password": None,
        "use_keys": True,
        "key_file": __file__,
        "allow_agent": False,
        "passphrase": "key-Field-3",
    }
    # scrapli's OpenSSH: only the methods asked for
    cmd = host_key_options(password)["transport_options"]["open_cmd"]  # type: ignore[index]
    assert "PubkeyAuthentication=no" in cmd and "IdentityAgent=none" in cmd
    keyed = host_key_options(keys)
    assert keyed["auth_private_key"] == __file__
    assert "IdentitiesOnly=yes" in keyed["transport_options"]["open_cmd"]  # type: ignore[index]
    assert "PasswordAuthentication=no" in keyed["transport_options"]["open_cmd"]  # type: ignore[index]
    assert "IdentityAgent=none" not in host_key_options(agent)["transport_options"]["open_cmd"]  # type: ignore[index]


def test_scrapli_goes_through_the_same_jump_host_strictly(tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    params = DeviceParams.coerce(
        {
            **BASE,
            "jump_host": "jumper@198.51.100.7:2222",
            "jump_key_file": __file__,
            "known_hosts": str(known),
        }
    )
    options = host_key_options(params)
    assert "ProxyJump=ios-ssh-jump" in options["transport_options"]["open_cmd"]  # type: ignore[index]
    text = Path(str(options["ssh_config_file"])).read_text()
    for line in (
        "HostName 198.51.100.7",
        "Port 2222",
        "User jumper",
        "StrictHostKeyChecking yes",
        f'UserKnownHostsFile "{known}"',
        "BatchMode yes",
        "ProxyJump none",
        f'IdentityFile "{__file__}"',
    ):
        assert f"  {line}\n" in text, (line, text)
    with_password = params.model_copy(update={"jump_password": SecretStr("jump-Field-6")})
    with pytest.raises(ConnectError, match="cannot log in to the jump"):
        host_key_options(with_password)
