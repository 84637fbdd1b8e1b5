"""Load benchmark of the board server: ``python -m bench --help``."""
