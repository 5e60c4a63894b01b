"""Step 10 of `gl-cs demo`: many desks in one gl-cs, on the demo's sandbox.

A second desk (EMEA, with its own SA, roster, time zone and triage calls) joins the demo's;
rules.yml names both (``projects:`` and a ``desks:`` entry); two shards sync them, as the two
parallel jobs of the CI/CD component would (``gl-cs sync --shard 1/2`` and ``2/2``); then one
webhook service serves both, its hook put on each desk by ``gl-cs hooks install``, and an AE's
edit on each desk is handled within seconds.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import click
import yaml

from ..report.text import plural


def rules_for(text: str, paths: list[str]) -> str:
    """``text`` (a rules.yml) naming the desks ``paths`` instead of its own."""
    from ..config.schema import DESK_KEYS
    from ..sandbox.seed_desks import desks_yaml

    if re.search(r"^project: .*$", text, re.M) and not re.search(r"^(projects|group|desks):", text, re.M):
        return re.sub(r"^project: .*$", lambda _: desks_yaml(paths).rstrip("\n"), text, count=1, flags=re.M)
    data = {k: v for k, v in (yaml.safe_load(text) or {}).items() if k not in DESK_KEYS}
    return desks_yaml(paths) + yaml.safe_dump(data, sort_keys=False)


def demo_desks(sandbox, seeded: dict, rules_text: str, now, *, echo: Callable[[str], None] = click.echo,
               limit: float = 20.0) -> int:
    """Returns an exit code (0: both shards synced and both desks' edits handled)."""
    from ..act.writer import Writer
    from ..app.desk import Connection, DeskFactory
    from ..app.shards import Shard
    from ..app.sync import run_sync
    from ..config.desks import parse_desks
    from ..gitlab.adapter import GitLab
    from ..sandbox.seed_desks import EMEA, EMEA_TIMEZONE, seed_desk
    from ..service.hooks import install
    from ..service.server import Service

    store = sandbox.store
    echo(click.style("10. many desks  (two desks in one rules.yml, synced by two shards, served by one service)",
                     bold=True))
    emea = seed_desk(store, now, EMEA, "EMEA Service Desk", n_issues=8)
    paths = [seeded["project_path"], EMEA]
    settings = parse_desks(rules_for(rules_text, paths))
    echo(f"   rules.yml: projects: [{', '.join(paths)}]; desks: {EMEA} has its own roster, time zone "
         f"({EMEA_TIMEZONE}) and triage calls")
    factory = DeskFactory(settings, Connection(sandbox.url, seeded["token"]))
    refs = factory.refs()
    codes = []
    for index in (1, 2):  # the two parallel jobs of the component: CI_NODE_INDEX 1 and 2 of 2
        shard = Shard(index, 2)
        sandbox.requests.reset()
        for ref in shard.select(refs):
            desk = factory.open(ref)
            report = run_sync(desk, now)
            codes.append(report.exit_code)
            echo(f"   gl-cs sync --shard {shard}: {ref.name}: {plural(report.issues_seen, 'issue')} checked, "
                 f"{plural(len(report.changes), 'change')}, {plural(report.writes, 'write')}"
                 + ("  (synced in steps 1-3: nothing left)" if ref.name == seeded["project_path"] else ""))
        echo(f"   ({plural(sandbox.requests.total(), 'API request')} for shard {shard})")
    ids = {seeded["project_id"]: seeded["project_path"], emea["project_id"]: EMEA}
    served = {pid: replace(next(r for r in refs if r.name == path), project_id=pid, path=path)
              for pid, path in ids.items()}
    serving = DeskFactory(settings, Connection(sandbox.url, seeded["token"], max_retries=2, timeout=10))
    secret = secrets.token_hex(16)  # for this demo only; never printed
    with tempfile.TemporaryDirectory() as tmp:
        service = Service(settings.base, lambda: GitLab(sandbox.url, seeded["token"], None), projects=ids,
                          make_desk=lambda pid: serving.open(served[pid]), journal=Path(tmp) / "journal.db",
                          secret=secret, port=0, shards=1, poll=0.05, now=lambda: now).start()
        try:
            lead = seeded["manager_username"]
            for pid, path in ids.items():
                gitlab = GitLab(sandbox.url, seeded["tokens"][lead], pid)
                plan = install(gitlab, service.url + "/webhook", secret,
                               writer=Writer(gitlab, is_bot=lambda user: False))
                echo(f"   {lead}: gl-cs hooks install -> {path}: {plan.action} webhook {service.url}/webhook")
            targets = {}
            for pid, path in ids.items():
                target = next((i for i in store.issues(pid) if i["state"] == "opened" and "SA Backlog" in i["labels"]),
                              None)
                if target is None:
                    continue
                targets[pid] = target["iid"]
                store.api_update_issue(pid, target["iid"], store.user("eve.ae")["id"],
                                       {"remove_labels": ["SA Backlog"]})
                echo(f"   eve.ae removes 'SA Backlog' from {path}#{target['iid']} ...")
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and not all("SA Backlog" in store.issue(pid, iid)["labels"]
                                                          for pid, iid in targets.items()):
                time.sleep(0.05)
            store.deliveries.flush(5)
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline and not service.worker.idle():
                time.sleep(0.05)
            back = {ids[pid]: "SA Backlog" in store.issue(pid, iid)["labels"] for pid, iid in targets.items()}
            for path, ok in back.items():
                echo(f"   {path}: back in 'SA Backlog': {'yes' if ok else 'no'}")
            echo(f"   one service, {len(ids)} desks; journal {service.journal.counts()}\n")
            codes.append(0 if back and all(back.values()) else 1)
        finally:
            service.stop()
    return max(codes)
