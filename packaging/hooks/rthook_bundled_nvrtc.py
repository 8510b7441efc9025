"""Runtime hook (GPU edition): load the bundled NVRTC before CuPy looks for it.

CuPy finds NVRTC through ``cuda.pathfinder``, which looks in site-packages,
conda, the system's library path and ``CUDA_PATH``, none of which is the frozen
app's folder. A library that is already loaded is used first, so the NVRTC
bundled under ``nvidia/cuda_nvrtc`` is loaded here (its builtins library first,
which NVRTC opens by name). Failures are left to derivlab's backend probe, which
falls back to numpy and says why.
"""

import ctypes
import glob
import os
import sys


def _load_bundled_nvrtc() -> None:
    base = os.path.join(getattr(sys, "_MEIPASS", ""), "nvidia", "cuda_nvrtc")
    if sys.platform == "win32":
        folder = os.path.join(base, "bin")
        patterns = ("nvrtc-builtins64_*.dll", "nvrtc64_*.dll")
    else:
        folder = os.path.join(base, "lib")
        patterns = ("libnvrtc-builtins.so.*", "libnvrtc.so.*")
    if not os.path.isdir(folder):
        return
    if sys.platform == "win32":
        os.add_dll_directory(folder)
    for pattern in patterns:
        for path in sorted(glob.glob(os.path.join(folder, pattern))):
            if ".alt." in os.path.basename(path):
                continue
            try:
                ctypes.CDLL(path, mode=getattr(os, "RTLD_GLOBAL", 0))
            except OSError:
                pass


_load_bundled_nvrtc()
