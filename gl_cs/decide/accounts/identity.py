"""Which customer names and Salesforce links are one account.

Two mentions are the same account when
* their names match after normalising: case, accents, punctuation and a trailing legal
  form are ignored ("Acme Robotics", "ACME Robotics GmbH", "Acme Robotics, Inc." are one);
* or they carry the same Salesforce account id (the ``001...`` id in a Salesforce link;
  15 and 18 character forms are one), whatever the names say.
Matches are transitive: a request naming "Acme Robotics" with a link, and a later one
with only that link, are one account. The account's key (in hidden markers) is the slug
of the name seen first (lowest issue number) in its group, else ``sf-<id>``.
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


class AccountBook:
    """Groups the mentions of accounts seen in the desk; ``key`` names the group."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}
        self._first: dict[str, tuple[int, str]] = {}  # token -> (order, key it would give)

    def _find(self, token: str) -> str:
        self._parent.setdefault(token, token)
        while self._parent[token] != token:
            self._parent[token] = self._parent[self._parent[token]]
            token = self._parent[token]
        return token

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            first = min(self._first[ra], self._first[rb])
            self._parent[rb] = ra
            self._first[ra] = first

    @staticmethod
    def _tokens(name: str, salesforce: str | None) -> list[tuple[str, str]]:
        out = []
        norm = normalise(customer_name(name)) if name else ""
        if norm:
            out.append(("n:" + norm, slug(norm)))
        sf = salesforce_id(salesforce or "") or salesforce_id(name or "")
        if sf:
            out.append(("sf:" + sf, "sf-" + sf))
        return out

    def add(self, name: str, salesforce: str | None = None, order: int = 0) -> None:
        tokens = self._tokens(name, salesforce)
        for token, key in tokens:
            root = self._find(token)
            # a name gives the key before a bare link does
            rank = (0 if token.startswith("n:") else 1, order, key)
            if root not in self._first or rank < self._first[root]:
                self._first[root] = rank
        for (a, _), (b, _) in zip(tokens, tokens[1:]):
            self._union(a, b)

    def key(self, name: str, salesforce: str | None = None) -> str | None:
        """The account key for a mention (added first when new); None without any name or link."""
        tokens = self._tokens(name, salesforce)
        if not tokens:
            return None
        if any(t not in self._parent for t, _ in tokens):
            self.add(name, salesforce, order=1 << 40)
        return self._first[self._find(tokens[0][0])][2]
