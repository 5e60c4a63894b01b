"""rules.yml validation: every mistake as FILE:LINE: what is wrong, what is allowed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.config import ConfigError, load_config, parse_config

TEXT = RULES.read_text()


def line_of(text: str, needle: str) -> int:
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    return err.value.problems


def test_shipped_rules_are_valid():
    config = load_config(RULES)
    assert [s.key for s in config.states] == ["backlog", "triaged", "doing", "waiting", "action_items"]
    assert config.state_of("SA Triaged - ana.sa").key == "triaged"
    assert config.state_of("customer::acme") is None
    assert not config.allows("backlog", "doing") and config.allows("backlog", "triaged")


@pytest.mark.parametrize("old,new,expected", [
    ("on_violation: comment", "on_violaton: comment",
     "unknown key 'on_violaton' in workflow (did you mean 'on_violation'?); allowed keys: "),
    ("on_violation: comment", "on_violation: shout", "workflow.on_violation is 'shout', allowed: comment | revert"),
    ("recent_hours: 24", "recent_hours: soon", "sync.recent_hours must be a number, got a string"),
    ("roster: [ana.sa, ben.sa, chen.sa, dara.sa]", "roster: ana.sa", "team.roster must be a list, got a string"),
    ("triaged: [doing, waiting, backlog]", "triaged: [doin, waiting, backlog]",
     "names an unknown workflow state 'doin' (did you mean 'doing'?)"),
    ("default_state: backlog", "default_state: SA Backlog", "unknown workflow state 'SA Backlog'"),
    ("default_state: backlog", "default_state: doing", "cannot be a state that needs an assignee"),
    ("timezone: America/Los_Angeles", "timezone: Pacific/Nowhere", "'Pacific/Nowhere' is not a time zone"),
    ("      label: SA Doing", "      label: SA Backlog", "label 'SA Backlog' is used twice"),
    ("      needs_assignee: true\n    doing:", "      needs_assignee: yes please\n    doing:",
     "needs_assignee must be true or false, got a string"),
    ("start_month: 2", "start_month: 13", "fiscal_quarter.start_month is 13, must be at most 12"),
    ('label_format: "FY{fy2}-Q{q}"', 'label_format: "FY{year}-Q{q}"', "placeholders: {fy}, {fy2}, {q}"),
    ("applies_to: all", "applies_to: some", "must be 'all', or a mapping with one of 'label' or 'marker'"),
    ("sync:\n", "workflow:\n  on_violation: revert\nsync:\n", "workflow is written twice (first at line"),
    ("      label: SA Triaged\n", "      label: SA\n", "'SA' matches by prefix, so it would also claim 'SA Backlog'"),
    ('label_format: "FY{fy2}-Q{q}"', 'label_format: "FY{fy2}-Q{q:02d}"', "gives 'FY27-Q04', which gl-cs could not"),
    ('label_format: "FY{fy2}-Q{q}"', 'label_format: "{fy2.x}"', "cannot be filled (AttributeError"),
])
def test_mistakes_point_at_their_line(old, new, expected):
    assert old in TEXT
    broken = TEXT.replace(old, new, 1)
    found = problems(broken)
    assert len(found) >= 1
    target = next(i for i, (a, b) in enumerate(zip(TEXT.splitlines(), broken.splitlines()), 1) if a != b)
    hit = [p for p in found if expected in p]
    assert hit, found
    assert hit[0].startswith(f"rules.yml:{target}:"), (hit, target)


def test_missing_required_keys_are_each_reported():
    broken = "\n".join(l for l in TEXT.splitlines() if not l.startswith(("project:", "timezone:")))
    found = problems(broken)
    assert any("missing the required key 'project'" in p for p in found)
    assert any("missing the required key 'timezone'" in p for p in found)


def test_broken_yaml_and_empty_file():
    assert problems("labels: [\n")[0].startswith("rules.yml:")
    assert "empty" in problems("")[0]
    assert "must be a mapping" in problems("- a\n- b\n")[0]


def test_validate_command_exit_codes(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["--config", str(RULES), "validate"])
    assert ok.exit_code == 0 and "OK" in ok.output
    bad = tmp_path / "rules.yml"
    bad.write_text(TEXT.replace("on_violation: comment", "on_violation: shout"))
    result = runner.invoke(cli, ["--config", str(bad), "validate"])
    assert result.exit_code == 2
    assert f"rules.yml:{line_of(TEXT, 'on_violation')}: workflow.on_violation is 'shout'" in result.output
    missing = runner.invoke(cli, ["--config", str(tmp_path / "nope.yml"), "validate"])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_project_override():
    assert load_config(RULES, project_override="42").project == "42"
    assert load_config(RULES).project == "sa-team/sa-service-desk"


def test_intake_needs_a_waiting_state():
    found = problems(TEXT.replace("waiting", "paused"))
    assert any("intake rule needs a workflow state named 'waiting'" in p for p in found), found


def test_unreadable_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "rules.yml"
    bad.write_bytes(b"project: \xff\xfe broken\n")
    result = CliRunner().invoke(cli, ["--config", str(bad), "validate"])
    assert result.exit_code == 2
    assert "cannot be read: UnicodeDecodeError" in result.output and "Traceback" not in result.output


# --- defaults live in one place (gl_cs.config.model.DEFAULTS) and docs/rules.md says the same

import re as _re
from pathlib import Path as _Path

from gl_cs.config.model import DEFAULT_PLACEHOLDERS, DEFAULTS, Config

_README = _Path(__file__).resolve().parents[1] / "docs" / "rules.md"  # the README links to it
# keys whose README default is described in words rather than a value
_DESCRIBED = {"services.phrases", "intake.template_checkboxes"}


def _readme_defaults() -> dict[str, tuple[str, int | None]]:
    text = _README.read_text(encoding="utf-8")
    table = text[text.index("## The keys"):]
    rows: dict[str, tuple[str, int | None]] = {}
    for line in table.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        keys = _re.findall(r"`([^`]+)`", cells[0])
        prefix = keys[0].rsplit(".", 1)[0] if keys else ""
        for i, k in enumerate(keys):  # "`labels.expedite`, `labels.services`": the i-th value
            rows[k if "." in k else f"{prefix}.{k}"] = (cells[1], i if len(keys) > 1 else None)
    return rows


def _shown(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):  # as YAML writes it
        return [str(value).lower()]
    if isinstance(value, (tuple, list)):
        return ["[]"] if not value else [str(v) for v in value]
    return [str(value)]


@pytest.mark.parametrize("key", sorted(set(DEFAULTS) - _DESCRIBED))
def test_readme_table_states_each_default(key):
    rows = _readme_defaults()
    assert key in rows, f"README's rules.yml table has no row for {key}"
    cell, index = rows[key]
    written = [w for w in _re.findall(r"`([^`]+)`", cell) if w != "..."]
    if index is not None:
        written = written[index:index + 1]
    assert written, f"{key}: README gives no default value"
    shown = _shown(DEFAULTS[key])
    if isinstance(DEFAULTS[key], tuple) and DEFAULTS[key]:
        extra = {w.casefold() for w in written} - {v.casefold() for v in shown}
        assert not extra, f"{key}: README lists {extra} not in the default"
    else:
        assert written[0] == shown[0], f"{key}: README says {written[0]!r}, code says {shown[0]!r}"


def test_a_rules_file_without_the_optional_keys_gets_the_defaults():
    minimal = "\n".join(l for l in TEXT.splitlines() if not l.startswith("  placeholders:")
                        and not l.startswith("  unsure:"))
    c = parse_config(minimal)
    assert c.intake_placeholders == DEFAULT_PLACEHOLDERS
    assert c.intake_unsure == "ask"
    bare = Config(source="x", project="p", timezone="UTC", states=(), default_state="backlog")
    assert bare.intake_placeholders == DEFAULT_PLACEHOLDERS and bare.intake_unsure == "ask"


@pytest.mark.parametrize("line, placeholders", [
    ("  placeholders: [default]", DEFAULT_PLACEHOLDERS),
    ('  placeholders: [default, "ask Jim"]', DEFAULT_PLACEHOLDERS + ("ask Jim",)),
    ('  placeholders: ["TBD"]', ("TBD",)),
    ("  placeholders: []", ()),
])
def test_placeholders_replace_the_default_list_and_default_stands_for_it(line, placeholders):
    text = TEXT.replace("  placeholders: [default]", line, 1)
    assert parse_config(text).intake_placeholders == placeholders


@pytest.mark.parametrize("value, ok", [("ask", True), ("accept", True), ("maybe", False)])
def test_intake_unsure_is_ask_or_accept(value, ok):
    text = TEXT.replace("  unsure: ask", f"  unsure: {value}", 1)
    if ok:
        assert parse_config(text).intake_unsure == value
    else:
        assert any("intake.unsure is 'maybe', allowed: ask | accept" in p for p in problems(text))
