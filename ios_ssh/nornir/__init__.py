"""Nornir task plugins: apply_ssh, verify_ssh, read_ssh_state (one per module), and the
`ios_ssh` transform function that gives any inventory plugin ios_ssh's host handling."""

from ..inventory import transform
from .apply_ssh import apply_ssh
from .read_ssh_state import read_ssh_state
from .verify_ssh import verify_ssh

__all__ = ["apply_ssh", "read_ssh_state", "transform", "verify_ssh"]
