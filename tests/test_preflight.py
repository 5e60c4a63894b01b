"""Every mistake caught before the first write (issue 13): a URL that is not a GitLab API,
a token that cannot write, a wrong project or URL, an unreachable GitLab, an unwritable
report path, a redirect to another host, plain http. Each: exit 2, one clear line on
stderr, zero writes, and never the token."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import responses
from click.testing import CliRunner

from conftest import NOW, PROJECT, RULES, TOKEN
from gl_cs.cli import cli
from gl_cs.gitlab.adapter import GitLab, GitLabError, NotGitLabAPI, PreflightError, UnsafeRedirect

SECRET = "glpat-preflight-SECRET-42"


# --------------------------------------------------------------------------- tiny servers

class Tiny:
    """A one-purpose HTTP server on 127.0.0.1 (stopped by the fixture): ``answer(handler)``
    returns (status, headers, body); every request's path and headers are recorded."""

    def __init__(self, answer):
        self.seen: list[tuple[str, str, dict]] = []
        tiny = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                tiny.seen.append((self.command, self.path, dict(self.headers)))
                status, headers, body = answer(self)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tiny():
    started: list[Tiny] = []

    def start(answer) -> Tiny:
        server = Tiny(answer)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Sign in - Corp SSO</title></head><body><form></form></body></html>"


def gl_cs(url: str, *args: str, token: str = SECRET, project: str = PROJECT, env: dict | None = None):
    argv = ["--gitlab-url", url, "--token", token, "--project", project, "--config", str(RULES),
            "--now", NOW.isoformat(), *args]
    return CliRunner().invoke(cli, argv, env=env or {}, catch_exceptions=False)


def error_lines(result) -> list[str]:
    return [l for l in result.stderr.splitlines()
            if not l.startswith(("gl-cs: clock pinned", "gl-cs: note:"))]  # notices, not errors


def assert_one_clear_line(result, *words: str) -> str:
    assert result.exit_code == 2, result.output
    lines = error_lines(result)
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("gl-cs: "), line
    for word in words:
        assert word in line, (word, line)
    assert "Traceback" not in result.output and "TypeError" not in line and "KeyError" not in line
    assert SECRET not in result.output
    assert "issues checked" not in result.output  # never a success-looking summary
    return line


# --------------------------------------------------------------------------- not a GitLab API

def test_login_page_is_not_a_gitlab_api(tiny):
    sso = tiny(lambda h: (200, {"Content-Type": "text/html; charset=utf-8"}, LOGIN_PAGE))
    result = gl_cs(sso.url(), "sync")
    line = assert_one_clear_line(result, "this is not a GitLab API: got an HTML page from", sso.url())
    assert "<html" not in result.output.lower()
    assert [m for m, _, _ in sso.seen] == ["GET"]  # one request, no write


def test_login_page_on_a_dry_run_too(tiny):
    sso = tiny(lambda h: (200, {"Content-Type": "text/html"}, LOGIN_PAGE))
    assert_one_clear_line(gl_cs(sso.url(), "sync", "--dry-run"), "not a GitLab API")


def test_redirect_to_a_login_page_on_the_same_host(tiny):
    def answer(h):
        if h.path.startswith("/api/"):
            return 302, {"Location": "/users/sign_in"}, b""
        return 200, {"Content-Type": "text/html"}, LOGIN_PAGE
    proxy = tiny(answer)
    line = assert_one_clear_line(gl_cs(proxy.url(), "sync"), "not a GitLab API: got an HTML page from",
                                 f"{proxy.url()}/users/sign_in")


def test_json_without_the_fields_gl_cs_reads(tiny):
    other = tiny(lambda h: (200, {"Content-Type": "application/json"}, b'{"status": "ok"}'))
    assert_one_clear_line(gl_cs(other.url(), "sync"), "not a GitLab API", other.url())


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


