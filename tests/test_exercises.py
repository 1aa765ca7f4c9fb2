"""Every exercise accepts its own solution and rejects wrong answers with specific feedback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hfcourse.exercises import Exercise, Feedback
from hfcourse.exercises import pipeline as lesson1


def solve(exercise: Exercise) -> object:
    """Run the exercise's published solution and return its `answer`."""
    from transformers import pipeline

    namespace: dict[str, object] = {"pipeline": pipeline}
    exec(textwrap.dedent(exercise.solution_code), namespace)
    return namespace["answer"]


def feedback(exercise: Exercise, answer: object) -> str:
    passed, message = exercise.evaluate(answer)
    assert not passed, f"{exercise.title}: accepted a wrong answer {answer!r}"
    return message


def test_the_mechanism_reports_unanswered_wrong_and_right(capsys: pytest.CaptureFixture[str]) -> None:
    def must_be_four(answer: object) -> None:
        if answer != 4:
            raise Feedback("2 + 2 is not that.")

    exercise = Exercise("sum", "What is 2 + 2?", must_be_four, "count on your fingers", "answer = 4")
    for answer in (..., 5, 4):
        exercise.check(answer)
    printed = capsys.readouterr().out
    assert "Not answered yet" in printed and "Not yet: 2 + 2 is not that." in printed and "Correct!" in printed


@pytest.mark.parametrize("exercise", [lesson1.top_completions, lesson1.batch_labels, lesson1.default_checkpoint], ids=lambda e: e.title)
def test_lesson1_solutions_pass(offline_hub: Path, exercise: Exercise) -> None:
    assert exercise.evaluate(solve(exercise)) == (True, "Correct!")


def test_lesson1_top_completions_feedback(offline_hub: Path) -> None:
    right = solve(lesson1.top_completions)
    assert "top_k=3" in feedback(lesson1.top_completions, right[:2])
    assert "wrong order" in feedback(lesson1.top_completions, list(reversed(right)))
    assert "dict" in feedback(lesson1.top_completions, [{"token_str": w} for w in right])
    assert "list of strings" in feedback(lesson1.top_completions, " ".join(right))
    assert "not the pipeline's top 3" in feedback(lesson1.top_completions, ["zzz", "yyy", "xxx"])


def test_lesson1_batch_labels_feedback(offline_hub: Path) -> None:
    right = solve(lesson1.batch_labels)
    assert "3 labels" in feedback(lesson1.batch_labels, right[:1])
    flipped = ["NEGATIVE" if label == "POSITIVE" else "POSITIVE" for label in right]
    assert "differ" in feedback(lesson1.batch_labels, flipped)


def test_lesson1_default_checkpoint_feedback(offline_hub: Path) -> None:
    right = solve(lesson1.default_checkpoint)
    assert "without the revision" in feedback(lesson1.default_checkpoint, right + "@564e9b5")
    assert "organisation" in feedback(lesson1.default_checkpoint, right.split("/")[1])
    assert "don't guess" in feedback(lesson1.default_checkpoint, "google-bert/bert-base-uncased")
    assert "string" in feedback(lesson1.default_checkpoint, 42)
