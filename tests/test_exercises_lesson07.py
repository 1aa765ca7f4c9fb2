"""Lesson 7's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from hfcourse.exercises import lesson07 as exercises
from hfcourse.finetuning import predict
from tests.conftest import feedback, solve

logging.getLogger("adapters").setLevel(logging.ERROR)


def test_adapter_trainable(offline_hub: Path) -> None:
    from hfcourse.parameters import ParameterCount

    right = solve(exercises.adapter_trainable)
    assert exercises.adapter_trainable.evaluate(right) == (True, "Correct!")
    counts = exercises._trainable_counts()
    assert counts["default"] > right > counts["head"] > counts["adapter"] > 0
    assert "train_adapter" in feedback(exercises.adapter_trainable, counts["total"])
    assert "frozen" in feedback(exercises.adapter_trainable, counts["total"] - right)
    assert "train_adapter" in feedback(exercises.adapter_trainable, counts["total"] - counts["head"])
    assert "reduction factor 16" in feedback(exercises.adapter_trainable, counts["default"])
    assert "head trains too" in feedback(exercises.adapter_trainable, counts["adapter"])
    assert "head alone" in feedback(exercises.adapter_trainable, counts["head"])
    assert "delete_head('default')" in feedback(exercises.adapter_trainable, right + counts["checkpoint_head"])
    assert ".trainable" in feedback(exercises.adapter_trainable, ParameterCount(right, counts["total"]))
    assert "share" in feedback(exercises.adapter_trainable, 0.78)
    assert "whole number (an int); you gave a str" in feedback(exercises.adapter_trainable, str(right))
    assert "not the trainable count" in feedback(exercises.adapter_trainable, right + 1)


@pytest.fixture(scope="module")
def two_adapters(offline_hub: Path) -> dict[str, Any]:
    """A body with two adapters and heads whose weights are drawn at random (a quick stand-in for training),
    so that every way of mixing them up gives different predictions."""
    import torch
    from adapters import AutoAdapterModel
    from transformers import AutoTokenizer

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(exercises.CHECKPOINT)
    model = AutoAdapterModel.from_pretrained(exercises.CHECKPOINT)
    model.add_adapter("rotten_tomatoes", config="seq_bn")
    model.add_classification_head("rotten_tomatoes", num_labels=2, id2label={0: "👎", 1: "👍"})
    model.add_adapter("sst5", config="seq_bn")
    names = ["very negative", "negative", "neutral", "positive", "very positive"]
    model.add_classification_head("sst5", num_labels=5, id2label=dict(enumerate(names)))
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if ".adapters." in name or "heads." in name:
                parameter.normal_(0.0, 0.5)
    model.set_active_adapters("rotten_tomatoes")
    return {"model": model, "tokenizer": tokenizer}


def test_switch_adapters(two_adapters: dict[str, Any]) -> None:
    model, tokenizer = two_adapters["model"], two_adapters["tokenizer"]
    exercise = exercises.switch_adapters(model, tokenizer)
    right = solve(exercise, predict=predict, **two_adapters)
    assert exercise.evaluate(right) == (True, "Correct!")
    assert str(model.active_adapters) == "Stack[rotten_tomatoes]" and model.active_head == "rotten_tomatoes"
    mixed = exercises._labels_with(model, tokenizer, "rotten_tomatoes", "sst5")
    assert mixed != right, "the fixture's adapters should disagree"
    assert str(model.active_adapters) == "Stack[rotten_tomatoes]", "checking leaves the learner's setup as it was"
    assert "'rotten_tomatoes''s labels" in feedback(exercise, predict(model, tokenizer, exercises.SENTENCES))
    assert "switches both" in feedback(exercise, mixed)
    assert "label ids" in feedback(exercise, [model.get_labels("sst5").index(label) for label in right])
    assert "3 labels" in feedback(exercise, right[:2])
    assert "list of label names" in feedback(exercise, ",".join(right))
    wrong = next(
        guess for guess in ([name] * len(right) for name in model.get_labels("sst5")) if guess not in (right, mixed)
    )
    assert "not what" in feedback(exercise, wrong)


def test_switch_adapters_needs_both_adapters(offline_hub: Path) -> None:
    from adapters import AutoAdapterModel

    model = AutoAdapterModel.from_pretrained(exercises.CHECKPOINT)
    model.add_adapter("rotten_tomatoes", config="seq_bn")
    with pytest.raises(ValueError, match="add_adapter and add_classification_head"):
        exercises.switch_adapters(model, tokenizer=None)
