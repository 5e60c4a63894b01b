"""Market segment from the number of employees.

Handbook 001, "Market segmentation": "Strategic: 5000+ employees; Large: 750 - 4999
employees; Mid Market: 100 - 749 employees; SMB: less than 100 employees". How AEs write a
count or a segment is read by :mod:`gl_cs.parse.prose`.
"""

from __future__ import annotations

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
