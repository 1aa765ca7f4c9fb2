"""Lesson 4's exercises accept their solutions and answer typical mistakes with specific feedback; the concept
question's key agrees with what datasets does."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hfcourse.exercises import lesson04 as exercises
from tests.conftest import feedback, solve


@pytest.fixture(scope="module")
def lesson_names(offline_hub: Path) -> dict[str, object]:
    """The notebook's `load_dataset`, `tokenize_function`, `tokenized_datasets` and `data_collator`."""
    from datasets import load_dataset
    from transformers import AutoTokenizer, DataCollatorWithPadding

    tokenizer = AutoTokenizer.from_pretrained(exercises.CHECKPOINT)

    def tokenize_function(rows: dict[str, list[str]]) -> object:
        return tokenizer(rows["sentence1"], rows["sentence2"], truncation=True)

    tokenized = load_dataset("glue", "mrpc").map(tokenize_function, batched=True)
    return {
        "load_dataset": load_dataset,
        "tokenize_function": tokenize_function,
        "tokenized_datasets": tokenized.remove_columns(["sentence1", "sentence2", "idx"]),
        "data_collator": DataCollatorWithPadding(tokenizer),
    }


def test_longest_pair(lesson_names: dict[str, object]) -> None:
    right = solve(
        exercises.longest_pair,
        load_dataset=lesson_names["load_dataset"],
        tokenize_function=lesson_names["tokenize_function"],
    )
    assert exercises.longest_pair.evaluate(right) == (True, "Correct!")
    pairs, firsts, words = exercises._lengths("test")
    assert "both sentences" in feedback(exercises.longest_pair, max(firsts))
    assert "counts words" in feedback(exercises.longest_pair, max(words))
    assert "whole number (an int); you gave a str" in feedback(exercises.longest_pair, "512")


def test_batch_shape(lesson_names: dict[str, object]) -> None:
    right = solve(
        exercises.batch_shape,
        tokenized_datasets=lesson_names["tokenized_datasets"],
        data_collator=lesson_names["data_collator"],
    )
    assert exercises.batch_shape.evaluate(right) == (True, "Correct!")
    assert "fixed padding" in feedback(exercises.batch_shape, (5, 128))
    assert "first 5 rows" in feedback(exercises.batch_shape, (16, right[1]))
    assert "tuple" in feedback(exercises.batch_shape, list(right))
    assert "wrong length" in feedback(exercises.batch_shape, (5, right[1] + 1))


def test_batched_map_choices_each_explain_themselves() -> None:
    question = exercises.batched_map
    assert question.evaluate(solve(question))[0]
    for letter, choice in question.choices.items():
        passed, message = question.evaluate(letter.upper())
        assert passed == choice.correct and choice.explain in message
    assert "one of 'a', 'b', 'c', 'd'" in feedback(question, 2)


def _pid_and_size(rows: dict[str, list[int]]) -> dict[str, list[int]]:
    """Which process mapped each row, and how many rows came in the same call."""
    return {"pid": [os.getpid()] * len(rows["n"]), "size": [len(rows["n"])] * len(rows["n"])}


def test_batched_map_key_matches_datasets(lesson_names: dict[str, object], tmp_path: Path) -> None:
    """The key is right and each wrong choice is wrong, as datasets behaves today."""
    from datasets import Dataset, load_from_disk

    Dataset.from_dict({"n": list(range(2500))}).save_to_disk(tmp_path / "rows")
    rows = load_from_disk(tmp_path / "rows")
    batched = rows.map(_pid_and_size, batched=True)
    assert set(batched["size"]) == {1000, 500} and set(batched["pid"]) == {os.getpid()}  # b, and not a
    assert batched.cache_files  # not d: the result is written to a cache file all the same
    parallel = rows.map(_pid_and_size, batched=True, num_proc=2, load_from_cache_file=False)
    assert os.getpid() not in set(parallel["pid"])  # a is num_proc: worker processes map the shards
    validation = lesson_names["tokenized_datasets"]["validation"]  # type: ignore[index]
    assert len({len(ids) for ids in validation[:10]["input_ids"]}) > 1  # not c: map(batched=True) padded nothing
    assert [letter for letter, choice in exercises.batched_map.choices.items() if choice.correct] == ["b"]


def test_review_loader(lesson_names: dict[str, object]) -> None:
    from datasets import load_dataset
    from torch.utils.data import DataLoader
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(exercises.CHECKPOINT)
    collator = lesson_names["data_collator"]
    right = solve(
        exercises.review_loader,
        load_dataset=load_dataset,
        tokenizer=tokenizer,
        data_collator=collator,
        DataLoader=DataLoader,
    )
    assert exercises.review_loader.evaluate(right) == (True, "Correct!")
    reviews = load_dataset("rotten_tomatoes", split="train")
    tokenized = reviews.map(lambda rows: tokenizer(rows["text"], truncation=True), batched=True)
    with_text = DataLoader(tokenized, batch_size=8, collate_fn=collator)
    assert "remove the 'text' column" in feedback(exercises.review_loader, with_text)
    ready = tokenized.remove_columns(["text"]).rename_column("label", "labels")
    assert "collate_fn=data_collator" in feedback(exercises.review_loader, DataLoader(ready, batch_size=8))
    assert "batch_size=8" in feedback(exercises.review_loader, DataLoader(ready, batch_size=16, collate_fn=collator))
    no_labels = DataLoader(ready.remove_columns(["labels"]), batch_size=8, collate_fn=collator)
    assert "keep the 'label' column" in feedback(exercises.review_loader, no_labels)
    fixed = reviews.map(
        lambda rows: tokenizer(rows["text"], truncation=True, padding="max_length", max_length=128), batched=True
    ).remove_columns(["text"])
    assert "do not pad in map" in feedback(
        exercises.review_loader, DataLoader(fixed, batch_size=8, collate_fn=collator)
    )
    few = DataLoader(ready.select(range(100)), batch_size=8, collate_fn=collator)
    assert "train split has" in feedback(exercises.review_loader, few)
    assert "a DataLoader; you gave a Dataset" in feedback(exercises.review_loader, ready)
