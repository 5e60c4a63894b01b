"""Stable shards of desks: which desks ``gl-cs sync --shard I/N`` (or the I-th of N parallel
CI jobs) works on.

**Rendezvous hashing** (highest random weight): each desk gives every shard 1..N a weight,
``sha256(desk key, shard)``, and belongs to the shard with the highest one. So:

* a desk's shard depends only on its own key and N: adding or removing a desk moves no
  other desk (only the new one lands somewhere);
* going from N to N+1 shards moves only the desks whose weight for the new shard N+1 beats
  their old best, about 1/(N+1) of them, and each of those moves *to* shard N+1: every
  other desk keeps its shard index (and with it its CI cache and resource group, which are
  keyed by that index);
* every process computes the same answer: SHA-256 of the key's text, never Python's
  ``hash()`` (which changes with each process's hash seed).

The price is balance: with few desks, shards are uneven (5 desks over 3 shards can be
3, 2 and 0). A shard with no desk is a job that reads nothing and exits 0.

The desk key (:attr:`gl_cs.config.desks.DeskRef.key`) is the project's numeric id when it
is known without a request (written as a number in rules.yml, or found by a ``group:``
listing, which every shard reads anyway), else the project's path as written in rules.yml,
lower-cased. Choosing a shard never costs a request; the price of a path key is that
renaming the project *in rules.yml* can move it to another shard (a rename in GitLab does
not: GitLab still answers the old path).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import Iterable, Mapping, TypeVar

MAX_SHARDS = 200  # GitLab's own limit for `parallel: N`

T = TypeVar("T")


def weight(key: str, shard: int) -> int:
    """The desk ``key``'s weight for ``shard`` (64 bits of SHA-256: the same in every process)."""
    return int.from_bytes(hashlib.sha256(f"{key}\x1f{shard}".encode("utf-8")).digest()[:8], "big")


def shard_of(key: str, total: int) -> int:
    """The shard (1..``total``) the desk ``key`` belongs to."""
    if total < 1:
        raise ValueError("a number of shards is at least 1")
    return max(range(1, total + 1), key=lambda shard: (weight(key, shard), -shard))


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

    def holds(self, key: str) -> bool:
        return shard_of(key, self.total) == self.index

    def select(self, items: Iterable[T], key=lambda item: item.key) -> list[T]:
        """The items (desks) of this shard, in their order."""
        return [item for item in items if self.holds(key(item))]

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
