"""What can be checked here of the installer scripts for other systems, and of the Linux files.

The Inno Setup script (Windows) and the .dmg script (macOS) cannot run on Linux:
these tests check that they parse, that every file they name exists, and that
they agree with build.sh and the spec on names.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def _iss_sections(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("#"):
            assert re.match(r"#(ifndef|define|endif|ifdef|else)\b", line), f"unknown preprocessor line: {line}"
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = header.group(1)
            assert current not in sections, f"section [{current}] twice"
            sections[current] = []
            continue
        assert current is not None, f"line outside a section: {line}"
        sections[current].append(line)
    return sections


def test_inno_setup_script_is_well_formed_and_names_existing_files():
    iss = PACKAGING / "windows" / "derivlab.iss"
    sections = _iss_sections(iss.read_text(encoding="utf-8"))
    assert {"Setup", "Languages", "Tasks", "Files", "Icons", "Registry", "Run"} <= set(sections)
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    for key in ("AppId", "AppName", "AppVersion", "DefaultDirName", "OutputBaseFilename", "SetupIconFile", "LicenseFile"):
        assert key in setup, key
    for key in ("SetupIconFile", "LicenseFile"):
        path = (iss.parent / setup[key].replace("\\", "/")).resolve()
        assert path.is_file(), f"{key} points at a missing file: {path}"
    for line in sections["Files"] + sections["Icons"] + sections["Run"]:
        fields = dict(re.findall(r'(\w+):\s*"([^"]*)"', line))
        assert "Source" in fields or "Filename" in fields or "Name" in fields
    for line in sections["Registry"]:
        assert re.match(r'Root: HKA; Subkey: "Software\\Classes\\[^"]+"; ValueType: string; ValueName: "[^"]*"; ValueData: ', line), line
    assert any('--lesson ""%1""' in line for line in sections["Registry"])
    # The app the shortcuts start is the windowed executable the spec builds on Windows.
    assert any("{app}\\derivlab.exe" in line for line in sections["Icons"])
    spec = (PACKAGING / "derivlab.spec").read_text(encoding="utf-8")
    assert '_exe("derivlab", console=False)' in spec and '_exe("derivlab-cli", console=True)' in spec
    # build.sh passes the defines the script reads.
    build = (PACKAGING / "build.sh").read_text(encoding="utf-8")
    for define in ("Edition", "AppVersion", "BundleDir"):
        assert f"#ifndef {define}" in iss.read_text(encoding="utf-8")
        assert f"/D{define}=" in build


def test_shell_scripts_parse_and_are_strict():
    for script in (PACKAGING / "build.sh", PACKAGING / "macos" / "build_dmg.sh"):
        subprocess.run(["bash", "-n", str(script)], check=True)
        assert "set -euo pipefail" in script.read_text(encoding="utf-8")
    for script in (PACKAGING / "linux" / "postinst", PACKAGING / "linux" / "postrm"):
        subprocess.run(["sh", "-n", str(script)], check=True)
        assert script.stat().st_mode & 0o111, f"{script.name} must be executable"


def test_dmg_script_refuses_to_run_off_macos():
    if shutil.which("hdiutil"):
        pytest.skip("on macOS the script would really build")
    result = subprocess.run(["bash", str(PACKAGING / "macos" / "build_dmg.sh"), "/nonexistent"], capture_output=True, text=True)
    assert result.returncode == 2 and "macOS only" in result.stderr


def test_build_script_rejects_an_unknown_edition():
    result = subprocess.run(["bash", str(PACKAGING / "build.sh"), "tpu"], capture_output=True, text=True)
    assert result.returncode == 2 and "usage" in result.stderr


def _desktop_entries(name: str) -> dict[str, str]:
    text = (PACKAGING / "linux" / name).read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    return dict(line.split("=", 1) for line in text.splitlines()[1:] if line and not line.startswith("#"))


def test_desktop_entries_and_mime_type_agree():
    menu = _desktop_entries("derivlab.desktop")
    assert menu["Type"] == "Application" and menu["Exec"] == "derivlab" and menu["Icon"] == "derivlab"
    assert "NoDisplay" not in menu and "MimeType" not in menu
    lesson = _desktop_entries("derivlab-lesson.desktop")
    assert lesson["Exec"] == "derivlab --lesson %f" and lesson["NoDisplay"] == "true"
    tree = ElementTree.parse(PACKAGING / "linux" / "derivlab-mime.xml")
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime_type = tree.getroot().find("m:mime-type", ns)
    assert mime_type is not None
    assert mime_type.get("type") + ";" == lesson["MimeType"]
    assert mime_type.find("m:glob", ns).get("pattern") == "*.derivlab.toml"
    # The sample lessons are named so that the glob finds them.
    assert list((ROOT / "assets" / "lessons").glob("*.derivlab.toml"))
    if shutil.which("desktop-file-validate"):
        for name in ("derivlab.desktop", "derivlab-lesson.desktop"):
            subprocess.run(["desktop-file-validate", str(PACKAGING / "linux" / name)], check=True)


def test_icon_set_is_complete():
    from PIL import Image

    for size in (16, 32, 48, 64, 128, 256):
        with Image.open(ROOT / "assets" / "icons" / f"derivlab-{size}.png") as icon:
            assert icon.size == (size, size)
    with Image.open(ROOT / "assets" / "icons" / "derivlab.png") as icon:
        assert icon.size == (512, 512)
    with Image.open(ROOT / "assets" / "icons" / "derivlab.ico") as icon:
        assert icon.format == "ICO"
