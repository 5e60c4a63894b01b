"""The configuration's identity for the record: the same in every process.

A record is kept only for the configuration it was made with. Its digest once came from
``repr(config)``, whose frozensets follow the per-process hash seed: every scheduled CI
job (a new process) threw the last job's record away. These run the digest in separate
processes with different seeds, as CI does.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys

from conftest import RULES
from gl_cs import __version__
from gl_cs.config import load_config
from gl_cs.config.canonical import canonical, digest

CODE = ("from gl_cs.config import load_config; from gl_cs.app.runtime import Runtime; "
        "print(Runtime(None, load_config({path!r})).config_digest)")


def _digest_in_a_new_process(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", CODE.format(path=str(RULES))], env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_the_digest_is_the_same_under_every_hash_seed():
    digests = {_digest_in_a_new_process(seed) for seed in ("0", "1", "2", "12345", "random")}
    assert len(digests) == 1 and len(digests.pop()) == 16


def test_repr_would_not_have_been():
    """The bug this guards against: the frozensets in the configuration print in
    hash-seed order (so a test of the digest alone could pass by luck)."""
    code = "from gl_cs.config import load_config; print(repr(load_config({path!r}).transitions))"
    outs = set()
    for seed in ("1", "2", "3", "4", "5", "6"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outs.add(subprocess.run([sys.executable, "-c", code.format(path=str(RULES))], env=env, capture_output=True,
                                text=True, check=True).stdout)
    assert len(outs) > 1


def test_the_digest_follows_what_the_team_configured():
    config = load_config(RULES)
    assert digest(config, version=__version__) == digest(dataclasses.replace(config, source="elsewhere/rules.yml"),
                                                         version=__version__)
    assert digest(config, version=__version__) != digest(dataclasses.replace(config, recent_hours=12),
                                                         version=__version__)
    assert digest(config, version="0.1.0") != digest(config, version="0.2.0")  # a release starts afresh


def test_canonical_sorts_sets_and_keys():
    assert canonical({"b": frozenset({"y", "x"}), "a": ("z", 1)}) == {"a": ["z", 1], "b": ["x", "y"]}
