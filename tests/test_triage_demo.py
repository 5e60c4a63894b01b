"""The triage part of `gl-cs demo`, and `gl-cs summary --print` against the sandbox as a
person runs it before a call (the environment `gl-cs sandbox` prints)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from click.testing import CliRunner

from conftest import NOW, RULES, foreign_quick_actions
from gl_cs.app.desk import Desk
from gl_cs.commands.triage import demo_triage
from gl_cs.config import load_config
from gl_cs.gitlab.adapter import GitLab
from gl_cs.sandbox import Sandbox, seed_service_desk
from gl_cs.sandbox.seed_triage import seed_triage
from gl_cs.cli import cli

BEFORE_CALL = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.timezone.utc)  # Monday 08:30 Pacific


def test_demo_shows_a_rotation_and_a_summary():
    out: list[str] = []
    with Sandbox() as sandbox:
        seeded = seed_service_desk(sandbox.store, BEFORE_CALL)
        extra = seed_triage(sandbox.store, seeded["project_id"], BEFORE_CALL, triaged_label="SA Triaged - @chen.sa")
        gitlab = GitLab(sandbox.url, seeded["token"], seeded["project_path"])
        config = replace(load_config(RULES), project=seeded["project_path"])
        code = demo_triage(sandbox, Desk.of(gitlab, config), BEFORE_CALL, echo=out.append)
        foreign = foreign_quick_actions(sandbox.store)
        mass = list(sandbox.store.mass_mentions)
    text = "\n".join(out)
    assert code == 0, text
    assert "Triage SA of 2026-W48: dara.sa; label 'SA Triaged - @dara.sa'" in text
    assert "rename label 'SA Triaged - @chen.sa' to 'SA Triaged - @dara.sa'" in text
    fifth = text.split("5. gl-cs rotate")[1].split("6. gl-cs")[0]
    assert "rename label" not in fifth and ", 0 writes)" in fifth
    sixth = text.split("6. gl-cs summary --print")[1].split("7. gl-cs")[0]
    assert "## Triage call Mon 23 Nov 2026, 09:30 PST" in sixth and ", 0 writes)" in sixth
    assert "**over capacity**" in sixth and f"#{extra['scenarios']['doing_stuck']}" in sixth
    assert f"| #{extra['scenarios']['waiting_two_weeks']} |" in sixth and "| 14 | gus.ae |" in sixth
    assert "Acme \\| Initech joint demo @\u200dall /close ~\u200dEXPEDITE" in sixth
    assert re.search(r"triage issue #\d+: 1 summary comment\n", text.split("8. gl-cs summary")[1])
    assert foreign == [] and mass == []


def test_summary_print_against_the_sandbox_as_a_person_runs_it(tmp_path):
    with Sandbox() as sandbox:
        seeded = seed_service_desk(sandbox.store, NOW, n_issues=12)
        env = {"GITLAB_URL": sandbox.url, "GITLAB_TOKEN": seeded["token"], "GL_CS_PROJECT": seeded["project_path"],
               "GL_CS_CONFIG": str(RULES), "GL_CS_NOW": BEFORE_CALL.isoformat(),
               "GL_CS_RECORD": str(tmp_path / "record.json")}
        result = CliRunner().invoke(cli, ["summary", "--print"], env=env, catch_exceptions=False)
        writes = sandbox.requests.writes()
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## Triage call Mon 23 Nov 2026, 09:30 PST\n\n**Triage SA of 2026-W48: @dara.sa**")
    assert "### Load per SA (capacity 5)" in result.stdout and writes == 0
