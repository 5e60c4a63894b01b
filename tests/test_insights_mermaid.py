"""Every Mermaid block gl-cs writes parses with Mermaid's own parser (tests/mermaid: mermaid
with jsdom, no browser): the report's charts on the seeded month, the triage summary's load
chart, and labels made of hostile names. Without node_modules the test skips with one reason;
in CI (`.ci/run` installs them and sets GL_CS_REQUIRE_MERMAID=1) it fails instead."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import NOW
from gl_cs.sandbox.seed_history import seed_history
from gl_cs.text import mermaid

HERE = Path(__file__).resolve().parent / "mermaid"
BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.S | re.M)


def parse(diagrams: list[str]) -> list[dict]:
    node = shutil.which("node")
    modules = HERE / "node_modules"
    if not (node and (modules / "mermaid").is_dir() and (modules / "jsdom").is_dir()):
        why = "Mermaid's parser is not installed: run `npm ci --prefix tests/mermaid` (Node 18 or later)"
        if os.environ.get("GL_CS_REQUIRE_MERMAID"):
            pytest.fail(f"{why}; GL_CS_REQUIRE_MERMAID is set, so this must not be skipped")
        pytest.skip(why)
    done = subprocess.run([node, str(HERE / "parse.mjs")], input=json.dumps(diagrams), capture_output=True,
                          text=True, timeout=180, cwd=HERE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def blocks(markdown: str) -> list[str]:
    return BLOCK.findall(markdown)


def test_the_reports_and_the_summarys_charts_parse(desk):
    seed_history(desk.store, desk.project_id, NOW)
    report = desk.run("report")
    assert report.exit_code == 0, report.output
    summary = desk.run("summary", "--print")
    assert summary.exit_code == 0, summary.output
    found = blocks(report.stdout) + blocks(summary.stdout)
    assert len(found) == 5  # flow, open at the end, load, onboarding; the summary's load chart
    results = parse(found)
    assert [r for r in results if not r["ok"]] == []
    assert [r["type"] for r in results] == ["xychart", "pie", "xychart", "xychart", "xychart"]


def test_hostile_names_still_parse_and_a_broken_block_does_not():
    odd = ['x" ] ; click', "@all #quot; %%{init}%%", "Müller & Söhne", "a\nb", "", "日本語 (株)"]
    charts = [mermaid.xychart(name, odd, y_title=name, bars=[1, 2, 3, 4, 5, 6], lines=[[1] * 6]) for name in odd]
    charts.append(mermaid.pie("Open", [(name, n + 1) for n, name in enumerate(odd)]))
    diagrams = [BLOCK.findall(c + "\n")[0] for c in charts] + ["xychart-beta\n  x-axis [a, b\n  bar [1, 2]\n"]
    results = parse(diagrams)
    assert all(r["ok"] for r in results[:-1]), results
    assert results[-1]["ok"] is False and "Parse error" in results[-1]["error"]


def test_ci_installs_the_parser_from_its_lock_and_never_skips_this():
    run = (HERE.parents[1] / ".ci" / "run").read_text()
    steps = [l for l in run.splitlines() if l and not l.startswith("#")]
    install = steps.index("npm ci --prefix tests/mermaid --no-audit --no-fund --loglevel=error")
    assert install < steps.index("export GL_CS_REQUIRE_MERMAID=1") < len(steps) - 1  # before the tests run
    lock = json.loads((HERE / "package-lock.json").read_text())
    wanted = json.loads((HERE / "package.json").read_text())["dependencies"]
    assert {name: lock["packages"][f"node_modules/{name}"]["version"] for name in wanted} == wanted
