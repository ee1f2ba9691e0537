"""Issue 25, per image family (r1 ios12.2sx Sup720, r2 ios15 Catalyst 3750-X, r3 xe16
CSR1000v, r4 xe17 IOL): what real clients and the library read from one lab router of
each, against what the public captures of those platforms show.

Expected values are written out here from the captures (named next to each check), not
read from images.py, so a wrong table entry fails.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncssh
import paramiko
import pytest
from netmiko import ConnectHandler, SSHDetect, ssh_autodetect
from ntc_templates.parse import parse_output

import ios_ssh
from ios_ssh.lab import Lab, running_lab
from ios_ssh.lab.fleet import lab_address

from .devices import lab_device

pytestmark = [
    pytest.mark.timeout(240),
    pytest.mark.filterwarnings("ignore:Diffie-Hellman over finite fields"),
]
NAMES = ("r1", "r2", "r3", "r4")
# asyncssh needs these for the 12.2SX router only (image-families.md 1.1)
LEGACY = {
    "kex_algs": ["diffie-hellman-group1-sha1"],
    "server_host_key_algs": ["ssh-rsa"],
}
# The longest names each family negotiates: the ones that ran columns together.
LONGEST = {
    "r1": ("aes256-cbc", "hmac-md5-96"),
    "r2": ("aes256-ctr", "hmac-sha1-96"),
    "r3": ("aes256-ctr", "hmac-sha2-256"),  # 13 characters in a 12-wide column
    "r4": ("aes256-gcm@openssh.com", "hmac-sha2-256-etm@openssh.com"),
}


@pytest.fixture(scope="module")
def lab() -> Iterator[Lab]:
    with running_lab(4, image="mixed") as lab:
        yield lab


def _device(lab: Lab, name: str) -> dict[str, object]:
    return lab_device(lab, name)


def _netmiko(lab: Lab, name: str):
    conn = ConnectHandler(device_type="cisco_ios", **_device(lab, name))
    conn.enable()
    return conn


# -- item 1: show ssh ---------------------------------------------------------------------
async def _read_state_with_a_long_named_session(lab: Lab, name: str) -> ios_ssh.DeviceState:
    cipher, mac = LONGEST[name]
    options = dict(LEGACY) if name == "r1" else {}
    options["encryption_algs"] = [cipher]
    if "gcm" not in cipher:
        options["mac_algs"] = [mac]
    async with asyncssh.connect(
        "127.0.0.1",
        lab.addresses[name].port,
        username="admin",
        password="admin",
        known_hosts=None,
        **options,
    ) as conn:
        shell = await conn.create_process(term_type="vt100")  # a vty in use: in `show ssh`
        seen = ""
        while not seen.rstrip().endswith(f"{name}>"):
            seen += await shell.stdout.read(4096)
        return await asyncio.to_thread(ios_ssh.read_state, _device(lab, name))


@pytest.mark.parametrize("name", NAMES)
def test_read_state_reads_exact_algorithm_names_from_show_ssh(lab: Lab, name: str) -> None:
    state = asyncio.run(_read_state_with_a_long_named_session(lab, name))
    cipher, mac = LONGEST[name]
    # AEAD ciphers have no separate MAC: the lab shows the cipher's name there too [U]
    shown_mac = cipher if "gcm" in cipher else mac
    sessions = {(s.encryption, s.hmac, s.username) for s in state.sessions}
    assert (cipher, shown_mac, "admin") in sessions, state.raw["show ssh"]
    assert all(s.username == "admin" for s in state.sessions)
    rows = [r for r in state.raw["show ssh"].splitlines() if re.match(r"\d+ ", r)]
    for row in rows:  # every column followed by a space, as real routers print it
        assert re.match(r"^\d+ +2\.0 +(IN|OUT) +\S+ +\S+ +Session started +admin$", row), row


# -- item 2: parse() with the echo and the prompt ----------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_raw_captures_with_echo_and_prompt_parse(lab: Lab, name: str) -> None:
    conn = _netmiko(lab, name)
    try:
        for command in ("show ip ssh", "show ssh", "show users", "show line", "show version"):
            raw = conn.send_command(command, strip_prompt=False, strip_command=False)
            assert raw.rstrip().endswith(f"{name}#"), raw[-40:]
            # the same capture without its echo and prompt (a second capture could differ:
            # idle times and the uptime advance between two reads)
            lines = raw.rstrip().split("\n")
            assert lines[0].strip() == command, lines[0]
            bare = "\n".join(lines[1:-1])
            assert ios_ssh.parse(command, raw) == ios_ssh.parse(command, bare)
    finally:
        conn.disconnect()


# -- item 3: ping and tclsh ------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_ping_answers_as_ios_for_lab_addresses_and_fails_for_others(lab: Lab, name: str) -> None:
    conn = _netmiko(lab, name)
    try:
        out = conn.send_command(f"ping {lab_address(4)}")
        # genieparser's Ping golden outputs
        assert out.split("\n") == [
            "Type escape sequence to abort.",
            f"Sending 5, 100-byte ICMP Echos to {lab_address(4)}, timeout is 2 seconds:",
            "!!!!!",
            "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/1 ms",
        ]
        out = conn.send_command("ping 192.0.2.77 repeat 3")
        assert out.endswith("...\nSuccess rate is 0 percent (0/3)")
        # the extended dialogue, walked with expect strings as netmiko users script it
        # (a public course's capture: Protocol [ip]:, Target IP address:, ...)
        steps = [
            ("ping", r"Protocol \[ip\]: "),
            ("", r"Target IP address: "),
            (lab_address(1), r"Repeat count \[5\]: "),
            ("", r"Datagram size \[100\]: "),
            ("", r"Timeout in seconds \[2\]: "),
            ("", r"Extended commands \[n\]: "),
            ("", r"Sweep range of sizes \[n\]: "),
            ("", rf"{name}#"),
        ]
        for answer, prompt in steps:
            out = conn.send_command(answer, expect_string=prompt, strip_prompt=False)
        assert "Success rate is 100 percent (5/5)" in out
        assert "Translating" not in conn.send_command("tclsh", expect_string=r"\(tcl\)#")
        assert conn.send_command('puts "lab"', expect_string=r"\(tcl\)#") == "lab"
        conn.send_command("tclquit", expect_string=rf"{name}#")
    finally:
        conn.disconnect()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("line", ["ping", "tclsh", "traceroute 192.0.2.1"])
def test_no_ios_word_is_taken_for_a_host_in_user_mode(lab: Lab, line: str, name: str) -> None:
    conn = ConnectHandler(device_type="cisco_ios", **_device(lab, name))
    try:
        out = conn.send_command(line)
        assert "Translating" not in out and "computer name" not in out
        assert out.startswith(("% Incomplete command.", "   ^\n% Invalid input detected"))
    finally:
        conn.disconnect()


# -- item 4: the legacy wire ------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_only_xe17_sends_ext_info_and_strict_kex(lab: Lab, name: str) -> None:
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        "127.0.0.1",
        lab.addresses[name].port,
        "admin",
        "admin",
        look_for_keys=False,
        allow_agent=False,
    )
    try:
        transport = client.get_transport()
        modern = name == "r4"
        assert ("server-sig-algs" in transport.server_extensions) is modern
        assert transport.agreed_on_strict_kex is modern
        _stdin, stdout, _stderr = client.exec_command("show clock")
        assert "UTC" in stdout.read().decode()  # the non-strict session works
    finally:
        client.close()


# -- item 5: show version, dir, autodetect ---------------------------------------------------------
def test_netmiko_autodetect_says_what_it_says_on_each_platform(
    lab: Lab, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cisco_xe for the CSR1000v (`Cisco IOS XE Software, Version 16.09.03` first), and
    cisco_ios for IOL-XE 17.15.1, which prints only its IOSd line, as the real one does."""
    # Only the entries of netmiko's table that read `show version` (cisco_ios, cisco_xe,
    # nxos, xr, asa...): the others send a command each and wait out their timers. Its own
    # fixed waits (~14 s a router) are why the four run side by side.
    table = [e for e in ssh_autodetect.SSH_MAPPER_BASE if e[1]["cmd"] == "show version"]
    monkeypatch.setattr(ssh_autodetect, "SSH_MAPPER_BASE", table)

    def detect(name: str) -> str | None:
        params = {**_device(lab, name), "device_type": "autodetect"}
        params.pop("secret")
        return SSHDetect(**params).autodetect()  # it disconnects when done

    with ThreadPoolExecutor(4) as pool:
        found = dict(zip(NAMES, pool.map(detect, NAMES), strict=True))
    assert found == {"r1": "cisco_ios", "r2": "cisco_ios", "r3": "cisco_xe", "r4": "cisco_ios"}


