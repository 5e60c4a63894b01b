"""Load and validate rules.yml.

Every mistake is reported as ``rules.yml:LINE: what is wrong, what is allowed``.
The schema check is done by ``jsonschema``; line numbers come from PyYAML's
node tree, so an error points at the line a person has to fix.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import replace
import zoneinfo
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

from . import yaml_safe
from .model import (DEFAULT_PLACEHOLDERS, DEFAULTS, Absence, AccountRow, Config, FieldSpec, KindSpec, RotationChange,
                    TriageConfig, WorkflowState)
from .overrides import desk_key, merged, overlay_lines
from .schema import SCHEMA


class ConfigError(Exception):
    """rules.yml is missing, unreadable or invalid. ``problems`` lists one line per mistake."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


_Path = tuple[Any, ...]


def _line_map(node: yaml.Node | None, path: _Path = (), out: dict | None = None,
              duplicates: list | None = None) -> dict:
    """Map every path in the document to (key line, value line), 1-based; a key written
    twice in one mapping is added to ``duplicates`` as (path, line, first line)."""
    out = {} if out is None else out
    duplicates = [] if duplicates is None else duplicates
    if node is None:
        return out
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.line + 1))
    if isinstance(node, yaml.MappingNode):
        seen: dict = {}
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            if key_node.value in seen:
                duplicates.append((child, key_node.start_mark.line + 1, seen[key_node.value]))
            seen.setdefault(key_node.value, key_node.start_mark.line + 1)
            out[child] = (key_node.start_mark.line + 1, value_node.start_mark.line + 1)
            _line_map(value_node, child, out, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = path + (index,)
            out[child] = (item.start_mark.line + 1, item.start_mark.line + 1)
            _line_map(item, child, out, duplicates)
    return out


def _dotted(path: Iterable[Any]) -> str:
    parts = []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else ("." if parts else "") + str(p))
    return "".join(parts) or "(top level)"


def _type_name(value: Any) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping", type(None): "nothing"}.get(type(value), type(value).__name__)


def _allowed_keys(schema: dict) -> list[str]:
    return sorted((schema.get("properties") or {}).keys())


def _describe(error: jsonschema.ValidationError, lines: dict, name: str) -> list[str]:
    path = tuple(error.absolute_path)
    key_line, value_line = lines.get(path, (1, 1))
    where = _dotted(path)
    validator = error.validator
    schema = error.schema
    if validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = _allowed_keys(schema)
        out = []
        for extra in sorted(set(error.instance) - set(allowed)):
            line = lines.get(path + (extra,), (key_line, key_line))[0]
            hint = difflib.get_close_matches(str(extra), allowed, n=1)
            did = f" (did you mean '{hint[0]}'?)" if hint else ""
            out.append(f"{name}:{line}: unknown key '{extra}' in {where}{did}; allowed keys: {', '.join(allowed)}")
        return out
    if validator == "required":
        missing = [k for k in schema["required"] if k not in (error.instance or {})]
        return [f"{name}:{key_line}: {where} is missing the required key '{m}'" for m in missing]
    if validator == "enum":
        allowed = " | ".join(str(v) for v in schema["enum"])
        return [f"{name}:{value_line}: {where} is '{error.instance}', allowed: {allowed}"]
    if validator == "type":
        wanted = schema["type"]
        wanted = " or ".join(wanted) if isinstance(wanted, list) else wanted
        names = {"string": "a string", "array": "a list", "object": "a mapping", "integer": "a whole number",
                 "number": "a number", "boolean": "true or false"}
        wanted_text = " or ".join(names.get(w, w) for w in wanted.split(" or "))
        return [f"{name}:{value_line}: {where} must be {wanted_text}, got {_type_name(error.instance)}"]
    if validator == "oneOf" and path[-1:] == ("applies_to",):
        return [f"{name}:{value_line}: {where} must be 'all', or a mapping with one of 'label' or 'marker'"]
    if validator == "propertyNames":
        return [f"{name}:{value_line}: {where}: state names are lower-case words (a-z, 0-9, _), got '{error.instance}'"]
    if validator == "pattern":
        return [f"{name}:{value_line}: {where} '{error.instance}' is not a valid GitLab username"]
    if validator in ("minLength", "minProperties", "minItems"):
        return [f"{name}:{value_line}: {where} must not be empty"]
    if validator == "uniqueItems":
        return [f"{name}:{value_line}: {where} lists the same item twice"]
    if validator in ("minimum", "maximum"):
        bound = schema.get(validator)
        word = "at least" if validator == "minimum" else "at most"
        return [f"{name}:{value_line}: {where} is {error.instance}, must be {word} {bound}"]
    return [f"{name}:{value_line}: {where}: {error.message}"]


