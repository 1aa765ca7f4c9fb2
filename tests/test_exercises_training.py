"""Lessons 5 and 6: every exercise accepts its solution and rejects typical mistakes with specific feedback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hfcourse.exercises import loop_lesson as lesson6
from hfcourse.exercises import trainer_lesson as lesson5
from tests.test_exercises import feedback, solve

EXERCISES = [lesson5.training_arguments, lesson5.compute_metrics, lesson5.head_only,
             lesson6.warmup_schedule, lesson6.best_weights, lesson6.sampler_shard]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.title)
def test_solutions_pass(offline_hub: Path, exercise: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # TrainingArguments' output folder lands here
    assert exercise.evaluate(solve(exercise)) == (True, "Correct!")


def test_training_arguments_feedback(tmp_path: Path) -> None:
    from transformers import TrainingArguments

    def arguments(**overrides: object) -> TrainingArguments:
        options = dict(eval_strategy="epoch", report_to="none", seed=7, learning_rate=3e-5) | overrides
        return TrainingArguments(str(tmp_path), **options)

    assert "eval_strategy='epoch'" in feedback(lesson5.training_arguments, arguments(eval_strategy="no"))
    assert "report_to='none'" in feedback(lesson5.training_arguments, arguments(report_to="wandb"))
    assert "asks for 7" in feedback(lesson5.training_arguments, arguments(seed=42))
    assert "should be a TrainingArguments" in feedback(lesson5.training_arguments, {"eval_strategy": "epoch"})


def test_compute_metrics_feedback() -> None:
    import evaluate
    import numpy as np

    metric = evaluate.load("accuracy")
    no_argmax = lambda p: metric.compute(predictions=p.predictions, references=p.label_ids)  # noqa: E731
    wrong_axis = lambda p: metric.compute(predictions=np.argmax(p.predictions, axis=0).tolist() * 2, references=p.label_ids)  # noqa: E731
    assert "take np.argmax" in feedback(lesson5.compute_metrics, no_argmax)
    assert "over the last axis" in feedback(lesson5.compute_metrics, wrong_axis)
    assert "a dict" in feedback(lesson5.compute_metrics, lambda p: 0.5)


def test_head_only_feedback(offline_hub: Path) -> None:
    model = solve(lesson5.head_only)
    everything_frozen = copy.deepcopy(model).requires_grad_(False)
    assert "nothing is trainable" in feedback(lesson5.head_only, everything_frozen)
    encoder_only = copy.deepcopy(model).requires_grad_(True)
    encoder_only.base_model.encoder.requires_grad_(False)  # the embeddings and the pooler still train
    assert "body tensors still train" in feedback(lesson5.head_only, encoder_only)


def test_warmup_schedule_feedback() -> None:
    no_warmup = [1e-3 * (100 - step) / 100 for step in range(100)]
    assert "there is no warmup" in feedback(lesson6.warmup_schedule, no_warmup)
    assert "one per optimizer step" in feedback(lesson6.warmup_schedule, [0.0] * 99)
    wrong_total = [1e-3 * min(step / 10, (200 - step) / 190) for step in range(100)]
    assert "num_training_steps=100" in feedback(lesson6.warmup_schedule, wrong_total)


def test_best_weights_feedback() -> None:
    assert "copy.deepcopy" in feedback(lesson6.best_weights, lambda model: model.state_dict())
    assert "state_dict" in feedback(lesson6.best_weights, lambda model: None)


def test_sampler_shard_feedback() -> None:
    assert "rank 0" in feedback(lesson6.sampler_shard, [0, 2, 4, 6, 8])
    assert "like cards" in feedback(lesson6.sampler_shard, [5, 6, 7, 8, 9])
    assert "order is kept" in feedback(lesson6.sampler_shard, [9, 7, 5, 3, 1])
