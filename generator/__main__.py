"""`python -m generator`: the same as the `scaffold` command."""

from generator.cli import main

main()
