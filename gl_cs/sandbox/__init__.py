"""gl-cs GitLab sandbox: a stateful in-memory simulator of the GitLab REST API v4
subset gl-cs uses, served over real HTTP so python-gitlab runs end to end.

* :class:`Store` - the data (users, projects, members, labels, issues, notes,
  resource label events) with a seeding API;
* :class:`Sandbox` - the werkzeug server on 127.0.0.1 (``with Sandbox(store) as sb``);
* :class:`Faults` / :class:`RequestCounter` - fault injection and request counting;
* :func:`seed_service_desk` - a realistic SA Service Desk scenario.

Modules, imports pointing one way (each imports only those above it):

* ``errors``, ``timeutil`` - GitLab's error bodies; the one ISO/date parser;
* ``webhooks`` - hook payloads (from a store passed in) and the background delivery thread;
* ``quickactions`` - a pure parser: text -> (text without command lines, commands);
* ``model`` - state (dicts, ids, the lock) and the low-level mutators;
* ``render`` - GitLab's JSON shapes; ``builder`` - the seeding API and read helpers;
* ``api`` (issues, notes, quick actions, links) and ``api_project`` (labels, members,
  repository files, hooks) - GitLab's rules for every API call;
* ``store`` - :class:`Store`, the one object gathering them;
* ``rest`` (params, pagination), ``routes`` (handlers), ``app`` (WSGI), ``server`` (socket);
* ``seed`` - the demo's scenario, built through the seeding API.

Seeding and inspection beyond users, projects, labels, issues and notes:
``add_token(token, user, scopes=("api",))`` (``read_api`` reads only),
``add_group(path)`` / ``add_group_member(path, user, level)`` (inherited by the group's
projects), ``add_project(..., visibility="private")``, ``add_file(pid, path, text)`` /
``file(pid, path)`` (branch ``main``), ``hooks(pid)``, ``issue_links(pid, iid)``,
``state_events(pid, iid)``, ``deliveries`` (``flush()``, ``records``, ``events()``).
GitLab-tier switches on the store: ``scoped_labels`` (Premium, on), ``system_notes`` (on),
``assignee_system_notes`` (on).
The contract the sandbox keeps with GitLab is tests/test_sandbox_contract.py.
"""

from .faults import Faults, RequestCounter
from .seed import seed_service_desk
from .server import Sandbox, SandboxApp
from .store import ApiError, Store

__all__ = ["ApiError", "Faults", "RequestCounter", "Sandbox", "SandboxApp", "Store",
           "seed_service_desk"]
