"""The GitLab adapter: the only module that talks to GitLab (through python-gitlab).

It knows GitLab's API and nothing of gl-cs's rules. It returns plain snapshots
(``gl_cs.read.snapshot``) and raises :class:`GitLabError` with a message a
person can act on, never containing the token.

Retries:
* 429: python-gitlab waits as ``Retry-After`` says and tries again (``obey_rate_limit``).
* 5xx on reads and on idempotent edits (``add_labels``/``remove_labels``/``assignee_ids``):
  python-gitlab retries with exponential back-off (``retry_transient_errors`` per call).
* 5xx on creating a note or an issue is *not* retried here: GitLab may have applied the
  write before failing, so the caller (``gl_cs.act``) looks for its marker first.

Safety of the connection (the session is a :class:`_GuardedSession`):
* the token goes to the configured scheme, host and port only: a redirect (or a
  pagination link) to any other host is refused with :class:`GitLabError` before the
  request is sent (``requests`` strips ``Authorization`` on such redirects, but not
  ``PRIVATE-TOKEN``);
* a 2xx/4xx answer that is not JSON (an SSO login page, a proxy) raises
  :class:`NotGitLabAPI`; so does JSON without the fields gl-cs reads.

Preflight: :meth:`GitLab.check_can_write` (token scopes, the user's access level on the
project) raises :class:`PreflightError`; :meth:`GitLab.check_writes_lazily` runs it
just before the first write instead.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlsplit

import gitlab
import requests
from gitlab import exceptions as gle

from ..read.snapshot import Issue, LabelEvent, Member, Note, Project, User

log = logging.getLogger(__name__)

PER_PAGE = 100


ACCESS_NAMES = {0: "no access", 5: "Minimal access", 10: "Guest", 20: "Reporter", 30: "Developer",
                40: "Maintainer", 50: "Owner"}
#: Editing labels and assignees of issues and posting notes needs the Reporter role.
REPORTER = 20
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class GitLabError(Exception):
    """A GitLab call failed. ``status`` is the HTTP status (None when GitLab could not be reached)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def transient(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


class NotGitLabAPI(GitLabError):
    """The URL answered, but not as GitLab's API does (an HTML login page, a proxy,
    JSON without the fields gl-cs reads). Never transient."""

    def __init__(self, message: str, status: int | None = 200):
        super().__init__(message, status)

    @property
    def transient(self) -> bool:
        return False


class UnsafeRedirect(GitLabError):
    """GitLab's URL redirected (or a link pointed) to another host: refused, so the token
    never leaves the configured host."""

    @property
    def transient(self) -> bool:
        return False


class PreflightError(GitLabError):
    """The token cannot write to the project (read-only scopes, too low a role)."""

    @property
    def transient(self) -> bool:
        return False


class AbortRun(BaseException):
    """Raised by the lazy preflight (:meth:`GitLab.check_writes_lazily`) before the first
    write when the token cannot write. A ``BaseException`` on purpose: the per-issue
    ``except Exception`` of the sync must not turn it into one failure per issue.
    ``error`` is the :class:`GitLabError` to show."""

    def __init__(self, error: GitLabError):
        super().__init__(str(error))
        self.error = error


class StopRun(BaseException):
    """The run must stop now, cleanly, with a partial report: its deadline passed
    (``--deadline``) or GitLab stopped answering (several timeouts in a row). A
    ``BaseException``, like :class:`AbortRun`, so no per-issue handler turns it into one
    failure per issue."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason  # "deadline" | "timeouts"


#: Seconds for which the first request is retried when the connection is refused or GitLab
#: answers 5xx (never more than --timeout).
FIRST_REQUEST_RETRY = 2.0

#: Timeouts in a row after which a run stops (GitLab is not answering at all).
CONSECUTIVE_TIMEOUTS = 3


# -- the session: the token stays on the configured host; answers must be JSON -------------

class _OffHost(requests.RequestException):
    def __init__(self, source: str, target: str, redirect: bool):
        super().__init__(f"{'redirect' if redirect else 'request'} to {target}")
        self.source, self.target, self.redirect = source, target, redirect


class _NotJSON(requests.RequestException):
    def __init__(self, url: str, status: int, what: str):
        super().__init__(f"{what} from {url}")
        self.url, self.status, self.what = url, status, what


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port or {"http": 80, "https": 443}.get(scheme, 0)


def _same_origin(allowed: tuple[str, str, int], url: str) -> bool:
    scheme, host, port = _origin(url)
    if host != allowed[1]:
        return False
    if (scheme, port) == (allowed[0], allowed[2]):
        return True
    # http -> https on the default ports of the same host is an upgrade, not a new host
    return allowed[0] == "http" and allowed[2] == 80 and (scheme, port) == ("https", 443)


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class _GuardedSession(requests.Session):
    """A ``requests.Session`` that never sends a request (or follows a redirect) to a
    host other than the configured one, and rejects answers that are not JSON."""

    def __init__(self, base_url: str):
        super().__init__()
        self.allowed = _origin(base_url)
        self._env_settings: dict[tuple, dict] = {}
        self.hooks["response"].append(self._check_answer)
        self.hooks["response"].append(self._count_answer)
        #: For the progress line: requests sent, 429 answers waited out.
        self.requests_sent = 0
        self.rate_limit_waits = 0
        #: time.monotonic() after which no read is sent (``--deadline``); None: none.
        self.deadline: float | None = None
        self.deadline_text = ""
        self.timeouts_in_a_row = 0

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        """The proxy and CA settings from the environment, read once per origin: they do not
        change while gl-cs runs (requests re-reads every variable on each request)."""
        if proxies or not self.trust_env or not isinstance(verify, (bool, str, type(None))) \
                or not isinstance(cert, (str, tuple, type(None))):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        key = (_origin(url), stream, verify, cert)
        cached = self._env_settings.get(key)
        if cached is None:
            cached = super().merge_environment_settings(url, proxies, stream, verify, cert)
            self._env_settings[key] = cached
        return dict(cached, proxies=dict(cached["proxies"]))

    def send(self, request, **kwargs):  # every request, the redirected ones included
        if request.url and not _same_origin(self.allowed, request.url):
            request.headers.pop("PRIVATE-TOKEN", None)
            request.headers.pop("JOB-TOKEN", None)
            raise _OffHost("", request.url, redirect=False)
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if request.method in ("GET", "HEAD") and left <= 0:
                raise StopRun(self.deadline_text, "deadline")
            if isinstance(kwargs.get("timeout"), (int, float)) and left > 0:
                kwargs["timeout"] = max(0.1, min(kwargs["timeout"], left))  # a request never outlives the run
        self.requests_sent += 1
        try:
            response = super().send(request, **kwargs)
        except requests.Timeout:
            self.timeouts_in_a_row += 1
            if self.timeouts_in_a_row >= CONSECUTIVE_TIMEOUTS:
                raise StopRun(f"GitLab did not answer {self.timeouts_in_a_row} requests in a row within "
                              f"{kwargs.get('timeout')} s (--timeout); stopping instead of waiting on every "
                              f"issue", "timeouts") from None
            raise
        self.timeouts_in_a_row = 0
        return response

    def _count_answer(self, response, *args, **kwargs):
        if response.status_code == 429:
            self.rate_limit_waits += 1
        return response

    def rebuild_auth(self, prepared_request, response):
        if not _same_origin(self.allowed, prepared_request.url):
            prepared_request.headers.pop("PRIVATE-TOKEN", None)
            prepared_request.headers.pop("Authorization", None)
            raise _OffHost(response.url, prepared_request.url, redirect=True)
        super().rebuild_auth(prepared_request, response)

    @staticmethod
    def _check_answer(response, *args, **kwargs):
        status = response.status_code
        if response.is_redirect or status >= 500 or status == 429 or status < 200:
            return response  # redirects are followed (or refused); 5xx and 429 are retried
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if not response.content or "json" in content_type:
            return response
        head = response.content[:512].lstrip().lower()
        looks_html = "html" in content_type or head.startswith((b"<!doctype", b"<html", b"<"))
        if status >= 300 and not looks_html:
            return response  # a plain-text error: python-gitlab reports it with its status
        raise _NotJSON(_strip_query(response.url), status,
                       "got an HTML page" if looks_html else f"got {content_type or 'an answer'} instead of JSON")


def _reach_cause(exc: requests.RequestException, timeout: float | None) -> str:
    """Why a host could not be reached: DNS, refused, timeout, TLS, in a few words."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s (timeout)" if timeout else "timed out"
    if isinstance(exc, requests.exceptions.SSLError):
        return "TLS/SSL error (certificate or protocol)"
    chain, seen = [exc], set()
    while chain:
        item = chain.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        name = item.__class__.__name__
        text = str(item)
        if name == "NameResolutionError" or "Name or service not known" in text or "nodename nor servname" in text \
                or "Temporary failure in name resolution" in text or "getaddrinfo failed" in text:
            return "DNS lookup failed: no such host"
        if isinstance(item, ConnectionRefusedError) or "Connection refused" in text:
            return "connection refused"
        if isinstance(item, (TimeoutError,)) or "timed out" in text:
            return "timed out"
        if isinstance(item, ConnectionResetError) or "Connection reset" in text:
            return "connection reset"
        chain.extend([getattr(item, "reason", None), item.__cause__, item.__context__,
                      *[a for a in getattr(item, "args", ()) if isinstance(a, BaseException)]])
    return exc.__class__.__name__


def _describe(exc: Exception, what: str, secret: str = "", url: str = "", project: str = "",
              timeout: float | None = None) -> GitLabError:
    where = f" at {url}" if url and url not in what else ""
    if isinstance(exc, _OffHost):
        target = _strip_query(exc.target)
        if exc.redirect:
            return UnsafeRedirect(f"{what}: {url or 'GitLab'} redirected to another host ({target}); gl-cs does "
                                  f"not follow it, so the token is never sent there. If GitLab moved, set "
                                  f"--gitlab-url / GITLAB_URL to the new address", None)
        return UnsafeRedirect(f"{what}: GitLab pointed to another host ({target}); refused, so the token "
                              f"is never sent there (check GitLab's external_url)", None)
    if isinstance(exc, _NotJSON):
        return NotGitLabAPI(f"this is not a GitLab API: {exc.what} from {exc.url} ({what}); check "
                            f"--gitlab-url / GITLAB_URL (the address of GitLab itself, without /api/v4)",
                            exc.status)
    if isinstance(exc, gle.RedirectError):
        return UnsafeRedirect(f"{what}: GitLab{where} answered with a redirect; set --gitlab-url / GITLAB_URL "
                              f"to the address it redirects to", None)
    if isinstance(exc, gle.GitlabParsingError):
        return NotGitLabAPI(f"this is not a GitLab API: the answer{(' from ' + url) if url else ''} is not "
                            f"readable JSON ({what})")
    if isinstance(exc, gle.GitlabAuthenticationError):
        return GitLabError(f"{what}: GitLab{where} rejected the token (401); check --token / GITLAB_TOKEN", 401)
    if isinstance(exc, gle.GitlabError):
        code = exc.response_code
        detail = exc.error_message
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        detail = str(detail or "").strip()
        if secret:  # GitLab (or a proxy) may echo the token back: never pass it on
            detail = detail.replace(secret, "[token]")
        if detail.lstrip().startswith("<"):
            detail = "(an HTML page)"
        if code and detail.startswith(f"{code} "):  # "404 Project Not Found": no "404 404"
            detail = detail[len(str(code)) + 1:]
        detail = detail[:200]
        if code == 404 and project and "project" in detail.lower():
            return GitLabError(f"{what}: GitLab answered 404: project '{project}' not found{where} "
                               f"(or the token cannot see it); check --project / GL_CS_PROJECT and rules.yml",
                               404)
        hint = {403: " (the token's user lacks permission)", 404: " (not found, or the token cannot see it)",
                429: " (rate limited; retries exhausted)"}.get(code or 0, "")
        return GitLabError(f"{what}: GitLab answered {code} {detail}{hint}".rstrip(), code)
    if isinstance(exc, requests.RequestException):
        cause = _reach_cause(exc, timeout)
        return GitLabError(f"{what}: cannot reach GitLab{where}: {cause} ({exc.__class__.__name__})", None)
    return GitLabError(f"{what}: {exc.__class__.__name__}", None)


def plain_http_problem(url: str) -> str | None:
    """Why ``url`` is not a safe place to send a token, or None. A remote ``http://``
    URL sends the token in clear text; 127.0.0.1 and localhost are fine."""
    scheme, host, _ = _origin(url)
    if scheme == "http" and host not in LOCAL_HOSTS:
        return f"{url} is plain http: the token would cross the network unencrypted"
    return None


def url_problem(url: str) -> str | None:
    """A GitLab URL gl-cs cannot use at all (no scheme or host), or None."""
    scheme, host, _ = _origin(url)
    if scheme not in ("http", "https") or not host:
        return f"'{url}' is not a URL; use the address of GitLab, e.g. https://gitlab.example.com"
    if url.rstrip("/").endswith("/api/v4"):
        return (f"'{url}' is GitLab's API path; use the address of GitLab itself, without /api/v4 "
                f"(gl-cs adds it)")
    return None


_SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError)


