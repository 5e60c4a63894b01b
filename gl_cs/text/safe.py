"""Make user text inert before gl-cs quotes it in a GitLab comment.

Anything gl-cs copies from an issue (a title, a field an AE wrote, a label
name) into a note must not be able to act: run a quick action, notify people,
link issues, hide or inject content, or change the bot's own template.

What :func:`neutralize` guarantees
==================================

For any input (``None``, bytes, control characters, any Unicode) the result
``s`` satisfies all of the following:

1. **One line.**  ``s`` contains none of the characters ``str.splitlines``
   breaks on (``\\n``, ``\\r``, ``\\v``, ``\\f``, ``\\x1c``-``\\x1e``,
   ``\\x85``, U+2028, U+2029): every run of whitespace, including those, is
   collapsed to a single space and the ends are trimmed.
2. **Never starts a line with ``/``.**  ``s`` is either ``""`` (blank input)
   or starts with a backtick, so placing it anywhere on a line - even at the
   start - cannot create a quick action (GitLab runs one only when a line
   starts with ``/``).  Because of (1) the text cannot smuggle in a line of
   its own.
3. **One inline code span.**  ``s`` is a CommonMark code span: a run of N
   backticks, the text, and a run of N backticks, where N is one more than the
   longest run of backticks inside the text (a space pads each side when the
   text starts or ends with a backtick).  The text therefore cannot close the
   span early; GitLab shows it verbatim - no Markdown, HTML (``<!-- -->``,
   ``<script>``), links, emoji, mentions or references are interpreted.
4. **Defence in depth** (holds even if a caller breaks rule 3, e.g. by
   putting ``s`` right after a backslash): a ZERO WIDTH JOINER (U+200D) is
   inserted after every ``@`` and after ``#``, ``!``, ``~``, ``%``, ``&``,
   ``$`` and ``^`` when a non-space character follows, so ``@all``,
   ``@here``, ``@user``, ``@group``, ``#123``, ``!12``, ``~"SA Doing"``,
   ``%"FY27-Q4"``, ``&5`` and ``$7`` can neither notify nor link; and between
   ``{`` and a following ``{``, ``%`` or ``#``, so ``{{ 7*7 }}``/``{% ... %}``
   are not template syntax even if the result were (wrongly) used as a Jinja
   *template* rather than passed to one as a *variable*.  The joiners are
   invisible; the text reads exactly as written.
5. **Bounded.**  At most ``max_len`` visible characters of the (collapsed)
   text are kept; longer text is cut and ends with ``…`` (the ellipsis counts
   toward ``max_len``).  The raw string is longer only by the invisible joiners
   and the fences: ``len(s) <= 4 * max_len + 4``.
6. **No hidden characters.**  C0/C1 control characters, DEL and every
   invisible format character (Unicode category Cf: zero-width spaces, joiners
   and non-joiners, the word joiner, soft hyphens, byte-order marks, the
   bidirectional marks, overrides and isolates, tag characters), plus the
   combining grapheme joiner and the Hangul fillers, are removed: a quote
   shows exactly the characters it holds (``Nov\u200b 24`` is quoted
   ``Nov 24``), and cannot reorder how the rest of the comment is displayed.
   The only invisible characters in ``s`` are the joiners gl-cs adds (4).

Caller's side of the contract: put ``s`` in running text (not inside a link
text, table cell or HTML attribute, and not directly after a backslash), and
render Markdown templates without HTML auto-escaping (an auto-escaped ``<``
would show up as ``&lt;`` inside the code span).

:func:`safe_username` / :func:`mention` are for usernames that come from
GitLab user objects (``user["username"]``): a group path has the same syntax
as a username, so never build a mention from free text.
"""

from __future__ import annotations

import re

from .coerce import as_text

__all__ = ["neutralize", "label_name", "safe_username", "mention", "ZWJ"]

#: the invisible character inserted after ``@``, ``#`` ...
ZWJ = "\u200d"

_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_REMOVE = {ord(c): None for c in _BIDI}
for _cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0)):
    if chr(_cp) not in "\t\n\r\v\f\x1c\x1d\x1e\x85":
        _REMOVE[_cp] = None

