"""The fine-tuning comparison helpers: sizes on disk, the majority baseline, length order, predictions, the table."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcourse.finetuning import (
    MethodResult,
    by_length,
    folder_size,
    majority_baseline,
    method_result_table,
    predict,
)
from hfcourse.parameters import ParameterCount


def test_folder_size_adds_up_every_file_below(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "nested" / "b.json").write_bytes(b"y" * 234)
    assert folder_size(tmp_path) == 1234
    assert folder_size(str(tmp_path / "nested")) == 234


def test_folder_size_refuses_what_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file.bin").write_bytes(b"x")
    for path in (tmp_path / "missing", tmp_path / "file.bin"):
        with pytest.raises(FileNotFoundError, match="save_adapter"):
            folder_size(path)


def test_majority_baseline_counts_the_training_majority_on_the_test_labels() -> None:
    assert majority_baseline([1, 1, 0], [0, 0, 1, 1]) == (1, 0.5)
    assert majority_baseline([0, 0, 1], [0, 0, 0, 1]) == (0, 0.75)
    with pytest.raises(ValueError):
        majority_baseline([], [1])


def test_by_length_puts_short_rows_first_and_keeps_every_row() -> None:
    from datasets import Dataset

    rows = Dataset.from_dict({"input_ids": [[1, 2, 3], [1], [1, 2]], "labels": [0, 1, 2]})
    ordered = by_length(rows)
    assert [len(ids) for ids in ordered["input_ids"]] == [1, 2, 3]
    assert list(ordered["labels"]) == [1, 2, 0]


def test_method_result_table_shows_counts_shares_accuracies_and_sizes() -> None:
    rows = [
        MethodResult("adapter", ParameterCount(261_650, 22_974_866), 0.7049, 1_050_000),
        MethodResult("full fine-tuning", ParameterCount(22_861_826, 22_861_826), 0.71, 91_500_000),
    ]
    lines = method_result_table(rows).splitlines()
    assert lines[0].split() == ["method", "trainable", "share", "accuracy", "on", "disk"]
    assert lines[1].split() == ["adapter", "261,650", "1.14%", "≈0.70", "1.1", "MB"]
    assert lines[2].split()[-5:] == ["22,861,826", "100.00%", "≈0.71", "91.5", "MB"]
    assert len({len(line) for line in lines}) == 1, "columns line up"
    with pytest.raises(ValueError):
        method_result_table([])


def test_predict_names_the_active_heads_labels_and_keeps_the_training_mode(offline_hub: Path) -> None:
    import logging

    import torch
    from adapters import AutoAdapterModel
    from transformers import AutoTokenizer

    logging.getLogger("adapters").setLevel(logging.ERROR)
    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained("FacebookAI/roberta-base")
    model = AutoAdapterModel.from_pretrained("FacebookAI/roberta-base")
    model.add_classification_head("two", num_labels=2, id2label={0: "👎", 1: "👍"})
    model.add_classification_head("three", num_labels=3, id2label={0: "a", 1: "b", 2: "c"})
    texts = ["a fine film", "dull", "the plot follows a dog"]
    model.active_head = "two"
    model.train()
    two = predict(model, tokenizer, texts)
    assert model.training, "predict puts the model back in training mode"
    assert len(two) == 3 and set(two) <= {"👎", "👍"}
    assert predict(model, tokenizer, texts) == two, "eval mode: no dropout, the same answer twice"
    assert predict(model, tokenizer, texts, batch_size=1) == two, "batching and ordering do not change answers"
    assert predict(model, tokenizer, []) == []
    model.active_head = "three"
    assert set(predict(model, tokenizer, texts)) <= {"a", "b", "c"}
