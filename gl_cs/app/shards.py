"""Stable, balanced shards of desks: which desks ``gl-cs sync --shard I/N`` (or the I-th of N
parallel CI jobs) works on.

**Rendezvous weights, bounded shards, a stable matching.** Each desk gives every shard 1..N a
weight, ``sha256(desk key, shard)``: its preferences, highest first (rendezvous, or highest
random weight, hashing). A shard holds at most ``ceil(K/N)`` of the K desks, so three desks
over three jobs are one each (plain rendezvous puts them where their hashes fall: all three
in one job as often as not). Which desk goes where is the desk-proposing stable matching
(Gale and Shapley's deferred acceptance: each desk asks its preferred shards in turn; a full
shard keeps the desks that weigh most for it). That matching is unique and does not depend
on the order desks are listed in, so every job computes the same one.

* **Stable**: a desk moves only when another takes its place. Adding a desk moves no other
  desk when its preferred shard has room, and otherwise a short chain of desks that each give way to
  one that weighs more (the tests' 120 desks over 1 to 8 shards: at most 6 move, 5%). The
  exception is the desk that makes the desks outnumber the shards by one more per shard (8
  desks over 8 shards, then 9: the shards' room grows from 1 to 2, and desks that had given
  way go back, up to half of them, once). One more shard moves about 1/(N+1) of the desks.
* **The same everywhere**: SHA-256 of the key's text, never Python's ``hash()`` (which
  changes with each process's hash seed); ties are broken by the key.

The desk key (:attr:`gl_cs.config.desks.DeskRef.key`) is the project's numeric id when it
is known without a request (written as a number in rules.yml, or found by a ``group:``
listing, which every shard reads anyway), else the project's path as written in rules.yml,
lower-cased. Choosing a shard never costs a request; the price of a path key is that
renaming the project *in rules.yml* can move it to another shard (a rename in GitLab does
not: GitLab still answers the old path). Every job must see the same desks: a project added
to a ``group:`` between two jobs of one pipeline can be taken by two shards or none, which
``gl-cs merge-reports`` says (and the next pipeline settles).
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence, TypeVar

MAX_SHARDS = 200  # GitLab's own limit for `parallel: N`

T = TypeVar("T")


def weight(key: str, shard: int) -> int:
    """The desk ``key``'s weight for ``shard`` (64 bits of SHA-256: the same in every process)."""
    return int.from_bytes(hashlib.sha256(f"{key}\x1f{shard}".encode("utf-8")).digest()[:8], "big")


def preferences(key: str, total: int) -> list[int]:
    """The shards 1..``total`` in the desk's order of preference (heaviest first)."""
    return sorted(range(1, total + 1), key=lambda shard: (-weight(key, shard), shard))


def assign(keys: Iterable[str], total: int) -> dict[str, int]:
    """Each desk's shard (1..``total``): at most ``ceil(K/total)`` desks a shard, the
    desk-proposing stable matching on rendezvous weights (see the module's docstring)."""
    if total < 1:
        raise ValueError("a number of shards is at least 1")
    desks = sorted(dict.fromkeys(keys))
    if not desks:
        return {}
    room = math.ceil(len(desks) / total)
    wishes = {desk: preferences(desk, total) for desk in desks}
    asked = dict.fromkeys(desks, 0)
    held: dict[int, list[str]] = {shard: [] for shard in range(1, total + 1)}
    waiting = list(reversed(desks))
    while waiting:
        desk = waiting.pop()
        shard = wishes[desk][asked[desk]]
        asked[desk] += 1
        held[shard].append(desk)
        if len(held[shard]) > room:  # the shard keeps the desks that weigh most for it
            lightest = min(held[shard], key=lambda d: (weight(d, shard), d))
            held[shard].remove(lightest)
            waiting.append(lightest)
    return {desk: shard for shard, kept in held.items() for desk in kept}


class ShardError(ValueError):
    """A shard that cannot be: one line for the person who wrote it."""


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``total`` (1-based, as GitLab's CI_NODE_INDEX)."""

    index: int
    total: int
    source: str = "--shard"  # where it came from, for messages

    def __post_init__(self) -> None:
        if not 1 <= self.total <= MAX_SHARDS:
            raise ShardError(f"{self.source}: {self.total} shards; use 1 to {MAX_SHARDS}")
        if not 1 <= self.index <= self.total:
            raise ShardError(f"{self.source}: shard {self.index} of {self.total} does not exist; use 1 to {self.total}")

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def select(self, items: Sequence[T], key=lambda item: item.key) -> list[T]:
        """The items (desks) of this shard, in their order; ``items`` are all the desks (the
        shards share them out)."""
        items = list(items)
        shards = assign((key(item) for item in items), self.total)
        return [item for item in items if shards[key(item)] == self.index]

    @classmethod
    def parse(cls, text: str, source: str = "--shard") -> "Shard":
        """``I/N``, e.g. ``2/3``."""
        index, slash, total = str(text).strip().partition("/")
        if not slash or not index.strip().isdigit() or not total.strip().isdigit():
            raise ShardError(f"{source}: '{text}' is not I/N (shard I of N, e.g. 2/3)")
        return cls(int(index), int(total), source)

    @classmethod
    def from_ci(cls, environ: Mapping[str, str] | None = None) -> "Shard | None":
        """The shard of a GitLab job with ``parallel: N`` (``CI_NODE_INDEX`` of
        ``CI_NODE_TOTAL``), or None outside one (GitLab sets ``CI_NODE_TOTAL=1`` and no
        ``CI_NODE_INDEX`` in every job without ``parallel``)."""
        env = os.environ if environ is None else environ
        index, total = env.get("CI_NODE_INDEX", "").strip(), env.get("CI_NODE_TOTAL", "").strip()
        if not index and total in ("", "1"):
            return None
        source = "CI_NODE_INDEX/CI_NODE_TOTAL"
        if not index.isdigit() or not total.isdigit():
            raise ShardError(f"{source}: '{index or '(unset)'}/{total or '(unset)'}' is not shard I of N")
        return cls(int(index), int(total), source)
