"""A customer's name and Salesforce account id, as written.

"Acme Robotics (ARR $40k), https://...salesforce..." names Acme Robotics; "Acme Robotics",
"ACME Robotics GmbH" and "Acme Robotics, Inc." normalise to one name; the ``001...`` id in
a Salesforce link is the account's (its 15- and 18-character forms are one).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

LEGAL_FORMS = frozenset("""
gmbh mbh ag kg kgaa se inc incorporated llc llp lp ltd limited corp corporation co company plc
sa sas sarl srl spa bv nv oy oyj ab as asa aps kk pty pte sdn bhd ulc gbr ug
""".split())

_SF = re.compile(r"(?<![A-Za-z0-9])(001[A-Za-z0-9]{12})(?:[A-Za-z0-9]{3})?(?![A-Za-z0-9])")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_CUT = re.compile(r"\s+[-–—|]\s+|[,;(\[|\n]")


def salesforce_id(text: str) -> str | None:
    """The Salesforce account id in ``text`` (its 15-character form), if any."""
    m = _SF.search(text or "")
    return m.group(1) if m else None


def customer_name(text: str) -> str:
    """The customer's name out of a field that may also hold a link, an opportunity size
    or notes ("Acme Robotics (ARR $40k), https://...salesforce..." -> "Acme Robotics")."""
    text = _URL.sub(" ", text or "")
    text = re.sub(r"^\s*(?:customer|account|company|name)\s*(?:name)?\s*[:=-]\s*", "", text, flags=re.I)
    first = _CUT.split(text.strip(), maxsplit=1)[0] if text.strip() else ""
    return re.sub(r"\s+", " ", first).strip(" .:*_`\"'-–—|")


def normalise(name: str) -> str:
    """"Acme Robotics GmbH" -> "acme robotics"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = text.replace("&", " and ")
    words = re.findall(r"\w+", text)
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def slug(norm: str) -> str:
    if re.fullmatch(r"[a-z0-9 ]+", norm or ""):
        return norm.replace(" ", "-")[:60]
    return "x" + hashlib.sha1((norm or "").encode()).hexdigest()[:12]


