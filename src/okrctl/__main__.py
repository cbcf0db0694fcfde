"""`python -m okrctl`."""

from okrctl.cli.app import main

main()
