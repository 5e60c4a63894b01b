"""Several SA Service Desks in one sandbox: a customer-success organisation's regions.

:func:`seed_desks` seeds up to five desks under the group ``sa-team`` (AMER, EMEA, APAC,
SMB, Public Sector), each a project with the topic ``sa-service-desk``, the same people as
members (one bot token serves them all), the labels and the requests of
:func:`~gl_cs.sandbox.seed.seed_service_desk`. The EMEA desk has its own roster (one SA of
its own, ``eva.sa``, who is a member of it only) and its own time zone and triage calls:
:data:`EMEA_OVERRIDE` is what rules.yml says about it. A project of the group without the
topic (``sa-team/sa-tooling``) is no desk (for ``group: {path: sa-team, topic: ...}``).

:func:`desks_yaml` writes the ``projects:`` and ``desks:`` lines that name them in a
rules.yml (in place of its ``project:`` line).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Sequence

from .errors import NotFound
from .seed import SCENARIOS, Ctx, _add_spec, seed_service_desk
from .store import DEVELOPER, MAINTAINER, Store

GROUP = "sa-team"
TOPIC = "sa-service-desk"
#: (path, name) of each desk, in seeding order
DESKS: tuple[tuple[str, str], ...] = (
    ("sa-team/amer-service-desk", "AMER Service Desk"),
    ("sa-team/emea-service-desk", "EMEA Service Desk"),
    ("sa-team/apac-service-desk", "APAC Service Desk"),
    ("sa-team/smb-service-desk", "SMB Service Desk"),
    ("sa-team/public-sector-service-desk", "Public Sector Service Desk"),
)
EMEA = DESKS[1][0]
EMEA_SA = ("eva.sa", "Eva Lindgren")
EMEA_ROSTER = ("ben.sa", "dara.sa", "eva.sa")
EMEA_TIMEZONE = "Europe/Berlin"
#: rules.yml's ``desks:`` entry for the EMEA desk
EMEA_OVERRIDE = f"""  {EMEA}:
    timezone: {EMEA_TIMEZONE}
    team:
      roster: [{', '.join(EMEA_ROSTER)}]
    triage:
      rotation:
        order: [eva.sa, ben.sa, dara.sa]
      calls: {{days: [Mon, Wed], time: "10:00", timezone: {EMEA_TIMEZONE}}}
      capacity: 4
"""


def _open_issues(store: Store, pid: int, now: dt.datetime, wanted: int) -> None:
    """Requests of every scenario, in turn, until the desk has ``wanted`` open ones more."""
    opened = index = 0
    while opened < wanted:
        cycle, position = divmod(index, len(SCENARIOS))
        spec = SCENARIOS[position](Ctx(now, cycle))
        spec.created -= dt.timedelta(minutes=cycle)
        _add_spec(store, pid, now, spec, f" [{cycle + 1}]" if cycle else "")
        opened += spec.state == "opened"
        index += 1


def seed_desk(store: Store, now: dt.datetime, path: str, name: str, *, n_issues: int = 30,
              open_issues: int | None = None) -> dict[str, Any]:
    """One desk (a project of the group, with the topic), as :func:`seed_desks` seeds each;
    the EMEA desk with its own SA. Returns what ``seed_service_desk`` returns."""
    info = seed_service_desk(store, now, n_issues=0 if open_issues is not None else n_issues, project_path=path,
                             name=name, topics=(TOPIC,))
    if open_issues is not None:
        _open_issues(store, info["project_id"], now, open_issues)
    if path == EMEA:
        try:
            store.user(EMEA_SA[0])
        except NotFound:  # the first EMEA desk of this store
            store.add_user(*EMEA_SA)
            store.add_token(f"sandbox-token-{EMEA_SA[0]}", EMEA_SA[0])
        store.add_member(info["project_id"], EMEA_SA[0], DEVELOPER)
        info["tokens"][EMEA_SA[0]] = f"sandbox-token-{EMEA_SA[0]}"
    return info


def seed_desks(store: Store, now: dt.datetime, *, desks: int = 2, n_issues: int = 30,
               open_issues: int | None = None, tooling: bool = True) -> dict[str, Any]:
    """Seed the first ``desks`` of :data:`DESKS` (1 to 5). Each gets ``n_issues`` seeded
    requests, or, with ``open_issues``, exactly that many open ones (plus the closed ones
    the scenarios bring). Returns ``token``, ``bot_username``, ``tokens`` (username ->
    token), ``manager_username``, ``desks`` (each: ``project_id``, ``project_path``,
    ``name``, ``scenarios``) and ``group``."""
    if not 1 <= desks <= len(DESKS):
        raise ValueError(f"1 to {len(DESKS)} desks")
    seeded = [seed_desk(store, now, path, name, n_issues=n_issues, open_issues=open_issues)
              for path, name in DESKS[:desks]]
    if tooling and desks > 1:  # a project of the group that is no desk (no topic)
        other = store.add_project(f"{GROUP}/sa-tooling", name="SA Tooling")
        store.add_member(other["id"], seeded[0]["bot_username"], DEVELOPER)
        store.add_member(other["id"], seeded[0]["manager_username"], MAINTAINER)
    first = seeded[0]
    return {"token": first["token"], "bot_username": first["bot_username"],
            "tokens": dict(first["tokens"], **seeded[-1]["tokens"]), "manager_username": first["manager_username"],
            "desks": [{"project_id": d["project_id"], "project_path": d["project_path"],
                       "name": dict(DESKS)[d["project_path"]], "scenarios": d["scenarios"]} for d in seeded],
            "group": GROUP, "topic": TOPIC, "now": now}


def desks_yaml(paths: Sequence[str]) -> str:
    """The lines that name these desks in a rules.yml (in place of ``project:``), with the
    EMEA desk's own roster, time zone and triage calls when it is one of them."""
    text = f"projects: [{', '.join(paths)}]\n"
    if EMEA in paths:
        text += "desks:\n" + EMEA_OVERRIDE
    return text
