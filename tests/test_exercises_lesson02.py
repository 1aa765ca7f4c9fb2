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


def test_probabilities(lesson_names: dict[str, object]) -> None:
    import torch

    right = solve(exercises.probabilities, checkpoint=exercises.CHECKPOINT, tokenizer=lesson_names["tokenizer"])
    passed, message = exercises.probabilities.evaluate(right)
    assert passed and message.startswith("Correct!")
    assert exercises.probabilities.evaluate(right.tolist())[0]
    tokenizer, model = lesson_names["tokenizer"], lesson_names["classifier"]
    reviews = list(exercises.REVIEWS)
    batch = tokenizer(reviews, padding=True, truncation=True, max_length=exercises.MAX_LENGTH, return_tensors="pt")
    full = tokenizer(reviews, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits
        not_cut = model(**full).logits.softmax(dim=-1)
        no_mask = model(input_ids=batch["input_ids"]).logits.softmax(dim=-1)
    assert "those are logits" in feedback(exercises.probabilities, logits)
    assert "wrong axis" in feedback(exercises.probabilities, logits.softmax(dim=0))
    assert "not cut" in feedback(exercises.probabilities, not_cut)
    assert "attention mask" in feedback(exercises.probabilities, no_mask)
    assert "shape should be (3, 2)" in feedback(exercises.probabilities, right[:2])
    assert "fresh classifier" in feedback(exercises.probabilities, right.flip(dims=[1]))
    assert "a tensor of probabilities" in feedback(exercises.probabilities, "0.9, 0.1")
