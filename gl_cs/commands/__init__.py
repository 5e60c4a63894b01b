"""Command groups kept out of ``gl_cs.cli`` (registered there with ``cli.add_command``)."""
