"""Which image a router runs: family and version from `show version` (pure).

The text is parsed with ntc-templates' own `cisco_ios` `show version` template (a dependency
of its own, kept apart from our `parsers/`), then the release string decides the family:

- `ios12.2sx`: 12.2(..)SX* (Catalyst 6500 Sup720/Sup32: SXF, SXH, SXI, SXJ)
- `ios15`: classic IOS 15.x (ISR G2, Catalyst 2960/3750 15.x, 6500 15.1SY)
- `xe16` / `xe17`: IOS-XE 16.x / 17.x (ISR4k, ASR1k, CSR/Cat8000v, Cat9k)
- `unknown`: anything else (12.4, IOS-XE 3.x, unparsable output): nothing is assumed
"""

from __future__ import annotations

import io
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import textfsm

from .textnorm import strip_echo_and_prompt

Family = Literal["ios12.2sx", "ios15", "xe16", "xe17", "unknown"]
FAMILIES: tuple[Family, ...] = ("ios12.2sx", "ios15", "xe16", "xe17", "unknown")

# `System image file is "disk0:s72033-..."`: the file system the image booted from. The
# ntc template keeps only the part after the colon, so this one line is read here.
_IMAGE_FILE = re.compile(r'^System image file is "(?P<fs>[A-Za-z][\w-]*:)', re.MULTILINE)
_XE = re.compile(r"IOS[ -]XE", re.IGNORECASE)
# The IOSd line of an IOS-XE 16/17 image, engineering builds included (genieparser's
# show-version goldens: `Cisco IOS Software [Bengaluru], Catalyst L3 Switch Software
# (CAT9K_IOSXE), Experimental Version 17.6.20210302:012459 [...]`, whose first line says
# only `Cisco IOS XE Software, Version BLD_POLARIS_DEV_LATEST_20210302_012043`).
_IOSD_RELEASE = re.compile(
    r"^Cisco IOS Software\b.*?\bVersion\s+(?P<version>1[67]\.\d+\.[^\s,\[]+)", re.MULTILINE
)
_CLASSIC = re.compile(r"^(?P<major>\d+)\.(?P<minor>\d+)\((?P<rebuild>\d+)[^)]*\)(?P<train>[A-Z]*)")


@dataclass(frozen=True)
class Image:
    """The router's software: family, the release as `show version` prints it, and the
    file system the image was booted from (empty when unknown)."""

    family: Family = "unknown"
    version: str = ""
    boot_file_system: str = ""

    def __str__(self) -> str:
        if self.family == "unknown":
            return f"an unidentified image{f' ({self.version})' if self.version else ''}"
        prefix = "IOS XE" if self.family.startswith("xe") else "IOS"
        return f"{prefix} {self.version}"


UNKNOWN = Image()


def family_of(version: str) -> Family:
    """The family of a release string such as `12.2(33)SXH8`, `15.2(4)M7` or `17.9.4a`."""
    if re.match(r"^16\.\d", version):
        return "xe16"
    if re.match(r"^17\.\d", version):
        return "xe17"
    match = _CLASSIC.match(version)
    if match is None:
        return "unknown"
    major, minor, train = int(match["major"]), int(match["minor"]), match["train"]
    if (major, minor) == (12, 2) and train.startswith("SX"):
        return "ios12.2sx"
    if major == 15:
        return "ios15"
    return "unknown"


@cache
def _template_text() -> str:
    import ntc_templates  # the installed package's own template file

    path = Path(ntc_templates.__file__).parent / "templates" / "cisco_ios_show_version.textfsm"
    return path.read_text()


_local = threading.local()


def parse_show_version(text: str) -> list[dict[str, Any]]:
    """ntc-templates' `cisco_ios` `show version` records (what its `parse_output` returns),
    from the template compiled once per thread: `parse_output` rebuilds its index on every
    call, about 5 ms, too slow to pay once per router in a large fleet."""
    fsm: textfsm.TextFSM | None = getattr(_local, "fsm", None)
    if fsm is None:
        fsm = _local.fsm = textfsm.TextFSM(io.StringIO(_template_text()))
    else:
        fsm.Reset()
    rows = fsm.ParseText(text)
    return [
        {name.lower(): value for name, value in zip(fsm.header, row, strict=True)} for row in rows
    ]


def identify(show_version: str) -> Image:
    """The image a `show version` output describes; UNKNOWN when it says too little."""
    show_version = strip_echo_and_prompt(show_version, "show version")
    try:
        records = parse_show_version(show_version)
    except textfsm.TextFSMError:  # a shape the template refuses: not identified
        records = []
    version = str(records[0].get("version") or "") if records else ""
    if not version.startswith(("16.", "17.")):
        # An engineering build names no release on its first line (ntc's template finds
        # none): the IOSd line's `Experimental Version 17.6.20210302:012459` does.
        release = _IOSD_RELEASE.search(show_version)
        if release is not None:
            version = release["version"]
    fs_match = _IMAGE_FILE.search(show_version)
    fs = fs_match["fs"] if fs_match else ""
    if _XE.search(show_version) and not version.startswith(("16.", "17.")):
        # IOS-XE 3.x prints "03.06.05E" or its IOSd release (15.x): not a classic 15.x.
        return Image("unknown", version, fs)
    return Image(family_of(version), version, fs)


@dataclass(frozen=True, order=True)
class ClassicRelease:
    """A classic IOS release, comparable within a train: 15.1(2)S < 15.1(3)S."""

    major: int
    minor: int
    rebuild: int
    train: str


def classic_release(version: str) -> ClassicRelease | None:
    match = _CLASSIC.match(version)
    if match is None:
        return None
    return ClassicRelease(
        int(match["major"]), int(match["minor"]), int(match["rebuild"]), match["train"]
    )