def _semantic_checks(data: dict, lines: dict, name: str) -> list[str]:
    problems: list[str] = []

    def at(path: _Path, value: bool = True) -> int:
        key_line, value_line = lines.get(path, (1, 1))
        return value_line if value else key_line

    states = data["labels"]["workflow"]
    keys = list(states)
    allowed = ", ".join(keys)

    def check_state_ref(path: _Path, ref: Any) -> None:
        if ref not in states:
            hint = difflib.get_close_matches(str(ref), keys, n=1)
            did = f" (did you mean '{hint[0]}'?)" if hint else ""
            problems.append(f"{name}:{at(path)}: {_dotted(path)} names an unknown workflow state '{ref}'{did}; "
                            f"known states: {allowed}")

    check_state_ref(("labels", "default_state"), data["labels"]["default_state"])
    default = states.get(data["labels"]["default_state"])
    if default and default.get("needs_assignee"):
        problems.append(f"{name}:{at(('labels', 'default_state'))}: labels.default_state cannot be a state that "
                        f"needs an assignee; choose one of: "
                        + ", ".join(k for k, v in states.items() if not v.get("needs_assignee")))
    for src, targets in data["workflow"]["transitions"].items():
        check_state_ref(("workflow", "transitions", src), src)
        for index, dst in enumerate(targets):
            check_state_ref(("workflow", "transitions", src, index), dst)
    for index, ref in enumerate((data.get("intake") or {}).get("states") or []):
        check_state_ref(("intake", "states", index), ref)

    seen: dict[str, _Path] = {}
    names = [(("labels", "workflow", k, "label"), v["label"]) for k, v in states.items()]
    for extra in ("expedite", "services"):
        if extra in data["labels"]:
            names.append((("labels", extra), data["labels"][extra]))
    for path, label in names:
        if label in seen:
            problems.append(f"{name}:{at(path)}: label '{label}' is used twice (also at line {at(seen[label])}); "
                            f"every managed label must be distinct")
        seen.setdefault(label, path)

    zone = data["timezone"]
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(f"{name}:{at(('timezone',))}: timezone '{zone}' is not a time zone; "
                        f"use an IANA name such as America/Los_Angeles or Europe/Berlin")

    fq = data.get("fiscal_quarter") or {}
    if "label_format" in fq:
        fmt = fq["label_format"]
        where = f"{name}:{at(('fiscal_quarter', 'label_format'))}: fiscal_quarter.label_format '{fmt}'"
        try:
            filled = fmt.format(fy=2027, fy2="27", q=4)
        except Exception as exc:  # KeyError, ValueError, AttributeError, IndexError ...
            problems.append(f"{where} cannot be filled ({exc.__class__.__name__}: {exc}); "
                            f"placeholders: {{fy}}, {{fy2}}, {{q}}, written plainly")
        else:
            from .model import Config as _C

            probe = _C(source=name, project="x", timezone="UTC", states=(), default_state="",
                       fiscal_label_format=fmt)
            if not probe.is_fiscal_label(filled) or "," in filled:
                problems.append(f"{where} gives '{filled}', which gl-cs could not recognise as its own "
                                f"label; use the placeholders {{fy}}, {{fy2}}, {{q}} without format specs")

    # A managed label must not be mistaken for another one.
    managed = [(("labels", "workflow", k, "label"), v["label"], v.get("match", "exact")) for k, v in states.items()]
    for extra in ("expedite", "services"):
        if extra in data["labels"]:
            managed.append((("labels", extra), data["labels"][extra], "exact"))
    for path, label, match in managed:
        if match != "prefix":
            continue
        for other_path, other, _ in managed:
            if other_path != path and other.startswith(label):
                problems.append(f"{name}:{at(path)}: {_dotted(path)} '{label}' matches by prefix, so it would "
                                f"also claim '{other}' (line {at(other_path)}); make the prefix longer")
    if data.get("intake") is not None and "waiting" not in states:
        problems.append(f"{name}:{at(('labels', 'workflow'), False)}: the intake rule needs a workflow state "
                        f"named 'waiting' (the SA Waiting label)")
    problems += _triage_checks(data, at, name)
    return problems


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _triage_checks(data: dict, at, name: str) -> list[str]:
    """triage: dates are dates, people are on the roster, the label keeps its state."""
    triage = data.get("triage")
    if not triage:
        return []
    problems: list[str] = []
    roster = set((data.get("team") or {}).get("roster") or ())
    rotation = triage.get("rotation") or {}

    def date_at(path, value) -> dt.date | None:
        found = _as_date(value)
        if found is None:
            problems.append(f"{name}:{at(path)}: {_dotted(path)} is '{value}', not a date; write it as YYYY-MM-DD")
        return found

    def on_roster(path, user) -> None:
        if roster and user not in roster:
            problems.append(f"{name}:{at(path)}: {_dotted(path)} '{user}' is not in team.roster; "
                            f"roster: {', '.join(sorted(roster))}")

    if "start" in rotation:
        date_at(("triage", "rotation", "start"), rotation["start"])
    for i, user in enumerate(rotation.get("order") or ()):
        on_roster(("triage", "rotation", "order", i), user)
    for i, absence in enumerate(rotation.get("absences") or ()):
        base = ("triage", "rotation", "absences", i)
        on_roster(base + ("user",), absence["user"])
        start = date_at(base + ("from",), absence["from"])
        end = date_at(base + ("to",), absence["to"]) if "to" in absence else start
        if start and end and end < start:
            problems.append(f"{name}:{at(base + ('to',))}: {_dotted(base + ('to',))} is before its 'from' date")
    previous = _as_date(rotation.get("start"))
    for i, change in enumerate(rotation.get("changes") or ()):
        base = ("triage", "rotation", "changes", i)
        start = date_at(base + ("from",), change["from"])
        for j, user in enumerate(change["order"]):
            on_roster(base + ("order", j), user)
        if start and previous and start < previous:
            problems.append(f"{name}:{at(base + ('from',))}: {_dotted(base + ('from',))} must come after the "
                            f"rotation's start and the changes before it")
        previous = start or previous
    zone = (triage.get("calls") or {}).get("timezone")
    if zone is not None:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a directory of zones
            problems.append(f"{name}:{at(('triage', 'calls', 'timezone'))}: triage.calls.timezone '{zone}' is not "
                            f"a time zone; use an IANA name such as America/Los_Angeles")
    fmt = triage.get("label_format")
    triaged = (data["labels"]["workflow"].get("triaged") or {})
    if fmt is not None:
        where = f"{name}:{at(('triage', 'label_format'))}: triage.label_format '{fmt}'"
        try:
            filled = fmt.format(username="ana.sa")
        except Exception as exc:  # KeyError, ValueError, IndexError ...
            problems.append(f"{where} cannot be filled ({exc.__class__.__name__}: {exc}); "
                            f"the one placeholder is {{username}}")
        else:
            if "{username}" not in fmt:
                problems.append(f"{where} must contain {{username}}, so the label shows the Triage SA")
            elif triaged and not filled.startswith(triaged.get("label", "")):
                problems.append(f"{where} must start with '{triaged.get('label')}' "
                                f"(labels.workflow.triaged.label), so the renamed label keeps its state")
    if triaged and triaged.get("match", "exact") != "prefix" and (rotation or fmt):
        problems.append(f"{name}:{at(('labels', 'workflow', 'triaged'), False)}: the weekly rotation renames "
                        f"the triaged label: labels.workflow.triaged needs 'match: prefix'")
    return problems


