"""Lesson 5's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from hfcourse.exercises import Exercise
from hfcourse.exercises import lesson05 as exercises
from tests.conftest import feedback, solve


@pytest.mark.parametrize("exercise", [exercises.training_arguments, exercises.compute_metrics, exercises.head_only])
def test_solutions_pass(
    offline_hub: Path, exercise: Exercise, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # TrainingArguments' output folder lands here
    assert exercise.evaluate(solve(exercise)) == (True, "Correct!")


def test_training_arguments_feedback(tmp_path: Path) -> None:
    from transformers import TrainingArguments

    def arguments(**overrides: object) -> TrainingArguments:
        options = dict(eval_strategy="epoch", report_to="none", seed=7, learning_rate=3e-5) | overrides
        return TrainingArguments(str(tmp_path), **options)

    assert "eval_strategy='epoch'" in feedback(exercises.training_arguments, arguments(eval_strategy="no"))
    assert "report_to='none'" in feedback(exercises.training_arguments, arguments(report_to="wandb"))
    assert "asks for 7" in feedback(exercises.training_arguments, arguments(seed=42))
    assert "should be a TrainingArguments; you gave a dict" in feedback(
        exercises.training_arguments, {"eval_strategy": "epoch"}
    )


def test_compute_metrics_feedback() -> None:
    import evaluate
    import numpy as np

    metric = evaluate.load("accuracy")

    def no_argmax(prediction: object) -> object:
        return metric.compute(predictions=prediction.predictions, references=prediction.label_ids)

    def wrong_axis(prediction: object) -> object:
        return metric.compute(
            predictions=np.argmax(prediction.predictions, axis=0).tolist() * 2, references=prediction.label_ids
        )

    assert "take np.argmax" in feedback(exercises.compute_metrics, no_argmax)
    assert "over the last axis" in feedback(exercises.compute_metrics, wrong_axis)
    assert "a dict" in feedback(exercises.compute_metrics, lambda prediction: 0.5)
    assert "should be a function; you gave a dict" in feedback(exercises.compute_metrics, {"accuracy": 0.5})


def test_head_only_feedback(offline_hub: Path) -> None:
    model = solve(exercises.head_only)
    everything_frozen = copy.deepcopy(model).requires_grad_(False)
    assert "nothing is trainable" in feedback(exercises.head_only, everything_frozen)
    encoder_only = copy.deepcopy(model).requires_grad_(True)
    encoder_only.base_model.encoder.requires_grad_(False)  # the embeddings and the pooler still train
    assert "body tensors still train" in feedback(exercises.head_only, encoder_only)
    assert "should be the model; you gave a str" in feedback(exercises.head_only, "FacebookAI/roberta-base")


def test_review_trainer(offline_hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The published solution trains for real (about 30 s) and beats the majority class on held-out reviews."""
    from datasets import load_dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

    monkeypatch.chdir(tmp_path)
    trained = solve(exercises.review_trainer)
    assert exercises.review_trainer.evaluate(trained) == (True, "Correct!")
    assert trained.state.global_step == 32

    checkpoint = "FacebookAI/roberta-base"
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    args = TrainingArguments(str(tmp_path / "wrong"), report_to="none", use_cpu=True)
    untrained = Trainer(
        model=AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2),
        args=args,
        train_dataset=trained.train_dataset,
        processing_class=tokenizer,
    )
    assert "not trained yet" in feedback(exercises.review_trainer, untrained)
    untrained.state.global_step = 32  # as if it had trained, but with a random head: no better than the majority
    assert "not above the majority class" in feedback(exercises.review_trainer, untrained)
    no_tokenizer = Trainer(model=untrained.model, args=args, train_dataset=trained.train_dataset)
    assert "processing_class=tokenizer" in feedback(exercises.review_trainer, no_tokenizer)
    pairs = load_dataset("glue", "mrpc", split="train").select(range(8))
    mrpc = Trainer(model=untrained.model, args=args, train_dataset=pairs, processing_class=tokenizer)
    assert "MRPC" in feedback(exercises.review_trainer, mrpc)
    assert "the Trainer you trained; you gave a" in feedback(exercises.review_trainer, trained.model)


def test_chinese_review_trainer(offline_hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The published solution trains for real (about 15 s) and beats the majority class on held-out Chinese
    reviews; English data, an English tokenizer and an untrained head are each refused."""
    from datasets import load_dataset
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, Trainer, TrainingArguments

    monkeypatch.chdir(tmp_path)
    trained = solve(exercises.chinese_review_trainer)
    assert exercises.chinese_review_trainer.evaluate(trained) == (True, "Correct!")
    assert trained.state.global_step == 64

    args = TrainingArguments(str(tmp_path / "wrong"), report_to="none", use_cpu=True)
    checkpoint = "google-bert/bert-base-chinese"
    untrained = Trainer(
        model=AutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2),
        args=args,
        train_dataset=trained.train_dataset,
        processing_class=AutoTokenizer.from_pretrained(checkpoint),
    )
    assert "not trained yet" in feedback(exercises.chinese_review_trainer, untrained)
    untrained.state.global_step = 64  # as if it had trained, but with a random head: no better than the majority
    assert "not above the majority class" in feedback(exercises.chinese_review_trainer, untrained)
    english_tokenizer = AutoTokenizer.from_pretrained("FacebookAI/roberta-base")
    english = Trainer(
        model=untrained.model, args=args, train_dataset=trained.train_dataset, processing_class=english_tokenizer
    )
    assert "one character at a time" in feedback(exercises.chinese_review_trainer, english)
    movie_reviews = load_dataset("rotten_tomatoes", split="train").select(range(8))
    movie_reviews = movie_reviews.map(lambda rows: untrained.processing_class(rows["text"]), batched=True)
    movies = Trainer(
        model=untrained.model, args=args, train_dataset=movie_reviews, processing_class=untrained.processing_class
    )
    assert "not Chinese" in feedback(exercises.chinese_review_trainer, movies)
