"""Import asyncssh without cryptography's DSA deprecation notices.

cryptography 51 deprecates DSA, and asyncssh names the DSA types in its module-level type
hints, so `import asyncssh` prints five CryptographyDeprecationWarning blocks. They are about
asyncssh's source, not about anything this tool or its user does (neither uses DSA keys), and
on the command line they bury the one-line outcome. Only that import is silenced, and only
for that category: warnings raised later, by any module, are shown as usual.
"""

from __future__ import annotations

import warnings


def import_asyncssh_quietly() -> None:
    with warnings.catch_warnings():
        try:
            from cryptography.utils import CryptographyDeprecationWarning
        except ImportError:  # pragma: no cover - cryptography always ships with asyncssh
            return
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        import asyncssh  # noqa: F401  (cached in sys.modules; later imports are silent)


import_asyncssh_quietly()
