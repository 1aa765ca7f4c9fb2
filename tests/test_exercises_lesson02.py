"""Lesson 2's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcourse.exercises import lesson02 as exercises
from tests.conftest import feedback, solve


@pytest.fixture(scope="module")
def lesson_names(offline_hub: Path) -> dict[str, object]:
    """The notebook's `tokenizer` and `classifier`."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    return {
        "tokenizer": AutoTokenizer.from_pretrained(exercises.CHECKPOINT),
        "classifier": AutoModelForSequenceClassification.from_pretrained(exercises.CHECKPOINT),
    }


def test_count_padding(lesson_names: dict[str, object]) -> None:
    import torch

    right = solve(exercises.count_padding, tokenizer=lesson_names["tokenizer"])
    assert exercises.count_padding.evaluate(right) == (True, "Correct!")
    assert "tensor" in feedback(exercises.count_padding, torch.tensor(right))
    mask = lesson_names["tokenizer"](list(exercises.SENTENCES), padding=True)["attention_mask"]
    assert "real tokens" in feedback(exercises.count_padding, sum(row.count(1) for row in mask))
    assert "zeros" in feedback(exercises.count_padding, right + 1)
    assert "add up" in feedback(exercises.count_padding, [right, 0])
    assert "whole number (an int); you gave a float" in feedback(exercises.count_padding, float(right))


def test_label_of_logits(lesson_names: dict[str, object]) -> None:
    right = solve(exercises.label_of_logits, classifier=lesson_names["classifier"])
    assert exercises.label_of_logits.evaluate(right) == (True, "Correct!")
    assert "label ids" in feedback(exercises.label_of_logits, [1, 0, 0])
    assert "argmax" in feedback(exercises.label_of_logits, list(reversed(right)))
    assert "3 labels" in feedback(exercises.label_of_logits, right[:2])
    assert "list of label names" in feedback(exercises.label_of_logits, "POSITIVE")