BASE = "https://gitlab.example.com"
API = f"{BASE}/api/v4"
PROJECT_API = f"{API}/projects/sa-team%2Fsa-service-desk"


def test_adapter_html_answer_raises_not_gitlab_api(rsps):
    rsps.get(f"{API}/user", body=LOGIN_PAGE, content_type="text/html")
    with pytest.raises(NotGitLabAPI) as err:
        GitLab(BASE, TOKEN, PROJECT).current_user()
    assert f"got an HTML page from {API}/user" in str(err.value)
    assert not err.value.transient and err.value.__cause__ is None


def test_adapter_issue_list_of_the_wrong_shape_is_not_a_key_error(rsps):
    rsps.get(f"{PROJECT_API}/issues", json=[{"title": "no iid, no id"}])
    with pytest.raises(NotGitLabAPI) as err:
        list(GitLab(BASE, TOKEN, PROJECT).iter_issues())
    assert "JSON without the fields gl-cs reads" in str(err.value)


@pytest.mark.parametrize("method, path", [("iter_issues", "/issues"), ("labels", "/labels"),
                                          ("members", "/members/all"), ("notes", "/issues/1/notes"),
                                          ("label_events", "/issues/1/resource_label_events"),
                                          ("get_issue", "/issues/1")])
@pytest.mark.parametrize("body", [{"message": "ok"}, "hello", [{"unexpected": True}], [1, 2]])
def test_adapter_json_of_another_shape_is_never_a_raw_error(rsps, method, path, body):
    rsps.get(f"{PROJECT_API}{path}", json=body)
    gl = GitLab(BASE, TOKEN, PROJECT)
    call = {"iter_issues": lambda: list(gl.iter_issues()), "labels": gl.labels, "members": gl.members,
            "notes": lambda: gl.notes(1), "label_events": lambda: gl.label_events(1),
            "get_issue": lambda: gl.get_issue(1)}[method]
    with pytest.raises(NotGitLabAPI) as err:
        call()
    assert "not a GitLab API" in str(err.value) and BASE in str(err.value)


def test_adapter_html_404_is_named_not_dumped(rsps):
    rsps.get(f"{API}/user", status=404, body=b"<html><body><h1>404</h1>nginx</body></html>",
             content_type="text/html")
    with pytest.raises(NotGitLabAPI) as err:
        GitLab(BASE, TOKEN, PROJECT).current_user()
    assert "<" not in str(err.value) and BASE in str(err.value)


def test_adapter_proxy_502_html_is_still_retried(rsps, monkeypatch):
    import gitlab.utils
    monkeypatch.setattr(gitlab.utils.time, "sleep", lambda s: None)
    rsps.get(f"{API}/user", status=502, body=b"<html>Bad Gateway</html>", content_type="text/html")
    rsps.get(f"{API}/user", json={"id": 1, "username": "gl-cs-bot"})
    assert GitLab(BASE, TOKEN, PROJECT).current_user().username == "gl-cs-bot"


# --------------------------------------------------------------------------- the token's rights

def _user(rsps, **extra):
    rsps.get(f"{API}/user", json={"id": 7, "username": "gl-cs-bot", **extra})


def test_read_api_token_is_refused(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self",
             json={"id": 3, "name": "ro", "scopes": ["read_api", "read_user"], "active": True, "revoked": False})
    with pytest.raises(PreflightError) as err:
        GitLab(BASE, TOKEN, PROJECT).check_can_write()
    msg = str(err.value)
    assert "read_api" in msg and "api scope" in msg and PROJECT in msg and BASE in msg
    assert all(c.request.method == "GET" for c in rsps.calls)


