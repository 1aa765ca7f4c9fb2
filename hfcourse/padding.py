"""Measure what padding costs: positions fed to a model and wall time of one epoch of forward passes."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EpochCost:
    """One epoch of forward passes over a DataLoader.

    Introduced in lesson 4.
    """

    name: str
    batches: int
    positions: int  # token positions the model computed, padding included
    padding: int  # of which padding
    seconds: float

    @property
    def padding_share(self) -> float:
        return self.padding / self.positions


def forward_epoch(model: Any, loader: Iterable[dict[str, Any]], name: str) -> EpochCost:
    """Run `model` over every batch (no gradients) and count positions and padding from the attention masks.

    Introduced in lesson 4.
    """
    import torch

    model.eval()
    batches = positions = padding = 0
    started = time.perf_counter()
    with torch.inference_mode():
        for batch in loader:
            mask = batch["attention_mask"]
            batches += 1
            positions += mask.numel()
            padding += int((mask == 0).sum())
            model(**{key: value for key, value in batch.items() if key != "labels"})
    return EpochCost(name, batches, positions, padding, time.perf_counter() - started)


def epoch_cost_table(baseline: EpochCost, *others: EpochCost) -> str:
    """Side by side, each against `baseline`; token counts are exact, times are measured (and marked so).

    Introduced in lesson 4.
    """
    rows = [f"{'':34}{'positions':>10}{'padding':>9}{'share':>7}   time"]
    for cost in (baseline, *others):
        rows.append(
            f"{cost.name:34}{cost.positions:>10,}{cost.padding:>9,}{cost.padding_share:>7.0%}   {cost.seconds:.1f} s "
            "(measured)"
        )
    for cost in others:
        rows.append(
            f"{cost.name}: {baseline.positions / cost.positions:.2f}x fewer positions, "
            f"{baseline.seconds / cost.seconds:.1f}x (measured) faster than {baseline.name}"
        )
    return "\n".join(rows)


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """(result, seconds) of one call.

    Introduced in lesson 4.
    """
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started