@pytest.mark.parametrize(
    ("name", "family", "platform"),
    [
        ("r1", "ios12.2sx", "cisco WS-C6503-E (R7000) processor"),  # GV ios_cat6k
        ("r2", "ios15", "cisco WS-C3750X-24S (PowerPC405) processor"),  # GV ios_1
        ("r3", "xe16", "cisco CSR1000V (VXE) processor"),  # CSR1000v sandbox capture
        ("r4", "xe17", "Linux Unix (i686) processor"),  # IOL 17.15.1 capture
    ],
)
def test_show_version_names_a_boot_image_that_dir_lists(
    lab: Lab, name: str, family: str, platform: str
) -> None:
    conn = _netmiko(lab, name)
    try:
        version = conn.send_command("show version")
        assert platform in version
        booted = re.search(r'System image file is "(\S+?):/?(\S+)"', version)
        listing = conn.send_command("dir")
        assert f"Directory of {booted.group(1)}:/" in listing
        assert re.search(rf"\s{re.escape(booted.group(2))}$", listing, re.MULTILINE), listing
        total, free = map(
            int, re.search(r"(\d+) bytes total \((\d+) bytes free\)", listing).groups()
        )
        assert 0 < free < total < 10**11
    finally:
        conn.disconnect()
    state = ios_ssh.read_state(_device(lab, name))
    assert state.image.family == family
    assert state.default_dir == booted.group(1) + ":"


