"""Lesson 4's exercises: token lengths and per-batch padding."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises.core import Exercise, Feedback

CHECKPOINT = "google-bert/bert-base-uncased"


@cache
def _lengths(split: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Per row: tokens of the pair, tokens of sentence1 alone, and words of the pair."""
    from datasets import load_dataset
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
    rows = load_dataset("glue", "mrpc", split=split)
    firsts, seconds = list(rows["sentence1"]), list(rows["sentence2"])  # a Dataset's column is lazy: make lists
    pairs = tokenizer(firsts, seconds, truncation=True)["input_ids"]
    first_only = tokenizer(firsts, truncation=True)["input_ids"]
    words = [len(a.split()) + len(b.split()) for a, b in zip(firsts, seconds)]
    return tuple(map(len, pairs)), tuple(map(len, first_only)), tuple(words)


def _as_int(answer: Any) -> int:
    if hasattr(answer, "item"):
        answer = answer.item()
    if not isinstance(answer, int) or isinstance(answer, bool):
        raise Feedback(f"the answer should be a whole number; you gave a {type(answer).__name__}.")
    return answer


def _check_longest_pair(answer: Any) -> None:
    value = _as_int(answer)
    pairs, firsts, words = _lengths("test")
    if value == max(firsts):
        raise Feedback("that is the longest first sentence: tokenize both sentences of the pair together.")
    if value == max(words):
        raise Feedback("that counts words; count tokens, the ids the tokenizer returns.")
    if value != max(pairs):
        raise Feedback("not the longest pair of the test split: map the tokenizer over split='test' and take max(len(ids)).")


def _check_batch_shape(answer: Any) -> None:
    pairs, _, _ = _lengths("validation")
    expected = (5, max(pairs[:5]))
    if not isinstance(answer, tuple):
        raise Feedback(f"give the shape as a tuple, e.g. tuple(batch['input_ids'].shape); you gave a {type(answer).__name__}.")
    shape = tuple(int(n) for n in answer)
    if len(shape) != 2 or shape[0] != 5:
        raise Feedback("the batch should hold the first 5 rows: its shape is (5, length).")
    if shape[1] == 128:
        raise Feedback("128 is the fixed padding length; the collator pads to the longest of these 5 rows.")
    if shape != expected:
        raise Feedback("wrong length: pad with data_collator the rows of tokenized_datasets['validation'] 0 to 4.")


longest_pair = Exercise(
    "the longest pair",
    "Store in `answer` the length, in tokens, of the longest sentence pair in MRPC's test split, tokenized as "
    "pairs with truncation=True (an int).",
    _check_longest_pair,
    "map tokenize_function over load_dataset('glue', 'mrpc', split='test') with batched=True, then max(len(ids) for ids in ...['input_ids']).",
    """
    test = load_dataset("glue", "mrpc", split="test").map(tokenize_function, batched=True)
    answer = max(len(ids) for ids in test["input_ids"])
    """,
)
batch_shape = Exercise(
    "one dynamically padded batch",
    "With data_collator, pad rows 0 to 4 of tokenized_datasets['validation'] into one batch and store the shape "
    "of its input_ids in `answer` as a tuple.",
    _check_batch_shape,
    "a collator takes a list of rows: data_collator([dataset[i] for i in range(5)]).",
    """
    rows = [tokenized_datasets["validation"][i] for i in range(5)]
    answer = tuple(data_collator(rows)["input_ids"].shape)
    """,
)
