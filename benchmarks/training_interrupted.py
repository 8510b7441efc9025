"""A training the window no longer wants stops: loss-surface, one seed asked while another trains.

Opens the loss-surface scene as the window computes it (progressive presenter, work on
the background thread) with a 2-16-16-1 network on 2048 samples, waits for the first
picture, asks for seed 12, and one second later for seed 13. It prints how long the
first network took to train and draw, and how long after it was asked seed 13 was
drawn: about the same when the unwanted training of seed 12 stops, about one training
more when it runs to its end. Asserts nothing.

    xvfb-run -a python benchmarks/training_interrupted.py
"""

from __future__ import annotations

import time

from derivlab.render.canvas import PlotCanvas
from derivlab.render.offscreen import offscreen_app
from derivlab.render.presenter import ScenePresenter
from derivlab.scenes import get_scene


def main() -> int:
    app = offscreen_app()
    canvas = PlotCanvas(size=(640, 360), show=False, app=app)
    scene = get_scene("loss-surface")
    state = scene.new_state({"samples": 2048, "hidden": 16, "hidden2": 16, "seed": 11, "view": "heat map"})
    presenter = ScenePresenter(scene, canvas, state=state, progressive=True)

    def run_events(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.process_events()
            time.sleep(0.005)

    def drawn(seed: int, limit: float = 300.0) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < limit:
            run_events(0.005)
            if presenter.frame is not None and presenter.state["seed"] == seed and not presenter.busy:
                return time.perf_counter() - start
        raise SystemExit(f"seed {seed} was not drawn within {limit:.0f} s")

    try:
        print(f"seed 11: trained and drawn {drawn(11):.1f} s after the window opened")
        presenter.state.set("seed", 12)
        run_events(1.0)
        presenter.state.set("seed", 13)
        print(f"seed 12 asked, then seed 13 one second later: seed 13 drawn {drawn(13):.1f} s after it was asked")
    finally:
        presenter.close()
        canvas.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
