"""Turn whatever arrived as "text" (None, bytes, anything) into a str, never raising."""

from __future__ import annotations


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    return value if isinstance(value, str) else str(value)
