"""Every test gets its own known_hosts file: lab routers come up on fresh random ports with
fresh keys, and the default (accept-new, ~/.ssh/known_hosts) would write into the user's home.
And the secrets a test registers for masking are dropped after it: the set is process-wide
(as a user's secrets are for a run), and a test whose password is "b" made every later
test's messages read "***efore"."""

from __future__ import annotations

from pathlib import Path

import pytest

from ios_ssh import redact
from ios_ssh.session.known_hosts import ENV_FILE


@pytest.fixture(autouse=True)
def temporary_known_hosts(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    path = tmp_path_factory.mktemp("ssh") / "known_hosts"
    monkeypatch.setenv(ENV_FILE, str(path))
    return path


@pytest.fixture(autouse=True)
def own_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    # what the test registers is dropped after it (what broader fixtures registered stays)
    monkeypatch.setattr(redact, "_secrets", redact._secrets)