#: invisible characters an AE's text may carry (typed, pasted from chat or a web page):
#: Unicode's format characters (category Cf), the combining grapheme joiner, Hangul fillers
_INVISIBLE_RE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
_WS_RE = re.compile(r"[\s\u2028\u2029\x1c\x1d\x1e\x85]+")
_SIGIL_RE = re.compile(r"([#!~%&$^])(?=\S)")
_TEMPLATE_RE = re.compile(r"\{(?=[{%#])")
_BACKTICK_RUN_RE = re.compile(r"`+")


def neutralize(text: str | None, *, max_len: int = 300) -> str:
    """Return an inert, single-line inline-code quote of ``text``.

    See the module docstring for the exact guarantees.  ``""`` for blank
    input.
    """
    text = as_text(text)
    try:
        max_len = int(max_len)
    except (TypeError, ValueError):
        max_len = 300
    max_len = max(1, max_len)

    # lone surrogates cannot be sent to GitLab; replace them
    text = text.encode("utf-8", errors="replace").decode("utf-8")
    text = _INVISIBLE_RE.sub("", text.translate(_REMOVE))
    text = _WS_RE.sub(" ", text).strip()
    if not text:
        return ""
    if len(text) > max_len:
        text = text[: max_len - 1].rstrip() + "\u2026"

    text = text.replace("@", "@" + ZWJ)
    text = _SIGIL_RE.sub(lambda m: m.group(1) + ZWJ, text)
    text = _TEMPLATE_RE.sub("{" + ZWJ, text)

    longest = max((len(r) for r in _BACKTICK_RUN_RE.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith("`") or text.endswith("`"):
        text = f" {text} "
    return f"{fence}{text}{fence}"


_MD_SPECIAL_RE = re.compile(r"([\\*_`\[\]<>|])")


def label_name(name: str | None) -> str:
    """A label name as plain, inert Markdown text for a bot comment (shown in bold by
    the caller): one line, no mention (``SA Triaged - @ana.sa`` notifies nobody), no
    reference, no Markdown or HTML of its own, never a quick action."""
    text = _WS_RE.sub(" ", _INVISIBLE_RE.sub("", as_text(name).translate(_REMOVE))).strip()
    text = text.replace("@", "@" + ZWJ)
    text = _SIGIL_RE.sub(lambda m: m.group(1) + ZWJ, text)
    text = _TEMPLATE_RE.sub("{" + ZWJ, text)
    text = _MD_SPECIAL_RE.sub(r"\\\1", text)
    return ("\\" + text) if text.startswith("/") else text


# GitLab's namespace path rule (lib/gitlab/path_regex.rb), made a little
# stricter: start with a letter, digit or "_", end with a letter, digit, "_"
# or "-", only letters, digits, "_", "-" and "." in between, at most 255
# characters, not ending in ".git"/".atom".
_USERNAME_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]{0,253}[A-Za-z0-9_\-])?")
_RESERVED = frozenset({"all", "here"})


def safe_username(username: str | None) -> str | None:
    """``username`` (without a leading ``@``) if it is a valid GitLab
    username that does not notify a crowd (``all``, ``here``); else None."""
    if not isinstance(username, str):
        return None
    name = username.strip()
    if name.startswith("@"):
        name = name[1:]
    if not name or not _USERNAME_RE.fullmatch(name):
        return None
    lowered = name.lower()
    if lowered in _RESERVED or lowered.endswith((".git", ".atom")):
        return None
    return name


def mention(username: str) -> str:
    """``"@username"`` for a valid username; ``ValueError`` otherwise."""
    name = safe_username(username)
    if name is None:
        raise ValueError(f"not a mentionable GitLab username: {username!r}")
    return "@" + name


def addressing(user) -> str:
    """``"@username "`` to open a comment to ``user`` (a snapshot with ``.username``), or
    ``""`` when there is nobody to address or the name cannot be mentioned safely."""
    name = safe_username(getattr(user, "username", None)) if user is not None else None
    return f"@{name} " if name else ""
