"""Several desks in one rules.yml: `projects:`, `group:` and per-desk `desks:` overrides,
each desk's configuration checked like a rules.yml of its own, every mistake at its line."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.config import ConfigError, parse_config
from gl_cs.config.canonical import digest
from gl_cs.config.desks import DeskRef, GroupSelection, load_desks, parse_desks

TEXT = RULES.read_text()
ONE = "project: sa-team/sa-service-desk"
SEVERAL = """projects: [sa-team/amer, sa-team/emea, 4242]
desks:
  sa-team/EMEA:
    timezone: Europe/Berlin
    team:
      roster: [ana.sa, ben.sa, chen.sa, dara.sa, eva.sa]
    triage:
      calls: {days: [Mon, Wed], time: "10:00", timezone: Europe/Berlin}
      capacity: 3
  4242:
    kinds:
      accounts_file: accounts-apac.csv
"""


def several(text: str = SEVERAL) -> str:
    assert ONE in TEXT
    return TEXT.replace(ONE, text.rstrip("\n"), 1)


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_desks(text)
    return err.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, l in enumerate(text.splitlines(), 1) if needle in l)


@pytest.fixture
def rules(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(several())
    (tmp_path / "accounts-apac.csv").write_text("customer,renewal_date,ae,sa\nTyrell Systems,2027-03-01,eve.ae,ana.sa\n")
    return path


def test_each_desk_gets_rules_yml_with_its_own_overrides(rules):
    settings = load_desks(rules)
    assert settings.several and [r.key for r in settings.listed] == ["sa-team/amer", "sa-team/emea", "4242"]
    amer, emea, apac = (settings.config_for(r) for r in settings.listed)
    assert (amer.project, amer.timezone, amer.triage.call_days, amer.triage.capacity) == \
        ("sa-team/amer", "America/Los_Angeles", (0, 1, 3), 5)
    assert (emea.project, emea.timezone, emea.roster[-1], emea.triage.call_days, emea.triage.call_time,
            emea.triage.call_timezone, emea.triage.capacity) == \
        ("sa-team/emea", "Europe/Berlin", "eva.sa", (0, 2), dt.time(10, 0), "Europe/Berlin", 3)
    assert emea.triage.issue_label == amer.triage.issue_label  # what the override does not say comes from rules.yml
    assert apac.project == 4242 and [a.customer for a in apac.accounts] == ["Tyrell Systems"]
    assert amer.accounts == ()


def test_a_desk_without_overrides_is_configured_exactly_as_a_one_desk_rules_yml(rules):
    """So its record (keyed by a digest of its configuration) survives the growth."""
    alone = parse_config(TEXT.replace(ONE, "project: sa-team/amer"))
    grown = load_desks(rules)
    assert digest(grown.config_for(grown.listed[0])) == digest(alone)
    assert digest(grown.config_for(grown.listed[1])) != digest(alone)


def test_project_still_names_one_desk():
    settings = parse_desks(TEXT)
    assert not settings.several and [r.project for r in settings.listed] == ["sa-team/sa-service-desk"]


def test_project_on_the_command_line_narrows_to_that_desk_with_its_overrides(rules):
    settings = load_desks(rules, project_override="sa-team/emea")
    assert not settings.several and settings.config_for(settings.listed[0]).timezone == "Europe/Berlin"


@pytest.mark.parametrize("written, expected", [
    ("group: sa-team", GroupSelection("sa-team")),
    ("group: 77", GroupSelection(77)),
    ("group: {path: sa-team, topic: sa-service-desk, name: '*-desk', subgroups: true}",
     GroupSelection("sa-team", "sa-service-desk", "*-desk", True)),
])
def test_a_group_names_its_desks(written, expected):
    settings = parse_desks(several(written))
    assert settings.group == expected and settings.listed == () and settings.several


def test_a_name_pattern_matches_the_projects_own_path():
    pick = GroupSelection("sa-team", name="*-Desk")
    assert pick.admits("sa-team/amer-desk") and pick.admits("sa-team/sub/emea-desk")
    assert not pick.admits("sa-team/desk-tools") and not pick.admits("desk-team/tools")


def test_an_override_for_a_group_desk_matches_its_path_or_its_id():
    settings = parse_desks(several("group: sa-team\ndesks:\n  sa-team/emea:\n    timezone: Europe/Berlin\n"
                                   "  31:\n    timezone: Asia/Tokyo"))
    emea = DeskRef(30, project_id=30, path="SA-Team/EMEA")
    apac = DeskRef(31, project_id=31, path="sa-team/apac")
    other = DeskRef(32, project_id=32, path="sa-team/smb")
    assert [settings.config_for(r).timezone for r in (emea, apac, other)] == \
        ["Europe/Berlin", "Asia/Tokyo", "America/Los_Angeles"]
    assert settings.config_for(emea).project == 30


@pytest.mark.parametrize("old, new, expected", [
    ("    timezone: Europe/Berlin\n    team", "    timezone: Europe/Berlinn\n    team",
     "desks.sa-team/EMEA: timezone 'Europe/Berlinn' is not a time zone"),
    ("      capacity: 3", "      capacity: lots", "desks.sa-team/EMEA.triage.capacity must be a whole number"),
    ('time: "10:00"', 'time: "25:00"', "desks.sa-team/EMEA.triage.calls.time"),
    ("  sa-team/EMEA:", "  sa-team/apac:", "desks.sa-team/apac is not one of the desks"),
    ("    timezone: Europe/Berlin\n    team", "    project: sa-team/x\n    team",
     "unknown key 'project' in desks.sa-team/EMEA"),
    ("  4242:", "  SA-team/emea:", "desks.SA-team/emea names the same desk as desks.sa-team/EMEA"),
    ("projects: [sa-team/amer, sa-team/emea, 4242]", "projects: [sa-team/amer, sa-team/emea, 4242, Sa-Team/Amer]",
     "projects[3] 'Sa-Team/Amer' is listed twice"),
    ("projects: [sa-team/amer, sa-team/emea, 4242]", "projects: []", "projects must not be empty"),
])
def test_mistakes_in_the_desks_point_at_their_line(old, new, expected):
    good = several()
    assert old in good
    broken = good.replace(old, new, 1)
    found = problems(broken)
    target = next(i for i, (a, b) in enumerate(zip(good.splitlines(), broken.splitlines()), 1) if a != b)
    hit = [p for p in found if expected in p]
    assert hit, found
    assert hit[0].startswith(f"rules.yml:{target}:"), (hit, target)


def test_an_override_that_breaks_a_rule_elsewhere_is_reported_at_that_line_for_that_desk():
    """A roster without the people of the rotation (written once, for every desk)."""
    text = several().replace("roster: [ana.sa, ben.sa, chen.sa, dara.sa, eva.sa]", "roster: [eva.sa]")
    found = problems(text)
    order = line_of(text, "order: [")
    assert f"rules.yml:{order}: desks.sa-team/EMEA: triage.rotation.order[0] 'ana.sa' is not in team.roster; " \
           f"roster: eva.sa" in found


def test_exactly_one_of_project_projects_and_group():
    both = TEXT.replace(ONE, ONE + "\nprojects: [sa-team/amer]")
    assert any("are alternatives" in p and p.startswith(f"rules.yml:{line_of(both, 'projects:')}:")
               for p in problems(both))
    none = TEXT.replace(ONE + "\n", "")
    assert any("missing the required key 'project' (or 'projects'" in p for p in problems(none))


def test_an_accounts_file_an_override_names_is_read_when_rules_yml_is(tmp_path):
    path = tmp_path / "rules.yml"
    path.write_text(several())
    with pytest.raises(ConfigError, match="accounts-apac.csv: no such file"):
        load_desks(path)


def test_validate_lists_the_desks_and_who_has_its_own_settings(rules):
    result = CliRunner().invoke(cli, ["--config", str(rules), "validate"])
    assert result.exit_code == 0, result.output
    assert "OK — 3 desks (sa-team/amer, sa-team/emea, 4242); own settings for 4242, sa-team/EMEA" in result.output
    grouped = rules.parent / "group.yml"
    grouped.write_text(several("group: {path: sa-team, topic: sa-service-desk}"))
    result = CliRunner().invoke(cli, ["--config", str(grouped), "validate"])
    assert "OK — the projects of group sa-team, topic 'sa-service-desk' (listed when a run starts)" in result.output
