"""`show version`: the image's identity lines, then its platform's lines (images.py
`Platform.show_version`, each from a capture of that platform), with the router's name, an
uptime that counts lab minutes (`Device.minute_seconds`) and the boot image's path.

The hybrid image (no platform) keeps the lab's earlier layout: an IOS-XE virtual router's
(CSR1000v / Cat8000v captures in ntc-templates' and genieparser's show-version fixtures).
"""

from __future__ import annotations

from .images import Image

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


def xe_notice(year: str) -> list[str]:
    """IOS-XE's GPL notice (c9800cl_17.7.1, isr4400_16.6.5 in tests/parsers): classic IOS
    prints none, so a 12.2SX or 15.x router must not show it (the library reads "IOS-XE"
    anywhere in the output as an XE image)."""
    return [
        f"Cisco IOS-XE software, Copyright (c) 2005-{year} by cisco Systems, Inc.",
        "All rights reserved.  Certain components of Cisco IOS-XE software are",
        'licensed under the GNU General Public License ("GPL") Version 2.0.  The',
        "software code licensed under GPL Version 2.0 is free software that comes",
        "with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such",
        "GPL code under the terms of GPL Version 2.0.  For more details, see the",
        'documentation or "License Notice" file accompanying the IOS-XE software,',
        "or the applicable URL provided on the flyer accompanying the IOS-XE",
        "software.",
    ]


# The export notice every k9 (crypto) image prints, in all the captures the platforms
# come from (GV cat6k and c3750x, the CSR1000v and IOL captures).
CRYPTO_NOTICE = (
    "This product contains cryptographic features and is subject to United",
    "States and local country laws governing import, export, transfer and",
    "use. Delivery of Cisco cryptographic products does not imply",
    "third-party authority to import, export, distribute or use encryption.",
    "Importers, exporters, distributors and users are responsible for",
    "compliance with U.S. and local country laws. By using this product you",
    "agree to comply with applicable laws and regulations. If you are unable",
    "to comply with U.S. and local laws, return this product immediately.",
    "",
    "A summary of U.S. laws governing Cisco cryptographic products may be found at:",
    "http://www.cisco.com/wwl/export/crypto/tool/stqrg.html",
    "",
    "If you require further assistance please contact us by sending email to",
    "export@cisco.com.",
)


def boot_path(image: Image, file_system: str) -> str:
    """The path `System image file is` names: the platform's image on its file system."""
    platform = image.platform
    if platform is None:
        return f"{file_system}x86_64_crb_linux-adventerprisek9-ms.iol"
    # IOL names it `unix:/x86_64...`, the others `flash:c3750e-...`, `bootflash:packages.conf`
    slash = "/" if file_system == "unix:" else ""
    return f"{file_system}{slash}{platform.boot_file}"


def show_version(image: Image, hostname: str, minutes: int, file_system: str) -> str:
    """The whole output for a router of `image` named `hostname`, up `minutes` lab minutes."""
    uptime = uptime_text(minutes)
    if image.platform is None:
        return _hybrid(image, hostname, uptime, file_system)
    fields = {"hostname": hostname, "uptime": uptime, "image": boot_path(image, file_system)}
    out = list(image.show_version_head)
    for line in image.platform.show_version:
        if line == "<CRYPTO_NOTICE>":
            out += CRYPTO_NOTICE
        elif line.startswith("<XE_NOTICE "):
            out += xe_notice(line[len("<XE_NOTICE ") : -1])
        else:
            out.append(line.format(**fields))
    return "\n".join(out)


def _hybrid(image: Image, hostname: str, uptime: str, file_system: str) -> str:
    """The lab before its platforms: IOS-XE identity and layout on IOL internals."""
    return "\n".join(
        [
            *image.show_version_head,
            "Technical Support: http://www.cisco.com/techsupport",
            "Copyright (c) 1986-2024 by Cisco Systems, Inc.",
            "Compiled Thu 25-Jul-24 01:52 by mcpre",
            "",
            "",
            *xe_notice("2024"),
            "",
            "",
            "ROM: IOS-XE ROMMON",
            "",
            f"{hostname} uptime is {uptime}",
            f"Uptime for this control processor is {uptime}",
            "System returned to ROM by reload",
            f'System image file is "{boot_path(image, file_system)}"',
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
