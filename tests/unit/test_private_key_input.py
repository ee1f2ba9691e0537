"""A private key given as text is told from a path by its content, never by the file system
(asking whether 255+ characters of base64 "exist" raises 'File name too long')."""

from __future__ import annotations

from pathlib import Path

import asyncssh
import pytest

from ios_ssh.probes import _load_private_key


def _pem_with_a_long_slashless_line() -> str:
    """Key text that defeated the old path test: 256+ bytes before its first '/', which the
    kernel reads as one over-long file name (ENAMETOOLONG, not ENOENT)."""
    for _ in range(200):
        key = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
        for fmt in ("openssh", "pkcs1-pem"):
            text = key.export_private_key(fmt).decode()
            if len(text.split("/")[0].encode()) > 255:
                return text
    raise AssertionError("no such key in 200 tries")


def test_key_text_loads_without_touching_the_file_system(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _pem_with_a_long_slashless_line()

    def no_fs(*args: object, **kwargs: object) -> bool:
        raise AssertionError("key text was looked up on the file system")

    monkeypatch.setattr(Path, "exists", no_fs)
    monkeypatch.setattr(Path, "is_file", no_fs)
    assert _load_private_key(text).public_data


def test_a_path_still_loads(tmp_path: Path) -> None:
    key = asyncssh.generate_private_key("ssh-rsa", key_size=1024)
    path = tmp_path / "id_rsa"
    path.write_bytes(key.export_private_key("openssh"))
    assert _load_private_key(path).public_data == key.public_data
    assert _load_private_key(str(path)).public_data == key.public_data


def test_pubkey_probe_takes_key_text_that_looks_like_a_long_file_name() -> None:
    """Against a closed loopback port: the probe must get as far as connecting."""
    from ios_ssh.ports import free_port_block
    from ios_ssh.probes import pubkey_probe
    from ios_ssh.session import DeviceParams

    params = DeviceParams(host="127.0.0.1", port=free_port_block(1), username="u")
    check = pubkey_probe(params, "alice", _pem_with_a_long_slashless_line(), timeout=5)
    assert not check.ok
    assert "withheld" not in check.found and "too long" not in check.found, check.found
