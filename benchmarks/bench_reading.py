"""How well and how fast gl-cs reads what AEs write.

    python benchmarks/bench_reading.py [--baseline GIT-REV]

Prints, over the whole reading corpus (tests/corpus/reading.py, plus the
corpus of tests/test_parse_fields.py):

* precision and recall of "missing" (per field: a field reported missing that a
  careful SA team lead would call answered is a false positive - an AE asked for
  what she wrote; a field not reported missing that is empty is a false negative -
  a request left without the question);
* how often the event time and the whole decision (intake + EXPEDITE) are right;
* the time to read a 100 KB description: fields + dates together (target < 50 ms).

``--baseline REV`` also scores the field reader as it was at a git revision
(e.g. the commit before issue 11) on the same corpus.  A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from corpus.model import NOW, PD, TEAM_TZ, decision_of  # noqa: E402
from corpus.reading import CASES  # noqa: E402
from gl_cs.config import load_config  # noqa: E402
from gl_cs.parse.dates import find_dates  # noqa: E402
from gl_cs.parse.fields import FieldDef, parse_request  # noqa: E402
from bench_parse import best_of as _best_of  # noqa: E402  (the same timing, one place)

CONFIG = load_config(ROOT / "rules.yml")
FIELDS = [FieldDef(f.key, f.title, tuple(f.synonyms)) for f in CONFIG.intake_fields]
KEYS = [f.key for f in FIELDS]


def existing_corpus():
    """(name, description, expected missing, placeholders) of tests/test_parse_fields.py."""
    spec = importlib.util.spec_from_file_location("_tpf", ROOT / "tests" / "test_parse_fields.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return [(name, desc, frozenset(missing), list(mod.PLACEHOLDERS)) for name, desc, missing, _ in mod.CASES]


def score(reader, cases) -> dict:
    tp = fp = fn = 0
    wrong = []
    for name, desc, expected, placeholders, policy, boxes in cases:
        got = set(reader(desc, placeholders, policy, boxes))
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
        if got != expected:
            wrong.append(name)
    return {"tp": tp, "fp": fp, "fn": fn, "cases": len(cases), "wrong": wrong,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0}


def current_reader(desc, placeholders, policy, boxes):
    return parse_request(desc, FIELDS, placeholders, boxes, unsure=policy).missing


def baseline_reader(rev: str):
    """The field reader of a git revision, loaded into a scratch package."""
    tmp = Path(tempfile.mkdtemp())
    pkg = tmp / "glcs_base"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(pkg), rev], check=True)
    sys.path.insert(0, str(pkg))
    ours = {m: mod for m, mod in sys.modules.items() if m == "gl_cs" or m.startswith("gl_cs.")}
    for name in ours:
        del sys.modules[name]
    try:
        from gl_cs.parse.fields import FieldDef as BFieldDef, parse_request as bparse  # type: ignore
    finally:
        sys.path.remove(str(pkg))
        for name in [m for m in sys.modules if m == "gl_cs" or m.startswith("gl_cs.")]:
            del sys.modules[name]
        sys.modules.update(ours)
    fields = [BFieldDef(f.key, f.title, tuple(f.synonyms)) for f in CONFIG.intake_fields]

    def read(desc, placeholders, policy, boxes):
        return bparse(desc, fields, placeholders, boxes).missing

    def cleanup():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(pkg)], check=False)

    return read, cleanup


def decisions() -> tuple[int, int, int]:
    events = right = 0
    for c in CASES:
        r = parse_request(c.description, FIELDS, CONFIG.intake_placeholders, CONFIG.intake_template_checkboxes,
                          unsure=c.policy)
        pd_text = r.fields.get(PD, "") or (r.sources.get(PD, "") if PD in r.unsure else "")
        found = find_dates(pd_text, now=NOW, default_tz=TEAM_TZ, day_first=CONFIG.day_first) if pd_text else []
        event, decision = decision_of(r.missing, pd_text, found)
        events += event == c.event
        right += decision == c.decision
    return events, right, len(CASES)


def big_description(size: int = 100_000) -> str:
    request = "".join(f"## {f.title}\n" + {PD: "Tue Dec 1, 10am PT or 26.11. um 9 Uhr MEZ"}.get(f.key, "Real content.")
                      + "\n\n" for f in FIELDS)
    filler = ("Notes from call {i} with *Acme*: they run [Jenkins](https://jenkins.example.com/{i}) on {i} controllers, "
              "Dates: see Nov 24, 10am PT | Owner: jim.ae / Status: open; TBD (need to check) - will confirm.\n")
    body = request + "## Notes\n" + "\n".join(filler.format(i=i) for i in range(size // len(filler) + 1))
    return body[:size]


def big_dates(size: int = 100_000) -> str:
    """A Preferred Date Options field of 100 KB (a pasted calendar thread)."""
    line = "Option {i}: 26.11. um 9 Uhr MEZ, or Thu 26th Nov @ 2:30pm PT, or 11月26日 15時 JST - Jim ({i})\n"
    return "".join(line.format(i=i) for i in range(size // len(line) + 1))[:size]


def best_of(fn, runs: int = 7) -> float:
    return _best_of(fn, runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", help="also score the field reader of this git revision")
    ap.add_argument("--libraries", action="store_true", help="weigh dateparser, rapidfuzz, Babel (installed by hand)")
    args = ap.parse_args()
    boxes = CONFIG.intake_template_checkboxes
    new = [(c.name, c.description, c.missing, CONFIG.intake_placeholders, c.policy, boxes) for c in CASES]
    old = [(n, d, m, p, "ask", None) for n, d, m, p in existing_corpus()]
    readers = [("this checkout", current_reader, None)]
    if args.baseline:
        read, cleanup = baseline_reader(args.baseline)
        readers.append((f"baseline {args.baseline}", read, cleanup))
    print(f"{'reader':<22} {'corpus':<22} {'cases':>5} {'fields':>6} {'precision':>9} {'recall':>7} {'wrong':>6}")
    for label, reader, _ in readers:
        for cname, cases in (("new (issue 11)", new), ("existing", old), ("whole", new + old)):
            s = score(reader, cases)
            print(f"{label:<22} {cname:<22} {s['cases']:>5} {s['cases'] * len(KEYS):>6} {s['precision']:>9.3f} "
                  f"{s['recall']:>7.3f} {len(s['wrong']):>6}")
    for _, _, cleanup in readers:
        if cleanup:
            cleanup()
    events, right, n = decisions()
    print(f"\nnew corpus: event time right {events}/{n}, decision (intake + EXPEDITE) right {right}/{n}")

    text = big_description()
    def both():
        r = parse_request(text, FIELDS, CONFIG.intake_placeholders, CONFIG.intake_template_checkboxes)
        find_dates(r.fields.get(PD, ""), now=NOW, default_tz=TEAM_TZ, day_first=False)
    dates_text = big_dates()
    def whole_text_dates():
        find_dates(dates_text, now=NOW, default_tz=TEAM_TZ, day_first=False)
    f_ms = best_of(both) * 1000
    w_ms = best_of(whole_text_dates) * 1000
    print(f"\n100 KB description ({len(text):,} chars): fields + dates {f_ms:.1f} ms (target < 50 ms); "
          f"a 100 KB Preferred Date Options field: dates {w_ms:.1f} ms")
    from test_parse_fields import _long_description  # random Markdown-dense text, every line special

    for size in (100_000, 1_000_000):
        dense = _long_description(1, size)
        ms = best_of(lambda: parse_request(dense, FIELDS, CONFIG.intake_placeholders), 3) * 1000
        print(f"{size // 1000} KB of random Markdown-dense text (tests' stress shape): fields {ms:.0f} ms")
    if args.libraries:
        compare_libraries()


# ---------------------------------------------------------------------------
# --libraries: the well-kept libraries weighed against gl-cs's own readers
# (pip install dateparser rapidfuzz babel; none is a dependency of gl-cs)

NEAR_MISSES = {  # label as written -> field (None: names no field)
    "Custmer Information": "customer_information", "Customer Infromation": "customer_information",
    "Oportunity Details": "opportunity_details", "Opportunity Detials": "opportunity_details",
    "Infrastucture": "infrastructure", "Chalenges": "challenges", "Outcomes": "outcome",
    "Preffered Date Options": "preferred_date_options", "SA Taks": "sa_tasks",
    "Notes": None, "Next steps": None, "Customer-facing": None, "Opportunity Size Estimate": None,
    "Background": None, "Attendees": None, "Timeline": None, "Competition": None, "Contacts": None,
    "Team": None, "Customer success manager": None, "Outcome of last call": None, "Infra costs": None,
    "Date of last contact": None, "Challenger": None, "Task force": None, "Opportunities lost": None,
}


def compare_libraries() -> None:
    from corpus.reading import DATES, SHORT_NAMES, TRANSLATED, UNREADABLE
    from gl_cs.parse.names import Matcher

    print("\n-- dates: gl-cs vs dateparser.search.search_dates on the corpus's date cases --")
    import datetime as dt
    import zoneinfo

    cases = [(w, ev) for w, ev, _ in DATES.values()] + [(w, "unreadable") for w in UNREADABLE.values()]

    def ours(text):
        found = find_dates(text, now=NOW, default_tz=TEAM_TZ, day_first=False)
        from corpus.model import event_of
        return event_of(found)[0] if found else "unreadable"

    def theirs(text):
        from dateparser.search import search_dates
        base = NOW.astimezone(zoneinfo.ZoneInfo(TEAM_TZ)).replace(tzinfo=None)
        got = search_dates(text, languages=["en", "de", "fr", "es", "pt", "nl", "it", "ja"],
                           settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future", "TIMEZONE": TEAM_TZ,
                                     "RETURN_AS_TIMEZONE_AWARE": True})
        if not got:
            return "unreadable"
        when = min(d for _, d in got)
        if when.astimezone(dt.timezone.utc) < NOW - dt.timedelta(days=1):
            return "passed"
        return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%MZ")

    for label, fn in (("gl-cs", ours), ("dateparser", theirs)):
        right = 0
        start = time.perf_counter()
        for text, ev in cases:
            try:
                got = fn(text)
            except Exception as exc:  # a library error is a wrong answer
                got = f"error {exc.__class__.__name__}"
            right += got == ev or (ev.endswith(" day") and got == ev[:-4])
        ms = (time.perf_counter() - start) * 1000 / len(cases)
        print(f"{label:<11} right {right}/{len(cases)}  {ms:.2f} ms per text")

    print("\n-- field names: names table alone, + rapidfuzz fallback, rapidfuzz alone (WRatio) --")
    from rapidfuzz import fuzz, process

    written = {n: k for names in SHORT_NAMES.values() for k, n in names.items()}
    written.update({n: k for names in TRANSLATED.values() for k, n in names.items()})
    written.update(NEAR_MISSES)
    matcher = Matcher(FIELDS)
    all_names = {}
    for f in FIELDS:
        for n in (f.title, *f.synonyms):
            all_names[n.casefold()] = f.key
    from gl_cs.parse.vocabulary import FIELD_ALIASES

    every_name = dict(all_names)
    for key, aliases in FIELD_ALIASES.items():
        for n in aliases:
            every_name.setdefault(n.casefold(), key)
    for cutoff in (85, 90, 92):
        right = fp = 0
        for text, key in written.items():
            hit = matcher.match(text)  # the names table alone
            got = hit[0] if hit else None
            if got is None:  # rapidfuzz only where gl-cs's table finds nothing
                best = process.extractOne(text.casefold(), list(every_name), scorer=fuzz.ratio, score_cutoff=cutoff)
                got = every_name[best[0]] if best else None
            right += got == key
            fp += got is not None and got != key
        print(f"gl-cs + rapidfuzz ratio>={cutoff} fallback: right {right}/{len(written)}, wrong field {fp}")
    for cutoff in (None, 85, 90, 95):
        right = fp = 0
        start = time.perf_counter()
        for text, key in written.items():
            if cutoff is None:
                hit = matcher.match_label(text)
                got = hit[0] if hit else None
            else:
                best = process.extractOne(text.casefold(), list(all_names), scorer=fuzz.WRatio, score_cutoff=cutoff)
                got = all_names[best[0]] if best else None
            right += got == key
            fp += got is not None and got != key
        ms = (time.perf_counter() - start) * 1000 / len(written)
        label = "gl-cs (adopted)" if cutoff is None else f"rapidfuzz>={cutoff}"
        print(f"{label:<15} right {right}/{len(written)}, wrong field {fp}, {ms:.3f} ms per name")

    print("\n-- month names: gl-cs's table vs Babel (CLDR) for de fr es pt nl it --")
    from babel import Locale

    from gl_cs.parse.date_words import MONTHS

    cldr = set()
    for loc in ("de", "fr", "es", "pt", "nl", "it"):
        months = Locale.parse(loc).months
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for name in months[ctx][width].values():
                    cldr.add(name.casefold().rstrip("."))
    ours_set = {m.casefold() for m in MONTHS}
    print(f"CLDR names {len(cldr)}, in gl-cs's table {len(cldr & ours_set)}; "
          f"missing: {sorted(cldr - ours_set)}")


if __name__ == "__main__":
    main()
