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


@pytest.mark.parametrize(
    "exercise",
    [exercises.top_completions, exercises.batch_labels, exercises.default_checkpoint, exercises.pinned_pipeline],
)
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


def test_pinned_pipeline_feedback(offline_hub: Path) -> None:
    from transformers import pipeline

    right = solve(exercises.pinned_pipeline, pipeline=pipeline)
    assert exercises.pinned_pipeline.evaluate(right) == (True, "Correct!")
    assert "store the pipeline itself" in feedback(exercises.pinned_pipeline, right(exercises.MASKED_WORDS[0]))
    assert "you gave a str" in feedback(exercises.pinned_pipeline, exercises.PINNED_MODEL)
    features = pipeline("feature-extraction", model=exercises.PINNED_MODEL, revision="6ea8117")
    assert "FeatureExtractionPipeline; build a fill-mask" in feedback(exercises.pinned_pipeline, features)
    assert "the task's default model" in feedback(exercises.pinned_pipeline, pipeline("fill-mask"))
    short_name = pipeline("fill-mask", model="distilbert-base-cased", revision="6ea8117")
    assert "old short name" in feedback(exercises.pinned_pipeline, short_name)
    other = pipeline("fill-mask", model="google-bert/bert-base-cased")
    assert "runs google-bert/bert-base-cased" in feedback(exercises.pinned_pipeline, other)


def test_pinned_pipeline_rejects_weights_of_another_revision(offline_hub: Path) -> None:
    """The course hub holds one commit per repo, so another revision's weights are simulated by their commit hash."""
    from transformers import pipeline

    other_revision = pipeline("fill-mask", model=exercises.PINNED_MODEL, revision="6ea8117")
    other_revision.model.config._commit_hash = "0" * 40
    assert "not those of revision '6ea8117'" in feedback(exercises.pinned_pipeline, other_revision)
