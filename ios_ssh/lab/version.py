"""`show version`: the image's identity lines, then uptime, image, hardware and the
configuration register, in the layout of an IOS-XE virtual router (CSR1000v / Cat8000v
captures in ntc-templates' and genieparser's show-version fixtures).

An image family replaces only `IDENTITY` (a device's `version_banner`); the rest is
shared. Uptime counts lab minutes (`Device.minute_seconds`), so it advances in tests.
"""

from __future__ import annotations

# The first lines of `show version` for the lab's default image (IOS-XE 17.15 on IOL).
IDENTITY = (
    "Cisco IOS XE Software, Version 17.15.01\n"
    "Cisco IOS Software [IOSXE], Linux Software (X86_64BI_LINUX-ADVENTERPRISEK9-M), "
    "Version 17.15.1, RELEASE SOFTWARE (fc4)\n"
    "Technical Support: http://www.cisco.com/techsupport\n"
    "Copyright (c) 1986-2024 by Cisco Systems, Inc.\n"
    "Compiled Thu 25-Jul-24 01:52 by mcpre"
)
CONFIG_REGISTER = "0x2102"  # boot from flash, ignore nothing: the factory setting


def uptime_text(minutes: int) -> str:
    """`1 week, 2 days, 3 hours, 4 minutes`, largest unit first, zero units left out;
    IOS says `0 minutes` in the first minute."""
    weeks, rest = divmod(minutes, 7 * 24 * 60)
    days, rest = divmod(rest, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{value} {unit}{'' if value == 1 else 's'}"
        for value, unit in ((weeks, "week"), (days, "day"), (hours, "hour"))
        if value
    ]
    parts.append(f"{mins} minute{'' if mins == 1 else 's'}")
    return ", ".join(parts)


# IOS-XE's GPL notice and ROMMON line (c9800cl_17.7.1, isr4400_16.6.5 in tests/parsers):
# classic IOS prints neither, so a 12.2SX or 15.x router must not show them (the library
# reads "IOS-XE" anywhere in the output as an XE image).
_XE_NOTICE = (
    "Cisco IOS-XE software, Copyright (c) 2005-2024 by cisco Systems, Inc.",
    "All rights reserved.  Certain components of Cisco IOS-XE software are",
    'licensed under the GNU General Public License ("GPL") Version 2.0.  The',
    "software code licensed under GPL Version 2.0 is free software that comes",
    "with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such",
    "GPL code under the terms of GPL Version 2.0.  For more details, see the",
    'documentation or "License Notice" file accompanying the IOS-XE software,',
    "or the applicable URL provided on the flyer accompanying the IOS-XE",
    "software.",
    "",
    "",
    "ROM: IOS-XE ROMMON",
)


def show_version(identity: str, hostname: str, minutes: int, file_system: str) -> str:
    """The whole output: IOS-XE's layout for an XE identity, classic IOS's otherwise."""
    if "IOS XE" not in identity and "IOS-XE" not in identity:
        return _classic(identity, hostname, minutes, file_system)
    uptime = uptime_text(minutes)
    return "\n".join(
        [
            identity,
            "",
            "",
            *_XE_NOTICE,
            "",
            f"{hostname} uptime is {uptime}",
            f"Uptime for this control processor is {uptime}",
            "System returned to ROM by reload",
            f'System image file is "{file_system}x86_64_crb_linux-adventerprisek9-ms.iol"',
            "Last reload reason: Reload Command",
            "",
            "",
            "Linux Unix (i686) processor with 2097152K bytes of memory.",
            "Processor board ID 131184641",
            "1 Virtual Ethernet interface",
            "4 Gigabit Ethernet interfaces",
            "32768K bytes of non-volatile configuration memory.",
            "4194304K bytes of physical memory.",
            "",
            f"Configuration register is {CONFIG_REGISTER}",
        ]
    )


def _classic(identity: str, hostname: str, minutes: int, file_system: str) -> str:
    """Classic IOS (12.x, 15.x): no IOS-XE licence block, a bootstrap ROM line, the image
    on the router's own file system; the layout of the Catalyst 3750-X / 6500 captures in
    ntc-templates' cisco_ios show-version fixtures."""
    return "\n".join(
        [
            identity,
            "Copyright (c) 1986-2017 by Cisco Systems, Inc.",
            "Compiled Sat 19-Aug-17 09:34 by prod_rel_team",
            "",
            "ROM: System Bootstrap, Version 12.2(17r)SX7, RELEASE SOFTWARE (fc1)",
            "",
            f"{hostname} uptime is {uptime_text(minutes)}",
            "System returned to ROM by reload",
            f'System image file is "{file_system}lab-image.bin"',
            "",
            "cisco lab router (lab CPU) processor with 524288K/65536K bytes of memory.",
            "Processor board ID LAB0000001",
            "512K bytes of non-volatile configuration memory.",
            "",
            f"Configuration register is {CONFIG_REGISTER}",
        ]
    )