# -- item 6: shapes -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "ttys"),
    [
        ("r1", ["0 CTY", "1 AUX", "2 VTY", "3 VTY", "4 VTY", "5 VTY", "6 VTY"]),
        ("r2", ["0 CTY", *(f"{n} VTY" for n in range(1, 17))]),  # SAMPLE muninn c3750x
        ("r3", ["0 CTY", "1 AUX", "2 VTY", "3 VTY", "4 VTY", "5 VTY", "6 VTY"]),
        ("r4", ["0 CTY", "1 AUX", "2 VTY", "3 VTY", "4 VTY", "5 VTY", "6 VTY"]),  # RT01
    ],
)
def test_show_line_rows_and_line_sets(lab: Lab, name: str, ttys: list[str]) -> None:
    conn = _netmiko(lab, name)
    try:
        rows = conn.send_command("show line").split("\n")
        assert rows[0] == (
            "   Tty Typ     Tx/Rx    A Modem  Roty AccO AccI   Uses   Noise  Overruns   Int"
        )
        assert all(len(row) == 79 for row in rows[1:])  # genieparser iosxe show_line 1
        assert [" ".join(row[1:11].split()) for row in rows[1:]] == ttys
        detail = conn.send_command("show line vty 0 | include transport")
        assert detail.split("\n")[0] == "Allowed input transports are ssh."
        if name == "r4":  # SAMPLE RT01 17.15.1 show line vty 0 | include transport
            assert detail.split("\n")[1:] == [
                "Allowed output transports are lat pad telnet rlogin mop ssh nasi.",
                "Preferred transport is lat.",
            ]
        records = ios_ssh.parse("show users all", conn.send_command("show users all"))
        assert len(records) == len(ttys)  # every line (ntc-templates show_users all)
        own = next(r for r in records if r["active"] == "*")
        assert own["idle"] == "00:00:00" and own["user"] == "admin"
    finally:
        conn.disconnect()


@pytest.mark.parametrize(
    ("name", "size_shown"),
    [("r1", False), ("r2", False), ("r3", False), ("r4", True)],
)
def test_crypto_key_shape_and_the_server_key(lab: Lab, name: str, size_shown: bool) -> None:
    conn = _netmiko(lab, name)
    try:
        out = conn.send_command("show crypto key mypubkey rsa")
        types = re.findall(r"^Key type: (.*)$", out, re.MULTILINE)
        assert types == (
            ["RSA KEYS      2048 bits", "RSA KEYS      2176 bits"]
            if size_shown
            else ["RSA KEYS", "RSA KEYS"]
        )
        records = ios_ssh.parse("show crypto key mypubkey rsa", out)
        server = records[1]
        assert server["key_name"] == f"{name}.lab.example.com.server"
        assert (server["temporary"], server["usage"], server["modulus"]) == (
            "yes",
            "Encryption Key",
            "2176",
        )
        assert records[0]["storage"] == "not specified"  # never saved (RT01 17.15.1)
    finally:
        conn.disconnect()


