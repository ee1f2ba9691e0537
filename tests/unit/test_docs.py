"""The API reference builds, strictly: a broken reference, a docstring naming a parameter
the function lacks, or a public name without a docstring (docs/hooks.py) fails the build.
Skipped only where mkdocs is not installed and this is not CI (the dev extra installs it)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"
HAVE_MKDOCS = all(importlib.util.find_spec(m) for m in ("mkdocs", "mkdocstrings_handlers"))

pytestmark = pytest.mark.skipif(
    not HAVE_MKDOCS and not IN_CI, reason="mkdocs is not installed (pip install -e '.[docs]')"
)


def _build(site: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    if config is not None:
        command += ["--config-file", str(config)]
    return subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=240, check=False
    )


def test_the_api_reference_builds_strictly(tmp_path: Path) -> None:
    assert HAVE_MKDOCS, "CI must have mkdocs and mkdocstrings[python] (the docs extra)"
    done = _build(tmp_path / "site")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    pages = {
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html")
    }
    for page in ("api/tasks", "api/intent", "api/report", "api/nornir", "api/engine"):
        assert f"{page}/index.html" in pages, sorted(pages)
    nornir = (tmp_path / "site" / "api/nornir/index.html").read_text()
    for name in ("apply_ssh", "verify_ssh", "read_ssh_state", "transform", "load_nornir_config"):
        assert f'id="ios_ssh.inventory.{name}"' in nornir or f".{name}.{name}" in nornir, name
    reference = (tmp_path / "site" / "intent-reference/index.html").read_text()
    assert "ssh.authentication_retries" in reference  # generated from the schema
    assert "&lt;hostname&gt;.&lt;domain&gt;" in reference  # a placeholder, not a tag


def _hooks() -> object:
    spec = importlib.util.spec_from_file_location("docs_hooks", REPO / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_hook_finds_every_undocumented_public_name(tmp_path: Path) -> None:
    import griffe

    package = tmp_path / "fake"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""A package."""\n\n'
        "class Told:\n"
        '    """Documented."""\n\n'
        "    def said(self) -> None:\n"
        '        """Documented."""\n\n'
        "    def silent(self) -> None:\n"
        "        pass\n\n"
        "    def _private(self) -> None:\n"
        "        pass\n\n"
        "def quiet() -> None:\n"
        "    pass\n"
    )
    loaded = griffe.load("fake", search_paths=[str(tmp_path)])
    seen: set[str] = set()
    assert _hooks()._undocumented(loaded, seen) == ["fake.Told.silent", "fake.quiet"]  # type: ignore[attr-defined]
    assert {"fake", "fake.Told", "fake.quiet"} <= seen


def test_a_broken_reference_fails_the_build(tmp_path: Path) -> None:
    assert HAVE_MKDOCS, "CI must have mkdocs and mkdocstrings[python] (the docs extra)"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# x\n\n::: ios_ssh.report.Report\n\n::: ios_ssh.nope\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: x\ndocs_dir: {docs}\nstrict: true\nhooks:\n  - {REPO / 'docs/hooks.py'}\n"
        f"plugins:\n  - mkdocstrings:\n      handlers:\n        python:\n"
        f"          paths: [{REPO}]\n"
    )
    done = _build(tmp_path / "site", config)
    assert done.returncode != 0
    assert "ios_ssh.nope" in done.stderr, done.stderr
