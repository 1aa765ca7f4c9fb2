"""What a stand-in is: a model built here and the honest facts about it; a dataset or metric served offline."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BuiltModel:
    """Facts about a built stand-in, shown by `hfcourse hub list` and stored in the hub manifest."""

    architecture: str  # e.g. "BertForSequenceClassification"
    parameters: int
    source: str  # where the weights come from, e.g. "real pretrained all-MiniLM-L6-v2 body; head fitted here on ..."
    license: str
    score: str | None = (
        None  # a held-out measurement, e.g. "held-out accuracy 0.71 (majority class 0.61), 1504 snippets"
    )


@dataclass(frozen=True)
class ModelStandIn:
    """A model repo of the course hub: `build(folder)` writes a save_pretrained folder (model and tokenizer)."""

    repo_id: str
    real_checkpoint: str  # what the real repo holds, in a few words
    build: Callable[[Path], BuiltModel]
    aliases: tuple[str, ...] = ()  # more repo ids served with the same files (legacy names)
    pipeline_task: str | None = None  # the task whose default this is: pipeline(task) asks for a short revision

    @property
    def name(self) -> str:
        """The trained stand-in this repo serves, e.g. "sentiment" for distilbert.build_sentiment (weights/<name>/)."""
        return self.build.__qualname__.rpartition(".")[2].removeprefix("build_")

    def refs(self) -> tuple[str, ...]:
        """`main`, plus the short revision transformers pins the default to (e.g. "714eb0f")."""
        if self.pipeline_task is None:
            return ("main",)
        from transformers.pipelines import check_task, get_default_model_and_revision

        _, targeted_task, options = check_task(self.pipeline_task)
        model, revision = get_default_model_and_revision(targeted_task, "pt", options)
        if model != self.repo_id:
            raise ValueError(
                f"transformers' default for {self.pipeline_task} is {model}, not {self.repo_id}: update the catalog."
            )
        return ("main", revision)


@dataclass(frozen=True)
class DatasetStandIn:
    """A dataset config of the course hub, served under each of `names`."""

    names: tuple[str, ...]  # e.g. ("glue", "nyu-mll/glue"): every name a lesson may load
    config: str
    real_dataset: str
    source: str
    license: str
    features: Callable[[], object]  # -> datasets.Features
    rows: Callable[[str], list[dict[str, object]]]  # split -> rows


@dataclass(frozen=True)
class MetricStandIn:
    """A metric of the course hub: a script written for the course (`metrics/<name>.py`), served for
    `evaluate.load(name)`."""

    name: str  # e.g. "glue"

    @property
    def real_metric(self) -> str:
        """The Hub space that evaluate.load(name) downloads the real script from."""
        return f"evaluate-metric/{self.name}"

    @property
    def source(self) -> str:
        """Where the served script comes from, as the hub's manifest says."""
        return f"metric script written for the course ({self.name}.py, scikit-learn)"


def seed_everything(seed: int = 0) -> None:
    """Same seed for Python and torch, deterministic kernels: two builds give the same bytes."""
    import torch

    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)


def parameter_total(model: object) -> int:
    """Every parameter of a torch module, trainable or not (the count `hfcourse hub list` shows)."""
    return sum(p.numel() for p in model.parameters())  # type: ignore[attr-defined]


def save_tokenizer(tokenizer: object, out: Path) -> None:
    """save_pretrained a fast tokenizer as a fresh one saves: a builder's encoding calls leave truncation and
    padding set on it, and tokenizer.json would keep them (the real checkpoints' files have neither)."""
    backend = tokenizer.backend_tokenizer  # type: ignore[attr-defined]
    backend.no_truncation()
    backend.no_padding()
    tokenizer.save_pretrained(out)  # type: ignore[attr-defined]


def config_sizes(config: dict[str, object]) -> str:
    """A model's sizes from its config.json, in the words `hfcourse hub list` uses: layers, width, vocabulary."""

    def first(*keys: str) -> object:
        return next((config[key] for key in keys if key in config), None)

    encoder, decoder = config.get("encoder_layers"), config.get("decoder_layers")
    layers = (
        f"{encoder}+{decoder}"
        if encoder and decoder
        else first("num_hidden_layers", "n_layers", "n_layer", "num_layers")
    )
    width = first("hidden_size", "dim", "d_model", "n_embd")
    return f"{layers} layers, {width} wide, vocabulary of {config['vocab_size']:,}"


def round_to_half(parameters: Iterable[object]) -> None:
    """Round trained parameters to float16 values, in place (they stay float32): `hfcourse hub train` then ships
    them in half the bytes, and the build widens them back exactly."""
    import torch

    with torch.no_grad():
        for parameter in parameters:
            parameter.copy_(parameter.half().float())  # type: ignore[attr-defined]
