"""Benchmark reading SA Activity requests and dates from long descriptions.

    python benchmarks/bench_parse.py
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gl_cs.config import load_config  # noqa: E402
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


if __name__ == "__main__":
    main()
