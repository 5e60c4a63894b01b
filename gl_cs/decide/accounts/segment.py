"""Market segment from the number of employees.

Handbook 001, "Market segmentation": "Strategic: 5000+ employees; Large: 750 - 4999
employees; Mid Market: 100 - 749 employees; SMB: less than 100 employees".
"""

from __future__ import annotations

import re

STRATEGIC, LARGE, MID_MARKET, SMB = "Strategic", "Large", "Mid-Market", "SMB"
SEGMENTS = (STRATEGIC, LARGE, MID_MARKET, SMB)


def segment_for(employees: int) -> str:
    if employees >= 5000:
        return STRATEGIC
    if employees >= 750:
        return LARGE
    if employees >= 100:
        return MID_MARKET
    return SMB


_NAMES = (
    (re.compile(r"\bstrategic\b", re.I), STRATEGIC),
    (re.compile(r"\blarge\b|\benterprise\b", re.I), LARGE),
    (re.compile(r"\bmid[\s_-]*market\b|\bmm\b|\bmid\b", re.I), MID_MARKET),
    (re.compile(r"\bsmb\b|\bsmall(?:\s+(?:and|&)\s+medium)?\s+business\b", re.I), SMB),
)
_COUNT = re.compile(r"(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+)\s*(k\b)?\s*\+?\s*(?:employees|staff|people|"
                    r"engineers|developers|users|seats|heads\b|headcount|fte)", re.I)
_BARE = re.compile(r"^\s*(?:~|about|approx\.?|around)?\s*(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+|\d+)\s*(k)?\s*\+?\s*$", re.I)


def _number(digits: str, k: str | None) -> int:
    value = int(re.sub(r"\D", "", digits))
    return value * 1000 if k else value


def employees_in(text: str, *, bare: bool = False) -> int | None:
    """"80 employees", "1,200 staff", "5k employees"; with ``bare``, a field holding only
    a number ("80") counts too."""
    text = text or ""
    m = _COUNT.search(text)
    if m:
        return _number(m.group(1), m.group(2))
    if bare:
        m = _BARE.match(text)
        if m:
            return _number(m.group(1), m.group(2))
    return None


def segment_named(text: str) -> str | None:
    """The segment a person wrote ("Mid-Market", "SMB", "strategic account")."""
    for rx, name in _NAMES:
        if rx.search(text or ""):
            return name
    return None