def parse_config(text: str, name: str = "rules.yml", project_override: str | None = None) -> Config:
    """Validate the text of a rules.yml and build a :class:`Config` (of its first desk, or of
    ``project_override``). Raises :class:`ConfigError`."""
    data, _ = parse_document(text, name)
    return _build(data, name, project_override)


def parse_document(text: str, name: str = "rules.yml") -> tuple[dict, dict]:
    """The validated rules.yml as data, with its line map (path -> (key line, value
    line)). Raises :class:`ConfigError`."""
    try:
        node, data = yaml_safe.load(text)  # size, alias and depth limits (issue 13)
    except yaml_safe.UnsafeYAML as exc:
        raise ConfigError([f"{name}:{exc.line}: {exc.problem}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{name}:{line}: not valid YAML: {problem}"]) from None
    if data is None:
        raise ConfigError([f"{name}:1: the file is empty; see the rules.yml section of README.md"])
    if not isinstance(data, dict):
        raise ConfigError([f"{name}:1: the top level must be a mapping of keys, got {_type_name(data)}"])
    return _validated(node, data, name)


def _at_line(message: str) -> tuple[int, str]:
    return int(message.split(":", 2)[1]), message


def _validated(node, data: dict, name: str) -> tuple[dict, dict]:
    """The document checked (schema, then what the schema cannot say, then each desk's
    own configuration), with its line map. Raises :class:`ConfigError`."""
    if isinstance(data.get("desks"), dict):  # `123:` is a number to YAML, a name to the line map
        data = dict(data, desks={str(k): v for k, v in data["desks"].items()})
    duplicates: list = []
    lines = _line_map(node, duplicates=duplicates)
    validator = jsonschema.Draft202012Validator(SCHEMA)
    problems: list[tuple[int, str]] = [
        (line, f"{name}:{line}: {_dotted(path)} is written twice (first at line {first}); "
               f"YAML would silently keep only the last one")
        for path, line, first in duplicates]
    for error in validator.iter_errors(data):
        for message in _describe(error, lines, name):
            problems.append(_at_line(message))
    problems += [_at_line(m) for m in _desk_key_problems(data, lines, name)]
    if not problems:
        try:
            problems = [_at_line(m) for m in _semantic_checks(data, lines, name)]
            if not problems:
                problems = [_at_line(m) for m in _override_problems(data, lines, name)]
        except Exception as exc:  # a check tripped on a shape the schema let through
            problems = [(1, f"{name}:1: cannot be checked ({exc.__class__.__name__}: {exc})")]
    if problems:
        ordered = [m for _, m in sorted(set(problems))]
        raise ConfigError(ordered)
    return data, lines


