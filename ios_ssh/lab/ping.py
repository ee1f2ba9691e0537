"""`ping` and the lab's network: which addresses answer.

No packet leaves the lab: a ping succeeds when the address is the router's own, or another
lab router's on a subnet both are up on (the lab's routers share 198.18.0.0/15, fleet.py);
any other address gets IOS's failure (five dots, `Success rate is 0 percent (0/5)`).

Shapes: genieparser's iosxe/ios Ping golden outputs (`Type escape sequence to abort.`,
`Sending 10, 100-byte ICMP Echos to ..., timeout is 2 seconds:`, `Packet sent with a
source address of ...`, `Success rate is 100 percent (10/10), round-trip min/avg/max =
1/1/1 ms`); the extended dialogue from a public netmiko course capture (`Protocol [ip]:`,
`Target IP address:`, `Repeat count [5]:`, `Datagram size [100]:`, `Timeout in seconds
[2]:`, `Extended commands [n]:`, `Sweep range of sizes [n]:`) and, after `y`, Cisco's
tech note "Using the Extended ping and Extended traceroute Commands" (13730).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .interfaces import connected

if TYPE_CHECKING:
    from .device import Device

UNRECOGNIZED = "% Unrecognized host or address, or protocol not running."
EXTENDED_PROMPTS = (
    "Source address or interface: ",
    "Type of service [0]: ",
    "Set DF bit in IP header? [no]: ",
    "Validate reply data? [no]: ",
    "Data pattern [0x0000ABCD]: ",
    "Loose, Strict, Record, Timestamp, Verbose[none]: ",
)


class Network:
    """The routers of one lab: who owns which address."""

    def __init__(self) -> None:
        self.devices: list[Device] = []

    def add(self, device: Device) -> None:
        self.devices.append(device)
        device.network = self


@dataclass
class Ping:
    target: str
    repeat: int = 5
    size: int = 100
    timeout: int = 2
    source: str = ""


def parse(words: list[str]) -> Ping | str:
    """`ping A [repeat N] [size N] [timeout N] [source X]` (after `ping`, `ping ip`): the
    request, or the word IOS refuses."""
    if not words:
        return ""
    ping = Ping(words[0])
    rest = words[1:]
    while rest:
        key = rest[0].lower()
        found = [k for k in ("repeat", "size", "timeout", "source") if k.startswith(key)]
        if len(found) != 1 or len(rest) < 2:
            return rest[0] if len(found) != 1 else ""
        value = rest[1]
        if found[0] == "source":
            ping.source = value
        elif not value.isdigit():
            return value
        else:
            setattr(ping, found[0], int(value))
        rest = rest[2:]
    return ping


def answers(device: Device, target: str) -> bool:
    """Whether `target` answers `device`'s pings in the lab."""
    address = ipaddress.IPv4Address(target)
    mine = connected(device.config.extras)
    if any(net.ip == address for _iface, net in mine):
        return True
    on_link = [net for _iface, net in mine if address in net.network]
    if not on_link:
        return False  # no route: the lab has no other networks
    network = device.network
    for other in network.devices if network is not None else ():
        if other is device:
            continue
        if any(net.ip == address for _i, net in connected(other.config.extras)):
            return True
    return False


def result(device: Device, ping: Ping) -> str:
    """What IOS prints for `ping`, from `Type escape sequence to abort.` on."""
    out = [
        "Type escape sequence to abort.",
        (
            f"Sending {ping.repeat}, {ping.size}-byte ICMP Echos to {ping.target}, "
            f"timeout is {ping.timeout} seconds:"
        ),
    ]
    if ping.source:
        out.append(f"Packet sent with a source address of {ping.source}")
    if answers(device, ping.target):
        out.append("!" * ping.repeat)
        out.append(
            f"Success rate is 100 percent ({ping.repeat}/{ping.repeat}), "
            "round-trip min/avg/max = 1/1/1 ms"
        )
    else:
        out.append("." * ping.repeat)
        out.append(f"Success rate is 0 percent (0/{ping.repeat})")
    return "\n".join(out)


def source_address(device: Device, word: str) -> str | None:
    """`source` given as an address of the router's or an interface name: the address."""
    for iface, net in connected(device.config.extras):
        if word == str(net.ip) or iface.name.lower() == word.lower():
            return str(net.ip)
    return None
