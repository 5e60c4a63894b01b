"""Command groups kept outside cli.py; each module offers ``register(cli)``."""
