"""JSON Schema of rules.yml (checked with the ``jsonschema`` library).

Cross-field checks the schema cannot express (a transition naming an unknown
state, a time zone that does not exist, ...) live in ``gl_cs.config.load``.

The desks: ``project`` (one), ``projects`` (a list) or ``group`` (every project of a
GitLab group), exactly one of them (checked in ``gl_cs.config.desks``), and ``desks``, per
desk overrides of any other key (:data:`DESK`: the same schema without its required keys,
since an override names only what differs; the desk's whole configuration is then checked
like a rules.yml of its own).
"""

from __future__ import annotations

_str = {"type": "string", "minLength": 1}
_str_list = {"type": "array", "items": _str}
_state_list = {"type": "array", "items": _str, "uniqueItems": True}

STATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["label"],
    "properties": {
        "label": _str,
        "match": {"enum": ["exact", "prefix"]},
        "needs_assignee": {"type": "boolean"},
    },
}

_username = {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}
_user_list = {"type": "array", "items": _username, "uniqueItems": True}
# YAML reads 2026-11-02 as a date, which JSON Schema has no type for: dates are checked in
# gl_cs.config.load (a date, or a "YYYY-MM-DD" string).
_date: dict = {}

TRIAGE = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "rotation": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "start": _date,
                "order": _user_list,
                "absences": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["user", "from"],
                    "properties": {"user": _username, "from": _date, "to": _date}}},
                "changes": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["from", "order"],
                    "properties": {"from": _date, "order": {**_user_list, "minItems": 1}}}},
            },
        },
        "label_format": _str,
        "calls": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "days": {"type": "array", "minItems": 1, "uniqueItems": True,
                         "items": {"enum": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}},
                "time": {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"},
                "timezone": _str,
            },
        },
        "issue_label": _str,
        "chase_after_days": {"type": "number", "minimum": 0},
        "stale_days": {"type": "number", "minimum": 0},
        "upcoming_days": {"type": "number", "minimum": 0},
        "capacity": {"type": "integer", "minimum": 0},
    },
}

FIELD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["title"],
    "properties": {"title": _str, "synonyms": _str_list},
}

KIND = {
    "type": "object",
    "additionalProperties": False,
    "required": ["label"],
    "properties": {"label": _str, "fields": {"type": "object", "additionalProperties": FIELD}},
}

_project_ref = {"type": ["string", "integer"], "minLength": 1, "minimum": 1}

GROUP = {
    # a group path or id, or a mapping (the object keywords apply to a mapping only)
    "type": ["string", "integer", "object"],
    "minLength": 1,
    "minimum": 1,
    "additionalProperties": False,
    "required": ["path"],
    "properties": {
        "path": _project_ref,
        "topic": _str,
        "name": _str,
        "subgroups": {"type": "boolean"},
    },
}

#: The keys that name the desks (only at the top level of rules.yml).
DESK_KEYS = ("project", "projects", "group", "desks")

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["timezone", "labels", "workflow"],
    "properties": {
        "project": _project_ref,
        "projects": {"type": "array", "minItems": 1, "items": _project_ref},
        "group": GROUP,
        "timezone": _str,
        "labels": {
            "type": "object",
            "additionalProperties": False,
            "required": ["workflow", "default_state"],
            "properties": {
                "workflow": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": STATE,
                    "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
                },
                "default_state": _str,
                "expedite": _str,
                "services": _str,
            },
        },
        "workflow": {
            "type": "object",
            "additionalProperties": False,
            "required": ["transitions"],
            "properties": {
                "transitions": {"type": "object", "additionalProperties": _state_list},
                "on_violation": {"enum": ["comment", "revert"]},
                "assignable": {"enum": ["members", "roster"]},
                "closed_issues": {"enum": ["remove_workflow_labels", "keep"]},
            },
        },
        "sync": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "closed_lookback_hours": {"type": "number", "minimum": 0},
                "recent_hours": {"type": "number", "minimum": 0},
            },
        },
        "team": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "roster": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}},
                "former_bots": {"type": "array",
                                "items": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}},
                "bots": {"type": "array", "items": {"type": "string", "pattern": "^[A-Za-z0-9_][A-Za-z0-9_.-]*$"}},
            },
        },
        "intake": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "applies_to": {
                    "oneOf": [
                        {"const": "all"},
                        {
                            "type": "object",
                            "additionalProperties": False,
                            "minProperties": 1,
                            "maxProperties": 1,
                            "properties": {"label": _str, "marker": _str},
                        },
                    ]
                },
                "states": _state_list,
                "fields": {"type": "object", "minProperties": 1, "additionalProperties": FIELD},
                "placeholders": {"type": "array", "items": {"type": "string"}},
                "template_checkboxes": {"type": "array", "items": {"type": "string"}},
                "unsure": {"enum": ["ask", "accept"]},
            },
        },
        "expedite": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"date_order": {"enum": ["month_first", "day_first"]}},
        },
        "fiscal_quarter": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "start_month": {"type": "integer", "minimum": 1, "maximum": 12},
                "label_format": _str,
            },
        },
        "services": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"phrases": _str_list},
        },
        "triage": TRIAGE,
        "kinds": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "onboarding": KIND,
                "live_optimization": KIND,
                "renewals": {"type": "object", "additionalProperties": False, "properties": {"label": _str}},
                "accounts_file": _str,
                "templates_dir": _str,
            },
        },
    },
}


def _partial(schema):
    """The schema with every ``required`` dropped: what a desk's override may say."""
    if isinstance(schema, dict):
        return {k: _partial(v) for k, v in schema.items() if k != "required"}
    if isinstance(schema, list):
        return [_partial(v) for v in schema]
    return schema


#: One entry of ``desks:``: any key of rules.yml but the desk keys, each as in rules.yml.
DESK: dict = {
    "type": "object",
    "additionalProperties": False,
    "properties": {k: _partial(v) for k, v in SCHEMA["properties"].items() if k not in DESK_KEYS},
}

SCHEMA["properties"]["desks"] = {"type": "object", "minProperties": 1, "additionalProperties": DESK}
