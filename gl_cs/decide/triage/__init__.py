"""Pure helpers of the triage project rules: weeks and the rotation (``weeks``), Markdown
tables and a Mermaid chart made from issue text that stays inert (``markdown``)."""
