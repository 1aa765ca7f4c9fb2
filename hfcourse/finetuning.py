"""Bookkeeping for fine-tuning runs: the majority-class baseline to beat, and what a saved model costs on disk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path


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
