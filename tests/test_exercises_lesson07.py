"""Lesson 7's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from hfcourse.exercises import lesson07 as exercises
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
    right = solve(exercise, predict=exercises._predictions, **two_adapters)
    assert exercise.evaluate(right) == (True, "Correct!")
    assert str(model.active_adapters) == "Stack[rotten_tomatoes]" and model.active_head == "rotten_tomatoes"
    mixed = exercises._labels_with(model, tokenizer, "rotten_tomatoes", "sst5")
    assert mixed != right, "the fixture's adapters should disagree"
    assert str(model.active_adapters) == "Stack[rotten_tomatoes]", "checking leaves the learner's setup as it was"
    assert "'rotten_tomatoes''s labels" in feedback(
        exercise, exercises._predictions(model, tokenizer, exercises.SENTENCES)
    )
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


@pytest.fixture(scope="module")
def lesson_names(offline_hub: Path) -> dict[str, Any]:
    """What the LoRA exercise's solution takes from the notebook: the lesson's 480 training rows, encoded, and the
    lesson's training arguments."""
    from datasets import load_dataset
    from transformers import AutoTokenizer, DataCollatorWithPadding, TrainingArguments

    tokenizer = AutoTokenizer.from_pretrained(exercises.CHECKPOINT)
    rows = load_dataset("rotten_tomatoes")["train"].shuffle(seed=0).select(range(exercises.TRAIN_ROWS))
    train_set = rows.map(
        lambda batch: tokenizer(batch["text"], max_length=80, truncation=True), batched=True, remove_columns=["text"]
    ).rename_column("label", "labels")

    def training_args(name: str, learning_rate: float) -> TrainingArguments:
        return TrainingArguments(
            output_dir=str(offline_hub.parent / "lesson7-test" / name),
            learning_rate=learning_rate,
            num_train_epochs=1,
            per_device_train_batch_size=16,
            group_by_length=True,
            remove_unused_columns=False,
            label_names=["labels"],
            eval_strategy="no",
            save_strategy="no",
            logging_strategy="no",
            report_to="none",
            disable_tqdm=True,
            use_cpu=True,
            seed=0,
        )

    return {
        "checkpoint": exercises.CHECKPOINT,
        "train_set": train_set,
        "training_args": training_args,
        "data_collator": DataCollatorWithPadding(tokenizer),
    }


def test_own_adapter(lesson_names: dict[str, Any]) -> None:
    import torch
    from adapters import AutoAdapterModel

    exercise = exercises.own_adapter
    trained = solve(exercise, **lesson_names)
    passed, message = exercise.evaluate(trained)
    assert passed and message.startswith("Correct! Held-out accuracy"), message

    body_weight = trained.base_model.encoder.layer[0].attention.self.query.weight
    saved_weight = body_weight.detach().clone()
    with torch.no_grad():
        body_weight.add_(0.01)
    assert "call train_adapter('lora') before training" in feedback(exercise, trained)
    with torch.no_grad():
        body_weight.copy_(saved_weight)
    last_layer = [module for module in trained.heads["lora"].modules() if isinstance(module, torch.nn.Linear)][-1]
    saved_bias = last_layer.bias.detach().clone()
    with torch.no_grad():
        last_layer.bias.copy_(torch.tensor([100.0, -100.0]))  # always 👎: below the majority class, 👍
    assert "does not beat the majority class" in feedback(exercise, trained)
    with torch.no_grad():
        last_layer.bias.copy_(saved_bias)
    assert exercise.evaluate(trained)[0], "the model is back as it was trained"

    untrained = AutoAdapterModel.from_pretrained(exercises.CHECKPOINT)
    untrained.delete_head("default")
    untrained.add_adapter("lora", config="lora")
    untrained.add_classification_head("lora", num_labels=2)
    untrained.train_adapter("lora")
    assert "has not trained" in feedback(exercise, untrained)
    untrained.delete_head("lora")
    assert "no head named 'lora'" in feedback(exercise, untrained)
    untrained.delete_adapter("lora")
    assert "no adapter named 'lora'" in feedback(exercise, untrained)
    untrained.add_adapter("lora", config="seq_bn")
    assert "not LoRA" in feedback(exercise, untrained)
    assert "store the trained model itself" in feedback(exercise, 0.7)
