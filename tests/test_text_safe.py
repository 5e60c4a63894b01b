"""Property tests for gl_cs.text.safe: every output is checked against the
guarantees in the module docstring, and rendered with a real CommonMark
parser to prove it is one inert inline code span."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from gl_cs.text.safe import ZWJ, label_name, mention, neutralize, safe_username

MD = MarkdownIt("commonmark", {"html": True}).enable("table")

LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"

ADVERSARIAL = [
    "/close",
    "/label ~\"SA Doing\"",
    "fine\n/close",
    "fine\r/close",
    "fine\r\n/reopen",
    "fine\u2028/close",
    "fine\u2029/assign @me",
    "fine\x85/close",
    "fine\v/close\f/lock",
    "   /close",
    "\t/close",
    "\n\n   /unlabel\n",
    "@all please look",
    "@here",
    "@ALL",
    "cc @someone and @group/subgroup",
    "mail me: a@b.example",
    "see #123, !12, ~bug, ~\"SA Doing\", %\"FY27-Q4\", &5, $7, group/project#9",
    "{{ 7*7 }}",
    "{% for x in y %}{{ x }}{% endfor %}{# comment #}",
    "`code`",
    "``double `` ticks``",
    "```",
    "ends with a backtick `",
    "` starts with one",
    "````` five",
    "<!-- hidden --> visible",
    "<!-- unterminated",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1)) ![x](http://evil/x.png)",
    "**bold** _it_ # heading > quote | table | - item",
    "$`a^2`$ math and :tada: emoji",
    "back\\slash at the end\\",
    "\x00\x01\x1b[31mred\x7f\x9b",
    "\u202eevil\u202c \u2066isolate\u2069 \u200f",
    "日本語 Ελληνικά العربية 🎉👩‍👩‍👧",
    "\udc80 lone surrogate",
    "x" * 5000,
    ("@all /close {{ 7*7 }} `` " * 200),
]


def _visible(s: str) -> str:
    return s.replace(ZWJ, "")


def _assert_inert(out: str, source: str, max_len: int = 300) -> None:
    # 1. one line
    assert not any(ch in out for ch in LINE_BREAKS)
    assert len(out.splitlines()) <= 1
    # 2. no line starts with "/", wherever the quote is placed
    for placed in (out, "Quoted: " + out, out + " tail", "> " + out):
        for line in placed.splitlines():
            assert not line.strip().startswith("/")
            assert not line.lstrip("> ").startswith("/")
    if not out:
        return
    assert out.startswith("`") and out.endswith("`")
    # 4. defence in depth: no mention / reference / template patterns at all
    assert not re.search(r"@[\w.\-]", out)
    assert "@all" not in out.lower() and "@here" not in out.lower()
    inner = out.strip("`")
    assert not re.search(r"[#!~%&$^][^\s\u200d]", inner)
    assert "{{" not in out and "{%" not in out and "{#" not in out
    # 6. no control / bidi characters
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", out)
    # 5. bounded
    assert len(out) <= 4 * max_len + 4
    # 3. renders as exactly one code span, alone and inside running text
    for ctx in ("{}", "Quoted: {} - please check", "* item {}", "| {} |"):
        rendered = MD.render(ctx.format(out))
        assert rendered.count("<code>") == 1, rendered
        for tag in re.findall(r"</?([a-zA-Z0-9]+)", rendered):
            assert tag in ("p", "code", "ul", "li", "table", "thead", "tr", "th"), rendered


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[f"adv{i:02d}" for i in range(len(ADVERSARIAL))])
def test_adversarial_inputs_come_out_inert(text):
    out = neutralize(text)
    _assert_inert(out, text)
    # the code span shows the collapsed text (plus invisible joiners only)
    tokens = MD.parseInline(out)[0].children
    assert [t.type for t in tokens] == ["code_inline"]
    shown = _visible(tokens[0].content)
    expected = " ".join(
        re.sub(
            r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text
        )
        .encode("utf-8", "replace")
        .decode("utf-8")
        .split()
    ).replace(ZWJ, "")
    if len(expected) <= 300:
        assert shown == expected
    else:
        assert shown.endswith("\u2026") and len(shown) <= 300
        assert expected.startswith(shown[:-1].rstrip())


@pytest.mark.parametrize(
    "text, shown",
    [
        ("/close", "/close"),
        ("a\n/close", "a /close"),
        ("  leading spaces\r\n/label ~x  ", "leading spaces /label ~x"),
        ("{{ 7*7 }}", "{{ 7*7 }}"),
        ("@all", "@all"),
        ("`x`", "`x`"),
        ("<!-- c -->", "<!-- c -->"),
    ],
)
def test_text_reads_as_written(text, shown):
    out = neutralize(text)
    (tok,) = MD.parseInline(out)[0].children
    assert tok.type == "code_inline"
    assert _visible(tok.content) == shown
    assert html.unescape(MD.renderInline(out)).replace(ZWJ, "") == f"<code>{shown}</code>"


def test_quick_action_never_reaches_line_start():
    for text in ("/close", "\n/close", "x\u2028/close", "x\r/close", " /close"):
        out = neutralize(text)
        assert out[0] == "`"
        comment = f"Hi!\n{out}\n/done is not ours"
        lines = comment.splitlines()
        assert lines[1] == out and not lines[1].startswith("/")


def test_mentions_do_not_notify():
    out = neutralize("@all @here @alice @group/sub")
    assert f"@{ZWJ}all" in out and f"@{ZWJ}here" in out and f"@{ZWJ}alice" in out
    assert not re.search(r"@\w", out)


def test_references_do_not_link():
    out = neutralize("#123 !12 ~bug %M1 &4 $5")
    for sigil in "#!~%&$":
        assert sigil + ZWJ in out
    assert not re.search(r"[#!~%&$]\w", out)


def test_jinja_stays_literal_even_as_a_template():
    from jinja2 import Environment

    out = neutralize("{{ 7*7 }} {% if true %}yes{% endif %}")
    rendered_as_variable = Environment(autoescape=False).from_string("Quote: {{ q }}").render(q=out)
    assert "49" not in rendered_as_variable
    assert out in rendered_as_variable
    # even a (wrong) use as template source does not evaluate anything
    assert "49" not in Environment().from_string(out).render()


@pytest.mark.parametrize("text", ["`", "``", "a ` b", "a `` b ``` c", "````", "x`", "`x"])
def test_backticks_cannot_close_the_span(text):
    out = neutralize(text)
    longest_inside = max(len(r) for r in re.findall(r"`+", text))
    assert out.startswith("`" * (longest_inside + 1))
    (tok,) = MD.parseInline(out)[0].children
    assert tok.type == "code_inline"
    assert tok.content == text


@pytest.mark.parametrize("max_len", [1, 2, 10, 50, 300])
def test_truncation(max_len):
    text = "word " * 500
    out = neutralize(text, max_len=max_len)
    (tok,) = MD.parseInline(out)[0].children
    shown = _visible(tok.content)
    assert len(shown) <= max_len
    assert shown.endswith("\u2026")
    _assert_inert(out, text, max_len)


def test_short_text_is_not_truncated():
    assert _visible(neutralize("exactly ten", max_len=11)) == "`exactly ten`"


@pytest.mark.parametrize("blank", [None, "", "   ", "\n\r\t", "\u2028\u2029", "\x00\x01"])
def test_blank_input_gives_empty_string(blank):
    assert neutralize(blank) == ""


def test_non_string_input():
    assert _visible(neutralize(b"@all /close")) == "`@all /close`"
    assert _visible(neutralize(12345)) == "`12345`"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "username, expected",
    [
        ("alice", "alice"),
        ("@alice", "alice"),
        ("a.b-c_d", "a.b-c_d"),
        ("_bot", "_bot"),
        ("x", "x"),
        ("user123", "user123"),
        ("all", None),
        ("@all", None),
        ("ALL", None),
        ("here", None),
        ("@Here", None),
        ("", None),
        ("@", None),
        (None, None),
        ("al ice", None),
        ("alice\n/close", None),
        ("alice.", None),
        ("-alice", None),
        (".alice", None),
        ("repo.git", None),
        ("feed.atom", None),
        ("group/subgroup", None),
        ("émile", None),
        ("a" * 255, "a" * 255),
        ("a" * 256, None),
        ("<b>x</b>", None),
        ("alice@example.com", None),
    ],
)
def test_safe_username(username, expected):
    assert safe_username(username) == expected


def test_mention():
    assert mention("alice") == "@alice"
    assert mention("@bob.smith") == "@bob.smith"
    for bad in ("all", "here", "", "a b", "/close", "@all", None):
        with pytest.raises(ValueError):
            mention(bad)  # type: ignore[arg-type]


def test_seeded_random_inputs_come_out_inert():
    import random

    pieces = [
        "/", "/close", "\n", "\r", "\u2028", "\u2029", "\x85", " ", "\t", "@", "all", "here", "#", "1", "!", "~",
        "%", "&", "$", "^", "{", "}", "{{", "%}", "`", "``", "<!--", "-->", "<", ">", "\\", "*", "_", "[", "]",
        "(", ")", "|", ":", "x", "日本", "🎉", "\u202e", "\x00", "\x1b", "\u200d",
    ]
    rnd = random.Random(20261123)
    for _ in range(400):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 80)))
        max_len = rnd.choice([5, 40, 300])
        out = neutralize(text, max_len=max_len)
        _assert_inert(out, text, max_len)
        if out:
            (tok,) = MD.parseInline(out)[0].children
            assert tok.type == "code_inline"
            assert len(_visible(tok.content)) <= max_len


@pytest.mark.parametrize("text, expected", [
    pytest.param("2016-01-04T15:31:39.788Z", "2016-01-04T15:31:39.788000+00:00", id="api-z-millis"),
    pytest.param("2015-05-17 18:08:09 UTC", "2015-05-17T18:08:09+00:00", id="webhook-utc"),
    pytest.param("2026-11-23T09:00:00-08:00", "2026-11-23T17:00:00+00:00", id="offset"),
    pytest.param("2026-11-23T09:00:00 05:30", "2026-11-23T03:30:00+00:00", id="plus-decoded-as-space"),
    pytest.param("2026-11-23", "2026-11-23T00:00:00+00:00", id="bare-date"),
    pytest.param("2026-11-23T17:00:00", "2026-11-23T17:00:00+00:00", id="naive-is-utc"),
])
def test_one_iso_time_parser_reads_every_machine_written_style(text, expected):
    from gl_cs.text.isotime import parse_iso

    assert parse_iso(text).isoformat() == expected


@pytest.mark.parametrize("text", ["", "   ", "yesterday", "2026-13-01"])
def test_iso_time_parser_refuses_what_is_not_a_time(text):
    from gl_cs.text.isotime import parse_iso

    with pytest.raises(ValueError):
        parse_iso(text)


@pytest.mark.parametrize("text, shown", [
    pytest.param("Nov\u200b 24, 10\u2060am PT", "Nov 24, 10am PT", id="zero-width space, word joiner"),
    pytest.param("\ufeffTue Dec 1\u200d", "Tue Dec 1", id="byte-order mark, a stray joiner"),
    pytest.param("Mon\u00adday 10\u200c:00", "Monday 10:00", id="soft hyphen, zero-width non-joiner"),
    pytest.param("\u200eNov 24\u200f \u202aCET\u202c", "Nov 24 CET", id="bidi marks"),
    pytest.param("Acme\U000e0069\U000e0067\U000e006e Corp", "Acme Corp", id="tag characters"),
    pytest.param("\u3164\u115f", "", id="only Hangul fillers: blank"),
])
def test_quotes_carry_no_invisible_characters_of_the_input(text, shown):
    out = neutralize(text)
    assert out == (f"`{shown}`" if shown else "")
    assert label_name(text) == shown


def test_every_invisible_format_character_is_removed():
    """Every Unicode format character (category Cf) this Python knows: gone from a quote."""
    import sys
    import unicodedata

    format_chars = [chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"]
    assert len(format_chars) > 150
    kept = [f"U+{ord(c):04X}" for c in format_chars if neutralize(f"a{c}b") != "`ab`"]
    assert kept == []


def test_our_joiners_are_the_only_invisible_characters_left():
    out = neutralize("@\u200ball #\u200b12 {\u200b{ x }}")
    inner = out.strip("`")
    assert inner.replace(ZWJ, "") == "@all #12 {{ x }}"
    assert inner.count(ZWJ) == 3 and "\u200b" not in out
