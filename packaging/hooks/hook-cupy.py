"""PyInstaller hook for CuPy (GPU edition only).

CuPy is mostly Cython: the modules its extension modules import are invisible to
PyInstaller's analysis, so every submodule is listed. Its kernel headers
(``cupy/_core/include``) and the wheel's ``.data/_wheel.json`` are read from
disk when kernels are compiled with NVRTC.
"""

from PyInstaller import isolated
from PyInstaller.utils.hooks import collect_data_files, collect_submodules


@isolated.decorate
def _modules_imported_with_cupy():
    """Every module in ``sys.modules`` once CuPy and its compiler are imported (no GPU needed).

    Cython modules import standard-library modules (``graphlib``, ...) that the
    analysis cannot see; importing CuPy for real and listing what got loaded finds them.
    """
    import sys

    import cupy  # noqa: F401
    import cupy.cuda.compiler  # noqa: F401
    import cupy_backends.cuda.libs.nvrtc  # noqa: F401

    return sorted(name for name in sys.modules if not name.startswith("__"))


def _wanted(name: str) -> bool:
    return ".testing" not in name and ".tests" not in name and "_test" not in name


hiddenimports = (
    collect_submodules("cupy", filter=_wanted)
    + collect_submodules("cupy_backends", filter=_wanted)
    # Imported through importlib.util.find_spec + LazyLoader, which needs them present.
    + ["cupy.testing", "cupyx", "cuda.pathfinder", "graphlib"]
    + [name for name in _modules_imported_with_cupy() if _wanted(name)]
)

datas = collect_data_files(
    "cupy",
    includes=["_core/include/**/*", ".data/*", "random/*.cuh", "cuda/*.h", "cuda/*.cuh"],
)
