"""Count what a model would train: trainable and total parameters, and the trainable share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ParameterCount:
    """Trainable and total parameters of a model; prints as one sentence with the trainable share.

    Introduced in lesson 5.
    """

    trainable: int
    total: int

    @property
    def share(self) -> float:
        return self.trainable / self.total

    def __str__(self) -> str:
        return f"{self.trainable:,} of {self.total:,} parameters trainable ({self.share:.2%})"


def count_parameters(model: Any) -> ParameterCount:
    """Trainable (requires_grad) and total parameters of a torch module (`parameters()` counts shared ones once).

    Introduced in lesson 5.
    """
    trainable = total = 0
    for parameter in model.parameters():
        total += parameter.numel()
        trainable += parameter.numel() if parameter.requires_grad else 0
    return ParameterCount(trainable, total)
