"""Pure account helpers: segment, due dates (month ends, leap years), the checklist's
schedule (Strategic-only step), account identity, the CRM accounts file."""

import datetime as dt

import pytest

from gl_cs.config import ConfigError, load_config
from gl_cs.decide.accounts.checklist import looks_like_checklist, next_open, schedule, tasks
from gl_cs.config.accounts_file import parse_accounts
from gl_cs.decide.accounts.dates import add_months, due_after, next_anniversary
from gl_cs.decide.accounts.identity import AccountBook
from gl_cs.parse.companies import customer_name, normalise, salesforce_id
from gl_cs.parse.prose import employees, segment_named
from gl_cs.parse.segment import segment_for
from gl_cs.decide.accounts.session import window

D = dt.date


@pytest.mark.parametrize("employees, segment", [
    (0, "SMB"), (99, "SMB"), (100, "Mid-Market"), (749, "Mid-Market"), (750, "Large"), (4999, "Large"),
    (5000, "Strategic"), (120000, "Strategic")])
def test_segment_boundaries(employees, segment):
    assert segment_for(employees) == segment


@pytest.mark.parametrize("text, count", [("80 employees", 80), ("1,200 staff", 1200), ("5k employees", 5000),
                                         ("about 4 999 people", 4999), ("no number", None)])
def test_employees_in_text(text, count):
    assert employees(text) == count


def test_segment_named():
    assert segment_named("Mid-Market") == "Mid-Market"
    assert segment_named("an SMB deal") == "SMB"
    assert segment_named("strategic account") == "Strategic"
    assert segment_named("Acme") is None


@pytest.mark.parametrize("start, months, due", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),  # clamped to the month's end
    (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
    (D(2026, 8, 31), 6, D(2027, 2, 28)),
    (D(2027, 8, 31), 6, D(2028, 2, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 11, 30), 2, D(2027, 1, 30)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2026, 5, 15), -5, D(2025, 12, 15)),
])
def test_calendar_months_clamp_to_month_end(start, months, due):
    assert add_months(start, months) == due


@pytest.mark.parametrize("span, due", [("at start", D(2026, 1, 31)), ("2-5 days", D(2026, 2, 5)),
                                       ("7-10 days", D(2026, 2, 10)), ("20-30 days", D(2026, 3, 2)),
                                       ("60 days", D(2026, 4, 1)), ("90 days", D(2026, 5, 1)),
                                       ("6 months", D(2026, 7, 31)), ("10 months", D(2026, 11, 30)),
                                       ("11 months", D(2026, 12, 31)), ("12 months", D(2027, 1, 31))])
def test_windows_are_due_at_their_end(span, due):
    assert due_after(D(2026, 1, 31), span) == due


def test_schedule_has_the_expansion_step_only_for_strategic():
    start = D(2028, 2, 29)
    for segment in ("SMB", "Mid-Market", "Large", None):
        steps = schedule(start, segment)
        assert [s.step.number for s in steps] == list(range(1, 11))
    strategic = schedule(start, "Strategic")
    assert [s.step.number for s in strategic] == list(range(1, 12))
    by = {s.step.number: s.due for s in strategic}
    assert by[1] == start and by[2] == D(2028, 3, 5) and by[7] == D(2028, 8, 29)
    assert by[10] == D(2029, 2, 28)  # leap day + 12 months
    assert by[11] == by[8] == D(2028, 12, 29)


def test_tasks_read_back_and_next_open():
    text = "- [x] **1. Welcome** (due 2026-03-14, at start): hi\n- [ ] **2. Personal introduction** (due 2026-03-19)\n" \
           "* [ ] 3. Installation follow-up due 2026-03-24\n- [ ] no date here"
    found = tasks(text)
    assert [t.title for t in found[:2]] == ["Welcome", "Personal introduction"]
    assert found[2].due == D(2026, 3, 24) and found[3].due is None
    assert [t.done for t in found] == [True, False, False, False]
    assert next_open(found).due == D(2026, 3, 19)


def test_checklist_shape():
    assert looks_like_checklist("Onboarding checklist: Acme", "")
    assert not looks_like_checklist("Onboarding checklist request", "")
    assert looks_like_checklist("Acme", "- [ ] Welcome\n- [ ] Installation\n- [x] Education")
    assert not looks_like_checklist("Acme onboarding", "- [ ] Demo\n- [ ] POC")


def test_live_optimization_window():
    assert window(D(2026, 1, 31)) == (D(2026, 2, 28), D(2026, 3, 31))
    assert window(D(2027, 12, 31)) == (D(2028, 1, 31), D(2028, 2, 29))


