"""Lesson 1's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcourse.exercises import Exercise
from hfcourse.exercises import lesson01 as exercises
from tests.conftest import feedback, solve


def lesson_names(exercise: Exercise) -> dict[str, object]:
    from transformers import pipeline

    return {"pipeline": pipeline} if "pipeline" in exercise.uses else {}


@pytest.mark.parametrize("exercise", [exercises.top_completions, exercises.batch_labels, exercises.default_checkpoint])
def test_solutions_pass(offline_hub: Path, exercise: Exercise) -> None:
    assert exercise.evaluate(solve(exercise, **lesson_names(exercise))) == (True, "Correct!")


def test_top_completions_feedback(offline_hub: Path) -> None:
    right = solve(exercises.top_completions, **lesson_names(exercises.top_completions))
    assert "top_k=3" in feedback(exercises.top_completions, right[:2])
    assert "wrong order" in feedback(exercises.top_completions, list(reversed(right)))
    assert "dict" in feedback(exercises.top_completions, [{"token_str": w} for w in right])
    assert "should be a list of strings" in feedback(exercises.top_completions, " ".join(right))
    assert "not the pipeline's top 3" in feedback(exercises.top_completions, ["zzz", "yyy", "xxx"])


def test_batch_labels_feedback(offline_hub: Path) -> None:
    right = solve(exercises.batch_labels, **lesson_names(exercises.batch_labels))
    assert "3 labels" in feedback(exercises.batch_labels, right[:1])
    flipped = ["NEGATIVE" if label == "POSITIVE" else "POSITIVE" for label in right]
    assert "differ" in feedback(exercises.batch_labels, flipped)


def test_default_checkpoint_feedback(offline_hub: Path) -> None:
    right = solve(exercises.default_checkpoint)
    assert "without the revision" in feedback(exercises.default_checkpoint, right + "@564e9b5")
    assert "organisation" in feedback(exercises.default_checkpoint, right.split("/")[1])
    assert "don't guess" in feedback(exercises.default_checkpoint, "google-bert/bert-base-uncased")
    assert "as a string, 'org/name'; you gave an int" in feedback(exercises.default_checkpoint, 42)