class Identity:
    """What GitLab says about the token: its user (``GET /user``), whether an admin, and its
    scopes. Read once, and shared by the adapters of one run (one per desk), so a run of
    many desks asks once, as a run of one does."""

    def __init__(self) -> None:
        self.user: User | None = None
        self.is_admin = False
        self.scopes_read = False
        self.scopes: list[str] | None = None


class GitLab:
    """One SA Service Desk project on one GitLab instance (``project`` None: the instance
    only, for what is not a project's: the token's user, a group's projects)."""

    def __init__(self, url: str, token: str, project: str | int | None, *, max_retries: int = 6,
                 timeout: float = 30.0, user_agent: str | None = None, job_token: bool = False,
                 on_notice: Callable[[str], None] | None = None, identity: Identity | None = None):
        from .. import __version__

        self.url = url.rstrip("/")
        self.project_ref = project
        self.max_retries = max_retries
        self.timeout = timeout
        self._secret = token
        #: Writes GitLab accepted so far (labels created, edits, comments): for the live report.
        self.writes_done = 0
        self.identity = identity or Identity()
        self._write_check: Callable[[], None] | None = None
        #: A CI/CD job token (sent as JOB-TOKEN): gl-cs only reads with it.
        self.job_token = job_token
        self.on_notice = on_notice or log.info
        #: Issues the sweep's lists announced (GitLab's x-total), for the progress line.
        self.issues_expected: int | None = None
        self._session = _GuardedSession(self.url)
        credentials = {"job_token": token} if job_token else {"private_token": token}
        self._gl = gitlab.Gitlab(self.url, timeout=timeout, retry_transient_errors=False, keep_base_url=True,
                                 session=self._session, user_agent=user_agent or f"gl-cs/{__version__}",
                                 **credentials)
        self._project = self._gl.projects.get(project, lazy=True) if project is not None else None

    # -- the run: deadline and counters --------------------------------------------
    @property
    def requests_sent(self) -> int:
        """HTTP requests sent so far (every attempt, retries included)."""
        return self._session.requests_sent

    @property
    def rate_limit_waits(self) -> int:
        """429 answers so far (each one waited out as Retry-After says)."""
        return self._session.rate_limit_waits

    def set_deadline(self, seconds: float | None, what: str = "--deadline", *, at: float | None = None) -> None:
        """No read is sent after ``seconds`` from now (or after the monotonic time ``at``:
        one deadline for every desk of a run), and no request waits past it: the run stops
        with :class:`StopRun` (a partial report). Writes already decided still go out, so an
        issue's change and its comment are never split."""
        if seconds is None:
            self._session.deadline = None
            return
        self._session.deadline = at if at is not None else time.monotonic() + seconds
        self._session.deadline_text = f"the run's deadline ({what} {seconds:g} s) passed"

    def check_deadline(self) -> None:
        """Raise :class:`StopRun` once the deadline has passed (between two issues)."""
        session = self._session
        if session.deadline is not None and time.monotonic() >= session.deadline:
            raise StopRun(session.deadline_text, "deadline")

    # -- helpers ---------------------------------------------------------
    def _error(self, exc: Exception, what: str) -> GitLabError:
        project = str(self.project_ref) if self.project_ref is not None else ""
        error = _describe(exc, what, self._secret, self.url, project, self.timeout)
        if self.job_token and error.status in (401, 403):
            return error.__class__(f"{error}. It was a CI/CD job token (CI_JOB_TOKEN), and GitLab lets job tokens "
                                   f"read only some APIs; set GITLAB_TOKEN to a token with read_api (enough for "
                                   f"--dry-run) or api", error.status)
        return error

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, max_retries=self.max_retries, **kwargs)
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, what) from None
        except _SHAPE_ERRORS as exc:  # python-gitlab read JSON of another shape (a dict for a list ...)
            raise self._not_api(what, exc) from None

    def _not_api(self, what: str, exc: Exception) -> NotGitLabAPI:
        return NotGitLabAPI(f"this is not a GitLab API: {self.url} answered JSON without the fields gl-cs "
                            f"reads ({what}: {exc.__class__.__name__} {str(exc)[:60]})")

    def _convert(self, what: str, fn, data):
        """Turn one JSON object into a snapshot; JSON of another shape is not GitLab's."""
        try:
            return fn(data)
        except _SHAPE_ERRORS as exc:
            raise self._not_api(what, exc) from None

    def _issue(self, iid: int):
        return self._project.issues.get(iid, lazy=True)

    def _before_write(self) -> None:
        check, self._write_check = self._write_check, None
        if check is not None:
            check()

    # -- preflight ---------------------------------------------------------
    def check_connection(self, *, sleep: Callable[[float], None] = time.sleep) -> User:
        """One request (``GET /user``, remembered for :meth:`current_user`): GitLab is
        reachable, is a GitLab API, and accepts the token. Raises :class:`GitLabError`.

        Retried only when a retry can help, and for at most ``timeout`` seconds (and
        :data:`FIRST_REQUEST_RETRY` at most): a refused or reset connection and a 5xx (a
        restarting GitLab), after 0.25, 0.5, 1 ... seconds; never a DNS failure, a TLS error
        or a timeout (the host already had the whole ``timeout`` to answer). The error
        says how many attempts were made."""
        if self.identity.user is not None:
            return self.identity.user
        budget = min(self.timeout, FIRST_REQUEST_RETRY)
        started = time.monotonic()
        attempts, wait = 0, 0.25
        while True:
            attempts += 1
            try:
                return self.current_user(retry=False)
            except GitLabError as exc:
                elapsed = time.monotonic() - started
                cause = str(exc)
                retriable = (exc.status is not None and exc.status >= 500) or (
                    exc.status is None and ("connection refused" in cause or "connection reset" in cause))
                if not retriable or elapsed + wait > budget:
                    if attempts > 1:
                        raise exc.__class__(f"{exc} ({attempts} attempts in {elapsed:.1f} s: gl-cs retries a "
                                            f"refused connection or a 5xx for up to {budget:g} s, the smaller of "
                                            f"--timeout and {FIRST_REQUEST_RETRY:g} s)", exc.status) from None
                    raise
                log.info("GitLab at %s: %s; trying again in %.2f s", self.url, cause.rsplit(": ", 1)[-1], wait)
                sleep(wait)
                wait *= 2

    def token_scopes(self) -> list[str] | None:
        """The token's scopes from ``GET /personal_access_tokens/self`` (read once per
        :class:`Identity`); None when GitLab does not say (another kind of token, an older
        GitLab). Raises :class:`PreflightError` for a revoked or inactive token."""
        if not self.identity.scopes_read:
            self.identity.scopes = self._read_token_scopes()
            self.identity.scopes_read = True
        return self.identity.scopes

    def _read_token_scopes(self) -> list[str] | None:
        what = f"reading the token's scopes at {self.url}"
        try:
            data = self._gl.http_get("/personal_access_tokens/self", retry_transient_errors=True,
                                     max_retries=self.max_retries)
        except gle.GitlabError as exc:
            body = exc.response_body or b""
            if exc.response_code == 403 and b"insufficient_scope" in (body if isinstance(body, bytes) else
                                                                      str(body).encode()):
                return ["(a scope without api)"]  # any token with the api scope may read itself
            if exc.response_code in (401, 403, 404):
                return None
            raise self._error(exc, what) from None
        except requests.RequestException as exc:
            raise self._error(exc, what) from None
        if not isinstance(data, dict):
            return None
        if data.get("revoked") is True or data.get("active") is False:
            raise PreflightError(f"the token is revoked or expired (GitLab at {self.url}); "
                                 f"check --token / GITLAB_TOKEN", 401)
        scopes = data.get("scopes")
        return [str(s) for s in scopes] if isinstance(scopes, list) else None

    def access_level(self, user: User) -> int:
        """The user's role on the project (10 Guest ... 50 Owner; 0 when not a member),
        from the project's ``permissions``, else from ``members/all/:user_id``."""
        what = f"reading project {self.project_ref} at {self.url}"
        project = self._call(what, self._gl.projects.get, self.project_ref, retry_transient_errors=True)
        perms = project.attributes.get("permissions") or {}
        levels = [int((perms.get(k) or {}).get("access_level") or 0) for k in ("project_access", "group_access")
                  if isinstance(perms.get(k), dict)]
        if levels and max(levels) > 0:
            return max(levels)
        # permissions are null for roles inherited from a parent group: ask the member list
        try:
            member = self._gl.http_get(f"/projects/{project.get_id()}/members/all/{user.id}",
                                       retry_transient_errors=True, max_retries=self.max_retries)
        except gle.GitlabError as exc:
            if exc.response_code == 404:
                return 0
            raise self._error(exc, what) from None
        except requests.RequestException as exc:
            raise self._error(exc, what) from None
        try:
            return int(member.get("access_level") or 0)
        except (AttributeError, TypeError, ValueError):
            raise NotGitLabAPI(f"this is not a GitLab API: {self.url} answered a membership without "
                               f"an access level") from None

    def check_can_write(self) -> None:
        """Raise :class:`PreflightError` (naming the project and URL) unless the token may
        edit issues and post notes on the project: the ``api`` scope (when GitLab says which
        scopes the token has) and the Reporter role or more. 2-4 requests; call it once,
        just before the first write."""
        user = self.current_user()
        where = f"project {self.project_ref} at {self.url}"
        scopes = self.token_scopes()
        if scopes is not None and not {"api", "granular"} & set(scopes):
            raise PreflightError(f"the token of {user.username} can only read ({', '.join(scopes) or 'no scopes'}), "
                                 f"so gl-cs cannot write to {where}; it needs a token with the api scope", 403)
        if self.identity.is_admin:
            return
        level = self.access_level(user)
        if level < REPORTER:
            role = ACCESS_NAMES.get(level, f"access level {level}")
            raise PreflightError(f"{user.username} has {role} on {where}; gl-cs needs Reporter (20) or more "
                                 f"to edit labels and post comments", 403)

    def check_writes_lazily(self) -> None:
        """Run :meth:`check_can_write` just before the first write of this adapter (so a
        sync with nothing to write costs no request). A failure raises :class:`AbortRun`
        from that write, before anything is sent."""
        def check() -> None:
            try:
                self.check_can_write()
            except GitLabError as exc:
                raise AbortRun(exc) from None
        self._write_check = check

    # -- reads -----------------------------------------------------------
    def current_user(self, *, retry: bool = True) -> User:
        """The user the token belongs to (the bot). Read once per adapter. A CI/CD job
        token cannot read ``/user``: its user is the one named by ``GET /job``."""
        if self.identity.user is not None:
            return self.identity.user
        if self.job_token:
            job = self._call(f"reading the CI job of the job token at {self.url}", self._gl.http_get, "/job",
                             retry_transient_errors=retry)
            data = job.get("user") if isinstance(job, dict) else None
        else:
            data = self._call(f"reading the token's user at {self.url}", self._gl.http_get, "/user",
                              retry_transient_errors=retry)
        if not isinstance(data, dict) or "id" not in data or "username" not in data:
            raise NotGitLabAPI(f"this is not a GitLab API: {self.url}/api/v4/user answered without a user "
                               f"(no 'id' and 'username'); check --gitlab-url / GITLAB_URL")
        user = self._convert("the token's user", User.from_api, data)
        self.identity.is_admin = bool(data.get("is_admin"))
        self.identity.user = user
        return user

    def iter_issues(self, *, state: str = "opened", updated_after: dt.datetime | None = None,
                    iids: Sequence[int] | None = None, labels: Sequence[str] | None = None) -> Iterator[Issue]:
        """Stream issues page by page (100 a page, oldest first, so edits don't shift pages).

        A page that still fails after retries raises :class:`GitLabError`: a failed list
        never reads as "no issues"."""
        query: dict[str, Any] = {"state": state, "order_by": "created_at", "sort": "asc", "per_page": PER_PAGE}
        if updated_after is not None:
            query["updated_after"] = updated_after.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if iids:
            query["iids"] = list(iids)
        if labels:
            query["labels"] = ",".join(labels)
        if iids:
            query["iids[]"] = [int(i) for i in query.pop("iids")]  # GitLab's array parameter
        what = f"listing {state} issues of {self.project_ref}"
        # plain JSON pages (no python-gitlab object per issue: a sweep reads thousands)
        pages = self._call(what, self._gl.http_list, self._project.issues.path, query_data=query, iterator=True,
                           retry_transient_errors=True)
        total = getattr(pages, "total", None)
        if not iids and not labels and isinstance(total, int):  # the sweep's lists, for the progress line
            self.issues_expected = (self.issues_expected or 0) + total
        while True:
            try:
                obj = next(pages)
            except StopIteration:
                return
            except (gle.GitlabError, requests.RequestException) as exc:
                raise self._error(exc, what) from None
            except _SHAPE_ERRORS as exc:
                raise self._not_api(what, exc) from None
            if not isinstance(obj, dict):
                raise self._not_api(what, TypeError(f"an issue listed as {type(obj).__name__}"))
            yield self._convert(what, Issue.from_api, obj)

    def get_issue(self, iid: int) -> Issue:
        found = self._call(f"reading #{iid}", self._project.issues.get, iid, retry_transient_errors=True)
        return self._convert(f"reading #{iid}", Issue.from_api, found.attributes)

    def label_events(self, iid: int) -> list[LabelEvent]:
        events = self._call(f"reading label events of #{iid}", self._gl.http_list,
                            f"{self._project.issues.path}/{int(iid)}/resource_label_events",
                            query_data={"per_page": PER_PAGE}, get_all=True, retry_transient_errors=True)
        return [self._convert("label events", LabelEvent.from_api, e) for e in self._dicts("label events", events)]

    def members(self) -> list[Member]:
        found = self._call(f"listing members of project {self.project_ref}", self._project.members_all.list,
                           get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        return [self._convert("project members", Member.from_api, m.attributes) for m in found]

    def labels(self) -> list[dict[str, Any]]:
        found = self._call(f"listing labels of project {self.project_ref} at {self.url}", self._project.labels.list,
                           get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        labels = [dict(l.attributes) for l in found]
        if any("name" not in l for l in labels):
            raise NotGitLabAPI(f"this is not a GitLab API: {self.url} listed labels without names")
        return labels

    def notes(self, iid: int) -> list[Note]:
        found = self._call(f"reading comments of #{iid}", self._gl.http_list,
                           f"{self._project.issues.path}/{int(iid)}/notes",
                           query_data={"per_page": PER_PAGE, "sort": "asc"}, get_all=True, retry_transient_errors=True)
        return [self._convert("comments", Note.from_api, n) for n in self._dicts("comments", found)]

    def _dicts(self, what: str, items) -> list[dict[str, Any]]:
        """A list answer as JSON objects (anything else is not GitLab's API)."""
        items = list(items) if isinstance(items, (list, tuple)) else items
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise self._not_api(what, TypeError("not a list of objects"))
        return items

    def issue_template_names(self) -> list[str]:
        """The names in GitLab's "Choose a template" list (``GET /projects/:id/templates/issues``)."""
        found = self._call(f"listing issue templates of {self.project_ref}", self._gl.http_list,
                           f"/projects/{self._project.encoded_id}/templates/issues", get_all=True,
                           retry_transient_errors=True)
        return [str(t.get("name") or t.get("key")) for t in found if isinstance(t, dict)]

    # -- writes ----------------------------------------------------------
    def create_label(self, name: str, color: str, description: str = "") -> None:
        self._before_write()
        try:
            self._project.labels.create({"name": name, "color": color, "description": description},
                                        max_retries=self.max_retries)
            self.writes_done += 1
        except gle.GitlabCreateError as exc:
            if exc.response_code == 409:  # created meanwhile (or by our own retried request)
                return
            raise self._error(exc, f"creating label '{name}'") from None
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, f"creating label '{name}'") from None

    def edit_issue(self, iid: int, *, add_labels: Sequence[str] = (), remove_labels: Sequence[str] = (),
                   assignee_ids: Sequence[int] | None = None, due_date: object = False) -> Issue | None:
        """One PUT: label deltas (never a full ``labels=`` overwrite) and assignees. Idempotent.
        Returns the issue as GitLab answered (its ``updated_at`` after the edit)."""
        data: dict[str, Any] = {}
        if add_labels:
            data["add_labels"] = ",".join(add_labels)
        if remove_labels:
            data["remove_labels"] = ",".join(remove_labels)
        if assignee_ids is not None:
            data["assignee_ids"] = list(assignee_ids)
        if due_date is not False:  # a date, or None to clear it
            data["due_date"] = due_date.isoformat() if due_date else ""
        if not data:
            return None
        self._before_write()
        answer = self._call(f"editing #{iid}", self._project.issues.update, iid, data, retry_transient_errors=True)
        self.writes_done += 1
        return Issue.from_api(answer) if isinstance(answer, dict) and "iid" in answer else None

    def create_note(self, iid: int, body: str) -> int | None:
        """POST a comment once, without blind retries on 5xx (see module docstring).
        Returns the new note's id."""
        self._before_write()
        note = self._call(f"commenting on #{iid}", self._issue(iid).notes.create, {"body": body},
                          retry_transient_errors=False)
        self.writes_done += 1
        return int(note.attributes["id"]) if note is not None and "id" in note.attributes else None

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        """Rewrite one of gl-cs's own comments (never a person's)."""
        self._before_write()
        self._call(f"editing comment {note_id} on #{iid}", self._issue(iid).notes.update, note_id, {"body": body},
                   retry_transient_errors=True)
        self.writes_done += 1

    def delete_note(self, iid: int, note_id: int) -> None:
        """Delete one of gl-cs's own comments (only ever a duplicate of an earlier one)."""
        self._before_write()
        self._call(f"deleting duplicate comment {note_id} on #{iid}", self._issue(iid).notes.delete, note_id,
                   retry_transient_errors=True)
        self.writes_done += 1

    # -- project-level writes (issues opened from templates, links, labels, files) ----------
    def search_issues(self, text: str) -> Iterator[Issue]:
        """Issues, open or closed, whose description contains ``text`` (GitLab's search)."""
        what = f"searching issues of {self.project_ref}"
        pages = self._call(what, self._project.issues.list, iterator=True, retry_transient_errors=True,
                           search=text, **{"in": "description"}, state="all", per_page=PER_PAGE)
        try:
            for obj in pages:
                yield Issue.from_api(obj.attributes)
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, what) from None

    def create_issue(self, data: dict[str, Any]) -> Issue:
        """POST an issue once, never retried blindly (the caller looks for its key first)."""
        self._before_write()
        created = self._call("opening an issue", self._project.issues.create, data, retry_transient_errors=False)
        self.writes_done += 1
        return Issue.from_api(created.attributes)

    def close_duplicate(self, iid: int, original_iid: int) -> None:
        """Close an issue gl-cs opened twice (a racing run), pointing at the first copy."""
        self._before_write()
        self._call(f"closing duplicate #{iid}", self._issue(iid).notes.create,
                   {"body": f"gl-cs opened this twice; #{original_iid} is the one to use.\n\n"
                            f"/duplicate #{original_iid}"}, retry_transient_errors=False)
        self._call(f"closing duplicate #{iid}", self._project.issues.update, iid, {"state_event": "close"},
                   retry_transient_errors=True)

    def close_issue(self, iid: int) -> Issue | None:
        """Close an issue (idempotent: closing a closed issue changes nothing)."""
        self._before_write()
        answer = self._call(f"closing #{iid}", self._project.issues.update, iid, {"state_event": "close"},
                            retry_transient_errors=True)
        self.writes_done += 1
        return Issue.from_api(answer) if isinstance(answer, dict) and "iid" in answer else None

    def link_issues(self, iid: int, target_iid: int) -> None:
        self._before_write()
        try:
            self._call(f"linking #{iid} to #{target_iid}", self._issue(iid).links.create,
                       {"target_project_id": str(self.project_ref), "target_issue_iid": target_iid},
                       retry_transient_errors=False)
        except GitLabError as exc:
            if exc.status != 409:  # already linked
                raise

    def rename_label(self, old: str, new: str) -> None:
        """Rename a label (GitLab keeps it on its issues). A retry after a 5xx that had
        landed finds the old name gone (404): done when the new name is there."""
        self._before_write()
        try:
            self._call(f"renaming label '{old}'", self._project.labels.update, old, {"new_name": new},
                       retry_transient_errors=True)
        except GitLabError as exc:
            if exc.status != 404 or not any(l.get("name") == new for l in self.labels()):
                raise

    def read_file(self, path: str, ref: str | None = None) -> str | None:
        """A repository file's text on ``ref`` (default branch), None when it does not exist."""
        try:
            found = self._project.files.get(path, ref=ref or self._default_branch(), max_retries=self.max_retries,
                                            retry_transient_errors=True)
        except gle.GitlabGetError as exc:
            if exc.response_code == 404:
                return None
            raise self._error(exc, f"reading {path}") from None
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, f"reading {path}") from None
        return found.decode().decode("utf-8")

    def write_file(self, path: str, content: str, message: str, branch: str | None = None, *,
                   create: bool) -> None:
        data = {"file_path": path, "branch": branch or self._default_branch(), "content": content,
                "commit_message": message}
        self._before_write()
        if create:
            self._call(f"creating {path}", self._project.files.create, data, retry_transient_errors=False)
        else:
            self._call(f"updating {path}", self._gl.http_put,
                       f"/projects/{self._project.encoded_id}/repository/files/{_quote(path)}",
                       post_data=data, retry_transient_errors=True)

    def project_identity(self) -> tuple[int, str]:
        """The project's numeric id and its path (``GET /projects/:id``): the webhook
        service recognises events by the id, which survives a rename or a move."""
        data = self._call(f"reading project {self.project_ref}", self._gl.http_get,
                          f"/projects/{self._project.encoded_id}", retry_transient_errors=True)
        try:
            return int(data["id"]), str(data.get("path_with_namespace") or self.project_ref)
        except (KeyError, TypeError, ValueError) as exc:
            raise self._not_api(f"reading project {self.project_ref}", exc) from None

    def group_projects(self, group: str | int, *, topic: str | None = None,
                       subgroups: bool = False) -> list[Project]:
        """The group's projects the token can see (``GET /groups/:id/projects``, 100 a page,
        oldest first), archived ones left out; only those with ``topic`` when given; with
        the subgroups' projects when ``subgroups``. A failed page raises
        :class:`GitLabError` (never "no projects")."""
        what = f"listing the projects of group {group}"
        query: dict[str, Any] = {"archived": False, "include_subgroups": subgroups, "with_shared": False,
                                 "order_by": "id", "sort": "asc", "per_page": PER_PAGE}
        if topic:
            query["topic"] = topic
        found = self._call(what, self._gl.groups.get(group, lazy=True).projects.list, get_all=True,
                           retry_transient_errors=True, **query)
        return [self._convert(what, Project.from_api, p.attributes) for p in found]

    def _default_branch(self) -> str:
        if getattr(self, "_branch", None) is None:
            data = self._call("reading the project", self._gl.http_get, f"/projects/{self._project.encoded_id}",
                              retry_transient_errors=True)
            self._branch = str((data or {}).get("default_branch") or "main")
        return self._branch


    # -- project webhooks (gl-cs hooks install) ------------------------------
    def hooks(self) -> list[dict[str, Any]]:
        """The project's webhooks as GitLab lists them (never with their tokens)."""
        found = self._call("listing project webhooks", self._project.hooks.list, get_all=True, per_page=PER_PAGE,
                           retry_transient_errors=True)
        return [dict(h.attributes) for h in found]

    def create_hook(self, data: dict[str, Any]) -> None:
        self._before_write()
        self._call("creating the project webhook", self._project.hooks.create, data, retry_transient_errors=False)
        self.writes_done += 1

    def update_hook(self, hook_id: int, data: dict[str, Any]) -> None:
        self._before_write()
        self._call(f"updating project webhook {hook_id}", self._project.hooks.update, hook_id, data,
                   retry_transient_errors=True)
        self.writes_done += 1


    # -- group webhooks (gl-cs hooks install on a `group:` desk list; needs Owner, and Premium) ----
    def group_hooks(self, group: str | int) -> list[dict[str, Any]]:
        found = self._call(f"listing the webhooks of group {group}", self._gl.groups.get(group, lazy=True).hooks.list,
                           get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        return [dict(h.attributes) for h in found]

    def create_group_hook(self, group: str | int, data: dict[str, Any]) -> None:
        self._before_write()
        self._call(f"creating the webhook of group {group}", self._gl.groups.get(group, lazy=True).hooks.create, data,
                   retry_transient_errors=False)
        self.writes_done += 1

    def update_group_hook(self, group: str | int, hook_id: int, data: dict[str, Any]) -> None:
        self._before_write()
        self._call(f"updating webhook {hook_id} of group {group}", self._gl.groups.get(group, lazy=True).hooks.update,
                   hook_id, data, retry_transient_errors=True)
        self.writes_done += 1


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")
