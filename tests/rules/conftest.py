"""The pure rule tests need neither gl-cs's record nor the recorded sleep that
``tests/conftest.py`` gives every end-to-end test; overriding those autouse fixtures
spares each case a temporary folder (about 5 ms a case, most of this package's time)."""

import pytest


@pytest.fixture(autouse=True)
def record_file():
    return None


@pytest.fixture(autouse=True)
def recorded_sleep():
    return None
