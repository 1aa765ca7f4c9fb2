"""Compare ways to fine-tune one pretrained body: what trains, how well it does on held-out rows, what it saves."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hfcourse._files import readable_size
from hfcourse.display import approx
from hfcourse.parameters import ParameterCount


@dataclass(frozen=True)
class MethodResult:
    """One row of the comparison: a fine-tuning method, what it trained, its held-out accuracy, its saved size.

    Introduced in lesson 7.
    """

    method: str
    parameters: ParameterCount
    accuracy: float
    disk_bytes: int


def folder_size(path: str | Path) -> int:
    """Bytes in all files under `path` (what a saved model or adapter costs on disk).

    Introduced in lesson 7.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: pass the directory given to save_adapter/save_pretrained.")
    return sum(file.stat().st_size for file in folder.rglob("*") if file.is_file())


def majority_baseline(train_labels: Sequence[int], test_labels: Sequence[int]) -> tuple[int, float]:
    """The most frequent training label, and the accuracy of always predicting it on `test_labels`.

    Introduced in lesson 5.
    """
    if not train_labels or not test_labels:
        raise ValueError("majority_baseline needs at least one training label and one test label.")
    majority = Counter(int(label) for label in train_labels).most_common(1)[0][0]
    return majority, sum(int(label) == majority for label in test_labels) / len(test_labels)


def by_length(dataset: Any, column: str = "input_ids") -> Any:
    """`dataset` with its rows ordered shortest first, so that padded evaluation batches waste little.

    Introduced in lesson 7.
    """
    lengths = [len(ids) for ids in dataset[column]]
    return dataset.select(sorted(range(len(lengths)), key=lengths.__getitem__))


def predict(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 64) -> list[str]:
    """Label names the model's active head gives `texts` (eval mode, no gradients, batches of similar length).

    Introduced in lesson 7.
    """
    import torch

    texts = list(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    ids: dict[int, int] = {}
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                batch = tokenizer([texts[i] for i in chunk], padding=True, truncation=True, return_tensors="pt")
                ids.update(zip(chunk, model(**batch).logits.argmax(dim=-1).tolist()))
    finally:
        model.train(was_training)
    id2label = model.get_labels_dict() if hasattr(model, "get_labels_dict") else model.config.id2label
    return [id2label[ids[i]] for i in range(len(texts))]


def method_result_table(results: Sequence[MethodResult]) -> str:
    """A fixed-width table: trainable parameters (count and share), held-out accuracy, size on disk.

    Accuracy is printed as ≈0.75: it varies by machine (hfcourse.display.approx).

    Introduced in lesson 7.
    """
    if not results:
        raise ValueError("method_result_table needs at least one MethodResult.")
    width = max(len("method"), *(len(r.method) for r in results))
    lines = [f"{'method':<{width}}  {'trainable':>11}  {'share':>7}  {'accuracy':>8}  {'on disk':>9}"]
    for r in results:
        lines.append(
            f"{r.method:<{width}}  {r.parameters.trainable:>11,}  {r.parameters.share:>7.2%}  "
            f"{approx(r.accuracy):>8}  {readable_size(r.disk_bytes):>9}"
        )
    return "\n".join(lines)
