"""Write ``THIRD_PARTY_NOTICES.txt`` for a frozen derivlab: what is bundled, under which licence.

Called from ``derivlab.spec`` with what PyInstaller's analysis collected, so the
notices describe exactly the files that ship:

* Python distributions, found from the bundled top-level modules through
  :func:`importlib.metadata.packages_distributions`, with their licence
  metadata and every licence file their ``.dist-info`` holds;
* the Python interpreter (PSF licence);
* shared libraries copied from the build machine's system (on Debian: the
  package each came from and its ``/usr/share/doc/<package>/copyright``);
* notes for the parts whose terms matter most: Qt (LGPL-3.0), FFmpeg and the
  codec libraries inside the PyAV wheel (read from the built library itself),
  and, in the GPU edition, the NVIDIA CUDA redistributables.

It can also run on its own (``python packaging/notices.py OUT.txt``) to write
the notices for everything importable in the current environment.
"""

from __future__ import annotations

import ctypes
import datetime
import importlib.metadata as metadata
import os
import platform
import re
import subprocess
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

RULE = "=" * 78

# Licences of the codec and support libraries the PyAV wheels bundle, as their
# projects publish them. Keys are matched against the library file names.
CODEC_LIBRARY_LICENSES = {
    "x264": "GPL-2.0-or-later (x264)",
    "x265": "GPL-2.0-or-later (x265)",
    "xvidcore": "GPL-2.0-or-later (Xvid)",
    "postproc": "GPL-2.0-or-later (FFmpeg libpostproc)",
    "dav1d": "BSD-2-Clause (dav1d)",
    "SvtAv1Enc": "BSD-3-Clause-Clear with the AOMedia patent licence (SVT-AV1)",
    "aom": "BSD-2-Clause with the AOMedia patent licence (libaom)",
    "opus": "BSD-3-Clause (Opus)",
    "vpx": "BSD-3-Clause (libvpx)",
    "mp3lame": "LGPL-2.0-or-later (LAME)",
    "opencore-amrnb": "Apache-2.0 (opencore-amr)",
    "opencore-amrwb": "Apache-2.0 (opencore-amr)",
    "webp": "BSD-3-Clause (libwebp)",
    "webpmux": "BSD-3-Clause (libwebp)",
    "webpdemux": "BSD-3-Clause (libwebp)",
    "sharpyuv": "BSD-3-Clause (libwebp)",
    "gnutls": "LGPL-2.1-or-later (GnuTLS)",
    "nettle": "LGPL-3.0-or-later or GPL-2.0-or-later (Nettle)",
    "hogweed": "LGPL-3.0-or-later or GPL-2.0-or-later (Nettle)",
    "gmp": "LGPL-3.0-or-later or GPL-2.0-or-later (GMP)",
    "unistring": "LGPL-3.0-or-later or GPL-2.0-or-later (libunistring)",
    "vpl": "MIT (oneVPL dispatcher)",
    "drm": "MIT (libdrm)",
    "xcb": "MIT (libxcb)",
    "Xau": "MIT (libXau)",
    "asound": "LGPL-2.1-or-later (alsa-lib)",
    "srt": "MPL-2.0 (SRT)",
    "ssl": "Apache-2.0 (OpenSSL)",
    "crypto": "Apache-2.0 (OpenSSL)",
    "z": "Zlib (zlib)",
}
GPL_CODECS = ("x264", "x265", "xvidcore", "postproc")

QT_NOTE = """\
Qt and Qt for Python (PySide6, shiboken6)
-----------------------------------------
derivlab's window uses Qt for Python (PySide6) and the Qt libraries, used here
under the GNU Lesser General Public License version 3 (LGPL-3.0-only). The Qt
libraries are shipped as separate, unmodified shared libraries
(PySide6/Qt/lib and PySide6/Qt/plugins inside the application's _internal
folder; inside derivlab.app/Contents/Frameworks on macOS), so you may replace
them with your own compatible builds. The source code of Qt is available from
https://download.qt.io/official_releases/qt/ and that of Qt for Python from
https://code.qt.io/cgit/pyside/pyside-setup.git/ (the versions are listed
below). The full text of the LGPL-3.0 and of the GPL-3.0 it refers to is at
https://www.gnu.org/licenses/lgpl-3.0.txt and
https://www.gnu.org/licenses/gpl-3.0.txt, and included with PySide6's licence
files below.
"""