def test_api_token_with_reporter_role_passes(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", json={"id": 3, "scopes": ["api"], "active": True})
    rsps.get(PROJECT_API, json={"id": 10, "permissions": {"project_access": {"access_level": 20},
                                                           "group_access": None}})
    GitLab(BASE, TOKEN, PROJECT).check_can_write()


@pytest.mark.parametrize("status", [401, 404])
def test_other_token_kinds_fall_back_to_the_project_role(rsps, status):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", status=status, json={"message": f"{status} Not Found"})
    rsps.get(PROJECT_API, json={"id": 10, "permissions": {"project_access": {"access_level": 10},
                                                           "group_access": None}})
    with pytest.raises(PreflightError) as err:
        GitLab(BASE, TOKEN, PROJECT).check_can_write()
    assert "Guest" in str(err.value) and "Reporter (20)" in str(err.value) and PROJECT in str(err.value)


def test_group_role_counts_and_inherited_role_is_read_from_members(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", status=404, json={"message": "404 Not Found"})
    rsps.get(PROJECT_API, json={"id": 10, "permissions": {"project_access": None, "group_access": None}})
    rsps.get(f"{API}/projects/10/members/all/7", json={"id": 7, "username": "gl-cs-bot", "access_level": 30})
    GitLab(BASE, TOKEN, PROJECT).check_can_write()


def test_not_a_member_is_refused(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", status=404, json={"message": "404 Not Found"})
    rsps.get(PROJECT_API, json={"id": 10, "permissions": {"project_access": None, "group_access": None}})
    rsps.get(f"{API}/projects/10/members/all/7", status=404, json={"message": "404 Not found"})
    with pytest.raises(PreflightError, match="no access"):
        GitLab(BASE, TOKEN, PROJECT).check_can_write()


def test_insufficient_scope_on_the_token_endpoint_means_no_api_scope(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", status=403,
             json={"error": "insufficient_scope", "scope": "api read_api"})
    with pytest.raises(PreflightError, match="can only read"):
        GitLab(BASE, TOKEN, PROJECT).check_can_write()


def test_revoked_token_is_refused(rsps):
    _user(rsps)
    rsps.get(f"{API}/personal_access_tokens/self", json={"id": 3, "scopes": ["api"], "active": False,
                                                         "revoked": True})
    with pytest.raises(PreflightError, match="revoked or expired"):
        GitLab(BASE, TOKEN, PROJECT).check_can_write()


def _guest_desk(desk):
    desk.store.add_user("ro.bot")
    desk.store.add_token("ro-token", "ro.bot")
    desk.store.add_member(desk.project_id, "ro.bot", 10)


def test_sync_with_a_guest_token_stops_before_the_first_write(desk):
    _guest_desk(desk)
    for _ in range(3):
        desk.issue(labels=("FY27-Q4",))  # each needs a workflow label: there is something to write
    desk.sandbox.requests.reset()
    result = gl_cs(desk.sandbox.url, "sync", token="ro-token")
    line = assert_one_clear_line(result, "ro.bot has Guest", PROJECT, desk.sandbox.url)
    assert desk.sandbox.requests.writes() == 0


def test_sync_with_a_read_api_token_stops_before_the_first_write(desk, monkeypatch):
    # The sandbox does not serve /personal_access_tokens/self yet: its answer is stubbed.
    monkeypatch.setattr(GitLab, "token_scopes", lambda self: ["read_api"])
    for _ in range(3):
        desk.issue(labels=("FY27-Q4",))
    desk.sandbox.requests.reset()
    result = gl_cs(desk.sandbox.url, "sync", token=TOKEN)
    assert_one_clear_line(result, "can only read (read_api)", "api scope", PROJECT, desk.sandbox.url)
    assert desk.sandbox.requests.writes() == 0


def test_dry_run_with_a_guest_token_still_works(desk):
    _guest_desk(desk)
    desk.issue(labels=("FY27-Q4",))
    result = gl_cs(desk.sandbox.url, "sync", "--dry-run", token="ro-token")
    assert result.exit_code == 0, result.output


def test_a_sync_with_nothing_to_write_costs_no_preflight_request(desk):
    desk.issue()  # settled
    desk.sandbox.requests.reset()
    result = gl_cs(desk.sandbox.url, "sync", token=TOKEN)
    assert result.exit_code == 0, result.output
    assert desk.sandbox.requests.get("GET", "/projects/:id") == 0
    assert desk.sandbox.requests.total() == 4  # /user, labels, open and closed issues


def test_the_preflight_runs_once_per_sync(desk):
    for _ in range(3):
        desk.issue(labels=("FY27-Q4",))
    result = gl_cs(desk.sandbox.url, "sync", token=TOKEN)
    assert result.exit_code == 0, result.output
    assert desk.sandbox.requests.get("GET", "/projects/:id") == 1
    assert desk.sandbox.requests.writes() == 3


# --------------------------------------------------------------------------- wrong project or URL

def test_wrong_project_names_the_project_and_url(desk):
    result = gl_cs(desk.sandbox.url, "sync", token=TOKEN, project="nobody/nothing")
    line = assert_one_clear_line(result, "project 'nobody/nothing' not found", desk.sandbox.url, "404")
    assert "404 404" not in line
    assert desk.sandbox.requests.writes() == 0


def test_wrong_url_path_names_the_url(tiny):
    # GitLab's web pages answer an unknown path with an HTML 404 page
    web = tiny(lambda h: (404, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>The page could not be found"))
    line = assert_one_clear_line(gl_cs(web.url() + "/gitlab", "sync"), "not a GitLab API",
                                 web.url() + "/gitlab/api/v4/user")
    assert "<" not in line


# --------------------------------------------------------------------------- unreachable

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused_names_the_url_and_cause():
    url = f"http://127.0.0.1:{_free_port()}"
    assert_one_clear_line(gl_cs(url, "sync"), url, "connection refused")


def test_timeout_names_the_url_and_cause():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        result = CliRunner().invoke(cli, ["--gitlab-url", url, "--token", SECRET, "--project", PROJECT,
                                          "--config", str(RULES), "--timeout", "0.2", "sync"])
        assert_one_clear_line(result, url, "timeout")
    finally:
        silent.close()


def test_dns_failure_names_the_cause(rsps):
    from urllib3.exceptions import MaxRetryError, NameResolutionError
    reason = NameResolutionError("gitlab.example.com", None, OSError("[Errno -2] Name or service not known"))
    rsps.get(f"{API}/user", body=requests.ConnectionError(MaxRetryError(None, f"{API}/user", reason)))
    with pytest.raises(GitLabError) as err:
        GitLab(BASE, TOKEN, PROJECT, max_retries=0).current_user()
    assert "DNS lookup failed" in str(err.value) and BASE in str(err.value) and err.value.status is None


# --------------------------------------------------------------------------- report path

@pytest.mark.parametrize("where", ["missing-dir/report.json", "a-file/report.json", "/proc/gl-cs-report.json",
                                   "a-dir"])
def test_unwritable_report_path_is_found_before_any_request(desk, tmp_path, where):
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "a-dir").mkdir()
    path = where if where.startswith("/") else str(tmp_path / where)
    desk.issue(labels=("FY27-Q4",))
    desk.sandbox.requests.reset()
    result = gl_cs(desk.sandbox.url, "sync", "--report", path, token=TOKEN)
    assert_one_clear_line(result, "cannot write the report to", path)
    assert desk.sandbox.requests.total() == 0


# --------------------------------------------------------------------------- redirects and http

def test_redirect_to_another_host_never_gets_the_token(tiny):
    other = tiny(lambda h: (200, {"Content-Type": "application/json"}, b'{"id": 1, "username": "evil"}'))
    moved = tiny(lambda h: (301, {"Location": f"{other.url('localhost')}{h.path}"}, b""))
    result = gl_cs(moved.url(), "sync")
    assert_one_clear_line(result, "redirected to another host", other.url("localhost"), "never sent there")
    assert other.seen == []  # refused before the request: no token, nothing at all
    assert len(moved.seen) == 1 and moved.seen[0][2].get("PRIVATE-TOKEN") == SECRET


def test_redirect_to_another_port_of_the_same_host_is_another_host(tiny):
    other = tiny(lambda h: (200, {"Content-Type": "application/json"}, b'{"id": 1, "username": "evil"}'))
    moved = tiny(lambda h: (302, {"Location": f"{other.url()}{h.path}"}, b""))
    assert_one_clear_line(gl_cs(moved.url(), "sync"), "redirected to another host")
    assert other.seen == []


def test_same_host_redirect_is_followed_with_the_token(tiny):
    def answer(h):
        if h.path.startswith("/old/"):
            return 301, {"Location": h.path[len("/old"):]}, b""
        assert h.headers.get("PRIVATE-TOKEN") == TOKEN
        return 200, {"Content-Type": "application/json"}, b'{"id": 7, "username": "gl-cs-bot"}'
    server = tiny(answer)
    assert GitLab(server.url() + "/old", TOKEN, PROJECT).current_user().username == "gl-cs-bot"
    assert [p for _, p, _ in server.seen] == ["/old/api/v4/user", "/api/v4/user"]


def test_adapter_refuses_cross_host_redirect(rsps):
    rsps.get(f"{API}/user", status=301, headers={"Location": "https://evil.example.net/api/v4/user"})
    rsps.get("https://evil.example.net/api/v4/user", json={"id": 1, "username": "x"})
    with pytest.raises(UnsafeRedirect) as err:
        GitLab(BASE, TOKEN, PROJECT).current_user()
    assert "evil.example.net" in str(err.value) and TOKEN not in str(err.value)
    assert [c.request.url for c in rsps.calls] == [f"{API}/user"]


def test_pagination_link_to_another_host_stays_on_the_configured_host(rsps):
    first = [{"id": 1, "iid": 1, "title": "a", "state": "opened", "labels": [], "created_at": "2026-01-01T00:00:00Z",
              "updated_at": "2026-01-01T00:00:00Z", "web_url": "x", "description": "", "author": None,
              "assignees": []}]
    rsps.get(f"{PROJECT_API}/issues", json=first, match=[responses.matchers.query_param_matcher(
        {"state": "opened", "order_by": "created_at", "sort": "asc", "per_page": "100"})],
        headers={"Link": '<https://evil.example.net/api/v4/projects/x/issues?page=2>; rel="next"'})
    rsps.get("https://evil.example.net/api/v4/projects/x/issues", json=[])
    rsps.get(f"{API}/projects/x/issues", json=[])
    issues = list(GitLab(BASE, TOKEN, PROJECT).iter_issues())
    assert [i.iid for i in issues] == [1]
    assert all(c.request.url.startswith(BASE) for c in rsps.calls)


def test_plain_http_to_a_remote_host_needs_allow_http():
    result = gl_cs("http://gitlab.example.invalid", "sync")
    line = assert_one_clear_line(result, "plain http", "--allow-http")


def test_allow_http_warns_and_goes_on():
    result = gl_cs("http://gitlab.example.invalid", "--timeout", "1", "sync", env={"GL_CS_ALLOW_HTTP": "1"})
    lines = error_lines(result)
    assert lines[0].startswith("gl-cs: warning: http://gitlab.example.invalid is plain http")
    assert result.exit_code == 2 and SECRET not in result.output
    # .invalid never resolves: the second line names the URL and the cause
    assert len(lines) == 2 and "http://gitlab.example.invalid" in lines[1] and "cannot reach GitLab" in lines[1]
    assert "DNS lookup failed" in lines[1]


def test_local_http_needs_no_flag(desk):
    desk.issue()
    result = gl_cs(desk.sandbox.url, "sync", "--dry-run", token=TOKEN)
    assert result.exit_code == 0 and "plain http" not in result.output


def test_a_url_without_scheme_is_a_usage_error():
    assert_one_clear_line(gl_cs("gitlab.example.com", "sync"), "is not a URL")
