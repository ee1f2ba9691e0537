"""The router's interfaces: their IOS names and abbreviations, the order IOS lists them in,
`show ip interface brief` and `show interfaces`.

A platform (images.py) brings its ports and SVIs; loopbacks, and VLAN interfaces on a
switch, are created by `interface ...`. Shapes: ntc-templates' cisco_ios show_interfaces
and show_ip_interface_brief raws (IOSv, a Catalyst's `Vlan1 ... Hardware is EtherSVI`,
`FastEthernet1 ... Hardware is RP management port`), a public netmiko lab's IOL 17.16.1a
(`Ethernet0/0 is up, line protocol is up`, `Hardware is AmdP2`) and the CSR1000v sandbox's
`show ip interface brief` (`GigabitEthernet3 unassigned YES NVRAM administratively down down`).
"""

from __future__ import annotations

import ipaddress
import re

from .extras import Extras, Interface
from .images import Platform

# Interface types the lab knows, by the name IOS prints; a platform has some of them.
_CREATED = ("Loopback", "Vlan")  # made by `interface X` (Vlan only on a switch)
_NAME = re.compile(r"^(?P<letters>[A-Za-z-]+?)\s*(?P<numbers>\d+(?:/\d+)*)$")


def type_of(name: str) -> str:
    return name.rstrip("0123456789/")


def is_switch(platform: Platform | None) -> bool:
    return platform is not None and "Vlan1" in platform.interfaces


def known_types(platform: Platform | None) -> list[str]:
    """Types `interface X` accepts on this platform, in the platform's order."""
    types: list[str] = []
    for name in platform.interfaces if platform is not None else ():
        if type_of(name) not in types:
            types.append(type_of(name))
    types += [t for t in _CREATED if t not in types and (t != "Vlan" or is_switch(platform))]
    return types


def canonical(text: str, platform: Platform | None, existing: Extras) -> str | None:
    """`e0/0`, `gi 1/0/1`, `Loopback 5`, `vlan10` -> the name IOS prints; None when this
    platform has no such interface (a port it lacks, an unknown type, an ambiguous one)."""
    match = _NAME.match(text.strip())
    if match is None:
        return None
    letters, numbers = match["letters"].lower(), match["numbers"]
    types = known_types(platform)
    found = [t for t in types if t.lower() == letters] or [
        t for t in types if t.lower().startswith(letters)
    ]
    if len(found) != 1:
        return None
    kind = found[0]
    name = f"{kind}{'/'.join(str(int(n)) for n in numbers.split('/'))}"
    if kind in _CREATED:
        if kind == "Vlan" and not 1 <= int(numbers.split("/")[0]) <= 4094:
            return None
        return name if "/" not in numbers else None
    return name if name in existing.interfaces else None


