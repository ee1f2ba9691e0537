"""Differences from IOS that netmiko's and scrapli's own functional tests found (issue 11):
each item as IOS prints it, checked as text and through the real clients."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator

import paramiko
import pytest
from netmiko import ConnectHandler
from scrapli.driver.core import IOSXEDriver

from ios_ssh.lab import Lab
from ios_ssh.lab.device import Device
from ios_ssh.lab.fleet import baseline_device
from ios_ssh.lab.session import Session

pytestmark = pytest.mark.timeout(120)

# scrapli's cleaner for IOS-XE show run (tests/functional/test_data/helper.py) matches
# `! Last configuration change at HH:MM:SS UTC Day Mon D YYYY by USER`.
CHANGE_STAMP = re.compile(
    r"^! Last configuration change at \d+:\d+:\d+ UTC "
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{1,2} \d{4} by (\w+)$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    lab = Lab()
    lab.add(baseline_device("r1", bits=1024))
    try:
        yield lab
    finally:
        lab.close()


def _priv(device: Device | None = None) -> Session:
    return Session(device or baseline_device("r1", bits=1024), "admin", 15)


def _netmiko(lab: Lab):
    address = lab.addresses["r1"]
    conn = ConnectHandler(
        device_type="cisco_ios",
        host=address.host,
        port=address.port,
        username="admin",
        password="admin",
        secret="admin",
    )
    conn.enable()
    return conn


def _scrapli(lab: Lab) -> IOSXEDriver:
    address = lab.addresses["r1"]
    conn = IOSXEDriver(
        host=address.host,
        port=address.port,
        auth_username="admin",
        auth_password="admin",
        auth_secondary="admin",
        auth_strict_key=False,
        transport="system",
        timeout_ops=30,
    )
    conn.open()
    return conn


# -- errors -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("show tacocat", len("show ")),  # no `show` keyword starts with t
        ("show ip sshx", len("show ip ssh")),  # `ssh` matched, then the x
        ("show runnig-config", len("show runni")),  # where it parts from running-config
        ("sh ip ssh brief", len("sh ip ssh ")),  # a word after a complete command
    ],
)
def test_caret_sits_under_the_character_where_parsing_failed(line: str, column: int) -> None:
    out = _priv().feed(line)
    caret, message, blank, end = out.split("\n")
    assert caret == " " * (len("r1#") + column) + "^"
    assert (message, blank, end) == ("% Invalid input detected at '^' marker.", "", "")


def test_caret_counts_the_line_as_typed_with_abbreviations() -> None:
    session = _priv()
    session.feed("conf t")
    out = session.feed("cry key gen rsa mod 99999")
    assert out.split("\n")[0].index("^") == len("r1(config)#cry key gen rsa mod ")


def test_unknown_word_at_the_exec_prompt_is_looked_up_as_a_host() -> None:
    session = _priv()
    assert session.feed("pnig") == (
        'Translating "pnig"...domain server (255.255.255.255)\n'
        "% Unknown command or computer name, or unable to find computer address"
    )
    session.feed("configure terminal")
    session.feed("no ip domain lookup")
    assert "no ip domain lookup" in session.feed("do show running-config")
    session.feed("end")
    assert session.feed("pnig").split("\n") == [
        'Translating "pnig"',
        "% Unknown command or computer name, or unable to find computer address",
    ]
    # In configuration mode there is no lookup: the parser's own error.
    session.feed("configure terminal")
    assert "% Invalid input detected" in session.feed("pnig")


def test_errors_end_with_an_empty_line_before_the_prompt_on_the_wire(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        out = conn.send_command("show tacocat", strip_prompt=False)
        assert out.endswith("% Invalid input detected at '^' marker.\n\nr1#")
        out = conn.send_command("show ip", strip_prompt=False)
        assert out.endswith("% Incomplete command.\n\nr1#")
        out = conn.send_command("tacocat", strip_prompt=False)
        assert "% Unknown command or computer name" in out
    finally:
        conn.disconnect()


def test_scrapli_sees_the_failures_and_the_library_reads_unknown_command(lab: Lab) -> None:
    from ios_ssh.session.platform import REFUSALS

    conn = _scrapli(lab)
    try:
        results = conn.send_commands(["show version", "show tacocat", "tacocat"])
        assert [r.failed for r in results] == [False, True, True]
        assert results[2].result.splitlines()[-1].startswith(REFUSALS)
    finally:
        conn.close()


# -- show running-config and show version --------------------------------------------------
def test_running_config_stamps_changes_and_saves_and_ends_with_an_empty_line(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        conn.send_config_set(["ip ssh time-out 90"])
        text = conn.send_command("show running-config", strip_prompt=False)
        lines = text.split("\n")
        assert lines[3] == "!" and CHANGE_STAMP.match(lines[4])
        assert CHANGE_STAMP.search(text).group(3) == "admin"
        assert text.endswith("\nend\n\nr1#")
        conn.save_config()
        text = conn.send_command("show running-config")
        assert re.search(
            r"^! NVRAM config last updated at \d+:\d+:\d+ UTC .* by admin$", text, re.MULTILINE
        )
    finally:
        conn.disconnect()


def test_no_change_since_restart_after_a_reload() -> None:
    device = baseline_device("r1", bits=1024)
    session = _priv(device)
    session.feed("configure terminal")
    session.feed("hostname r9")
    session.feed("end")
    session.feed("write memory")
    device.reload()
    text = _priv(device).feed("show running-config")
    assert "! No configuration change since last restart" in text
    assert "! Last configuration change" not in text
    assert "! NVRAM config last updated at" in text


def test_show_version_uptime_advances_and_shows_the_config_register() -> None:
    device = baseline_device("r1", bits=1024)
    device.booted = time.monotonic()
    first = _priv(device).feed("show version")
    assert first.split("\n")[0] == "Cisco IOS XE Software, Version 17.15.01"
    assert "Configuration register is 0x2102" in first
    assert re.search(r"^r1 uptime is 0 minutes$", first, re.MULTILINE)
    device.booted -= (8 * 24 * 60 + 2 * 60 + 1) * device.minute_seconds  # as if booted earlier
    later = _priv(device).feed("show version")
    assert re.search(r"^r1 uptime is 1 week, 1 day, 2 hours, 1 minute$", later, re.MULTILINE)
    assert "Uptime for this control processor is 1 week, 1 day, 2 hours, 1 minute" in later
    device.reload()  # no startup-config: back to `Router`, and the clock starts again
    assert "Router uptime is 0 minutes" in _priv(device).feed("show version")


def test_show_version_identity_lines_are_the_image_familys() -> None:
    device = baseline_device("r1", bits=1024, image="ios12.2sx")
    out = _priv(device).feed("show version")
    assert out.startswith(
        "Cisco IOS Software, s72033_rp Software (s72033_rp-ADVIPSERVICESK9_WAN-M)"
    )
    assert "Version 12.2(33)SXH8b" in out.splitlines()[0]
    assert out.rstrip().endswith("Configuration register is 0x2102")


# -- banners ----------------------------------------------------------------------------
def test_banners_are_stored_shown_replayed_and_presented_to_ssh_clients(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        conn.send_config_set(
            [
                "banner login ^C",
                "Authorized access only",
                "^C",
                "banner motd #Maintenance tonight#",
                "banner exec %Welcome to r1%",
            ]
        )
        text = conn.send_command("show running-config")
        assert "banner exec ^CWelcome to r1^C\n" in text
        assert "banner login ^C\nAuthorized access only\n^C\n" in text
        assert "banner motd ^CMaintenance tonight^C\n" in text
    finally:
        conn.disconnect()
    device = lab.routers["r1"].device
    assert device.config.extras.banners["login"] == "\nAuthorized access only\n"
    # The text replays: a saved configuration gives the same banners back.
    copy = Device()
    assert copy.load_config(device.running_body()) == []
    assert copy.config.extras.banners == device.config.extras.banners

    address = lab.addresses["r1"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        address.host,
        address.port,
        username="admin",
        password="admin",
        look_for_keys=False,
        allow_agent=False,
    )
    try:
        # SSH-2: the login banner arrives as the userauth banner, before the password.
        assert client.get_transport().get_banner() == b"Authorized access only\r\n"
        shell = client.invoke_shell()
        seen = b""
        deadline = time.monotonic() + 10
        while not seen.endswith(b"r1>") and time.monotonic() < deadline:
            seen += shell.recv(4096)
        text = seen.decode()
        assert text.index("Maintenance tonight") < text.index("Welcome to r1") < text.index("r1>")
    finally:
        client.close()
    session = _priv(device)
    session.feed("configure terminal")
    for kind in ("login", "motd", "exec"):
        session.feed(f"no banner {kind}")
    assert device.config.extras.banners == {}


# -- logging ----------------------------------------------------------------------------
def test_logging_buffered_console_and_clear_logging_confirm(lab: Lab) -> None:
    device = lab.routers["r1"].device
    device.syslog("%SYS-5-CONFIG_I: Configured from console by admin on vty0")
    conn = _scrapli(lab)
    try:
        conn.send_configs(["logging buffered 16384 informational", "no logging console"])
        text = conn.send_command("show running-config").result
        assert "\nlogging buffered 16384 informational\nno logging console\n" in text
        shown = conn.send_command("show logging").result
        assert "    Console logging: disabled" in shown
        assert "Log Buffer (16384 bytes):" in shown and "%SYS-5-CONFIG_I" in shown
        # scrapli's own functional test, word for word (prompt aside).
        result = conn.send_interactive(
            [("clear logg", "Clear logging buffer [confirm]"), ("", "r1#")]
        )
        assert result.result == "clear logg\nClear logging buffer [confirm]\n\nr1#"
        assert device.logbuf == []
        bad = conn.send_configs(["logging buffered 100"])
        assert bad.failed
    finally:
        conn.send_configs(["no logging buffered", "logging console"])
        conn.close()


# -- access lists and interfaces --------------------------------------------------------
def test_extended_access_list_and_show_ip_access_lists(lab: Lab) -> None:
    conn = _netmiko(lab)
    try:
        conn.send_config_set(
            [
                "ip access-list extended SSH-IN",
                "permit tcp 192.0.2.0 0.0.0.255 any eq 22",
                "deny ip any any log",
            ]
        )
        assert conn.send_command("show ip access-lists SSH-IN").split("\n") == [
            "Extended IP access list SSH-IN",
            "    10 permit tcp 192.0.2.0 0.0.0.255 any eq 22",
            "    20 deny ip any any log",
        ]
        text = conn.send_command("show running-config | section ip access-list")
        assert text.split("\n") == [
            "ip access-list extended SSH-IN",
            " 10 permit tcp 192.0.2.0 0.0.0.255 any eq 22",
            " 20 deny ip any any log",
        ]
        out = conn.send_config_set(["ip access-list extended SSH-IN", "permit tcp any bogus"])
        assert "% Invalid input detected" in out
        conn.send_config_set(["no ip access-list extended SSH-IN"])
        assert conn.send_command("show ip access-lists") == ""
    finally:
        conn.disconnect()


def test_scrapli_send_configs_on_a_loopback_as_in_its_own_functional_test(lab: Lab) -> None:
    conn = _scrapli(lab)
    try:
        responses = conn.send_configs(["interface loopback123", "description scrapli was here"])
        assert [r.failed for r in responses] == [False, False]
        shown = conn.send_command("show run int loopback123").result
        assert re.sub(r"\d+ bytes", "N bytes", shown) == (
            "Building configuration...\n\nCurrent configuration : N bytes\n!\n"
            "interface Loopback123\n description scrapli was here\n no ip address\nend"
        )
        conn.send_configs(
            ["interface Loopback123", "ip address 192.0.2.123 255.255.255.255", "shutdown"]
        )
        brief = conn.send_command("show ip interface brief").result.split("\n")
        assert brief[0].split() == [
            "Interface",
            "IP-Address",
            "OK?",
            "Method",
            "Status",
            "Protocol",
        ]
        assert brief[1].split() == [
            "Loopback123",
            "192.0.2.123",
            "YES",
            "manual",
            "administratively",
            "down",
            "down",
        ]
        conn.send_configs(["interface Loopback123", "no shutdown"])
        row = conn.send_command("show ip interface brief").result.split("\n")[1]
        assert row.split()[-2:] == ["up", "up"]
        failed = conn.send_configs(
            ["interface loopback123", "show tacocat", "description tacocat was here"],
            stop_on_failed=True,
        )
        assert [r.failed for r in failed] == [False, True]
    finally:
        conn.send_configs(["no interface loopback123"])
        assert "Loopback123" not in conn.send_command("show ip interface brief").result
        conn.close()


def test_telnet_shows_motd_and_login_before_login_and_exec_after(lab: Lab) -> None:
    device = lab.routers["r1"].device
    session = _priv(device)
    session.feed("configure terminal")
    for line in (
        "banner motd #Maintenance tonight#",
        "banner login #Authorized access only#",
        "banner exec #Welcome to r1#",
        "line vty 0 4",
        "transport input ssh telnet",
    ):
        assert session.feed(line) == "", line
    address = lab.addresses["r1"]
    try:
        with socket.create_connection((address.host, address.telnet_port), timeout=5) as sock:
            sock.settimeout(5)
            seen = b""
            while b"Username: " not in seen:
                seen += sock.recv(4096)
            before = seen.decode(errors="replace")
            assert before.index("Maintenance tonight") < before.index("Authorized access only")
            assert "Welcome to r1" not in before
            sock.sendall(b"admin\r\n")
            while b"Password: " not in seen:
                seen += sock.recv(4096)
            sock.sendall(b"admin\r\n")
            while not seen.endswith(b"r1>"):
                seen += sock.recv(4096)
            after = seen.decode(errors="replace").split("Password: ", 1)[1]
            assert "Welcome to r1" in after and "Maintenance tonight" not in after
    finally:
        session.feed("transport input ssh")
        session.feed("exit")
        for kind in ("login", "motd", "exec"):
            session.feed(f"no banner {kind}")


def test_interface_address_checks_as_ios_does() -> None:
    session = _priv()
    session.feed("configure terminal")
    session.feed("interface Loopback5")
    assert session.feed("ip address 172.16.1.1 255.0.255.0") == (
        "Bad mask 0xFF00FF00 for address 172.16.1.1"
    )
    assert session.feed("ip address 172.16.1.0 255.255.255.0") == (
        "Bad mask /24 for address 172.16.1.0"
    )
    out = session.feed("ip address 10.0.0.300 255.255.255.0")
    assert out.split("\n")[0].index("^") == len("r1(config-if)#ip address ")
    assert session.feed("ip address 10.0.0.5 255.255.255.255") == ""
    assert session.device.config.extras.interfaces["Loopback5"].address == (
        "10.0.0.5",
        "255.255.255.255",
    )
    assert "Invalid input" in session.feed("interface Tunnel0")  # only loopbacks here


def test_transport_preferred_none_turns_the_lookup_off() -> None:
    device = baseline_device("r1", bits=1024)
    console = _priv(device)  # a session on the console, line con 0
    console.feed("configure terminal")
    console.feed("line vty 0 4")
    assert console.feed("transport preferred none") == ""
    console.feed("end")
    assert " transport preferred none\n transport input ssh" in device.running_body()
    assert console.feed("pnig").startswith("Translating")  # the console still looks up
    on_vty = Session(device, "admin", 15, tty=device.tty_number("vty", 0))
    out = on_vty.feed("pnig")
    # IOS's parser stops after the `p` that starts ping, pad and pwd
    assert out == " " * len("r1#p") + "^\n% Invalid input detected at '^' marker.\n\n"


def test_error_blocks_as_a_real_ios_15_printed_them() -> None:
    """pyneng's capture of a real router over telnet: invalid input and an incomplete
    command end with an empty line, an ambiguous command does not."""
    session = _priv()
    session.feed("configure terminal")
    assert session.feed("logging 0255.255.1") == (
        " " * len("r1(config)#logging ") + "^\n% Invalid input detected at '^' marker.\n\n"
    )
    assert session.feed("logging") == "% Incomplete command.\n\n"
    assert session.feed("e") == '% Ambiguous command:  "e"'


@pytest.mark.parametrize(
    ("prompt_mode", "line", "column"),
    [
        # Captures in public CCNA notes (Packet Tracer, which parses as IOS does):
        ("line vty 0 4", "paasword cisco", len("pa")),  # S1(config-line)#paasword
        (None, "name management", len("n")),  # Switch(config)#name management
        (None, "show running-config", len("s")),  # R3(config)#show running-config
    ],
)
def test_caret_positions_from_captures(prompt_mode: str | None, line: str, column: int) -> None:
    session = _priv()
    session.feed("configure terminal")
    if prompt_mode:
        session.feed(prompt_mode)
    out = session.feed(line)
    assert out.split("\n")[0].index("^") == len(session.prompt) + column
