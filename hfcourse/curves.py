"""Plot training curves: the Trainer's log history, and a learning-rate schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def plot_log_history(
    histories: Mapping[str, Sequence[Mapping[str, Any]]], levels: Mapping[str, float] | None = None
) -> Any:
    """Training and validation loss by optimizer step, one line per run (`trainer.state.log_history`), with
    `levels` (e.g. the loss of a coin flip) drawn as dashed horizontal lines to read the curves against.

    Introduced in lesson 5.
    """
    import matplotlib.pyplot as plt

    figure, (train_axis, eval_axis) = plt.subplots(1, 2, figsize=(10, 3.5))
    for name, history in histories.items():
        train = [(entry["step"], entry["loss"]) for entry in history if "loss" in entry]
        evaluation = [(entry["step"], entry["eval_loss"]) for entry in history if "eval_loss" in entry]
        if not train and not evaluation:
            raise ValueError(
                f"{name}: the log history has no 'loss' or 'eval_loss' entries; set logging_steps and eval_strategy."
            )
        train_axis.plot(*zip(*train), label=name)
        eval_axis.plot(*zip(*evaluation), marker="o", label=name)
    for (label, level), style in zip((levels or {}).items(), (":", "--", "-.")):
        for axis in (train_axis, eval_axis):
            axis.axhline(level, color="grey", linestyle=style, linewidth=1, label=label)
    train_axis.set(title="training loss", xlabel="optimizer step", ylabel="loss")
    eval_axis.set(title="validation loss", xlabel="optimizer step", ylabel="loss")
    for axis in (train_axis, eval_axis):
        axis.legend()
    figure.tight_layout()
    return figure


def plot_learning_rates(rates: Sequence[float], warmup_steps: int) -> Any:
    """The learning rate at each optimizer step, with the end of the warmup marked.

    Introduced in lesson 6.
    """
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3))
    axis.plot(range(len(rates)), rates)
    axis.axvline(warmup_steps, linestyle="--", color="grey", label=f"end of warmup (step {warmup_steps})")
    axis.set(title="linear schedule with warmup", xlabel="optimizer step", ylabel="learning rate")
    axis.legend()
    figure.tight_layout()
    return figure
