"""Command groups registered on the ``gl-cs`` command line (see gl_cs.cli)."""
