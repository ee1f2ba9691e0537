"""Intents the remote-AAA tests share (the lab's and the `serve --tacacs-users` one)."""

from __future__ import annotations

from typing import Any

from ios_ssh import SshIntent


def tacacs_then_local(key_env: str, **more: Any) -> SshIntent:
    """Move a router to `group tacacs+ local` for login and exec, with its TACACS+ server
    on the loopback (its key from `key_env`) and an archive for the revert timer; `more`
    adds top-level intent fields (users, ...)."""
    return SshIntent.from_dict(
        {
            "aaa": {
                "new_model": True,
                "tacacs_servers": [{"name": "TAC1", "address": "127.0.0.1", "key_env": key_env}],
                "authentication_login": {"default": ["group tacacs+", "local"]},
                "authorization_exec": {"default": ["group tacacs+", "local"]},
            },
            "archive": {},
            **more,
        }
    )