def _numbers(name: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", name))


def brief_order(platform: Platform | None, iface: Interface) -> tuple[int, str, tuple[int, ...]]:
    """`show ip interface brief`: the platform's own first, in its order, then the rest by
    type and number (Loopback0 after Ethernet0/3, as the IOL capture lists them)."""
    own = platform.interfaces if platform is not None else ()
    if iface.name in own:
        return (0, "", (own.index(iface.name),))
    return (1, type_of(iface.name), _numbers(iface.name))


def config_order(platform: Platform | None, iface: Interface) -> tuple[int, str, tuple[int, ...]]:
    """`show running-config`: loopbacks first, then the platform's ports, SVIs last."""
    kind = type_of(iface.name)
    if kind == "Loopback":
        return (0, kind, _numbers(iface.name))
    if kind == "Vlan":
        return (2, kind, _numbers(iface.name))
    rank, _kind, number = brief_order(platform, iface)
    return (1, "", number) if rank == 0 else (1, kind, _numbers(iface.name))


def state(iface: Interface) -> tuple[str, str]:
    """(Status, Protocol): shut, no link (a switch port without a cable), or up."""
    if iface.shutdown:
        return "administratively down", "down"
    return ("up", "up") if iface.link else ("down", "down")


def show_ip_interface_brief(extras: Extras, platform: Platform | None) -> str:
    """Columns as IOS prints them (ntc-templates cisco_ios_show_ip_interface_brief)."""
    out = ["Interface              IP-Address      OK? Method Status                Protocol"]
    for iface in sorted(extras.interfaces.values(), key=lambda i: brief_order(platform, i)):
        address = iface.address[0] if iface.address else "unassigned"
        method = iface.method if iface.address or iface.method != "manual" else "unset"
        status, protocol = state(iface)
        out.append(f"{iface.name:<23}{address:<16}YES {method:<7}{status:<22}{protocol}")
    return "\n".join(out)


def _hardware(iface: Interface, platform: Platform | None) -> str:
    kind = type_of(iface.name)
    if kind == "Loopback":
        return "Hardware is Loopback"
    if kind == "Vlan":
        return "Hardware is EtherSVI"
    if kind == "FastEthernet" and is_switch(platform):
        return "Hardware is RP management port"
    return f"Hardware is {platform.hardware if platform else 'Ethernet'}"


def mac_of(iface: Interface, platform: Platform | None, salt: int) -> str:
    """A MAC counted up from the platform's base: one per port, `salt` per router."""
    base = platform.mac_base if platform is not None else "aabb.cc00.0100"
    value = int(base.replace(".", ""), 16) + salt * 0x100
    if platform is not None and iface.name in platform.interfaces:
        value += platform.interfaces.index(iface.name)
    text = f"{value:012x}"
    return f"{text[0:4]}.{text[4:8]}.{text[8:12]}"


def show_interfaces(
    extras: Extras, platform: Platform | None, salt: int = 0, only: str | None = None
) -> str:
    """`show interfaces [NAME]`: one block per interface, counters at rest."""
    out: list[str] = []
    for iface in sorted(extras.interfaces.values(), key=lambda i: brief_order(platform, i)):
        if only is not None and iface.name != only:
            continue
        status, protocol = state(iface)
        out.append(f"{iface.name} is {status}, line protocol is {protocol}")
        kind = type_of(iface.name)
        if kind == "Loopback":
            out.append("  Hardware is Loopback")
        else:
            mac = mac_of(iface, platform, salt)
            out.append(f"  {_hardware(iface, platform)}, address is {mac} (bia {mac})")
        if iface.description:
            out.append(f"  Description: {iface.description}")
        if iface.address is not None:
            net = ipaddress.IPv4Network(f"0.0.0.0/{iface.address[1]}")
            out.append(f"  Internet address is {iface.address[0]}/{net.prefixlen}")
        loop = kind == "Loopback"
        out += [
            (
                "  MTU 1514 bytes, BW 8000000 Kbit/sec, DLY 5000 usec,"
                if loop
                else "  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,"
            ),
            "     reliability 255/255, txload 1/255, rxload 1/255",
            f"  Encapsulation {'LOOPBACK' if loop else 'ARPA'}, loopback not set",
            "  Keepalive set (10 sec)",
        ]
        if not loop:
            out += [
                "  Full-duplex, 1000Mb/s, media type is RJ45",
                "  output flow-control is unsupported, input flow-control is unsupported",
                "  ARP type: ARPA, ARP Timeout 04:00:00",
            ]
        out += [
            "  Last input never, output never, output hang never",
            '  Last clearing of "show interface" counters never',
            "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0",
            "  Queueing strategy: fifo",
            "  Output queue: 0/40 (size/max)",
            "  5 minute input rate 0 bits/sec, 0 packets/sec",
            "  5 minute output rate 0 bits/sec, 0 packets/sec",
            "     0 packets input, 0 bytes, 0 no buffer",
            "     Received 0 broadcasts (0 IP multicasts)",
            "     0 runts, 0 giants, 0 throttles",
            "     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
            "     0 packets output, 0 bytes, 0 underruns",
            "     0 output errors, 0 collisions, 0 interface resets",
            "     0 unknown protocol drops",
            "     0 output buffer failures, 0 output buffers swapped out",
        ]
    return "\n".join(out)


def connected(extras: Extras) -> list[tuple[Interface, ipaddress.IPv4Interface]]:
    """The router's addresses on interfaces that are up."""
    out = []
    for iface in extras.interfaces.values():
        if iface.address is not None and state(iface) == ("up", "up"):
            out.append((iface, ipaddress.IPv4Interface("/".join(iface.address))))
    return out
