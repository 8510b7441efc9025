"""The benchmark helper returns figures (no speed assertions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from derivlab.compute.backend import Backend, numpy_backend
from derivlab.compute.bench import benchmark_evaluation, format_rows


@dataclass(frozen=True)
class CountingBackend(Backend):
    syncs: list[int] = field(default_factory=list)

    def synchronize(self) -> None:
        self.syncs.append(1)


def test_rows_have_the_figures(cubic: Any) -> None:
    rows = benchmark_evaluation(
        cubic, sizes=(100, 1000), dtypes=("float32", "float64"), backend=numpy_backend(), repeats=2
    )
    assert [(r["dtype"], r["size"]) for r in rows] == [
        ("float32", 100),
        ("float32", 1000),
        ("float64", 100),
        ("float64", 1000),
    ]
    for r in rows:
        assert r["backend"] == "numpy"
        assert r["device"].startswith("CPU")
        assert r["repeats"] == 2
        assert r["error"] is None
        assert r["median_seconds"] > 0
        assert r["points_per_second"] > 0
    assert "float64" in format_rows(rows)


def test_clock_waits_for_the_device(cubic: Any) -> None:
    base = numpy_backend()
    counting = CountingBackend(name="numpy", xp=base.xp, device=base.device, reason="test")
    benchmark_evaluation(cubic, sizes=(10,), dtypes=("float64",), backend=counting, repeats=3)
    assert len(counting.syncs) == 2 * 3
