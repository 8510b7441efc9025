import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _needs_a_screen():
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        pytest.fail("render tests need a screen: run them through scripts/test (it starts Xvfb)")
