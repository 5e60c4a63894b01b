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

from ...parse.companies import customer_name, normalise, salesforce_id, slug


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