CUDA_NOTE = """\
NVIDIA CUDA redistributables (GPU edition only)
-----------------------------------------------
The GPU edition bundles NVRTC (the CUDA runtime compiler, from the
nvidia-cuda-nvrtc-cu12 wheel) and CuPy, whose extension modules link the
CUDA runtime (cudart) statically. These NVIDIA components are distributed
under the NVIDIA CUDA Toolkit End User License Agreement, whose Attachment A
lists them as redistributable: https://docs.nvidia.com/cuda/eula/ . The NVIDIA
driver is not bundled; it must be installed on the computer. Licence files of
the bundled NVIDIA wheels follow below with the other distributions.
"""


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(could not read {path.name}: {exc})"


def _licence_of(dist: metadata.Distribution) -> str:
    """The licence a distribution declares: License-Expression, License, or classifiers."""
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression.strip()
    declared = (meta.get("License") or "").strip()
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if declared and len(declared) < 120 and "\n" not in declared:
        return declared
    if classifiers:
        return "; ".join(classifiers)
    if declared:
        return declared.splitlines()[0][:120] + " (full text below)"
    return "not declared in the package metadata (see the licence files below)"


def _licence_files(dist: metadata.Distribution) -> list[tuple[str, str]]:
    """(name, text) of every licence, copying, notice or authors file in a distribution's metadata."""
    found: dict[str, str] = {}
    pattern = re.compile(r"(licen[cs]e|copying|notice|authors|copyright)", re.IGNORECASE)
    for file in dist.files or []:
        parts = file.parts
        if not parts or not parts[0].endswith(".dist-info"):
            continue
        if not pattern.search(file.name) or file.suffix in (".py", ".pyc"):
            continue
        path = Path(dist.locate_file(file))
        if path.is_file():
            found.setdefault("/".join(parts[1:]), _read_text(path))
    return sorted(found.items())


def distributions_for(top_level_names: Iterable[str]) -> list[metadata.Distribution]:
    """Installed distributions that provide any of ``top_level_names``, sorted by name."""
    providers = metadata.packages_distributions()
    wanted: dict[str, metadata.Distribution] = {}
    for name in top_level_names:
        for dist_name in providers.get(name, ()):
            key = dist_name.lower().replace("_", "-")
            if key not in wanted:
                try:
                    wanted[key] = metadata.distribution(dist_name)
                except metadata.PackageNotFoundError:
                    continue
    wanted.pop("derivlab", None)
    return [wanted[k] for k in sorted(wanted)]


