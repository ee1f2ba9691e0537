"""`parse(command, output)`: device text in, ntc-style records out.

Records are dicts with lower-case keys, string values and lists for list fields. Each
command has a TextFSM template in `parsers/`; the small functions here only normalise
what a template cannot (joining wrapped key blobs, deriving modulus and fingerprints) and
refuse output that matches no known shape.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import textfsm

from . import keys, textnorm
from .errors import ParseError
from .running_config import parse_running_config
from .templates import command_regex, compiled, find_template, normalise_command

Record = dict[str, object]

# Not a TextFSM template (the running-config is a tree), but matched the way the index is.
_RUNNING_CONFIG = re.compile(
    rf"^{command_regex('sh[[ow]] (?:run[[ning-config]]|star[[tup-config]])')}(?:\s|$)"
)
# `show version` is read with ntc-templates' own cisco_ios template (see image.py).
_SHOW_VERSION = re.compile(rf"^{command_regex('sh[[ow]] ver[[sion]]')}$")

# IOS's own words when it refuses a command; they are never parseable output.
DEVICE_ERRORS = (
    "% Invalid input detected",
    "% Incomplete command",
    "% Ambiguous command",
    "% Unknown command",
    "% Bad IP address",
)


def parse(command: str, output: str) -> list[Record]:
    """Parse the `output` of IOS `command` (abbreviations allowed) into records."""
    wanted = normalise_command(command)
    # With or without the command's echo before it and the prompt after it.
    output = textnorm.strip_echo_and_prompt(output, command)
    if _RUNNING_CONFIG.match(wanted):
        return [parse_running_config(output)]
    if _SHOW_VERSION.match(wanted):
        from .image import parse_show_version

        records = parse_show_version(output)
        if not records:
            raise ParseError(command, "no 'Software (...), Version ...' line")
        return records
    template = find_template(command)
    if template is None:
        raise ParseError(command, "no parser for this command")
    lines = textnorm.clean_lines(output)
    rejected = next((line for line in lines if line.startswith(DEVICE_ERRORS)), None)
    if rejected is not None:
        raise ParseError(command, f"the device rejected the command: {rejected.strip()!r}")
    prepare = _PREPARERS.get(template)
    if prepare:
        lines = prepare(lines)
    fsm = compiled(template)
    try:
        rows = fsm.ParseText("\n".join(lines) + "\n")
    except textfsm.TextFSMError as exc:
        raise ParseError(command, _fsm_message(exc)) from None
    records = [
        {name.lower(): value for name, value in zip(fsm.header, row, strict=True)} for row in rows
    ]
    finish = _FINISHERS.get(template)
    return finish(command, records) if finish else records


def _fsm_message(exc: textfsm.TextFSMError) -> str:
    # TextFSM says: 'Error: "why". Rule Line: 12. Input Line: <text>.'; keep why and text.
    match = re.search(r'"(?P<why>[^"]*)"\. Rule Line: \d+\. Input Line: (?P<line>.*)\.$', str(exc))
    if match:
        return f"{match['why']}: {match['line']!r}"
    return str(exc)


def _split_list(value: object) -> list[str]:
    return [item for item in str(value or "").split(",") if item]


def _finish_show_ip_ssh(command: str, records: list[Record]) -> list[Record]:
    if len(records) != 1 or not records[0]["status"]:
        raise ParseError(command, "no 'SSH Enabled/Disabled' or '%SSH has not been enabled' line")
    rec = records[0]
    rec["status"] = "enabled" if rec["status"] == "Enabled" else "disabled"
    for field in (
        "auth_methods",
        "pubkey_algorithms",
        "hostkey_algorithms",
        "encryption_algorithms",
        "mac_algorithms",
        "kex_algorithms",
    ):
        rec[field] = _split_list(rec[field])
    for prefix in ("rsa", "ec"):
        name_key = f"{prefix}_key_name"
        if str(rec[name_key]).upper() == "NONE":
            rec[name_key] = ""
        blob = "".join("".join(rec[f"{prefix}_key"]).split())  # type: ignore[arg-type]
        rec[f"{prefix}_key"] = blob
        rec[f"{prefix}_key_md5"] = rec[f"{prefix}_key_sha256"] = ""
        if blob:
            try:
                info = keys.info_from_base64(blob)
            except ValueError as exc:
                raise ParseError(command, f"the {prefix.upper()} key blob does not decode: {exc}")
            rec[f"{prefix}_key_md5"] = info.md5_hex
            rec[f"{prefix}_key_sha256"] = info.sha256
            size_key = "rsa_modulus" if prefix == "rsa" else "ec_key_size"
            if not rec[size_key]:
                rec[size_key] = str(info.bits)
    return records


def _finish_crypto_key(command: str, records: list[Record]) -> list[Record]:
    for rec in records:
        rec["key_data"] = "".join("".join(rec["key_data"]).split()).upper()  # type: ignore[arg-type]
        rec["exportable"] = "yes" if rec["exportable"] == "exportable" else "no"
        rec["temporary"] = "yes" if rec["temporary"] else "no"
        rec["redundancy"] = "yes" if rec["redundancy"] else "no"
        rec["md5"] = rec["sha256"] = ""
        if rec["key_data"]:
            try:
                info = keys.info_from_der_hex(str(rec["key_data"]))
            except ValueError as exc:
                raise ParseError(command, f"key {rec['key_name']!r}: {exc}") from None
            rec["md5"], rec["sha256"] = info.md5_hex, info.sha256
            if not rec["modulus"]:
                rec["modulus"] = str(info.bits)
    return records


def _finish_show_line(command: str, records: list[Record]) -> list[Record]:
    for rec in records:
        for field in ("rotary", "access_out", "access_in", "modem", "int"):
            if rec[field] == "-":
                rec[field] = ""
    return records


def _finish_show_users(command: str, records: list[Record]) -> list[Record]:
    for rec in records:
        rec["line"] = f"{rec['type']} {rec['number']}" if rec["type"] else ""
    return records


# Per-template steps that TextFSM cannot do: before it (re-joining wrapped lines) and after
# it (joining key blobs, deriving modulus and fingerprints, normalising flags).
_PREPARERS: dict[str, Callable[[list[str]], list[str]]] = {
    "cisco_ios_show_ip_ssh.textfsm": textnorm.unwrap_show_ip_ssh,
}

_FINISHERS: dict[str, Callable[[str, list[Record]], list[Record]]] = {
    "cisco_ios_show_ip_ssh.textfsm": _finish_show_ip_ssh,
    "cisco_ios_show_crypto_key_mypubkey_rsa.textfsm": _finish_crypto_key,
    "cisco_ios_show_line.textfsm": _finish_show_line,
    "cisco_ios_show_users.textfsm": _finish_show_users,
}
