"""Compare ways to fine-tune one pretrained body: what trains, how well it does on held-out rows, what it saves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfcourse.parameters import ParameterCount


@dataclass(frozen=True)
class MethodResult:
    """One row of the comparison: a fine-tuning method, what it trained, its held-out accuracy, its saved size."""

    method: str
    parameters: ParameterCount
    accuracy: float
    disk_bytes: int


def folder_size(path: str | Path) -> int:
    """Bytes in all files under `path` (what a saved model or adapter costs on disk)."""
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: pass the directory given to save_adapter/save_pretrained.")
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())


def readable_size(n_bytes: int) -> str:
    """`n_bytes` in kB or MB (powers of 1,000, as file browsers show them), one decimal."""
    if n_bytes < 0:
        raise ValueError(f"a size cannot be negative: {n_bytes}")
    return f"{n_bytes / 1e3:.1f} kB" if n_bytes < 1e6 else f"{n_bytes / 1e6:.1f} MB"


def majority_baseline(train_labels: Sequence[int], test_labels: Sequence[int]) -> tuple[int, float]:
    """The most frequent training label, and the accuracy of always predicting it on `test_labels`."""
    if not train_labels or not test_labels:
        raise ValueError("majority_baseline needs at least one training label and one test label.")
    majority = Counter(int(label) for label in train_labels).most_common(1)[0][0]
    return majority, sum(int(label) == majority for label in test_labels) / len(test_labels)


def by_length(dataset: Any, column: str = "input_ids") -> Any:
    """`dataset` with its rows ordered shortest first, so that padded evaluation batches waste little."""
    lengths = [len(ids) for ids in dataset[column]]
    return dataset.select(sorted(range(len(lengths)), key=lengths.__getitem__))


def predict(model: Any, tokenizer: Any, texts: Sequence[str]) -> list[str]:
    """Label names the model's active head gives `texts` (eval mode, no gradients)."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(**tokenizer(list(texts), padding=True, truncation=True, return_tensors="pt")).logits
    finally:
        model.train(was_training)
    id2label = model.get_labels_dict() if hasattr(model, "get_labels_dict") else model.config.id2label
    return [id2label[int(i)] for i in logits.argmax(dim=-1)]


def comparison_table(results: Sequence[MethodResult]) -> str:
    """A fixed-width table: trainable parameters (count and share), held-out accuracy, size on disk."""
    if not results:
        raise ValueError("comparison_table needs at least one MethodResult.")
    width = max(len("method"), *(len(r.method) for r in results))
    lines = [f"{'method':<{width}}  {'trainable':>11}  {'share':>7}  {'accuracy':>8}  {'on disk':>9}"]
    for r in results:
        lines.append(
            f"{r.method:<{width}}  {r.parameters.trainable:>11,}  {r.parameters.share:>7.2%}  "
            f"{r.accuracy:>8.2f}  {readable_size(r.disk_bytes):>9}"
        )
    return "\n".join(lines)
