"""PyInstaller hook for VisPy: its GLSL snippets, fonts and data are read from disk.

VisPy chooses its GUI and GL backends by name at run time, so the modules for
the backends derivlab uses (Qt through PySide6 for the window, EGL for headless
export, desktop GL 2) are listed as hidden imports; the tests and the Jupyter,
Qt-designer and other GUI-toolkit backends are left out.
"""

import sys

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files(
    "vispy",
    includes=["glsl/**/*", "util/fonts/data/*", "io/_data/*"],
)

hiddenimports = [
    "vispy.app.backends._pyside6",
    "vispy.app.backends._qt",
    "vispy.app.backends._egl",
    "vispy.gloo.gl.gl2",
    "vispy.gloo.gl._gl2",
    "vispy.gloo.gl.glplus",
    "vispy.visuals.text._sdf_cpu",
    "vispy.ext.egl",
    "vispy.app.backends._offscreen_util",
    "vispy.util.fonts._freetype",
    "vispy.util.fonts._vispy_fonts",
]

if sys.platform == "darwin":
    hiddenimports += ["vispy.util.fonts._quartz", "vispy.ext.cocoapy"]
elif sys.platform == "win32":
    hiddenimports += ["vispy.util.fonts._win32", "vispy.ext.gdi32plus"]
else:
    hiddenimports += ["vispy.ext.fontconfig"]

excludedimports = [
    "vispy.app.backends._jupyter_rfb",
    "vispy.app.backends._glfw",
    "vispy.app.backends._sdl2",
    "vispy.app.backends._pyglet",
    "vispy.app.backends._wx",
    "vispy.app.backends._tk",
    "vispy.app.backends._osmesa",
    "vispy.app.backends._pyqt5",
    "vispy.app.backends._pyqt6",
    "vispy.app.backends._pyside",
    "vispy.app.backends._pyside2",
    "vispy.app.backends._ipynb_util",
    "vispy.testing",
]
