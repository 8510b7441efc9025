"""Shared pytest configuration.

* ``backend`` fixture: the numpy backend always, and the CuPy backend as a second
  parameter marked ``gpu`` (skipped with the probe's reason when CuPy cannot run),
  in the manner of array-API test suites. ``xp`` is that backend's array module.
* ``@pytest.mark.gpu`` tests are skipped with the probe's reason when there is no
  working CuPy device.
"""

from __future__ import annotations

from typing import Any

import pytest


def _cupy_backend() -> Any:
    from derivlab.compute.backend import get_backend

    return get_backend("cupy")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("gpu") is not None:
        backend = _cupy_backend()
        if backend.name != "cupy":
            pytest.skip(f"no GPU: {backend.reason}")


@pytest.fixture(params=["numpy", pytest.param("cupy", marks=pytest.mark.gpu)])
def backend(request: pytest.FixtureRequest) -> Any:
    """A :class:`derivlab.compute.backend.Backend`: numpy, then CuPy when it works."""
    from derivlab.compute.backend import numpy_backend

    if request.param == "numpy":
        return numpy_backend()
    chosen = _cupy_backend()
    if chosen.name != "cupy":
        pytest.skip(f"no GPU: {chosen.reason}")
    return chosen


@pytest.fixture
def xp(backend: Any) -> Any:
    """The array module (numpy or cupy) of the ``backend`` fixture."""
    return backend.xp


@pytest.fixture(autouse=True)
def _private_config_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test keeps its remembered session in a folder of its own, never the user's."""
    monkeypatch.setenv("DERIVLAB_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
