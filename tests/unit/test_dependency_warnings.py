"""A dependency's deprecation notices never reach the user's terminal or the lab's ready
protocol (cryptography 51 deprecates DSA, and `import asyncssh` printed five warnings that
broke the lab's router list and buried every CLI outcome)."""

from __future__ import annotations

import subprocess
import sys
import warnings

from ios_ssh.labctl import routers_announced


def test_importing_the_library_and_the_cli_prints_nothing() -> None:
    for module in ("ios_ssh", "ios_ssh.cli", "ios_ssh.lab.__main__"):
        done = subprocess.run(
            [sys.executable, "-c", f"import {module}"],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == "" and done.stderr == "", (module, done.stderr[-400:])


def test_only_that_import_is_silenced() -> None:
    from cryptography.utils import CryptographyDeprecationWarning

    import ios_ssh  # noqa: F401

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        warnings.warn("later notices still show", CryptographyDeprecationWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["later notices still show"]


def test_the_lab_router_list_ignores_other_lines() -> None:
    lines = [
        "/venv/asyncssh/crypto/misc.py:32: CryptographyDeprecationWarning: DSA is deprecated",
        "  PyCAPrivateKey = Union[dsa.DSAPrivateKey, rsa.RSAPrivateKey,",
        "r1 127.0.0.1:40001 telnet=127.0.0.1:40005 image=xe17",
        "r2 127.0.0.1:40002 telnet=127.0.0.1:40006 image=ios15 faults=1,2",
        "ready",
        "r9 127.0.0.1:1 telnet=127.0.0.1:2 image=xe16",
    ]
    routers = routers_announced(lines)
    assert [(r.name, r.ssh_port, r.telnet_port, r.image) for r in routers] == [
        ("r1", 40001, 40005, "xe17"),
        ("r2", 40002, 40006, "ios15"),
    ]
