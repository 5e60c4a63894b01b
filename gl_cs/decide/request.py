"""The SA Activity request inside an issue, read once per description (cached)."""

from __future__ import annotations

from functools import lru_cache

from ..config import Config
from ..parse.fields import FieldDef, ParsedRequest, parse_request
from ..read.snapshot import Issue


@lru_cache(maxsize=256)
def _parse(description: str, fields: tuple, placeholders: tuple, boxes: tuple | None) -> ParsedRequest:
    defs = [FieldDef(key=f.key, title=f.title, synonyms=tuple(f.synonyms)) for f in fields]
    return parse_request(description, defs, list(placeholders), boxes)


def read_request(issue: Issue, config: Config) -> ParsedRequest:
    return _parse(issue.description or "", config.intake_fields, config.intake_placeholders,
                  config.intake_template_checkboxes)


def is_request(issue: Issue, ctx) -> bool:
    """Is this open issue an SA Activity request? Everything in the SA Service Desk is,
    except SA Action Items issues and issues gl-cs opened itself; rules.yml can narrow
    it to issues with a label or with the template's marker text."""
    cfg = ctx.config
    if ctx.is_bot(issue.author):
        return False
    if any(cfg.state_of(l) is not None and cfg.state_of(l).key == "action_items" for l in issue.labels):
        return False
    applies = cfg.intake_applies_to
    if applies == "all":
        return True
    kind, value = applies
    if kind == "label":
        return value in issue.labels
    return value in (issue.description or "")
