"""The project's pipeline as GitLab builds it from `.gitlab-ci.yml`: its own jobs, and the jobs
of the CI/CD component it includes (templates/gl-cs.yml) with the inputs it gives.

GitLab interpolates `$[[ inputs.NAME ]]` when it fetches the component: an interpolation that is
a whole YAML value takes the input's type (a number stays a number), one inside a string is
text. This does the same on the component's text, for the inputs gl-cs's component uses.
(tests/ci runs the real thing: gitlab-ci-local resolves the include as GitLab does.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
CI_FILE = ROOT / ".gitlab-ci.yml"
COMPONENT = ROOT / "templates" / "gl-cs.yml"
OWN_COMPONENT = "$CI_SERVER_FQDN/$CI_PROJECT_PATH/gl-cs@$CI_COMMIT_SHA"
GLOBAL_KEYS = {"default", "include", "stages", "variables", "workflow", "image", "services", "cache",
               "before_script", "after_script", "spec"}


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!reference", lambda loader, node: loader.construct_sequence(node))


def split_component(path: Path = COMPONENT) -> tuple[dict, str]:
    """The component's header (``spec:``) and the text of its jobs."""
    text = path.read_text(encoding="utf-8")
    header, _, body = text.partition("\n---\n")
    return yaml.safe_load(header), body


def render_component(inputs: dict[str, Any] | None = None, path: Path = COMPONENT) -> dict:
    """The component's jobs with ``inputs`` (the others at their defaults)."""
    header, body = split_component(path)
    spec = header["spec"]["inputs"]
    given = dict(inputs or {})
    unknown = set(given) - set(spec)
    assert not unknown, f"inputs the component does not declare: {unknown}"
    values = {name: given.get(name, (declared or {}).get("default")) for name, declared in spec.items()}
    missing = [name for name, value in values.items() if value is None]
    assert not missing, f"inputs without a value or a default: {missing}"

    def fill(match: re.Match) -> str:
        return str(values[match.group(1)])

    rendered = re.sub(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]", fill, body)
    return yaml.load(rendered, Loader=_Loader)


def load(path: Path = CI_FILE) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)


def jobs_of(data: dict) -> dict[str, dict]:
    return {name: job for name, job in data.items() if name not in GLOBAL_KEYS and isinstance(job, dict)}


def included_components(data: dict) -> list[dict]:
    include = data.get("include") or []
    return [i for i in ([include] if isinstance(include, dict) else include) if isinstance(i, dict)
            and "component" in i]


def pipeline(path: Path = CI_FILE) -> dict[str, dict]:
    """Every job of the pipeline: the file's own, and its own component's (included at its
    commit), each with ``extends`` resolved."""
    data = load(path)
    jobs = jobs_of(data)
    for include in included_components(data):
        assert include["component"] == OWN_COMPONENT, include["component"]
        jobs.update(jobs_of(render_component(include.get("inputs"))))
    return {name: resolve(jobs, job) for name, job in jobs.items()}


def resolve(jobs: dict[str, dict], job: dict) -> dict:
    """``extends`` merged as GitLab merges it (mappings deeply, the job's keys winning)."""
    parent = job.get("extends")
    if not parent:
        return job
    base = resolve(jobs, jobs[parent])
    return _merge(base, {k: v for k, v in job.items() if k != "extends"})


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(base[key], value) if isinstance(base.get(key), dict) and isinstance(value, dict) else value
    return out
