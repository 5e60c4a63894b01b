"""The desks one rules.yml names, and each desk's configuration.

rules.yml names its desks with exactly one of:

* ``project: ID|PATH``: one desk (as before);
* ``projects: [ID|PATH, ...]``: several;
* ``group: PATH|ID`` or ``group: {path, topic, name, subgroups}``: every project of a GitLab
  group, read through the API when a run starts (archived projects left out), optionally
  only those with a topic (``topic``) or whose path matches a glob (``name``, e.g.
  ``"*-desk"``), with its subgroups' projects when ``subgroups: true``.

``desks:`` holds per-desk overrides of any other key, by project (written as ``projects``
writes it, or, for a group, the project's path or id): mappings merge key by key, anything
else replaces. So ``desks: {sa-team/emea: {timezone: Europe/Berlin, team: {roster: [...]}}}``
gives the EMEA desk its own time zone and roster and everything else from rules.yml. Each
desk's configuration is validated as a rules.yml of its own (``gl_cs.config.load``).

``--project`` / ``GL_CS_PROJECT`` narrows any rules.yml to that one desk (with its
``desks:`` entry, if it has one).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .load import ConfigError, _build, _read, parse_document, with_files
from .model import DEFAULTS, Config
from .overrides import desk_key, merged


@dataclass(frozen=True)
class DeskRef:
    """A desk as known before or without a request: the project as gl-cs names it to GitLab
    (``project``: an id or a path), and, when a group listing named it, its id and path."""

    project: str | int
    project_id: int | None = None
    path: str | None = None

    @property
    def key(self) -> str:
        """Stable, and known without a request: the id when known, else the path as
        written (lower case). What shards (``gl_cs.app.shards``) and record files use."""
        if self.project_id is not None:
            return str(self.project_id)
        return desk_key(self.project)

    @property
    def name(self) -> str:
        """For people: the path when known, else the project as written."""
        return self.path or str(self.project)

    def names(self) -> set[str]:
        """Every spelling an override or ``--project`` may use for this desk."""
        out = {desk_key(self.project), self.key}
        if self.path:
            out.add(desk_key(self.path))
        return out


@dataclass(frozen=True)
class GroupSelection:
    """``group:``: the projects of a group (the API filters by topic; the name pattern is
    matched here, on the project's path within its group, case-insensitively)."""

    group: str | int
    topic: str | None = None
    name: str | None = None
    subgroups: bool = False

    def admits(self, path_with_namespace: str) -> bool:
        if not self.name:
            return True
        return fnmatch.fnmatchcase(path_with_namespace.rsplit("/", 1)[-1].lower(), self.name.lower())

    @property
    def filtered(self) -> bool:
        """Does the selection leave some of the group's projects out?"""
        return bool(self.topic or self.name)

    def describe(self) -> str:
        parts = [f"group {self.group}" + (" and its subgroups" if self.subgroups else "")]
        if self.topic:
            parts.append(f"topic '{self.topic}'")
        if self.name:
            parts.append(f"name '{self.name}'")
        return ", ".join(parts)


@dataclass
class DeskSettings:
    """What rules.yml says about its desks: ``base`` (rules.yml without overrides, for the
    first desk), the desks it lists, the group it names, and each desk's configuration
    (:meth:`config_for`)."""

    base: Config
    listed: tuple[DeskRef, ...]
    group: GroupSelection | None = None
    source: str = "rules.yml"
    root: Path | None = None  # rules.yml's folder (files it names are relative to it)
    data: dict = field(default_factory=dict, repr=False)
    _overrides: dict[str, str] = field(default_factory=dict, repr=False)  # desk key -> as written
    _configs: dict[tuple[str, str], Config] = field(default_factory=dict, repr=False)

    @property
    def several(self) -> bool:
        """More than one desk (or a group, which may hold any number)."""
        return self.group is not None or len(self.listed) > 1

    def override_for(self, ref: DeskRef) -> str | None:
        """The ``desks:`` entry (as written) that applies to ``ref``, if any."""
        return next((self._overrides[n] for n in sorted(ref.names()) if n in self._overrides), None)

    def overrides(self) -> list[str]:
        return sorted(self._overrides.values())

    def config_for(self, ref: DeskRef) -> Config:
        """The desk's configuration: rules.yml with its ``desks:`` entry, ``project`` set
        to the desk. A desk without an entry gets exactly what a rules.yml with
        ``project:`` would give it (so its record stays valid when a team grows)."""
        written = self.override_for(ref)
        cache_key = (written or "", repr(ref.project))
        config = self._configs.get(cache_key)
        if config is None:
            if written is None:
                config = replace(self.base, project=ref.project)
            else:
                data = merged(self.data, self.data["desks"][written])
                config = with_files(_build(data, self.source, ref.project), self.root)
            self._configs[cache_key] = config
        return config

    def only(self, project: str | int) -> "DeskSettings":
        """The same settings narrowed to one desk (``--project``)."""
        return replace(self, listed=(DeskRef(project),), group=None, _configs={})


def _group(value: Any) -> GroupSelection | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return GroupSelection(group=value["path"], topic=value.get("topic"), name=value.get("name"),
                              subgroups=bool(value.get("subgroups", DEFAULTS["group.subgroups"])))
    return GroupSelection(group=value)


def parse_desks(text: str, name: str = "rules.yml", project_override: str | None = None,
                root: Path | None = None) -> DeskSettings:
    """Validate a rules.yml and return its desks. Raises :class:`ConfigError`."""
    data, _ = parse_document(text, name)
    base = with_files(_build(data, name, project_override), root)
    if "projects" in data:
        listed = tuple(DeskRef(p) for p in data["projects"])
    elif "project" in data:
        listed = (DeskRef(data["project"]),)
    else:
        listed = ()
    settings = DeskSettings(base=base, listed=listed, group=_group(data.get("group")), source=name, root=root,
                            data=data, _overrides={desk_key(k): k for k in data.get("desks") or {}})
    for written in settings.overrides():  # an override's files (accounts) are read now: mistakes show at once
        settings.config_for(DeskRef(written))
    if project_override not in (None, ""):
        settings = settings.only(project_override)
    return settings


def load_desks(path: str | os.PathLike, project_override: str | None = None) -> DeskSettings:
    """Read and validate the rules.yml at ``path`` and return its desks."""
    p = Path(path)
    text = _read(p, str(p), "; pass --config or set GL_CS_CONFIG")
    return parse_desks(text, name=p.name if p.name else str(p), project_override=project_override, root=p.parent)


__all__ = ["ConfigError", "DeskRef", "DeskSettings", "GroupSelection", "load_desks", "parse_desks"]


def describe_desks(refs: Sequence[DeskRef]) -> str:
    return ", ".join(r.name for r in refs)
