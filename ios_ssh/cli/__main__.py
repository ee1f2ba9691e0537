"""`python -m ios_ssh.cli`."""

from . import main

main()