@pytest.mark.parametrize(
    ("name", "mgmt"),
    [
        ("r1", "GigabitEthernet1/2"),
        ("r2", "Vlan1"),
        ("r3", "GigabitEthernet1"),
        ("r4", "Ethernet0/0"),
    ],
)
def test_management_interface_with_textfsm_as_netmiko_users_read_it(
    lab: Lab, name: str, mgmt: str
) -> None:
    conn = _netmiko(lab, name)
    try:
        brief = parse_output(
            "cisco_ios", "show ip interface brief", conn.send_command("show ip interface brief")
        )
        row = next(r for r in brief if r["interface"] == mgmt)
        index = int(name[1:])
        assert (row["ip_address"], row["status"], row["proto"]) == (lab_address(index), "up", "up")
        # Method NVRAM: read from the configuration at start-up (the IOL capture's `YES NVRAM`)
        assert f"{lab_address(index):<16}YES NVRAM  up" in conn.send_command("show ip int brief")
        detail = parse_output(
            "cisco_ios", "show interfaces", conn.send_command(f"show interfaces {mgmt}")
        )
        assert detail[0]["interface"] == mgmt and (
            detail[0]["ip_address"],
            detail[0]["prefix_length"],
        ) == (lab_address(index), "15")
        conn.send_command("configure terminal", expect_string=r"\(config\)#")
        out = conn.send_command("interface Loopback7", expect_string=r"\(config-if\)#")
        out = conn.send_command("ip address 127.0.0.7 255.255.255.255", expect_string=r"#")
        assert out.strip() == "Not a valid host address - 127.0.0.7"
        conn.send_command("end", expect_string=r"#")
        conn.send_command("configure terminal", expect_string=r"\(config\)#")
        conn.send_command("no interface Loopback7", expect_string=r"\(config\)#")
        conn.send_command("end", expect_string=r"#")
    finally:
        conn.disconnect()


def test_caret_in_user_mode_stops_where_ios_parser_does(lab: Lab) -> None:
    conn = ConnectHandler(device_type="cisco_ios", **_device(lab, "r4"))
    try:
        out = conn.send_command("configure terminal", strip_prompt=False)
        # `con` starts IOS's user-mode `connect`: the caret is under the `f`
        assert out.split("\n")[0] == " " * len("r4>con") + "^"
    finally:
        conn.disconnect()


def test_scp_to_iol_lands_on_unix_and_dir_lists_it(lab: Lab, tmp_path: Path) -> None:
    """IOL's one file system is `unix:` (a CML lab's notes); the library copies to the file
    system `dir` names, so SCP must take it."""
    device = lab.routers["r4"].device
    errors = device.load_config(
        "aaa new-model\naaa authentication login default local\n"
        "aaa authorization exec default local\nusername ops privilege 15 secret 0 Ops-2026\n"
        "ip scp server enable\n",
        merge=True,
    )
    assert errors == []
    source = tmp_path / "probe.txt"
    source.write_text("lab\n")

    async def copy() -> None:
        async with asyncssh.connect(
            "127.0.0.1",
            lab.addresses["r4"].port,
            username="ops",
            password="Ops-2026",
            known_hosts=None,
        ) as conn:
            await asyncssh.scp(str(source), (conn, "unix:probe.txt"))

    try:
        asyncio.run(copy())
        listing = device.dir_flash()
        assert re.search(r"^ +\d+  -rw- +4 .*  probe\.txt$", listing, re.MULTILINE), listing
    finally:
        device.load_config(
            "no ip scp server enable\nno username ops\nno aaa new-model\n", merge=True
        )


def test_show_users_gives_each_other_line_its_real_idle_time() -> None:
    """Issue 25 item 6: idle is the time since the line's last input, in the router's
    clock (a lab minute of 0.6 s: one real second is 100 router seconds), as hh:mm:ss,
    then `1d02h`, then `1w6d` (SAMPLE RT01 17.15.1; muninn's captures)."""
    from ios_ssh.lab.fleet import baseline_device
    from ios_ssh.lab.show_lines import _idle

    lab = Lab()
    lab.add(baseline_device("r1", image="xe17", minute_seconds=0.6))
    try:
        idle_one = ConnectHandler(device_type="cisco_ios", **lab_device(lab))
        time.sleep(1.0)  # the first session types nothing for a real second or more
        looking = ConnectHandler(device_type="cisco_ios", **lab_device(lab))
        try:
            records = ios_ssh.parse("show users", looking.send_command("show users"))
        finally:
            looking.disconnect()
            idle_one.disconnect()
    finally:
        lab.close()
    vty = [r for r in records if r["line"].startswith("vty")]
    own = next(r for r in vty if r["active"] == "*")
    other = next(r for r in vty if r["active"] != "*")
    assert own["idle"] == "00:00:00", records
    hours, minutes, seconds = (int(part) for part in other["idle"].split(":"))
    assert hours * 3600 + minutes * 60 + seconds >= 90, records  # 1 s or more: 100 s or more
    device = baseline_device("r2", minute_seconds=60.0)  # formats, in the router's clock
    assert _idle(device, 59) == "00:00:59"
    assert _idle(device, 86400 + 2 * 3600 + 5) == "1d02h"
    assert _idle(device, 13 * 86400) == "1w6d"
