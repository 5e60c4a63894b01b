"""The field-name matcher is built once per set of fields and shared.

Building one compiles a large regular expression; a webhook worker whose sixteen threads
each built their own at start-up spent its first second compiling (the event -> change
p95 of the service benchmark was 1.9 s; see docs/benchmarks.md). Counted here, not timed.
"""

from __future__ import annotations

import threading

import pytest

from gl_cs.parse import names
from gl_cs.parse.fields import FieldDef, parse_request

FIELDS = (
    FieldDef("customer_information", "Customer Information", ("Customer",)),
    FieldDef("outcome", "Outcome", ("Goal", "Desired Outcome")),
)
REQUEST = "**Customer Information:** Acme Corp\n**Goal:** faster pipelines\n"


@pytest.fixture
def builds(monkeypatch):
    """Counts Matcher builds, from an empty shared cache."""
    monkeypatch.setattr(names, "_MATCHERS", {})
    count = []
    original = names.Matcher.__init__

    def counting(self, *a, **kw):
        count.append(threading.get_ident())
        original(self, *a, **kw)

    monkeypatch.setattr(names.Matcher, "__init__", counting)
    return count


def test_parses_with_the_same_fields_share_one_matcher(builds):
    first = parse_request(REQUEST, FIELDS)
    second = parse_request(REQUEST.replace("Acme", "Globex"), list(FIELDS))
    assert first.fields["customer_information"] == "Acme Corp"
    assert second.fields["customer_information"] == "Globex Corp"
    assert len(builds) == 1
    other = (FIELDS[0],)
    assert parse_request(REQUEST, other).fields["customer_information"].startswith("Acme Corp")
    assert len(builds) == 2  # other fields, another matcher


def test_threads_asking_at_once_wait_for_one_build(builds, monkeypatch):
    gate = threading.Barrier(8)
    original = names.Matcher.__init__

    def slow(self, *a, **kw):  # a build long enough for every thread to ask meanwhile
        original(self, *a, **kw)
        threading.Event().wait(0.2)

    monkeypatch.setattr(names.Matcher, "__init__", slow)
    got = []

    def ask():
        gate.wait()
        got.append(names.matcher_for(FIELDS))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1
    assert len({id(m) for m in got}) == 1


def test_what_a_matcher_remembers_is_bounded(monkeypatch):
    monkeypatch.setattr(names, "_MATCHERS", {})
    monkeypatch.setattr(names, "CACHE_LIMIT", 5)
    from gl_cs.parse import layout

    monkeypatch.setattr(layout, "CACHE_LIMIT", 5)
    matcher = names.matcher_for(FIELDS)
    for k in range(40):
        parse_request(f"Customer: customer {k}\nGoal: goal {k}\nsomething else {k}\n", FIELDS)
        assert len(matcher.line_cache) <= 5
    assert parse_request("Customer: Initech\n", FIELDS).fields["customer_information"] == "Initech"


def test_forty_configurations_keep_at_most_sixteen_matchers(monkeypatch):
    monkeypatch.setattr(names, "_MATCHERS", {})
    for k in range(40):
        names.matcher_for((FieldDef(f"f{k}", f"Field {k}"),))
        assert len(names._MATCHERS) <= 16
