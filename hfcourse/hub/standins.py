"""What a stand-in is: a model folder built here, and the honest facts about it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BuiltModel:
    """Facts about a built stand-in, shown by `hfcourse hub list` and stored in the hub manifest."""

    architecture: str  # e.g. "BertForSequenceClassification"
    parameters: int
    source: str  # where the weights come from, e.g. "real pretrained all-MiniLM-L6-v2 body; head fitted here on ..."
    license: str
    score: str | None = None  # a held-out measurement, e.g. "held-out accuracy 0.71 (majority class 0.61), 1504 snippets"


@dataclass(frozen=True)
class ModelStandIn:
    """A model repo of the course hub: `build(folder)` writes a save_pretrained folder (model and tokenizer)."""

    repo_id: str
    real_checkpoint: str  # what the real repo holds, in a few words
    build: Callable[[Path], BuiltModel]
    aliases: tuple[str, ...] = ()  # more repo ids served with the same files (legacy names)
    short_revisions: tuple[str, ...] = ()  # refs a pipeline default asks for, e.g. "714eb0f"
    tags: tuple[str, ...] = field(default=())


def seed_everything(seed: int = 0) -> None:
    """Same seed for Python and torch, deterministic kernels: two builds give the same bytes."""
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def count_parameters(model: object) -> int:
    return sum(p.numel() for p in model.parameters())  # type: ignore[attr-defined]
