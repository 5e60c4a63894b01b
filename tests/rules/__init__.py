"""Pure, table-driven tests of the issue rules: one module per rule, named after it
(``gl_cs/decide/rules/workflow_state.py`` -> ``test_workflow_state.py``), plus the engine
that folds them (``test_engine.py``) and what each decision reads (``test_context.py``).

No HTTP: every case is ``decide(issue, ctx)`` on data built with ``builders`` and
compared with ``expect``. Run them alone with ``pytest tests/rules``."""

import pytest

pytest.register_assert_rewrite(f"{__name__}.expect")
