"""Stable shards (gl_cs.app.shards): every desk in exactly one shard, the same answer in
every process, and growth moves as few desks as it can."""

from __future__ import annotations

import subprocess
import sys

import pytest

from gl_cs.app.shards import Shard, ShardError, shard_of

DESKS = [str(1000 + 37 * i) for i in range(60)] + [f"sa-team/desk-{i}" for i in range(60)]


@pytest.mark.parametrize("total", range(1, 9))
def test_the_shards_of_n_cover_every_desk_exactly_once(total):
    shards = [Shard(i, total).select(DESKS, key=str) for i in range(1, total + 1)]
    assert sorted(d for shard in shards for d in shard) == sorted(DESKS)
    assert sum(len(s) for s in shards) == len(DESKS)


@pytest.mark.parametrize("total", range(1, 9))
def test_adding_a_desk_moves_no_other_desk(total):
    before = {d: shard_of(d, total) for d in DESKS}
    grown = DESKS + ["sa-team/public-sector"]
    after = {d: shard_of(d, total) for d in grown}
    assert {d for d in DESKS if before[d] != after[d]} == set()
    assert 1 <= after["sa-team/public-sector"] <= total


@pytest.mark.parametrize("total", range(1, 8))
def test_one_more_shard_moves_only_desks_to_the_new_shard_and_about_one_in_n_plus_one(total):
    moved = [d for d in DESKS if shard_of(d, total) != shard_of(d, total + 1)]
    assert all(shard_of(d, total + 1) == total + 1 for d in moved)
    expected = len(DESKS) / (total + 1)
    assert 0.5 * expected <= len(moved) <= 1.5 * expected, (len(moved), expected)


def test_the_shard_of_a_desk_does_not_depend_on_the_process_or_its_hash_seed():
    here = [shard_of(d, 5) for d in DESKS]
    code = ("from gl_cs.app.shards import shard_of; import sys; "
            f"print(','.join(str(shard_of(d, 5)) for d in {DESKS!r}))")
    for seed in ("1", "4242"):
        out = subprocess.run([sys.executable, "-c", code], env={"PYTHONHASHSEED": seed, "PATH": ""},
                             capture_output=True, text=True, check=True).stdout.strip()
        assert [int(x) for x in out.split(",")] == here


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
