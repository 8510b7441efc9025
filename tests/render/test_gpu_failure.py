"""A GPU that fails mid-run hands the work to numpy, says so, and the picture goes on."""

from dataclasses import replace

import numpy as np

from derivlab.compute.backend import numpy_backend
from derivlab.render.offscreen import OffscreenRenderer
from derivlab.scenes import get_scene


class FakeOutOfMemoryError(Exception):
    """Named like CuPy's, which ``is_out_of_memory`` recognises by name."""


FakeOutOfMemoryError.__name__ = "OutOfMemoryError"


class FailingArrays:
    """An array module whose every call fails the way a full GPU does."""

    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise FakeOutOfMemoryError("out of memory allocating 8,000,000 bytes")

        return fail


def test_out_of_memory_on_the_gpu_falls_back_to_numpy_with_a_message():
    failing_gpu = replace(numpy_backend(), name="cupy", xp=FailingArrays(), device="Fake GPU", reason="")
    assert failing_gpu.is_gpu
    r = OffscreenRenderer(get_scene("secant"), (320, 180))
    try:
        presenter = r.presenter
        messages, backends = [], []
        presenter.on_error(messages.append)
        presenter.on_backend_changed(backends.append)
        presenter.backend = failing_gpu
        frame = presenter.refresh()
        assert frame is not None and np.isfinite(frame.drawable("curve").y).any()
        assert presenter.backend.name == "numpy" and [b.name for b in backends] == ["numpy"]
        assert messages == ["The GPU ran out of memory; derivlab now computes on the CPU with numpy."]
    finally:
        r.close()
