"""Render the Jinja templates gl-cs fills in (``gl_cs/templates/*.j2``, or the team's own
copies in rules.yml ``kinds.templates_dir``).

Safely:
* a :class:`jinja2.sandbox.SandboxedEnvironment` (a template cannot reach Python
  internals) with :class:`jinja2.StrictUndefined`: a template naming a variable gl-cs
  does not provide raises, so ``gl-cs validate`` catches it (:func:`check_templates`) and
  a sync never opens half an issue;
* autoescape off (Markdown, not HTML);
* every value printed with ``{{ }}`` goes through :func:`inert` unless gl-cs made it
  itself (:class:`Trusted`: dates, ``#IID`` references, mentions built from GitLab
  usernames): text an AE typed (a customer name, a milestone) becomes one line of plain
  text that is no quick action, mentions nobody (``@all``), references nothing, and is no
  template code (``{{ }}``/``{% %}``); values are passed to templates, never rendered *as*
  templates;
* as a last guard, a rendered line that starts with ``/`` is escaped (``\\/``), so no
  template edit can make gl-cs write a quick action.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .text.safe import ZWJ, label_name, neutralize

BUILTIN = Path(__file__).resolve().parent / "templates"
NOT_GIVEN = "not given"


class Trusted(str):
    """Text gl-cs wrote itself; printed as it is."""


def inert(value: Any) -> str:
    """Plain, inert, one-line Markdown text of anything taken from an issue."""
    if value is None:
        return NOT_GIVEN
    if value == "":
        return ""
    if isinstance(value, Trusted):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, dt.date)):
        return str(value)
    return label_name(str(value))


def quote(value: Any) -> Trusted:
    """Text from an issue as an inert inline code span (verbatim, nothing interpreted)."""
    return Trusted(neutralize(value) or NOT_GIVEN)


def plain_title(text: str, max_len: int = 200) -> str:
    """A title from user text: one line, no mention or reference, never starting with ``/``."""
    text = re.sub(r"[\s\u2028\u2029]+", " ", str(text or "")).strip()
    text = "".join(c for c in text if c.isprintable())
    text = text.replace("@", "@" + ZWJ)
    text = re.sub(r"([#!~%&$^])(?=\S)", lambda m: m.group(1) + ZWJ, text)
    text = re.sub(r"\{(?=[{%#])", "{" + ZWJ, text)
    text = text.lstrip("/")
    return text[:max_len]


def _finalize(value: Any) -> Any:
    return inert(value)


_ENVS: dict[str, SandboxedEnvironment] = {}


def environment(templates_dir: str | None = None) -> SandboxedEnvironment:
    key = templates_dir or ""
    env = _ENVS.get(key)
    if env is None:
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir:
            loaders.append(jinja2.FileSystemLoader(templates_dir))
        loaders.append(jinja2.FileSystemLoader(str(BUILTIN)))
        env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                                   autoescape=False, finalize=_finalize, trim_blocks=True, lstrip_blocks=True,
                                   keep_trailing_newline=False)
        env.filters["quote"] = quote
        env.filters["inert"] = inert
        _ENVS[key] = env
    return env


_LEADING_SLASH = re.compile(r"^(\s*)/", re.M)


def render(name: str, values: dict[str, Any], templates_dir: str | None = None) -> str:
    """Render template ``name`` (e.g. ``onboarding_checklist.md.j2``) with ``values``."""
    text = environment(templates_dir).get_template(name).render(**values)
    text = _LEADING_SLASH.sub(lambda m: m.group(1) + "\\/", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _sample_values() -> dict[str, dict[str, Any]]:
    step = {"number": 1, "title": "Welcome", "span": "at start", "what": "welcome", "due": dt.date(2026, 3, 14)}
    common = {"customer": "Acme Robotics", "request_ref": Trusted("#1"), "ae": Trusted("@eve.ae"),
              "sa": Trusted("@ana.sa"), "segment": "SMB", "assignment": ""}
    return {
        "onboarding_checklist.md.j2": {**common, "start": dt.date(2026, 3, 14), "tier": "Premium", "seats": "50",
                                       "start_note": "",
                                       "renewal": dt.date(2027, 3, 14), "csm": None, "partner": None,
                                       "steps": [step]},
        "live_optimization.md.j2": {**common, "signed": dt.date(2026, 3, 14), "proposed": dt.date(2026, 4, 20),
                                    "steps": [{"title": "Qualification", "what": "AE"}],
                                    "milestones": ["Faster CI"], "questions": ["What?"],
                                    "agenda": [(5, "recap")], "outcomes": ["Upsell areas"]},
        "renewal_review.md.j2": {"customer": "Acme Robotics", "which": "first", "months": 5,
                                 "renewal": dt.date(2027, 3, 14), "due": dt.date(2026, 10, 14), "late": True,
                                 "ae": Trusted("@eve.ae"), "sa": Trusted("@ana.sa"), "source": Trusted("the onboarding request #1")},
        "kind_missing.md.j2": {"who": Trusted("@eve.ae "), "kind_title": "Customer Onboarding",
                               "opens": "on-boarding checklist", "missing": [{"title": "Start Date", "hint": "date"}]},
        "kind_complete.md.j2": {"state": "SA Backlog"},
        "onboarding_earlier.md.j2": {"who": Trusted("@eve.ae "), "customer": "Acme Robotics",
                                     "refs": Trusted("#28 (Acme Robotics - kickoff notes)"), "one": True},
        "checklist_overdue.md.j2": {"who": Trusted("@ana.sa "), "step": "2. Personal introduction",
                                    "due": dt.date(2026, 3, 19)},
        "live_optimization_declined.md.j2": {"who": Trusted("@eve.ae "), "customer": "Acme Robotics",
                                             "reasons": [{"why": "Only SMB.", "instead": "Use the webinars."}]},
    }


TEMPLATES = tuple(_sample_values())


def check_templates(templates_dir: str | None = None) -> list[str]:
    """Render every template with sample values under StrictUndefined: one problem line per
    template that fails (a variable gl-cs does not provide, a syntax error, a missing file)."""
    problems = []
    for name, values in _sample_values().items():
        try:
            render(name, values, templates_dir)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{exc.filename or name}:{exc.lineno}: template syntax error: {exc.message}")
        except jinja2.UndefinedError as exc:
            problems.append(f"{name}: {exc.message}; the variables gl-cs provides: {', '.join(sorted(values))}")
        except jinja2.TemplateNotFound:
            problems.append(f"{name}: template not found")
        except Exception as exc:  # a template error of another kind (sandbox, type)
            problems.append(f"{name}: {exc.__class__.__name__}: {exc}")
    return problems