def _desk_key_problems(data: dict, lines: dict, name: str) -> list[str]:
    """``project``, ``projects`` or ``group``: exactly one; no desk named twice; every
    ``desks:`` entry names a desk (when the desks are listed, not found in a group)."""
    problems: list[str] = []
    given = [k for k in ("project", "projects", "group") if k in data]
    if not given:
        return [f"{name}:1: (top level) is missing the required key 'project' (or 'projects', a list, or "
                f"'group': the desks gl-cs keeps)"]
    if len(given) > 1:
        second = lines.get((given[1],), (1, 1))[0]
        return [f"{name}:{second}: '{given[1]}' and '{given[0]}' (line {lines.get((given[0],), (1, 1))[0]}) "
                f"are alternatives: name the desks with one of project, projects or group"]
    listed: dict[str, int] = {}
    if isinstance(data.get("projects"), list):
        for i, ref in enumerate(data["projects"]):
            if not isinstance(ref, (str, int)) or isinstance(ref, bool):
                continue
            key, line = desk_key(ref), lines.get(("projects", i), (1, 1))[0]
            if key in listed:
                problems.append(f"{name}:{line}: projects[{i}] '{ref}' is listed twice (also at line {listed[key]})")
            listed.setdefault(key, line)
    elif isinstance(data.get("project"), (str, int)):
        listed[desk_key(data["project"])] = lines.get(("project",), (1, 1))[1]
    desks = data.get("desks")
    if isinstance(desks, dict):
        seen: dict[str, str] = {}
        for written in desks:
            key, line = desk_key(written), lines.get(("desks", written), (1, 1))[0]
            if key in seen:
                problems.append(f"{name}:{line}: desks.{written} names the same desk as desks.{seen[key]}")
            seen.setdefault(key, written)
            if "group" not in data and listed and key not in listed:
                known = ", ".join(str(r) for r in data.get("projects") or [data.get("project")])
                problems.append(f"{name}:{line}: desks.{written} is not one of the desks; write the project as "
                                f"'{'projects' if 'projects' in data else 'project'}' names it ({known})")
    return problems


