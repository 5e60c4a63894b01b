"""gl-cs as a newcomer gets it: the built wheel, installed into an empty venv in an empty
folder, then `gl-cs init` and `gl-cs sync --dry-run` against the sandbox (a subprocess),
with no file from the repository. About 30-60 s (a build and an install from the package
index): ``pytest -m wheel`` runs it alone, ``-m "not wheel"`` leaves it out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(args, cwd, env, timeout=600):
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.wheel
def test_the_installed_wheel_runs_init_and_a_dry_run_against_the_sandbox(tmp_path):
    dist, empty, env_dir = tmp_path / "dist", tmp_path / "newcomer", tmp_path / "venv"
    empty.mkdir()
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("GL_CS_", "GITLAB_", "CI_", "PYTHON_GITLAB")) and k != "PYTHONPATH"}
    base["HOME"] = str(tmp_path)  # no ~/.python-gitlab.cfg of the machine
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)], tmp_path, base)
    [wheel] = dist.glob("gl_cs-*.whl")
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    _run([str(bin_dir / "pip"), "install", "-q", "-c", str(ROOT / "constraints.txt"), str(wheel)], empty, base)
    gl_cs = str(bin_dir / "gl-cs")

    sandbox = subprocess.Popen([gl_cs, "sandbox", "--port", "0", "--issues", "5"], cwd=empty, env=base,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        exports = ""
        for _ in range(10):
            line = sandbox.stdout.readline()
            if "export GITLAB_URL=" in line:
                exports = line
                break
        found = dict(re.findall(r"(GITLAB_URL|GITLAB_TOKEN|GL_CS_PROJECT)=(\S+)", exports))
        assert set(found) == {"GITLAB_URL", "GITLAB_TOKEN", "GL_CS_PROJECT"}, exports
        env = {**base, **found}

        init = _run([gl_cs, "init"], empty, env)
        assert "wrote rules.yml for sa-team/sa-service-desk" in init.stdout
        assert "roster (" in init.stdout and (empty / "rules.yml").is_file()
        validate = _run([gl_cs, "validate"], empty, env)
        assert "rules.yml: OK" in validate.stdout
        dry = _run([gl_cs, "sync", "--dry-run"], empty, env)
        assert re.search(r"^\d+ issues checked; [1-9]\d* changes .*dry run, nothing written", dry.stdout,
                         flags=re.M), dry.stdout
        assert re.search(r"^#\d+  http://127\.0\.0\.1:\d+/\S+/-/issues/\d+$", dry.stdout, flags=re.M)
        # and without the rules.yml init wrote: the packaged default, said on stderr
        (empty / "rules.yml").unlink()
        default = _run([gl_cs, "sync", "--dry-run"], empty, env)
        assert "gl-cs: rules: " in default.stderr and "default_rules.yml (the packaged default" in default.stderr
        assert sorted(p.name for p in empty.iterdir() if p.name != ".gl-cs") == []  # nothing else was needed
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
