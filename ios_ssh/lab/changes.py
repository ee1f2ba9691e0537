"""When the configuration last changed and was last saved, as `show running-config`
prints it at the top:

    !
    ! Last configuration change at 19:30:55 UTC Sat Nov 28 2026 by admin
    ! NVRAM config last updated at 19:31:02 UTC Sat Nov 28 2026 by admin
    !

(scrapli's functional-test capture of a CSR1000v, whose cleaner matches
`! Last configuration change at HH:MM:SS UTC Day Mon D YYYY by USER`; diffios' docs show
`! NVRAM config last updated at 16:10:30 UTC Tue Nov 8 2016 by admin`, and a change made
with no user name has no `by`). After a restart with no change yet, IOS prints
`! No configuration change since last restart` above the NVRAM line (a 12.4 router's
config diff in public notes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


def stamp(moment: dt.datetime) -> str:
    """`19:30:55 UTC Sat Nov 28 2026` (day of the month not padded)."""
    return moment.strftime("%H:%M:%S UTC %a %b ") + f"{moment.day} {moment.year}"


@dataclass
class ChangeLog:
    changed: tuple[dt.datetime, str] | None = None  # since the last restart
    saved: tuple[dt.datetime, str] | None = None

    def change(self, user: str) -> None:
        self.changed = (dt.datetime.now(dt.UTC), user)

    def save(self, user: str) -> None:
        self.saved = (dt.datetime.now(dt.UTC), user)

    def restart(self) -> None:
        self.changed = None

    def lines(self) -> list[str]:
        out: list[str] = []
        if self.changed is not None:
            out.append(f"! Last configuration change at {_when(*self.changed)}")
        elif self.saved is not None:
            out.append("! No configuration change since last restart")
        if self.saved is not None:
            out.append(f"! NVRAM config last updated at {_when(*self.saved)}")
        return out


def _when(moment: dt.datetime, user: str) -> str:
    return stamp(moment) + (f" by {user}" if user else "")
