"""Lesson 2's exercises: tokenizer outputs and classification logits."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback

CHECKPOINT = "distilbert/distilbert-base-uncased-finetuned-sst-2-english"
SENTENCES = ("I've been waiting for a HuggingFace course my whole life.", "I hate this so much!")
LOGITS = ((-1.2, 2.3), (0.4, -0.1), (3.0, -2.5))


@cache
def _tokenizer() -> Any:
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(CHECKPOINT)


def _check_count_padding(answer: Any) -> None:
    mask = _tokenizer()(list(SENTENCES), padding=True)["attention_mask"]
    padding = sum(row.count(0) for row in mask)
    real = sum(row.count(1) for row in mask)
    if hasattr(answer, "item"):
        raise Feedback("you have a tensor; turn it into a plain number with int(...) or .item().")
    if isinstance(answer, (list, tuple)):
        raise Feedback("give one number for the whole batch: add up the rows.")
    answer = checks.whole_number(answer)
    if answer == real:
        raise Feedback("that is the number of real tokens: padding is where the attention mask is 0.")
    if answer != padding:
        raise Feedback("not the number of padding positions: count the zeros of inputs['attention_mask'].")


@cache
def _id2label() -> dict[int, str]:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(CHECKPOINT).id2label


def _check_label_of_logits(answer: Any) -> None:
    id2label = _id2label()
    expected = [id2label[max(range(len(row)), key=row.__getitem__)] for row in LOGITS]
    if checks.label_names(answer, len(LOGITS), "row of LOGITS") != expected:
        raise Feedback("not the right labels: take the argmax of each row (dim=-1), then look it up in id2label.")


count_padding = Exercise(
    title="count the padding",
    task="Tokenize SENTENCES (from hfcourse.exercises.lesson02) as one padded batch and store in `answer` the "
    "number of padding positions in the whole batch, computed from the attention mask (an int).",
    check=_check_count_padding,
    hint="padding positions are the zeros of the attention mask: (mask == 0).sum().",
    solution="""
    from hfcourse.exercises.lesson02 import SENTENCES
    batch = tokenizer(list(SENTENCES), padding=True, return_tensors="pt")
    answer = int((batch["attention_mask"] == 0).sum())
    """,
    uses=("tokenizer",),
)
label_of_logits = Exercise(
    title="from logits to labels",
    task="LOGITS (from hfcourse.exercises.lesson02) are three rows of logits from the sentiment classifier. "
    "Store in `answer` the list of predicted label names, in order.",
    check=_check_label_of_logits,
    hint="torch.tensor(LOGITS).argmax(dim=-1) gives label ids; classifier.config.id2label names them.",
    solution="""
    import torch
    from hfcourse.exercises.lesson02 import LOGITS
    answer = [classifier.config.id2label[int(i)] for i in torch.tensor(LOGITS).argmax(dim=-1)]
    """,
    uses=("classifier",),
)
