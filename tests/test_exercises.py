"""Every exercise accepts its own solution and rejects wrong answers with specific feedback."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hfcourse.exercises import Exercise, Feedback
from hfcourse.exercises import auto_classes as lesson2
from hfcourse.exercises import configs as lesson3
from hfcourse.exercises import datasets_lesson as lesson4
from hfcourse.exercises import pipeline as lesson1


def solve(exercise: Exercise, **lesson_names: object) -> object:
    """Run the exercise's published solution, with the names the lesson defined before it, and return `answer`."""
    from transformers import pipeline

    namespace: dict[str, object] = {"pipeline": pipeline, **lesson_names}
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


@pytest.fixture(scope="module")
def lesson2_names(offline_hub: Path) -> dict[str, object]:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    return {"tokenizer": AutoTokenizer.from_pretrained(lesson2.CHECKPOINT),
            "classifier": AutoModelForSequenceClassification.from_pretrained(lesson2.CHECKPOINT)}


def test_lesson2_count_padding(lesson2_names: dict[str, object]) -> None:
    right = solve(lesson2.count_padding, **lesson2_names)
    assert lesson2.count_padding.evaluate(right) == (True, "Correct!")
    import torch

    assert "tensor" in feedback(lesson2.count_padding, torch.tensor(right))
    mask = lesson2_names["tokenizer"](list(lesson2.SENTENCES), padding=True)["attention_mask"]
    assert "real tokens" in feedback(lesson2.count_padding, sum(row.count(1) for row in mask))
    assert "zeros" in feedback(lesson2.count_padding, right + 1)
    assert "add up" in feedback(lesson2.count_padding, [right, 0])


def test_lesson2_label_of_logits(lesson2_names: dict[str, object]) -> None:
    right = solve(lesson2.label_of_logits, **lesson2_names)
    assert lesson2.label_of_logits.evaluate(right) == (True, "Correct!")
    assert "label ids" in feedback(lesson2.label_of_logits, [1, 0, 0])
    assert "argmax" in feedback(lesson2.label_of_logits, list(reversed(right)))
    assert "3 labels" in feedback(lesson2.label_of_logits, right[:2])


def test_lesson3_layer_count(offline_hub: Path) -> None:
    from transformers import AutoConfig, BertModel

    right = solve(lesson3.layer_count)
    assert lesson3.layer_count.evaluate(right) == (True, "Correct!")
    random_two = BertModel(AutoConfig.from_pretrained(lesson3.CHECKPOINT, num_hidden_layers=2))
    assert "random" in feedback(lesson3.layer_count, random_two)
    assert "num_hidden_layers=2" in feedback(lesson3.layer_count, BertModel.from_pretrained(lesson3.CHECKPOINT, num_hidden_layers=3))
    assert "model itself" in feedback(lesson3.layer_count, "google-bert/bert-base-uncased")


def test_lesson3_saved_files(offline_hub: Path) -> None:
    from transformers import BertModel

    right = solve(lesson3.saved_files, pretrained_model=BertModel.from_pretrained(lesson3.CHECKPOINT, num_hidden_layers=1))
    assert lesson3.saved_files.evaluate(right) == (True, "Correct!")
    assert "paths" in feedback(lesson3.saved_files, [Path(name) for name in right])
    assert "old pickle" in feedback(lesson3.saved_files, ["config.json", "pytorch_model.bin"])
    assert "sort" in feedback(lesson3.saved_files, list(reversed(right)))
    assert "tokenizer" in feedback(lesson3.saved_files, ["special_tokens_map.json", "tokenizer.json"])


@pytest.fixture(scope="module")
def lesson4_names(offline_hub: Path) -> dict[str, object]:
    from datasets import load_dataset
    from transformers import AutoTokenizer, DataCollatorWithPadding

    tokenizer = AutoTokenizer.from_pretrained(lesson4.CHECKPOINT)
    tokenize_function = lambda rows: tokenizer(rows["sentence1"], rows["sentence2"], truncation=True)
    tokenized = load_dataset("glue", "mrpc").map(tokenize_function, batched=True).remove_columns(["sentence1", "sentence2", "idx"])
    return {"load_dataset": load_dataset, "tokenize_function": tokenize_function, "tokenized_datasets": tokenized,
            "data_collator": DataCollatorWithPadding(tokenizer)}


def test_lesson4_longest_pair(lesson4_names: dict[str, object]) -> None:
    right = solve(lesson4.longest_pair, **lesson4_names)
    assert lesson4.longest_pair.evaluate(right) == (True, "Correct!")
    pairs, firsts, words = lesson4._lengths("test")
    assert "both sentences" in feedback(lesson4.longest_pair, max(firsts))
    assert "counts words" in feedback(lesson4.longest_pair, max(words))
    assert "whole number" in feedback(lesson4.longest_pair, "512")


def test_lesson4_batch_shape(lesson4_names: dict[str, object]) -> None:
    right = solve(lesson4.batch_shape, **lesson4_names)
    assert lesson4.batch_shape.evaluate(right) == (True, "Correct!")
    assert "fixed padding" in feedback(lesson4.batch_shape, (5, 128))
    assert "first 5 rows" in feedback(lesson4.batch_shape, (16, right[1]))
    assert "tuple" in feedback(lesson4.batch_shape, list(right))
    assert "wrong length" in feedback(lesson4.batch_shape, (5, right[1] + 1))
