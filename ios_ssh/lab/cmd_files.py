"""Files on the router's flash: `dir`, `show flash:`, `verify /md5`, `more`.

What netmiko's file transfer reads (netmiko/scp_handler.py): `dir` finds the file system
(`Directory of (.*)/`) and the free space (`(\\d+) \\w+ free`); `dir flash:/FILE` says
whether FILE exists (`Directory of .*FILE`, or `Error opening` / `No such file or
directory`) and its size (third word of its line); `verify /md5 flash:/FILE` gives the
MD5 after `= `.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from .images import Platform

FLASH_TOTAL = 8388608000  # the hybrid lab's file system: an IOS-XE virtual router's 8 GB
FLASH_FREE_EMPTY = 7516192768  # what it reports free before any file of ours
FIRST_INDEX = 11  # IOS-XE lists inode numbers; the first user files sit near 11
MD5_CHUNK = 131072  # one progress dot per chunk read, as IOS prints them
# The platform's own files (its boot image first) have no bytes on the lab's disk: they are
# listed with their sizes and dated before any file of the lab's.
SYSTEM_FILE_TIME = dt.datetime(2024, 1, 8, 9, 30, 12, tzinfo=dt.UTC)

SPECS = {
    "enable": [
        ("dir", "dir"),
        ("dir WORD", "dir"),
        ("show flash:", "show_flash"),
        ("verify /md5 WORD", "verify_md5"),
        ("more WORD", "more"),
    ]
}


def split_path(arg: str, file_systems: str | tuple[str, ...]) -> tuple[bool, str]:
    """`flash:/a`, `flash:a`, `/a` or `a` -> (on one of these file systems, `a`);
    `flash:` -> ''. An image may name its one flash several ways (`bootflash:`, `flash:`)."""
    names = (file_systems,) if isinstance(file_systems, str) else file_systems
    if ":" in arg:
        device, _, rest = arg.partition(":")
        if f"{device.lower()}:" not in names:
            return False, rest.lstrip("/")
        return True, rest.lstrip("/")
    return True, arg.lstrip("/")


Entry = tuple[str, int, dt.datetime]  # name, bytes, modified


def _entries(flash: Path, platform: Platform | None) -> list[Entry]:
    """The platform's files (boot image first), then the lab's, by name."""
    own: list[Entry] = []
    if platform is not None:
        own.append((platform.boot_file, platform.boot_bytes, SYSTEM_FILE_TIME))
        own += [(name, size, SYSTEM_FILE_TIME) for name, size in platform.other_files]
    lab = []
    for path in sorted(p for p in flash.iterdir() if p.is_file()):
        stat = path.stat()
        lab.append((path.name, stat.st_size, dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC)))
    return own + lab


def _total(platform: Platform | None) -> int:
    return platform.fs_total_bytes if platform is not None else FLASH_TOTAL


def _free(entries: list[Entry], platform: Platform | None) -> int:
    base = FLASH_FREE_EMPTY if platform is None else platform.fs_total_bytes
    return base - sum(size for _name, size, _when in entries)


def _dir_line(index: int, entry: Entry, layout: str) -> str:
    # classic (IOSv golden in genieparser):   `  267  -rw-   147988420  Mar 29 2017 ...`
    # IOS-XE (asr1k, c3850 goldens):  `   24  -rw-        794609595  Feb 17 2017 ...`; the
    # date is right-aligned (`  Feb 3 2017` under `Feb 10 2017`).
    name, size, when = entry
    stamp = f"{when.strftime('%b')} {when.day} {when.strftime('%Y %H:%M:%S')} +00:00"
    width = 17 if layout == "xe" else 12
    return f"{index:>5}  -rw-{size:>{width}} {stamp:>27}  {name}"


def render_dir(
    flash: Path, file_system: str, name: str = "", platform: Platform | None = None
) -> str:
    """`dir` of the whole file system, or of one file (its line only), or IOS's error."""
    entries = _entries(flash, platform)
    layout = platform.dir_layout if platform is not None else "xe"
    first = 1 if layout == "classic" else FIRST_INDEX
    rows = list(enumerate(entries, first))
    if name:
        rows = [(i, e) for i, e in rows if e[0] == name]
        if not rows:
            return f"%Error opening {file_system}/{name} (No such file or directory)"
    out = [f"Directory of {file_system}/{name}", ""]
    out += [_dir_line(index, entry, layout) for index, entry in rows] or ["No files in directory"]
    out += ["", f"{_total(platform)} bytes total ({_free(entries, platform)} bytes free)"]
    return "\n".join(out)


def render_show_flash(flash: Path, platform: Platform | None = None) -> str:
    """The classic IOS form (a c1900 running 15.7, captured in public notes):
    `-#- --length-- -----date/time------ path`, rows, then `N bytes available (M bytes used)`."""
    out = ["-#- --length-- -----date/time------ path"]
    used = 0
    for number, (name, size, when) in enumerate(_entries(flash, platform), 1):
        used += size
        out.append(f"{number:<4}{size:>10} {when.strftime('%b %-d %Y %H:%M:%S +00:00')} {name}")
    out += ["", f"{_total(platform) - used} bytes available ({used} bytes used)"]
    return "\n".join(out)


def render_md5(path: Path, shown: str) -> str:
    """IOS's `verify /md5` answer, as netmiko's process_md5 docstring records it:
    `.MD5 of flash:file_name Done!` then `verify /md5 (flash:file_name) = <md5>`."""
    digest = hashlib.md5(usedforsecurity=False)
    dots = 0
    with path.open("rb") as handle:
        while chunk := handle.read(MD5_CHUNK):
            digest.update(chunk)
            dots += 1
    return f"{'.' * max(dots, 1)}MD5 of {shown} Done!\nverify /md5 ({shown}) = {digest.hexdigest()}"


class FileCommands:
    """Mixin for Session: the file system is `device.flash_fs` (`flash:` by default)."""

    def _file(self, arg: str) -> tuple[Path | None, str]:
        """(the file, or None when it does not exist; the error IOS prints then)."""
        ours, name = split_path(arg, self.device.image.file_systems)
        if not ours:
            return None, f"%Error opening {arg} (No such device)"
        path = self.device.flash_path(name) if name else None
        if path is None or not path.is_file():
            return None, f"%Error opening {arg} (No such file or directory)"
        return path, ""

    def _dir(self, args: list) -> str:
        fs = self.device.flash_fs
        platform = self.device.image.platform
        if not args:
            return render_dir(self.device.flash, fs, platform=platform)
        ours, name = split_path(args[0], self.device.image.file_systems)
        if not ours:
            return f"%Error opening {args[0]} (No such device)"
        return render_dir(self.device.flash, fs, name, platform)

    def _show_flash(self, args: list) -> str:
        return render_show_flash(self.device.flash, self.device.image.platform)

    def _verify_md5(self, args: list) -> str:
        path, error = self._file(args[0])
        return error if path is None else render_md5(path, args[0])

    def _more(self, args: list) -> str:
        path, error = self._file(args[0])
        if path is None:
            return error
        return path.read_bytes().decode("utf-8", errors="replace").rstrip("\n")
