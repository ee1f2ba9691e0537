"""Every test gets its own known_hosts file: lab routers come up on fresh random ports with
fresh keys, and the default (accept-new, ~/.ssh/known_hosts) would write into the user's home."""

from __future__ import annotations

from pathlib import Path

import pytest

from ios_ssh.session.known_hosts import ENV_FILE


@pytest.fixture(autouse=True)
def temporary_known_hosts(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    path = tmp_path_factory.mktemp("ssh") / "known_hosts"
    monkeypatch.setenv(ENV_FILE, str(path))
    return path
