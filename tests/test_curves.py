"""Lesson 5's curves: reference levels are drawn on both plots, so the curves can be read against them."""

from __future__ import annotations

import math


def test_plot_log_history_draws_reference_levels() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from hfcourse.curves import plot_log_history

    history = [{"loss": 0.7, "step": 5}, {"eval_loss": 0.65, "step": 10}]
    figure = plot_log_history({"run": history}, levels={"a coin flip (ln 2)": math.log(2), "label balance": 0.67})
    for axis in figure.axes:
        levels = {line.get_label(): line.get_ydata()[0] for line in axis.lines[1:]}
        assert levels == {"a coin flip (ln 2)": math.log(2), "label balance": 0.67}
    assert len(plot_log_history({"run": history}).axes[0].lines) == 1  # no levels asked, none drawn
