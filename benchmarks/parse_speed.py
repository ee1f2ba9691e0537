"""Parse time per command: ios_ssh.parse against ntc-templates' parse_output on the same text.

Prints microseconds per call and the ratio to ntc-templates (a baseline run in this same
process). ntc-templates has a cisco_ios template only for `show users` among our commands;
for the others the baseline column says so. Run: python benchmarks/parse_speed.py
"""

from __future__ import annotations

import time
from pathlib import Path

from ntc_templates.parse import parse_output

import ios_ssh

FIXTURES = Path(__file__).resolve().parents[1] / "tests/parsers/cisco_ios"
CASES = {
    "show ip ssh": "show_ip_ssh/v2_enabled_rsa2048_named.raw",
    "show ssh": "show_ssh/sessions_v2.raw",
    "show crypto key mypubkey rsa": "show_crypto_key_mypubkey_rsa/new_ios_bits_exportable_4096.raw",
    "show line": "show_line/console_server_rotaries.raw",
    "show users": "show_users/console_and_ssh_vty.raw",
}


def per_call(fn, seconds: float = 0.5) -> float:
    fn()  # warm caches (template compilation) before timing
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    return (time.perf_counter() - start) / calls * 1e6


def main() -> None:
    print(f"{'command':32} {'ios_ssh us':>11} {'ntc us':>9} {'ratio':>7}")
    for command, name in CASES.items():
        text = (FIXTURES / name).read_text()
        ours = per_call(lambda c=command, t=text: ios_ssh.parse(c, t))
        try:
            parse_output(platform="cisco_ios", command=command, data=text)
            theirs = per_call(
                lambda c=command, t=text: parse_output(platform="cisco_ios", command=c, data=t)
            )
            print(f"{command:32} {ours:11.1f} {theirs:9.1f} {ours / theirs:7.2f}")
        except Exception:  # noqa: BLE001 - ntc has no template for this command
            print(f"{command:32} {ours:11.1f} {'no tmpl':>9} {'-':>7}")


if __name__ == "__main__":
    main()
