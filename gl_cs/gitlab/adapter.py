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
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Iterator, Sequence

import gitlab
import requests
from gitlab import exceptions as gle

from ..read.snapshot import Issue, LabelEvent, Member, Note, User

log = logging.getLogger(__name__)

PER_PAGE = 100


class GitLabError(Exception):
    """A GitLab call failed. ``status`` is the HTTP status (None when GitLab could not be reached)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status

    @property
    def transient(self) -> bool:
        return self.status is None or self.status >= 500 or self.status == 429


def _describe(exc: Exception, what: str, secret: str = "") -> GitLabError:
    if isinstance(exc, gle.GitlabAuthenticationError):
        return GitLabError(f"{what}: GitLab rejected the token (401); check --token / GITLAB_TOKEN", 401)
    if isinstance(exc, gle.GitlabError):
        code = exc.response_code
        detail = exc.error_message
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        detail = str(detail or "").strip()
        if secret:  # GitLab (or a proxy) may echo the token back: never pass it on
            detail = detail.replace(secret, "[token]")
        detail = detail[:200]
        hint = {403: " (the token's user lacks permission)", 404: " (not found, or the token cannot see it)",
                429: " (rate limited; retries exhausted)"}.get(code or 0, "")
        return GitLabError(f"{what}: GitLab answered {code} {detail}{hint}".rstrip(), code)
    if isinstance(exc, requests.RequestException):
        return GitLabError(f"{what}: cannot reach GitLab ({exc.__class__.__name__})", None)
    return GitLabError(f"{what}: {exc.__class__.__name__}", None)


class GitLab:
    """One SA Service Desk project on one GitLab instance."""

    def __init__(self, url: str, token: str, project: str | int, *, max_retries: int = 6,
                 timeout: float = 30.0, user_agent: str | None = None):
        from .. import __version__

        self.url = url.rstrip("/")
        self.project_ref = project
        self.max_retries = max_retries
        self._secret = token
        self._gl = gitlab.Gitlab(self.url, private_token=token, timeout=timeout,
                                 retry_transient_errors=False,
                                 user_agent=user_agent or f"gl-cs/{__version__}")
        self._project = self._gl.projects.get(project, lazy=True)

    # -- helpers ---------------------------------------------------------
    def _error(self, exc: Exception, what: str) -> GitLabError:
        return _describe(exc, what, self._secret)

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, max_retries=self.max_retries, **kwargs)
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, what) from None

    def _issue(self, iid: int):
        return self._project.issues.get(iid, lazy=True)

    # -- reads -----------------------------------------------------------
    def current_user(self) -> User:
        """The user the token belongs to (the bot)."""
        data = self._call("reading the token's user", self._gl.http_get, "/user", retry_transient_errors=True)
        user = User.from_api(data)
        if user is None:
            raise GitLabError("reading the token's user: GitLab answered without a user")
        return user

    def iter_issues(self, *, state: str = "opened", updated_after: dt.datetime | None = None,
                    iids: Sequence[int] | None = None) -> Iterator[Issue]:
        """Stream issues page by page (100 a page, oldest first, so edits don't shift pages).

        A page that still fails after retries raises :class:`GitLabError`: a failed list
        never reads as "no issues"."""
        query: dict[str, Any] = {"state": state, "order_by": "created_at", "sort": "asc", "per_page": PER_PAGE}
        if updated_after is not None:
            query["updated_after"] = updated_after.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        if iids:
            query["iids"] = list(iids)
        what = f"listing {state} issues of {self.project_ref}"
        pages = self._call(what, self._project.issues.list, iterator=True, retry_transient_errors=True, **query)
        while True:
            try:
                obj = next(pages)
            except StopIteration:
                return
            except (gle.GitlabError, requests.RequestException) as exc:
                raise self._error(exc, what) from None
            yield Issue.from_api(obj.attributes)

    def get_issue(self, iid: int) -> Issue:
        found = self._call(f"reading #{iid}", self._project.issues.get, iid, retry_transient_errors=True)
        return Issue.from_api(found.attributes)

    def label_events(self, iid: int) -> list[LabelEvent]:
        events = self._call(f"reading label events of #{iid}", self._issue(iid).resourcelabelevents.list,
                            get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        return [LabelEvent.from_api(e.attributes) for e in events]

    def members(self) -> list[Member]:
        found = self._call("listing project members", self._project.members_all.list,
                           get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        return [Member.from_api(m.attributes) for m in found]

    def labels(self) -> list[dict[str, Any]]:
        found = self._call("listing project labels", self._project.labels.list,
                           get_all=True, per_page=PER_PAGE, retry_transient_errors=True)
        return [dict(l.attributes) for l in found]

    def notes(self, iid: int) -> list[Note]:
        found = self._call(f"reading comments of #{iid}", self._issue(iid).notes.list,
                           get_all=True, per_page=PER_PAGE, sort="asc", retry_transient_errors=True)
        return [Note.from_api(n.attributes) for n in found]

    # -- writes ----------------------------------------------------------
    def create_label(self, name: str, color: str, description: str = "") -> None:
        try:
            self._project.labels.create({"name": name, "color": color, "description": description},
                                        max_retries=self.max_retries)
        except gle.GitlabCreateError as exc:
            if exc.response_code == 409:  # created meanwhile (or by our own retried request)
                return
            raise self._error(exc, f"creating label '{name}'") from None
        except (gle.GitlabError, requests.RequestException) as exc:
            raise self._error(exc, f"creating label '{name}'") from None

    def edit_issue(self, iid: int, *, add_labels: Sequence[str] = (), remove_labels: Sequence[str] = (),
                   assignee_ids: Sequence[int] | None = None) -> Issue | None:
        """One PUT: label deltas (never a full ``labels=`` overwrite) and assignees. Idempotent.
        Returns the issue as GitLab answered (its ``updated_at`` after the edit)."""
        data: dict[str, Any] = {}
        if add_labels:
            data["add_labels"] = ",".join(add_labels)
        if remove_labels:
            data["remove_labels"] = ",".join(remove_labels)
        if assignee_ids is not None:
            data["assignee_ids"] = list(assignee_ids)
        if not data:
            return None
        answer = self._call(f"editing #{iid}", self._project.issues.update, iid, data, retry_transient_errors=True)
        return Issue.from_api(answer) if isinstance(answer, dict) and "iid" in answer else None

    def create_note(self, iid: int, body: str) -> int | None:
        """POST a comment once, without blind retries on 5xx (see module docstring).
        Returns the new note's id."""
        note = self._call(f"commenting on #{iid}", self._issue(iid).notes.create, {"body": body},
                          retry_transient_errors=False)
        return int(note.attributes["id"]) if note is not None and "id" in note.attributes else None

    def edit_note(self, iid: int, note_id: int, body: str) -> None:
        """Rewrite one of gl-cs's own comments (never a person's)."""
        self._call(f"editing comment {note_id} on #{iid}", self._issue(iid).notes.update, note_id, {"body": body},
                   retry_transient_errors=True)

    def delete_note(self, iid: int, note_id: int) -> None:
        """Delete one of gl-cs's own comments (only ever a duplicate of an earlier one)."""
        self._call(f"deleting duplicate comment {note_id} on #{iid}", self._issue(iid).notes.delete, note_id,
                   retry_transient_errors=True)

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
        created = self._call("opening an issue", self._project.issues.create, data, retry_transient_errors=False)
        return Issue.from_api(created.attributes)

    def close_duplicate(self, iid: int, original_iid: int) -> None:
        """Close an issue gl-cs opened twice (a racing run), pointing at the first copy."""
        self._call(f"closing duplicate #{iid}", self._issue(iid).notes.create,
                   {"body": f"gl-cs opened this twice; #{original_iid} is the one to use.\n\n"
                            f"/duplicate #{original_iid}"}, retry_transient_errors=False)
        self._call(f"closing duplicate #{iid}", self._project.issues.update, iid, {"state_event": "close"},
                   retry_transient_errors=True)

    def link_issues(self, iid: int, target_iid: int) -> None:
        try:
            self._call(f"linking #{iid} to #{target_iid}", self._issue(iid).links.create,
                       {"target_project_id": str(self.project_ref), "target_issue_iid": target_iid},
                       retry_transient_errors=False)
        except GitLabError as exc:
            if exc.status != 409:  # already linked
                raise

    def rename_label(self, old: str, new: str) -> None:
        self._call(f"renaming label '{old}'", self._project.labels.update, old, {"new_name": new},
                   retry_transient_errors=True)

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
        if create:
            self._call(f"creating {path}", self._project.files.create, data, retry_transient_errors=False)
        else:
            self._call(f"updating {path}", self._gl.http_put,
                       f"/projects/{self._project.encoded_id}/repository/files/{_quote(path)}",
                       post_data=data, retry_transient_errors=True)

    def _default_branch(self) -> str:
        if getattr(self, "_branch", None) is None:
            data = self._call("reading the project", self._gl.http_get, f"/projects/{self._project.encoded_id}",
                              retry_transient_errors=True)
            self._branch = str((data or {}).get("default_branch") or "main")
        return self._branch


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="")