def test_next_anniversary_rolls_yearly():
    assert next_anniversary(D(2026, 3, 14), D(2026, 3, 14)) == D(2026, 3, 14)
    assert next_anniversary(D(2025, 3, 14), D(2026, 3, 15)) == D(2027, 3, 14)
    assert next_anniversary(D(2024, 2, 29), D(2027, 1, 1)) == D(2027, 2, 28)
    assert next_anniversary(D(2024, 2, 29), D(2027, 3, 1)) == D(2028, 2, 29)


def test_account_identity():
    assert normalise("Acme Robotics GmbH") == normalise("ACME Robotics, Inc.") == normalise("acme robotics")
    assert normalise("Müller & Söhne AG") == "muller and sohne"
    assert normalise("GmbH") == "gmbh"  # a legal form alone is a name
    assert customer_name("Acme Robotics (ARR $40k), https://acme.my.salesforce.com/0015000000AbCdE") == "Acme Robotics"
    assert customer_name("Customer: Beta Labs - 40 seats") == "Beta Labs"
    link = "https://gitlab.lightning.force.com/lightning/r/Account/0016100001AbCdEAAX/view"
    assert salesforce_id(link) == "0016100001AbCdE"
    assert salesforce_id("opportunity 0066100001AbCdE") is None  # an opportunity, not an account

    book = AccountBook()
    book.add("Acme Robotics", link, order=3)
    book.add("Acme Robotics GmbH", order=5)
    book.add("", "https://gitlab.my.salesforce.com/0016100001AbCdE", order=7)
    book.add("Beta Labs", order=1)
    keys = {book.key("Acme Robotics"), book.key("ACME ROBOTICS GMBH"), book.key("", link), book.key("Acme Robotics Inc")}
    assert keys == {"acme-robotics"}
    assert book.key("Beta Labs") == "beta-labs" != book.key("Acme Robotics")
    assert book.key("Zeta") == "zeta"
    assert book.key("") is None


def test_accounts_file_csv_and_yaml():
    rows, problems = parse_accounts("customer,renewal_date,ae,sa\nAcme Robotics,2027-03-31,@eve.ae,ana.sa\n", "a.csv")
    assert problems == [] and rows[0].customer == "Acme Robotics" and rows[0].sa == "ana.sa" and rows[0].ae == "eve.ae"
    rows, problems = parse_accounts("accounts:\n  - customer: Beta\n    renewal_date: 2027-01-15\n", "a.yml")
    assert problems == [] and rows[0].renewal_date == "2027-01-15"
    rows, problems = parse_accounts("customer,renewal_date,owner\n,soon,x\n", "a.csv")
    assert any("unknown column owner" in p for p in problems)
    assert any("renewal_date 'soon'" in p for p in problems)


def test_accounts_file_is_loaded_relative_to_rules_yml(tmp_path):
    from pathlib import Path

    rules = Path(__file__).resolve().parents[1] / "rules.yml"
    text = rules.read_text().replace("# accounts_file: accounts.csv", "accounts_file: crm/accounts.csv")
    (tmp_path / "rules.yml").write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "rules.yml")
    assert "crm/accounts.csv: no such file" in str(err.value)
    (tmp_path / "crm").mkdir()
    (tmp_path / "crm" / "accounts.csv").write_text("customer,renewal_date,ae,sa\nAcme,2027-03-31,eve.ae,ana.sa\n")
    config = load_config(tmp_path / "rules.yml")
    assert config.accounts[0].customer == "Acme" and config.kind("onboarding").label == "Onboarding"
    assert config.sa_capacity == 5 and config.renewal_label == "Renewal Review"


def test_kinds_config_mistakes_point_at_the_line(rules_with):
    path = rules_with({"    label: Renewal Review": "    label: 7\n    color: red"})
    with pytest.raises(ConfigError) as err:
        load_config(path)
    text = str(err.value)
    assert "rules.yml:" in text and "label" in text and "color" in text


def test_kind_field_names_can_be_renamed(rules_with):
    from gl_cs.parse.kinds import read_kind

    path = rules_with({"    label: Onboarding\n": "    label: Onboarding\n    fields:\n      start_date:\n"
                                                  "        title: Kick-off\n        synonyms: [Go-live]\n"})
    config = load_config(path)
    read = read_kind("Customer: Acme\nGo-live: 2026-11-02\n", "onboarding", config,
                     dt.datetime(2026, 11, 23, tzinfo=dt.timezone.utc))
    assert read.start == D(2026, 11, 2) and read.titles["start_date"] == "Kick-off"
