"""The wheel carries the TextFSM templates, so a pip-installed ios_ssh can parse."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

REPO = Path(__file__).resolve().parents[2]


def test_wheel_ships_the_templates(tmp_path: Path) -> None:
    builder = WheelBuilder(str(REPO))
    (wheel,) = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ios_ssh/_parsers/index" in names
    for template in (REPO / "parsers").glob("*.textfsm"):
        assert f"ios_ssh/_parsers/{template.name}" in names
    assert "ios_ssh/parse.py" in names


def test_the_pinned_dependency_lines_are_installed() -> None:
    """paramiko 4 (5 dropped the SHA-1 key exchanges and ssh-rsa that older IOS needs),
    scrapli 1.x (2026.10 is the 2.x rewrite), and a nornir-scrapli that stays on 1.x."""
    from importlib.metadata import requires, version

    from packaging.requirements import Requirement
    from packaging.version import Version

    assert Version(version("paramiko")).major == 4
    assert Version(version("scrapli")) < Version("2026.10")
    (scrapli,) = [
        Requirement(r)
        for r in requires("nornir_scrapli") or []
        if Requirement(r).name == "scrapli" and not Requirement(r).marker
    ]
    # nornir-scrapli works with the scrapli installed beside it (its 2026.10.13 caps scrapli
    # below 2026.2.21; older releases have no cap, and our own pin keeps 2.x out)
    assert scrapli.specifier.contains(version("scrapli"))
    ours = [Requirement(r) for r in requires("ios-ssh") or [] if r.startswith("scrapli")]
    assert ours and not ours[0].specifier.contains("2026.10.3")  # never the 2.x rewrite
