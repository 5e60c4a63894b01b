"""Text as a person sees it: line endings, invisible characters, comments, Slack links."""

from __future__ import annotations

import html
import re

from ..text.coerce import as_text

_MAX_INPUT = 1_100_000  # GitLab caps descriptions at 1,048,576 characters

# zero-width and other invisible characters (removed) and spaces that are not
# U+0020 (made plain spaces), as pasted from Word, Google Docs, Slack, Outlook
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"), None)
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2007\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2008\u205f\u3000"), " ")
_TRANSLATE = {**_INVISIBLE, **_SPACES, ord("\x00"): "\ufffd"}
_SLACK_LINK_RE = re.compile(r"<((?:https?|mailto):[^|<>\s]{1,500})\|([^<>]{1,200})>")


def normalise(description) -> str:
    """One string with ``\\n`` line ends, no invisible characters, plain spaces,
    Slack's ``<url|text>`` links as ``text (url)``, HTML comments removed."""
    description = as_text(description)
    if len(description) > _MAX_INPUT:
        description = description[:_MAX_INPUT]
    text = description.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n").translate(_TRANSLATE)
    # lone surrogates cannot be encoded; replace them
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8", errors="replace")
    if "|" in text and "<" in text:
        text = _SLACK_LINK_RE.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return strip_comments(text)


def strip_comments(text: str) -> str:
    """Remove ``<!-- ... -->`` (GitLab hides them); an unterminated one hides the rest."""
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pos = end + 3
    return "".join(out)


def unescape(s: str) -> str:
    try:
        return html.unescape(s)
    except Exception:  # pragma: no cover - defensive
        return s
