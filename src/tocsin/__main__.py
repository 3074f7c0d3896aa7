"""`python -m tocsin` runs the command line."""

from .cli import main

main()
