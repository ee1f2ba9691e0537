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