def _site_roots() -> list[Path]:
    roots = {Path(p).resolve() for p in (sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"])}
    roots.add(Path(sys.prefix).resolve())
    return sorted(roots)


def system_libraries(binary_sources: Iterable[str]) -> list[Path]:
    """Bundled shared libraries that come from the build machine's system, not from a wheel."""
    roots = _site_roots()
    found = set()
    for source in binary_sources:
        path = Path(source).resolve()
        if any(path.is_relative_to(root) for root in roots):
            continue
        if re.search(r"\.(so(\.\d+)*|dylib|dll)$", path.name, re.IGNORECASE):
            found.add(path)
    return sorted(found)


def _dpkg_owner(lib: Path) -> str | None:
    """The Debian package (``name version``) that installed ``lib``, or None."""
    candidates = [str(lib)]
    if str(lib).startswith("/usr/lib/"):  # merged /usr: dpkg may know the file as /lib/...
        candidates.append(str(lib)[len("/usr"):])
    for candidate in candidates:
        try:
            owner = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            continue
        package = owner.splitlines()[0].split(": ", 1)[0]
        try:
            version = subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            version = ""
        return f"{package} {version}".strip()
    return None


def _debian_packages(libraries: list[Path]) -> dict[str, list[str]]:
    """Map Debian package (with version) to the libraries of ``libraries`` it installed."""
    packages: dict[str, list[str]] = {}
    for lib in libraries:
        package = _dpkg_owner(lib) or "(no Debian package found)"
        packages.setdefault(package, []).append(lib.name)
    return packages


def _system_section(libraries: list[Path]) -> list[str]:
    if not libraries:
        return []
    out = [RULE, "Shared libraries taken from the build system", RULE, ""]
    packages = _debian_packages(libraries) if sys.platform.startswith("linux") else {}
    if not packages:
        out.append("These libraries come from the operating system of the build machine:")
        out.extend(f"  {lib.name}" for lib in libraries)
        out.append("")
        return out
    out.append("These libraries were copied from the Debian packages named, whose copyright")
    out.append("files (licence texts) follow:")
    out.append("")
    for package, libs in sorted(packages.items()):
        out.append(f"  {package}: {', '.join(sorted(libs))}")
    out.append("")
    for package in sorted(packages):
        name = package.split(" ")[0].split(":")[0]
        copyright_file = Path("/usr/share/doc") / name / "copyright"
        out.append("-" * 78)
        out.append(f"{package} ({copyright_file})")
        out.append("-" * 78)
        out.append(_read_text(copyright_file) if copyright_file.is_file() else "(no copyright file found)")
        out.append("")
    return out


def _av_library_dir() -> Path | None:
    try:
        dist = metadata.distribution("av")
    except metadata.PackageNotFoundError:
        return None
    base = Path(dist.locate_file("av")).parent
    for candidate in (base / "av.libs", base / "av" / ".dylibs", base / "av"):
        if candidate.is_dir() and any("avcodec" in p.name for p in candidate.iterdir()):
            return candidate
    return None


def ffmpeg_facts() -> dict[str, object]:
    """What the PyAV wheel's FFmpeg says about itself: licence, configure line, bundled libraries."""
    facts: dict[str, object] = {"license": "unknown", "configuration": "unknown", "libraries": []}
    directory = _av_library_dir()
    if directory is None:
        return facts
    libraries = sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.endswith((".py", ".pyc")))
    facts["libraries"] = libraries
    avcodec = next((directory / n for n in libraries if re.match(r"(lib)?avcodec", n)), None)
    if avcodec is not None:
        try:
            lib = ctypes.CDLL(str(avcodec))
            lib.avcodec_license.restype = ctypes.c_char_p
            lib.avcodec_configuration.restype = ctypes.c_char_p
            facts["license"] = lib.avcodec_license().decode()
            facts["configuration"] = lib.avcodec_configuration().decode()
        except OSError as exc:
            facts["license"] = f"unknown (could not load {avcodec.name}: {exc})"
    return facts


def ffmpeg_note() -> list[str]:
    """The FFmpeg paragraph, computed from the FFmpeg that is bundled."""
    facts = ffmpeg_facts()
    libraries: list[str] = facts["libraries"]  # type: ignore[assignment]
    if not libraries:
        return []
    try:
        av_version = metadata.version("av")
    except metadata.PackageNotFoundError:
        av_version = "?"
    configuration = str(facts["configuration"])
    gpl_flag = "--enable-gpl" in configuration
    out = [
        "FFmpeg and codec libraries (inside the PyAV wheel)",
        "--------------------------------------------------",
        f"Video export uses PyAV {av_version}, whose wheel bundles FFmpeg as shared libraries.",
        f"FFmpeg reports its own licence as: {facts['license']}",
        f"It was configured {'WITH' if gpl_flag else 'without'} --enable-gpl"
        f"{' and with --enable-version3' if '--enable-version3' in configuration else ''}.",
        "",
        "The wheel also bundles these libraries, under their own licences:",
    ]
    gpl_found = []
    for name in libraries:
        licence = next((text for key, text in CODEC_LIBRARY_LICENSES.items() if re.search(rf"(^|lib){re.escape(key)}[-.]", name)), None)
        if name.startswith(("libav", "libsw", "av", "sw")):
            licence = f"FFmpeg: {facts['license']}"
        out.append(f"  {name}: {licence or 'see the PyAV wheel'}")
        if any(re.search(rf"(^|lib){key}[-.]", name) for key in GPL_CODECS):
            gpl_found.append(name)
    out.append("")
    if gpl_found:
        out.extend(
            [
                "Among them, " + ", ".join(gpl_found) + " are licensed under the GNU General Public",
                "License, version 2 or later. derivlab's MP4 export encodes H.264 with libx264. The",
                "combination shipped here is therefore distributed under the terms of the GPL",
                "(derivlab's own MIT licence is compatible with it). The corresponding source code is",
                "available from the projects: https://ffmpeg.org/download.html,",
                "https://code.videolan.org/videolan/x264, https://bitbucket.org/multicoreware/x265_git,",
                "and the build recipes of the PyAV wheels at https://github.com/PyAV-Org/pyav-ffmpeg .",
            ]
        )
    else:
        out.append("None of the bundled libraries is under the GPL.")
    out.append("")
    out.append(f"FFmpeg configure line: {configuration}")
    out.append("")
    return out


def _python_section() -> list[str]:
    out = [RULE, f"Python {platform.python_version()} (the interpreter and standard library)", RULE, ""]
    out.append("Python is distributed under the Python Software Foundation License (PSF-2.0).")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [
        Path(sys.base_prefix) / "LICENSE.txt",
        Path(sys.base_prefix) / "lib" / f"python{version}" / "LICENSE.txt",
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",
        Path(f"/usr/share/doc/libpython{version}-minimal/copyright"),
        Path(f"/usr/share/doc/python{version}-minimal/copyright"),
    ]
    for candidate in candidates:
        if candidate.is_file():
            out.extend(["", _read_text(candidate)])
            break
    else:
        out.append("Full text: https://docs.python.org/3/license.html")
    out.append("")
    return out


def render_notices(
    *,
    edition: str,
    project_root: Path,
    top_level_names: Iterable[str],
    binary_sources: Iterable[str] = (),
) -> str:
    """The whole text of ``THIRD_PARTY_NOTICES.txt``."""
    dists = distributions_for(top_level_names)
    names = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower() for d in dists}
    try:
        version = metadata.version("derivlab")
    except metadata.PackageNotFoundError:
        version = "?"
    out = [
        f"derivlab {version} ({edition.upper()} edition): third-party notices",
        f"Generated {datetime.date.today().isoformat()} from the files bundled in this build.",
        "",
        RULE,
        "derivlab",
        RULE,
        "",
        _read_text(project_root / "LICENSE"),
        "",
        RULE,
        "Summary of bundled components",
        RULE,
        "",
    ]
    for dist in dists:
        out.append(f"  {dist.metadata['Name']} {dist.version}: {_licence_of(dist)}")
    out.append(f"  Python {platform.python_version()}: PSF-2.0")
    out.append("")
    out.append(RULE)
    out.append("Notes on the licences that matter most")
    out.append(RULE)
    out.append("")
    if "pyside6-essentials" in names or "pyside6" in names:
        out.append(QT_NOTE)
    if "av" in names:
        out.extend(ffmpeg_note())
    if edition == "gpu" and any(n.startswith(("cupy", "nvidia")) for n in names):
        out.append(CUDA_NOTE)
    out.extend(_python_section())
    for dist in dists:
        out.append(RULE)
        out.append(f"{dist.metadata['Name']} {dist.version}")
        homepage = dist.metadata.get("Home-page") or next(
            (u.split(",", 1)[-1].strip() for u in dist.metadata.get_all("Project-URL") or []), ""
        )
        out.append(f"Licence: {_licence_of(dist)}")
        if homepage:
            out.append(f"Home: {homepage}")
        out.append(RULE)
        files = _licence_files(dist)
        if not files:
            declared = (dist.metadata.get("License") or "").strip()
            out.append(declared or "(no licence file in the distribution's metadata)")
        for name, text in files:
            out.append(f"--- {name} ---")
            out.append(text.rstrip())
            out.append("")
        out.append("")
    out.extend(_system_section(system_libraries(binary_sources)))
    return "\n".join(out).rstrip() + "\n"


def write_notices(path: str | os.PathLike[str], **kwargs) -> Path:
    """Write :func:`render_notices` to ``path`` (UTF-8) and return it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_notices(**kwargs), encoding="utf-8")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python packaging/notices.py OUT.txt")
    names = [n for n in metadata.packages_distributions() if not n.startswith("_")]
    write_notices(sys.argv[1], edition="source", project_root=Path(__file__).resolve().parent.parent, top_level_names=names)
