"""The Jinja templates gl-cs renders (issues it opens, comments it writes); see gl_cs.render."""
