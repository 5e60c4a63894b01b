"""Hostile configuration (issue 13): rules.yml arrives by merge request and CI validates
it. Whatever it holds under the size limit, `gl-cs validate` answers with
`rules.yml:LINE: ...`, never a traceback, never gigabytes (refused before anything expands;
how long it takes is measured in benchmarks/bench_parse.py, not asserted here)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import RULES
from gl_cs.cli import cli
from gl_cs.config import ConfigError, parse_config
from gl_cs.config import yaml_safe

BASE = RULES.read_text()


def _validate(tmp_path, text: str):
    path = tmp_path / "rules.yml"
    path.write_text(text)
    return CliRunner().invoke(cli, ["--config", str(path), "validate"], catch_exceptions=False)


def _lines_before(marker: str, text: str) -> int:
    return text[:text.index(marker)].count("\n") + 1


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    out = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        out.append(f"lol{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(out) + "\n"


def test_the_4kb_alias_bomb_is_rejected_with_a_line(tmp_path):
    bomb = alias_bomb()
    text = BASE + "\n# a merge request adds:\n" + bomb
    assert len(text.encode()) < BASE.__len__() + 4096
    result = _validate(tmp_path, text)
    assert result.exit_code == 2
    line = _lines_before("lol1:", text)
    assert result.stderr.strip() == f"rules.yml:{line}: aliases (*a0) are not allowed; write the value out in full"


def test_a_bomb_at_the_top_of_the_file(tmp_path):
    result = _validate(tmp_path, alias_bomb(levels=12) + BASE)
    assert result.exit_code == 2 and result.stderr.startswith("rules.yml:2: aliases")


def test_a_merge_key_alias_is_refused_too(tmp_path):
    text = BASE + "\nx: &base {a: 1}\ny:\n  <<: *base\n"
    result = _validate(tmp_path, text)
    assert result.exit_code == 2 and f"rules.yml:{_lines_before('  <<', text)}: aliases (*base)" in result.stderr


def test_deep_nesting_is_a_line_numbered_error_not_a_recursion_error(tmp_path):
    text = BASE + "deep: " + "[" * 2000 + "]" * 2000 + "\n"
    result = _validate(tmp_path, text)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"rules.yml:{_lines_before('deep:', text)}: nested more than")
    assert "RecursionError" not in result.output


def test_a_file_over_the_limit_is_refused_before_parsing(tmp_path):
    text = BASE + "#" + "x" * yaml_safe.MAX_BYTES + "\n"
    result = _validate(tmp_path, text)
    assert result.exit_code == 2
    assert result.stderr.startswith("rules.yml:1: the file is") and "the limit is 32 KB" in result.stderr


@pytest.mark.parametrize("value, shown", [("2026-02-31", "2026-02-31"), ("9" * 5000, "9999")])
def test_a_value_that_cannot_be_built_is_a_line_numbered_error(tmp_path, value, shown):
    text = BASE.replace("timezone:", f"weird: {value}\ntimezone:", 1)
    result = _validate(tmp_path, text)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"rules.yml:{_lines_before('weird:', text)}: the value '{shown}")
    assert "Traceback" not in result.output


def _roster(n: int) -> str:
    return "".join(f"    - sa.person{i}\n" for i in range(n))


def _fill(make_line, limit: int = yaml_safe.MAX_BYTES) -> str:
    """As many lines as fit under the limit after the project's rules."""
    out, size, i = [], len(BASE.encode()) + 64, 0
    while True:
        line = make_line(i)
        if size + len(line) > limit:
            return "".join(out)
        out.append(line)
        size += len(line)
        i += 1


@pytest.mark.parametrize("make", [
    pytest.param(lambda: BASE.replace("team:\n", "team:\n  former_bots:\n" + _fill(lambda i: f"    - sa.person{i}\n"), 1),
                 id="long-list"),
    pytest.param(lambda: BASE + _fill(lambda i: f"extra_{i}: {i}\n"), id="many-unknown-keys"),
    pytest.param(lambda: BASE + "note: '" + "x" * (yaml_safe.MAX_BYTES - len(BASE.encode()) - 20) + "'\n", id="one-long-string"),
    pytest.param(lambda: BASE + _fill(lambda i: f"k{i}: {{a: [1, 2, {{b: c}}]}}\n"), id="many-maps"),
    pytest.param(lambda: BASE + _fill(lambda i: f"n{i}: [[[[[[[[1]]]]]]]]\n"),
                 id="many-nested"),
])
def test_any_input_under_the_limit_validates_with_line_numbered_answers(tmp_path, make):
    text = make()
    assert len(text.encode()) <= yaml_safe.MAX_BYTES, len(text.encode())
    result = _validate(tmp_path, text)
    assert result.exit_code in (0, 2) and "Traceback" not in result.output
    assert all(l.startswith("rules.yml:") for l in result.stderr.splitlines()), result.stderr[:300]


def test_duplicate_keys_are_still_found():
    text = BASE.replace("timezone:", "timezone: UTC\ntimezone:", 1)
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert any("timezone is written twice" in p for p in err.value.problems)


def test_an_anchor_without_alias_is_harmless():
    text = BASE.replace("timezone:", "timezone: &tz", 1)
    assert parse_config(text).timezone == parse_config(BASE).timezone


def test_the_project_rules_still_load():
    node, data = yaml_safe.load(BASE)
    assert node is not None and data["project"]
