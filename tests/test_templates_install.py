"""`gl-cs templates install [--dry-run]` (repository files API mocked with `responses`
until the sandbox serves it) and the Jinja templates: `validate` catches an unknown
variable, values from issues render inert."""

from __future__ import annotations

import base64
from pathlib import Path
import json
import re

import pytest
import responses
from click.testing import CliRunner

from conftest import RULES, TOKEN
from gl_cs.cli import cli
from gl_cs.commands.templates import SOURCE, planned_files, templates
from gl_cs.render import Trusted, check_templates, inert, render

URL = "https://gitlab.example.com"
API = f"{URL}/api/v4/projects/sa-team%2Fsa-service-desk"
JSON = {"Content-Type": "application/json"}
FILES = re.compile(re.escape(API) + r"/repository/files/(.+?)(\?.*)?$")


@pytest.fixture
def command():
    assert cli.commands["templates"] is templates  # registered by gl_cs.cli
    return lambda *args: CliRunner().invoke(cli, ["--gitlab-url", URL, "--token", TOKEN, "--config", str(RULES),
                                                  "templates", "install", *args], catch_exceptions=False)


class Repo:
    """The files endpoints of one project, in memory."""

    def __init__(self, rsps, files=None):
        self.files = dict(files or {})
        self.writes = []
        rsps.add(responses.GET, f"{URL}/api/v4/user", json={"id": 1, "username": "gl-cs-bot"})
        rsps.add(responses.GET, API, json={"id": 10, "default_branch": "main"})
        rsps.add_callback(responses.GET, FILES, callback=self.get)
        rsps.add_callback(responses.POST, FILES, callback=self.write)
        rsps.add_callback(responses.PUT, FILES, callback=self.write)

    @staticmethod
    def _path(request):
        from urllib.parse import unquote

        return unquote(FILES.match(request.url).group(1))

    def get(self, request):
        path = self._path(request)
        if path not in self.files:
            return 404, JSON, json.dumps({"message": "404 File Not Found"})
        content = base64.b64encode(self.files[path].encode()).decode()
        return 200, JSON, json.dumps({"file_path": path, "file_name": path.rsplit("/", 1)[-1], "encoding": "base64",
                                    "content": content, "ref": "main", "size": len(self.files[path])})

    def write(self, request):
        path = self._path(request)
        body = json.loads(request.body)
        self.writes.append((request.method, path, body["branch"], body["commit_message"]))
        self.files[path] = body["content"]
        return (201 if request.method == "POST" else 200), JSON, json.dumps({"file_path": path, "branch": body["branch"]})


def test_the_templates_to_install():
    names = [path for path, _ in planned_files()]
    assert names == [".gitlab/issue_templates/Customer Onboarding.md",
                     ".gitlab/issue_templates/Live Optimization Request.md",
                     ".gitlab/issue_templates/SA Activity.md"]
    for _, content in planned_files():
        quick = [l for l in content.splitlines() if l.startswith("/")]
        assert len(quick) == 1 and quick[0].startswith("/label ") and '~"SA Backlog"' in quick[0]


def test_dry_run_shows_the_diff_and_writes_nothing(command):
    onboarding = (SOURCE / "Customer_Onboarding.md").read_text()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        repo = Repo(rsps, {".gitlab/issue_templates/SA Activity.md": (SOURCE / "SA_Activity.md").read_text(),
                           ".gitlab/issue_templates/Customer Onboarding.md": onboarding.replace("## Tier", "## Plan")})
        result = command("--dry-run")
    out = result.output
    assert result.exit_code == 0, out
    assert ".gitlab/issue_templates/SA Activity.md: unchanged" in out
    assert ".gitlab/issue_templates/Customer Onboarding.md: would be updated" in out
    assert "-## Plan" in out and "+## Tier" in out
    assert ".gitlab/issue_templates/Live Optimization Request.md: would be created" in out
    assert "+++ b/.gitlab/issue_templates/Live Optimization Request.md" in out and "--- /dev/null" in out
    assert "2 templates would change" in out
    assert repo.writes == []


def test_install_creates_updates_and_then_has_nothing_to_do(command):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        repo = Repo(rsps, {".gitlab/issue_templates/Customer Onboarding.md": "old\n"})
        first = command()
        assert first.exit_code == 0, first.output
        assert sorted((m, p) for m, p, _, _ in repo.writes) == [
            ("POST", ".gitlab/issue_templates/Live Optimization Request.md"),
            ("POST", ".gitlab/issue_templates/SA Activity.md"),
            ("PUT", ".gitlab/issue_templates/Customer Onboarding.md")]
        assert all(branch == "main" for _, _, branch, _ in repo.writes)
        repo.writes.clear()
        second = command()
    assert second.exit_code == 0 and repo.writes == []
    assert "all templates are up to date" in second.output


def test_validate_catches_a_template_naming_an_unknown_variable(tmp_path):
    assert check_templates() == []
    (tmp_path / "renewal_review.md.j2").write_text("Renewal for {{ customer }} on {{ renewal_day }}\n")
    (tmp_path / "checklist_overdue.md.j2").write_text("{% for x in %}\n")
    problems = check_templates(str(tmp_path))
    assert any(p.startswith("renewal_review.md.j2: 'renewal_day' is undefined") for p in problems), problems
    assert any("checklist_overdue.md.j2:1: template syntax error" in p for p in problems), problems


def test_the_sandbox_keeps_templates_from_python_internals(tmp_path):
    (tmp_path / "kind_complete.md.j2").write_text("{{ state.__class__.__mro__ }}\n")
    [problem] = check_templates(str(tmp_path))
    assert "kind_complete.md.j2" in problem


@pytest.mark.parametrize("text", ["/close", "@all please", "{{ 7*7 }}", "{% raw %}x", "#12 ~\"SA Doing\" %1",
                                  "line\n/assign @eve.ae", "a\u2028/close", "<!-- gl-cs:create:x -->"])
def test_values_from_issues_render_inert(text):
    out = render("kind_complete.md.j2", {"state": text})
    assert "@all" not in out and "{{" not in out and "{%" not in out and "49" not in out
    assert not any(l.lstrip().startswith("/") for l in out.splitlines())
    assert "#12" not in out and "<!--" not in out


def test_trusted_values_and_not_given():
    assert inert(None) == "not given" and inert(Trusted("@eve.ae")) == "@eve.ae" and inert("@eve.ae") != "@eve.ae"


def test_templates_install_against_the_sandbox_shows_the_diff_then_commits_then_has_nothing_to_do(desk):
    """The sandbox answers the repository files API as GitLab does: a dry run shows each
    template's diff and writes nothing; install commits them; a second run changes nothing."""
    desk.store.add_user("mia.lead")
    desk.store.add_member(desk.project_id, "mia.lead", 40)
    dry = desk.run("templates", "install", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert ".gitlab/issue_templates/Customer Onboarding.md: would be created" in dry.stdout
    assert "+/label ~" in dry.stdout  # the diff, line by line
    assert desk.store.file(desk.project_id, ".gitlab/issue_templates/Customer Onboarding.md") is None
    real = desk.run("templates", "install")
    assert real.exit_code == 0, real.output
    installed = desk.store.file(desk.project_id, ".gitlab/issue_templates/SA Activity.md")
    assert installed == (Path(__file__).resolve().parents[1] / "issue_templates" / "SA_Activity.md").read_text()
    writes = desk.sandbox.requests.writes()
    again = desk.run("templates", "install")
    assert again.exit_code == 0 and "all templates are up to date" in again.stdout
    assert desk.sandbox.requests.writes() == writes
