"""Plumbing shared by the heads trained on a pretrained body: its states, the fitting loops, what a head saves.

Most BERT, DistilBERT and RoBERTa stand-ins run a frozen body once over their inputs, keep its last-layer
states and fit only a small head on them (`fit`). Sentiment, NER and question answering fine-tune the top
layers with the head (`fine_tune_top_layers`). A few read the saved model's own answers to score it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer

if TYPE_CHECKING:
    import numpy as np
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

FROZEN_MINILM = "real pretrained all-MiniLM-L6-v2 body (frozen)"
HEAD_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights; head made here)"
BATCH_SIZE = 64
MAX_TOKENS = 48  # texts are cut to this many tokens where they are read in padded batches


def hidden_states(
    body: PreTrainedModel, inputs: Sequence[Sequence[int]], token_types: Sequence[Sequence[int]] | None = None
) -> list[torch.Tensor]:
    """The body's last-layer states of each token-id list ([length, hidden]), run in length-sorted batches."""
    import torch

    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
    states: list[torch.Tensor] = [torch.empty(0)] * len(inputs)
    with torch.inference_mode():
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            lengths = torch.tensor([len(inputs[i]) for i in batch])
            ids, types = torch.zeros(2, len(batch), int(lengths.max()), dtype=torch.long)
            for row, i in enumerate(batch):
                ids[row, : lengths[row]] = torch.tensor(inputs[i])
                types[row, : lengths[row]] = torch.tensor(token_types[i] if token_types else [0] * len(inputs[i]))
            mask = (torch.arange(ids.shape[1])[None] < lengths[:, None]).long()
            typed = {"token_type_ids": types} if body.config.model_type == "bert" else {}
            hidden = body(input_ids=ids, attention_mask=mask, **typed).last_hidden_state
            for row, i in enumerate(batch):
                states[i] = hidden[row, : lengths[row]].clone()
    return states


def cls_states(body: object, tokenizer: object, texts: list[str]) -> torch.Tensor:
    """The body's last-layer first-token vectors (shape [n, 1, hidden], as a pooler takes them), computed once in
    length-sorted batches (little padding)."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    states = torch.empty(len(texts), 1, body.config.hidden_size)  # type: ignore[attr-defined]
    body.eval()  # type: ignore[attr-defined]
    with torch.no_grad():
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            inputs = tokenizer(
                [texts[i] for i in batch], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )  # type: ignore[operator]
            states[batch] = body(**inputs).last_hidden_state[:, :1]  # type: ignore[operator]
    return states.clone()


def fit(
    parameters: list[torch.nn.Parameter],
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    examples: int,
    epochs: int,
    lr: float,
    weight_decay: float = 0.01,
    batch_size: int = 128,
) -> None:
    """AdamW with a linearly decaying rate over shuffled mini-batches of example indices (fixed shuffle seed)."""
    import torch

    for parameter in parameters:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(parameters, lr=lr, weight_decay=weight_decay)
    steps = epochs * -(-examples // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(examples, generator=generator)
        for start in range(0, examples, batch_size):
            loss = batch_loss(order[start : start + batch_size])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    for parameter in parameters:
        parameter.requires_grad_(False)


def fine_tune_top_layers(
    model: PreTrainedModel,
    layers: Sequence[torch.nn.Module],
    head: Sequence[torch.nn.Parameter],
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    examples: int,
    *,
    epochs: int,
    head_rate: float,
    body_rate: float,
    batch_size: int = 32,
    warmup_steps: int = 20,
) -> list[torch.nn.Parameter]:
    """Train a head and the model's top `layers` together on `batch_loss` over mini-batches of example indices.

    AdamW (the head at `head_rate`, the layers at the lower `body_rate`), a short warm-up then a linear decay,
    a fresh seeded shuffle every epoch, dropout on. The model is left in eval mode and frozen; the trained
    parameters are rounded to float16 values (the shipped weights keep them in half the bytes) and returned.
    """
    import torch

    body = [parameter for layer in layers for parameter in layer.parameters()]
    for parameter in [*head, *body]:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(
        [{"params": list(head), "lr": head_rate}, {"params": body, "lr": body_rate}], weight_decay=0.01
    )
    steps = epochs * (examples // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / warmup_steps) * (1 - step / steps)
    )
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(examples, generator=torch.Generator().manual_seed(epoch))
        for start in range(0, examples // batch_size * batch_size, batch_size):
            loss = batch_loss(order[start : start + batch_size])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    model.requires_grad_(False)
    round_to_half([*head, *body])
    return [*head, *body]


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of logits [n, classes] against class indices [n]."""
    import torch

    return torch.nn.functional.cross_entropy(logits, targets)


def label2id(labels: Mapping[int, str]) -> dict[str, int]:
    """label2id from id2label."""
    return {name: index for index, name in labels.items()}


def predictions(model: object, tokenizer: object, texts: list[str]) -> np.ndarray:
    """The saved model's own answers (argmax of its logits), in batches."""
    import numpy as np
    import torch

    answers = []
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            inputs = tokenizer(
                texts[start : start + 64], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )  # type: ignore[operator]
            answers.append(model(**inputs).logits.argmax(-1).numpy())  # type: ignore[operator]
    return np.concatenate(answers)


def save_with_tokenizer(model: PreTrainedModel, tokenizer: PreTrainedTokenizerFast, out: Path) -> None:
    """save_pretrained the model and its tokenizer into `out`."""
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)


def built_head(model: PreTrainedModel, source: str, score: str) -> BuiltModel:
    """The facts of a head fitted on the frozen MiniLM body: its architecture and size, where it comes from, its
    held-out score."""
    return BuiltModel(model.config.architectures[0], parameter_total(model), source, HEAD_LICENSE, score)
