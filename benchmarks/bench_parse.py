"""Benchmark reading SA Activity requests and dates from long descriptions, and validating
hostile rules.yml files (an alias bomb, deep nesting, a file at the size limit).

    python benchmarks/bench_parse.py
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gl_cs.config import ConfigError, load_config, parse_config  # noqa: E402
from gl_cs.config import yaml_safe  # noqa: E402
from gl_cs.parse.dates import find_dates  # noqa: E402
from gl_cs.parse.fields import FieldDef, parse_request  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 11, 23, 17, 0, tzinfo=dt.timezone.utc)


def best_of(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    config = load_config(ROOT / "rules.yml")
    fields = [FieldDef(f.key, f.title, f.synonyms) for f in config.intake_fields]
    template = (ROOT / "issue_templates" / "SA_Activity.md").read_text()
    filled = "\n".join(f"## {f.title}\nSome real content about {f.title.lower()}, Tue Nov 24, 10am PT.\n"
                       for f in config.intake_fields)
    cases = {
        "template (untouched)": template,
        "filled request": filled,
        "100 KB prose + fields": ("Lorem ipsum dolor sit amet, consectetur adipiscing. " * 2000)[:95_000] + filled,
        "100 KB of list items": ("- item with a date 2026-11-24 10:00 CET\n" * 2600)[:100_000] + filled,
    }
    print(f"{'description':<24} {'size':>8} {'fields ms':>10} {'dates ms':>9}")
    for name, text in cases.items():
        f_time = best_of(lambda: parse_request(text, fields, config.intake_placeholders))
        d_time = best_of(lambda: find_dates(text, now=NOW, default_tz=config.timezone, day_first=False))
        print(f"{name:<24} {len(text):>8} {f_time * 1000:>10.1f} {d_time * 1000:>9.1f}")
    hostile(config)


def _refused(text: str) -> None:
    try:
        parse_config(text)
    except ConfigError:
        pass


def hostile(config) -> None:
    """How long `gl-cs validate` takes to answer rules.yml files made to be slow."""
    base = (ROOT / "rules.yml").read_text()
    bomb = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    bomb += [f"lol{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 12)]
    room = yaml_safe.MAX_BYTES - len(base) - 64
    cases = {
        "alias bomb (12 levels)": "\n".join(bomb) + "\n" + base,
        "nesting 2,000 deep": base + "deep: " + "[" * 2000 + "]" * 2000 + "\n",
        "32 KB of small maps": base + "".join(f"k{i}: {{a: [1, 2, {{b: c}}]}}\n" for i in range(room // 28)),
        "32 KB of unknown keys": base + "".join(f"extra_{i}: {i}\n" for i in range(room // 18)),
    }
    print(f"\n{'hostile rules.yml':<24} {'size':>8} {'answer ms':>10}")
    for name, text in cases.items():
        print(f"{name:<24} {len(text):>8} {best_of(lambda: _refused(text)) * 1000:>10.1f}")


if __name__ == "__main__":
    main()
