"""Mode names, prompts and the mode tree of the simulated IOS command line."""

from __future__ import annotations

EXEC_MODES = ("user", "enable", "tcl")  # tcl: `tclsh`, an EXEC shell (cmd_tools.py)

# Each configuration sub-mode's parent: IOS tries a command it does not know in the
# parents in turn, and when one accepts it the session drops to that parent.
PARENT = {
    "config": "enable",
    "config-line": "config",
    "config-archive": "config",
    "conf-ssh-pubkey": "config",
    "conf-ssh-pubkey-user": "conf-ssh-pubkey",
    "conf-ssh-pubkey-server": "conf-ssh-pubkey",
    "conf-ssh-pubkey-data": "conf-ssh-pubkey-user",
    "config-if": "config",
    "config-ext-nacl": "config",
    "config-server-tacacs": "config",
    "config-radius-server": "config",
    "config-sg-tacacs+": "config",
    "config-sg-radius": "config",
    "config-std-nacl": "config",
}

CONFIG_HOSTNAME_CUT = 20  # IOS cuts the hostname in configuration prompts


def prompt_for(hostname: str, mode: str) -> str:
    if mode == "user":
        return f"{hostname}>"
    if mode == "enable":
        return f"{hostname}#"
    return f"{hostname[:CONFIG_HOSTNAME_CUT]}({mode})#"


def parents(mode: str) -> list[str]:
    """The configuration modes above `mode`, nearest first."""
    out: list[str] = []
    while mode in PARENT and PARENT[mode] != "enable":
        mode = PARENT[mode]
        out.append(mode)
    return out
