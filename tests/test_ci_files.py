"""Reproducible runs (issue 13): the constraints files, the CI jobs and the README's test
command stay in step with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-]+", line), f"{path.name}: not a pin: {line}"
        name, version = line.split("==")
        pins[name.lower().replace("_", "-")] = version
    return pins


def _direct() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return {_name(r): re.search(r">=\s*([0-9.]+)", r).group(1) for r in reqs}


def test_constraints_pin_every_direct_dependency():
    pins = _pins(ROOT / "constraints.txt")
    missing = set(_direct()) - set(pins)
    assert not missing, missing
    assert "gl-cs" not in pins  # the package itself is never pinned


def test_lowest_constraints_are_the_lower_bounds_of_pyproject():
    pins = _pins(ROOT / "constraints-lowest.txt")
    for name, bound in _direct().items():
        assert name in pins, name
        pinned = tuple(int(p) for p in re.findall(r"\d+", pins[name])[:3])
        wanted = tuple(int(p) for p in bound.split("."))
        assert pinned[:len(wanted)] == wanted, (name, pins[name], bound)


def test_ci_run_is_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    command = "python3 -m venv .venv && . .venv/bin/activate && pip install -q -c constraints.txt -e '.[test]' && pytest"
    assert f"```sh\n{command}\n```" in readme
    last = [l for l in (ROOT / ".ci" / "run").read_text().splitlines() if l and not l.startswith("#")][-1]
    assert last == command


def test_every_ci_job_installs_from_the_constraints_but_the_newest_deps_job():
    """The project's own jobs and those its component gives it (the component's `install`
    input is what it pip-installs)."""
    from ci_config import pipeline

    jobs = {k: v for k, v in pipeline().items() if "script" in v and not k.startswith(".")}
    assert {"gl-cs-sync", "gl-cs-merge-reports", "test", "validate"} <= set(jobs)
    for name, job in jobs.items():
        installs = [l for l in job.get("before_script", []) + job["script"] if "pip install" in l]
        if name == "publish-release":  # a release of the tag: installs and runs nothing of gl-cs
            assert not installs and not any(line.startswith("gl-cs ") for line in job["script"])
            continue
        assert installs, name
        for line in installs:
            if name == "test-newest-deps":
                assert "-c " not in line and "--upgrade" in line
            elif name == "test-lowest-deps":
                assert "-c constraints-lowest.txt" in line
            else:
                assert "-c constraints.txt" in line, (name, line)
    for name in ("test-newest-deps", "test-lowest-deps"):
        job = jobs[name]
        assert not job.get("allow_failure"), name  # a breaking release must fail the pipeline
        sources = " ".join(r["if"] for r in job["rules"])
        assert '"schedule"' in sources and '"web"' in sources
        assert any(l.strip().endswith("pytest") for l in job["script"])
