"""The import direction qt → render → scenes → compute/expr/model, checked by import-linter."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: " in result.stdout and " broken" in result.stdout
    assert "0 broken" in result.stdout


def test_only_backend_imports_cupy_and_scenes_stay_pure():
    offenders = []
    for path in (ROOT / "derivlab").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if ("import cupy" in text or "from cupy" in text) and rel != "derivlab/compute/backend.py":
            offenders.append(f"{rel} imports cupy")
        if rel.startswith("derivlab/scenes/") and ("vispy" in text or "PySide6" in text):
            offenders.append(f"{rel} mentions vispy or PySide6")
    assert not offenders, offenders
