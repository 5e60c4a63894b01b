"""The suite checks itself: every test can fail.

A check that cannot fail hides the bug it was written for (an ``... or True`` once hid a
wrong route key). This reads every test module's syntax tree and refuses the shapes of a
check that cannot fail:

* an ``assert`` that is always true: ``or True`` (any truthy constant in an ``or``), a
  constant, a non-empty tuple (``assert (x, "message")``), the same expression on both
  sides of ``==``, or a constructor's result ``is not None`` (``ZoneInfo(name)`` never is);
* ``assert proc.returncode is not None`` right after waiting for the process;
* a test whose only asserts sit in an ``except`` block (a call that returns normally
  passes silently: use ``pytest.raises``);
* a test that asserts nothing at all: no ``assert``, no ``pytest.raises`` / ``warns`` /
  ``fail``, and no call of a helper (in any test module) that does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
MODULES = sorted(p for p in HERE.rglob("*.py") if not {"corpus_unseen", "node_modules"} & set(p.parts))


def _truthy_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value) and node.value is not Ellipsis


def _always_true(test: ast.AST) -> str | None:
    if _truthy_constant(test):
        return "asserts a constant"
    if isinstance(test, ast.Tuple) and test.elts:
        return "asserts a non-empty tuple (always true)"
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) and any(_truthy_constant(v) for v in test.values):
        return "`or` with a truthy constant"
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        calls = any(isinstance(n, ast.Call) for n in ast.walk(left))  # f() == f(): a determinism check
        if isinstance(op, (ast.Eq, ast.Is)) and ast.dump(left) == ast.dump(right) and not calls:
            return "compares an expression with itself"
        if isinstance(op, ast.IsNot) and isinstance(right, ast.Constant) and right.value is None:
            if isinstance(left, ast.Call) and isinstance(left.func, ast.Name) and left.func.id[:1].isupper():
                return f"a constructor's result ({left.func.id}(...)) is never None"
            if isinstance(left, ast.Attribute) and left.attr == "returncode":
                return "returncode is never None once the process was waited for"
    return None


def _asserts(node: ast.AST) -> list[ast.Assert]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Assert)]


def _in_except(fn: ast.AST) -> set[int]:
    """ids of the assert nodes that sit inside an ``except`` handler."""
    inside: set[int] = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.ExceptHandler):
            inside |= {id(a) for a in _asserts(node)}
    return inside


def _raises(node: ast.AST) -> bool:
    """pytest.raises / warns / fail / deprecated_call, or ``raise AssertionError``."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("raises", "warns", "fail", "deprecated_call"):
                return True
        if isinstance(n, ast.Raise) and n.exc is not None:
            exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
            if isinstance(exc, ast.Name) and exc.id == "AssertionError":
                return True
    return False


def _called(node: ast.AST) -> set[str]:
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Call):
            f = n.func
            out.add(f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else "")
        elif isinstance(n, ast.Name):
            out.add(n.id)  # a checking helper passed as a value (fixtures, callbacks)
    return out


def _functions() -> dict[Path, list[ast.FunctionDef]]:
    out = {}
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out[path] = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return out


FUNCTIONS = _functions()


def _checking_helpers() -> set[str]:
    """Names of functions (in any test module) that assert, directly or through another."""
    direct: dict[str, set[str]] = {}
    checks: set[str] = set()
    for fns in FUNCTIONS.values():
        for fn in fns:
            if _asserts(fn) or _raises(fn):
                checks.add(fn.name)
            direct.setdefault(fn.name, set()).update(_called(fn))
    changed = True
    while changed:
        changed = False
        for name, calls in direct.items():
            if name not in checks and calls & checks:
                checks.add(name)
                changed = True
    return checks


HELPERS = _checking_helpers()


def _problems(path: Path) -> list[str]:
    out = []
    for fn in FUNCTIONS[path]:
        where = f"{path.relative_to(HERE.parent)}:{fn.lineno} {fn.name}"
        for a in _asserts(fn):
            why = _always_true(a.test)
            if why:
                out.append(f"{path.relative_to(HERE.parent)}:{a.lineno}: assert that cannot fail: {why}")
        if not fn.name.startswith("test_"):
            continue
        asserts = _asserts(fn)
        excepted = _in_except(fn)
        if asserts and all(id(a) in excepted for a in asserts) and not _raises(fn):
            out.append(f"{where}: its only asserts are in an `except` (use pytest.raises)")
        if not asserts and not _raises(fn) and not (_called(fn) & HELPERS):
            out.append(f"{where}: asserts nothing")
    return out


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(HERE)) for p in MODULES])
def test_every_check_can_fail(path):
    assert _problems(path) == []


# The checker itself must catch each shape (a checker that finds nothing proves nothing).
BAD = '''
import pytest
def test_or_true(x):
    assert x.get("a") or True
def test_tuple(x):
    assert (x == 1, "x is one")
def test_self(x):
    assert x.a == x.a
def test_ctor():
    assert ZoneInfo("UTC") is not None
def test_returncode(proc):
    proc.wait()
    assert proc.returncode is not None
def test_except_only(call):
    try:
        call()
    except ValueError as exc:
        assert "x" in str(exc)
def test_nothing(x):
    x.nothing_checks_this()
'''

GOOD = '''
import pytest
def check(x):
    assert x == 1
def test_helper(x):
    check(x)
def test_raises(call):
    with pytest.raises(ValueError):
        call()
def test_plain(x):
    assert x.returncode == 0 and x.get("a") is not None
'''


def _check_source(tmp_path, text: str) -> list[str]:
    global FUNCTIONS, HELPERS
    path = HERE / "_checker_sample.py"
    saved = FUNCTIONS, HELPERS
    try:
        FUNCTIONS = {**saved[0], path: [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)]}
        HELPERS = _checking_helpers()
        return _problems(path)
    finally:
        FUNCTIONS, HELPERS = saved


def test_the_checker_finds_every_shape(tmp_path):
    sample = "tests/_checker_sample.py"
    assert _check_source(tmp_path, BAD) == [
        f"{sample}:4: assert that cannot fail: `or` with a truthy constant",
        f"{sample}:6: assert that cannot fail: asserts a non-empty tuple (always true)",
        f"{sample}:8: assert that cannot fail: compares an expression with itself",
        f"{sample}:10: assert that cannot fail: a constructor's result (ZoneInfo(...)) is never None",
        f"{sample}:13: assert that cannot fail: returncode is never None once the process was waited for",
        f"{sample}:14 test_except_only: its only asserts are in an `except` (use pytest.raises)",
        f"{sample}:19 test_nothing: asserts nothing",
    ]


def test_the_checker_accepts_checks_that_can_fail(tmp_path):
    assert _check_source(tmp_path, GOOD) == []
