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

FLASH_TOTAL = 8388608000  # an IOS-XE virtual router's 8 GB bootflash
FLASH_FREE_EMPTY = 7516192768  # what it reports free before any file of ours
FIRST_INDEX = 11  # IOS-XE lists inode numbers; the first user files sit near 11
MD5_CHUNK = 131072  # one progress dot per chunk read, as IOS prints them

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


def _files(flash: Path) -> list[tuple[int, Path]]:
    """Every file with the index `dir` shows for it (stable: sorted by name)."""
    paths = sorted(p for p in flash.iterdir() if p.is_file())
    return list(enumerate(paths, FIRST_INDEX))


def _free(flash: Path) -> int:
    return FLASH_FREE_EMPTY - sum(p.stat().st_size for p in flash.iterdir() if p.is_file())


def _dir_line(index: int, path: Path) -> str:
    # IOS-XE: `   11  -rw-             1234  Nov 28 2026 05:53:00 +00:00  name`
    stat = path.stat()
    stamp = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).strftime("%b %d %Y %H:%M:%S +00:00")
    return f"{index:>8}  -rw-{stat.st_size:>15}  {stamp}  {path.name}"


def render_dir(flash: Path, file_system: str, name: str = "") -> str:
    """`dir` of the whole file system, or of one file (its line only), or IOS's error."""
    rows = _files(flash)
    if name:
        rows = [(i, p) for i, p in rows if p.name == name]
        if not rows:
            return f"%Error opening {file_system}/{name} (No such file or directory)"
    out = [f"Directory of {file_system}/{name}", ""]
    out += [_dir_line(index, path) for index, path in rows] or ["No files in directory"]
    out += ["", f"{FLASH_TOTAL} bytes total ({_free(flash)} bytes free)"]
    return "\n".join(out)


def render_show_flash(flash: Path) -> str:
    """The classic IOS form (a c1900 running 15.7, captured in public notes):
    `-#- --length-- -----date/time------ path`, rows, then `N bytes available (M bytes used)`."""
    out = ["-#- --length-- -----date/time------ path"]
    used = 0
    for number, path in enumerate(sorted(p for p in flash.iterdir() if p.is_file()), 1):
        stat = path.stat()
        used += stat.st_size
        stamp = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).strftime(
            "%b %-d %Y %H:%M:%S +00:00"
        )
        out.append(f"{number:<4}{stat.st_size:>10} {stamp} {path.name}")
    out += ["", f"{FLASH_TOTAL - used} bytes available ({used} bytes used)"]
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
        if not args:
            return render_dir(self.device.flash, fs)
        ours, name = split_path(args[0], self.device.image.file_systems)
        if not ours:
            return f"%Error opening {args[0]} (No such device)"
        return render_dir(self.device.flash, fs, name)

    def _show_flash(self, args: list) -> str:
        return render_show_flash(self.device.flash)

    def _verify_md5(self, args: list) -> str:
        path, error = self._file(args[0])
        return error if path is None else render_md5(path, args[0])

    def _more(self, args: list) -> str:
        path, error = self._file(args[0])
        if path is None:
            return error
        return path.read_bytes().decode("utf-8", errors="replace").rstrip("\n")
