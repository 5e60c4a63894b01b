"""Read YAML that arrives by merge request (rules.yml, later the templates) safely.

``yaml.safe_load`` already refuses Python objects, but not the other ways a few
kilobytes can take a validator down:

* **aliases**: a 4 KB document of nested anchors and aliases (``&a [*b, *b, ...]``)
  expands to billions of nodes for anything that walks it (the line map, jsonschema);
  aliases are refused outright (rules.yml never needs them: write the value out);
* **size**: documents above :data:`MAX_BYTES` are refused before parsing;
* **depth**: nesting deeper than :data:`MAX_DEPTH` is refused (PyYAML and the line map
  recurse, so ``[[[[...]]]]`` would otherwise end in a ``RecursionError``);
* **values that break construction** (``2020-02-31``, a 5,000-digit number) are
  reported at their line instead of escaping as ``ValueError``.

One parse gives both the node tree (for the ``rules.yml:LINE:`` messages and the
duplicate-key check) and the data. Every problem is a :class:`UnsafeYAML` with a
1-based line, or a ``yaml.YAMLError`` with its ``problem_mark`` as before.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_BYTES = 32 * 1024  # rules.yml is 4 KB; pure-Python YAML reads ~150 KB/s of dense input
MAX_DEPTH = 40


class UnsafeYAML(Exception):
    """A document refused before or while it is read. ``line`` is 1-based."""

    def __init__(self, line: int, problem: str):
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


class _Loader(yaml.SafeLoader):
    """SafeLoader without aliases, with a depth limit, and with construction errors
    pinned to the line of the value."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise UnsafeYAML(event.start_mark.line + 1,
                             f"aliases (*{event.anchor}) are not allowed; write the value out in full")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise UnsafeYAML(mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (yaml.YAMLError, UnsafeYAML):
            raise
        except Exception as exc:  # ValueError (bad date, huge number), TypeError (unhashable key) ...
            raise UnsafeYAML(node.start_mark.line + 1,
                             f"the value {str(node.value)[:40]!r} cannot be read ({exc.__class__.__name__})"
                             if isinstance(node, yaml.ScalarNode) else
                             f"this value cannot be read ({exc.__class__.__name__}: {str(exc)[:80]})") from None


def load(text: str, *, max_bytes: int = MAX_BYTES) -> tuple[yaml.Node | None, Any]:
    """Parse one YAML document: ``(node tree, data)``. Raises :class:`UnsafeYAML` for a
    document that is too big, uses aliases, is nested too deep or holds a value that
    cannot be built; ``yaml.YAMLError`` for invalid YAML."""
    size = len(text.encode("utf-8", "replace"))
    if size > max_bytes:
        raise UnsafeYAML(1, f"the file is {size // 1024} KB; the limit is {max_bytes // 1024} KB")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise UnsafeYAML(1, "nested too deeply") from None
    finally:
        loader.dispose()
    return node, data
