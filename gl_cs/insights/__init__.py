"""Desk insights (``gl-cs report``): how the desk did over a period, from label events and
comments, as charts GitLab renders and as data.

Pure, in three steps (no GitLab call: ``gl_cs.app.insights`` reads and posts):

* :mod:`.period`: the period and its weeks, in the desk's time zone;
* :mod:`.compute`: issues with their label events and comments -> :class:`~.compute.Insights`
  (with :mod:`.timeline`, one request's states over time, :mod:`.onboarding`, time-to-value
  from the checklists, :mod:`.stats`, median and 90th percentile); it also says what each
  issue's figures need read (:func:`~.compute.needs_label_events`, :func:`~.compute.needs_notes`);
* renderers: :mod:`.markdown` (Markdown with Mermaid, for people), :mod:`.export` (JSON in
  the versioned schema ``schema.json``, and CSV), :mod:`.post` (the report issue and comment,
  as actions for the one writer).
"""
