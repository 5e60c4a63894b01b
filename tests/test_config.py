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
