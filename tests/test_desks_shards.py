"""Stable, balanced shards (gl_cs.app.shards): every desk in exactly one shard, no shard
fuller than it must be, the same answer in every process, and growth moves few desks."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from gl_cs.app.shards import Shard, ShardError, assign, preferences

DESKS = [str(1000 + 37 * i) for i in range(60)] + [f"sa-team/desk-{i}" for i in range(60)]


@pytest.mark.parametrize("total", range(1, 9))
def test_the_shards_of_n_cover_every_desk_exactly_once(total):
    shards = [Shard(i, total).select(DESKS, key=str) for i in range(1, total + 1)]
    assert sorted(d for shard in shards for d in shard) == sorted(DESKS)
    assert sum(len(s) for s in shards) == len(DESKS)


@pytest.mark.parametrize("size", [3, 5, 12, 120])
@pytest.mark.parametrize("total", range(1, 9))
def test_no_shard_holds_more_than_its_share(size, total):
    loads = [len(Shard(i, total).select(DESKS[:size], key=str)) for i in range(1, total + 1)]
    assert max(loads) == math.ceil(size / total) and sum(loads) == size


def test_three_desks_over_three_jobs_are_one_each():
    desks = ["sa-team/amer-service-desk", "sa-team/emea-service-desk", "sa-team/apac-service-desk"]
    assert sorted(assign(desks, 3).values()) == [1, 2, 3]


@pytest.mark.parametrize("total", range(1, 9))
def test_adding_a_desk_moves_few_others(total):
    before = assign(DESKS, total)
    for new in ("sa-team/public-sector", "sa-team/smb", "9999"):
        after = assign(DESKS + [new], total)
        moved = [d for d in DESKS if before[d] != after[d]]
        assert len(moved) <= len(DESKS) // 20, (new, moved)  # at most 5%
    # a desk whose preferred shard has room moves nobody: 7 desks over 8 shards leave one empty
    seven = assign(DESKS[:7], 8)
    [free] = set(range(1, 9)) - set(seven.values())
    new = next(f"sa-team/new-{n}" for n in range(100) if preferences(f"sa-team/new-{n}", 8)[0] == free)
    grown = assign(DESKS[:7] + [new], 8)
    assert grown[new] == free and {d: s for d, s in grown.items() if d != new} == seven


@pytest.mark.parametrize("total", range(1, 8))
def test_one_more_shard_moves_about_one_desk_in_n_plus_one(total):
    before, after = assign(DESKS, total), assign(DESKS, total + 1)
    moved = [d for d in DESKS if before[d] != after[d]]
    expected = len(DESKS) / (total + 1)
    assert 0.5 * expected <= len(moved) <= 1.5 * expected, (len(moved), expected)


def test_the_order_desks_are_listed_in_does_not_matter():
    assert assign(DESKS, 5) == assign(list(reversed(DESKS)), 5) == assign(sorted(DESKS, key=len), 5)


def test_the_shard_of_a_desk_does_not_depend_on_the_process_or_its_hash_seed():
    here = assign(DESKS, 5)
    code = ("from gl_cs.app.shards import assign; "
            f"a = assign({DESKS!r}, 5); print(','.join(str(a[d]) for d in {DESKS!r}))")
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-c", code], env={"PYTHONHASHSEED": seed, "PATH": ""},
                             capture_output=True, text=True, check=True).stdout.strip()
        assert [int(x) for x in out.split(",")] == [here[d] for d in DESKS]


@pytest.mark.parametrize("text, problem", [
    ("0/3", "shard 0 of 3 does not exist"),
    ("4/3", "shard 4 of 3 does not exist"),
    ("1/0", "0 shards"),
    ("1/201", "201 shards"),
    ("two/3", "is not I/N"),
    ("3", "is not I/N"),
])
def test_a_shard_that_cannot_be_is_one_clear_line(text, problem):
    with pytest.raises(ShardError, match=problem):
        Shard.parse(text)


@pytest.mark.parametrize("env, expected", [
    ({}, None),
    ({"CI_NODE_TOTAL": "1"}, None),  # what GitLab sets in a job without parallel
    ({"CI_NODE_INDEX": "2", "CI_NODE_TOTAL": "3"}, "2/3"),
    ({"CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "1"}, "1/1"),
])
def test_a_gitlab_parallel_job_says_its_shard(env, expected):
    shard = Shard.from_ci(env)
    assert (str(shard) if shard else None) == expected


@pytest.mark.parametrize("env", [{"CI_NODE_INDEX": "2"}, {"CI_NODE_TOTAL": "3"}, {"CI_NODE_INDEX": "x",
                                                                                 "CI_NODE_TOTAL": "3"}])
def test_half_a_parallel_job_is_refused(env):
    with pytest.raises(ShardError, match="CI_NODE_INDEX/CI_NODE_TOTAL"):
        Shard.from_ci(env)