def _override_problems(data: dict, lines: dict, name: str) -> list[str]:
    """Each ``desks:`` entry laid over rules.yml is a configuration of its own: checked as
    one, every mistake at its line (the override's, or rules.yml's where the mistake is
    only one in that desk), and named after the desk."""
    problems: list[str] = []
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for written, override in (data.get("desks") or {}).items():
        desk = merged(data, override)
        desk_lines = overlay_lines(lines, written)
        found = [m for error in validator.iter_errors(desk) for m in _describe(error, desk_lines, name)]
        if not found:
            found = _semantic_checks(desk, desk_lines, name)
        for message in found:
            where, rest = message.split(": ", 1)
            problems.append(f"{where}: desks.{written}: {rest}")
    return problems


def _read(path: Path, shown: str, missing: str) -> str:
    """A file gl-cs is told to read, or one clear ConfigError (``missing``: what to say
    after "no such file")."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{shown}: no such file{missing}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{shown}: cannot be read: {exc.__class__.__name__}"]) from None


def load_config(path: str | os.PathLike, project_override: str | None = None) -> Config:
    """Read and validate the rules.yml at ``path``."""
    p = Path(path)
    text = _read(p, str(p), "; pass --config or set GL_CS_CONFIG")
    config = parse_config(text, name=p.name if p.name else str(p), project_override=project_override)
    return with_files(config, p.parent)


def with_files(config: Config, root: Path | None) -> Config:
    """The configuration with the files it names read, relative to rules.yml's folder
    ``root`` (None: the text had no file, so relative paths stay as written): the accounts
    file, and the templates folder made absolute."""
    if config.accounts_file and root is not None:
        config = replace(config, accounts=load_accounts(root / config.accounts_file, config.accounts_file))
    if config.templates_dir and root is not None:
        config = replace(config, templates_dir=str((root / config.templates_dir).resolve()))
    return config


def load_accounts(path: Path, shown: str) -> tuple[AccountRow, ...]:
    """The accounts file (``kinds.accounts_file``, CSV or YAML, relative to rules.yml)."""
    from .accounts_file import parse_accounts

    text = _read(path, shown, " (kinds.accounts_file in rules.yml)")
    rows, problems = parse_accounts(text, shown)
    if problems:
        raise ConfigError(problems)
    return rows


def _get(data: dict, dotted: str):
    """The value of a dotted rules.yml key, or its default from :data:`DEFAULTS`."""
    node: object = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node or node[part] is None:
            return DEFAULTS[dotted]
        node = node[part]
    return node


def _placeholders(value) -> tuple[str, ...]:
    """``intake.placeholders`` replaces the default list; an item ``default`` stands for it."""
    out: list[str] = []
    for item in value or ():
        if item == "default":
            out.extend(DEFAULT_PLACEHOLDERS)
        else:
            out.append(item)
    return tuple(dict.fromkeys(out))


def first_desk(data: dict) -> str | int:
    """The project of a one-desk rules.yml, else the first of ``projects``, else the group."""
    if "project" in data:
        return data["project"]
    if data.get("projects"):
        return data["projects"][0]
    group = data.get("group")
    return group.get("path") if isinstance(group, dict) else group


def _build(data: dict, name: str, project_override: str | None) -> Config:
    labels = data["labels"]
    states = tuple(
        WorkflowState(key=k, label=v["label"], match=v.get("match", "exact"),
                      needs_assignee=bool(v.get("needs_assignee", False)))
        for k, v in labels["workflow"].items()
    )
    wf = data["workflow"]
    intake = data.get("intake") or {}
    applies = _get(data, "intake.applies_to")
    fields = tuple(
        FieldSpec(key=k, title=v["title"], synonyms=tuple(v.get("synonyms") or ()))
        for k, v in (intake.get("fields") or {}).items()
    )
    boxes = _get(data, "intake.template_checkboxes")
    kinds_data = data.get("kinds") or {}
    kinds = tuple(
        KindSpec(key=key, label=kinds_data[key]["label"], fields=tuple(
            FieldSpec(key=k, title=v["title"], synonyms=tuple(v.get("synonyms") or ()))
            for k, v in (kinds_data[key].get("fields") or {}).items()))
        for key in ("onboarding", "live_optimization") if key in kinds_data)
    project = project_override if project_override not in (None, "") else first_desk(data)
    return Config(
        source=name,
        project=project,
        timezone=data["timezone"],
        states=states,
        default_state=labels["default_state"],
        expedite_label=_get(data, "labels.expedite"),
        services_label=_get(data, "labels.services"),
        transitions={k: frozenset(v) for k, v in wf["transitions"].items()},
        on_violation=_get(data, "workflow.on_violation"),
        assignable=_get(data, "workflow.assignable"),
        closed_issues=_get(data, "workflow.closed_issues"),
        closed_lookback_hours=float(_get(data, "sync.closed_lookback_hours")),
        recent_hours=float(_get(data, "sync.recent_hours")),
        roster=tuple(_get(data, "team.roster")),
        former_bots=tuple(_get(data, "team.former_bots")),
        bots=tuple(_get(data, "team.bots")),
        intake_applies_to=applies if applies == "all" else tuple(applies.items())[0],
        intake_states=tuple(intake["states"] if "states" in intake else
                            [s.key for s in states if s.key != "action_items" and not s.needs_assignee]),
        intake_fields=fields,
        intake_placeholders=_placeholders(_get(data, "intake.placeholders")),
        intake_template_checkboxes=tuple(boxes) if boxes is not None else None,
        intake_unsure=_get(data, "intake.unsure"),
        day_first=_get(data, "expedite.date_order") == "day_first",
        fiscal_start_month=int(_get(data, "fiscal_quarter.start_month")),
        fiscal_label_format=_get(data, "fiscal_quarter.label_format"),
        services_phrases=tuple(_get(data, "services.phrases")),
        kinds=kinds,
        renewal_label=(kinds_data.get("renewals") or {}).get("label"),
        accounts_file=kinds_data.get("accounts_file"),
        templates_dir=kinds_data.get("templates_dir"),
        triage=_build_triage(data.get("triage") or {}),
    )


def _build_triage(triage: dict) -> TriageConfig:
    rotation = triage.get("rotation") or {}
    calls = triage.get("calls") or {}
    defaults = TriageConfig()
    absences = []
    for absence in rotation.get("absences") or ():
        start = _as_date(absence["from"])
        absences.append(Absence(user=absence["user"], start=start,
                                end=_as_date(absence["to"]) if "to" in absence else start))
    time_text = calls.get("time")
    return TriageConfig(
        start=_as_date(rotation.get("start")) if "start" in rotation else None,
        order=tuple(rotation.get("order") or ()),
        absences=tuple(absences),
        changes=tuple(RotationChange(start=_as_date(c["from"]), order=tuple(c["order"]))
                      for c in rotation.get("changes") or ()),
        label_format=triage.get("label_format", defaults.label_format),
        call_days=tuple(DAYS.index(d) for d in calls["days"]) if "days" in calls else defaults.call_days,
        call_time=dt.time.fromisoformat(time_text) if time_text else defaults.call_time,
        call_timezone=calls.get("timezone", defaults.call_timezone),
        issue_label=triage.get("issue_label", defaults.issue_label),
        chase_after_days=float(triage.get("chase_after_days", defaults.chase_after_days)),
        stale_days=float(triage.get("stale_days", defaults.stale_days)),
        upcoming_days=float(triage.get("upcoming_days", defaults.upcoming_days)),
        capacity=int(triage.get("capacity", defaults.capacity)),
    )
