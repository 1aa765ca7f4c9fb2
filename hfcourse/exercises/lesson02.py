"""Lesson 2's exercises: tokenizer outputs and classification logits."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.i18n import L_, _

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
        raise Feedback(_("you have a tensor; turn it into a plain number with int(...) or .item()."))
    if isinstance(answer, (list, tuple)):
        raise Feedback(_("give one number for the whole batch: add up the rows."))
    answer = checks.whole_number(answer)
    if answer == real:
        raise Feedback(_("that is the number of real tokens: padding is where the attention mask is 0."))
    if answer != padding:
        raise Feedback(_("not the number of padding positions: count the zeros of inputs['attention_mask']."))


@cache
def _id2label() -> dict[int, str]:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(CHECKPOINT).id2label


def _check_label_of_logits(answer: Any) -> None:
    id2label = _id2label()
    expected = [id2label[max(range(len(row)), key=row.__getitem__)] for row in LOGITS]
    if checks.label_names(answer, len(LOGITS), _("row of LOGITS")) != expected:
        raise Feedback(_("not the right labels: take the argmax of each row (dim=-1), then look it up in id2label."))


count_padding = Exercise(
    title=L_("count the padding"),
    task=L_(
        "Tokenize SENTENCES (from hfcourse.exercises.lesson02) as one padded batch and store in "
        "`answer` the number of padding positions in the whole batch, computed from the attention "
        "mask (an int)."
    ),
    check=_check_count_padding,
    hint=L_("padding positions are the zeros of the attention mask: (mask == 0).sum()."),
    solution="""
    from hfcourse.exercises.lesson02 import SENTENCES
    batch = tokenizer(list(SENTENCES), padding=True, return_tensors="pt")
    answer = int((batch["attention_mask"] == 0).sum())
    """,
    uses=("tokenizer",),
)
label_of_logits = Exercise(
    title=L_("from logits to labels"),
    task=L_(
        "LOGITS (from hfcourse.exercises.lesson02) are three rows of logits from the sentiment "
        "classifier. Store in `answer` the list of predicted label names, in order."
    ),
    check=_check_label_of_logits,
    hint=L_("torch.tensor(LOGITS).argmax(dim=-1) gives label ids; classifier.config.id2label names them."),
    solution="""
    import torch
    from hfcourse.exercises.lesson02 import LOGITS
    answer = [classifier.config.id2label[int(i)] for i in torch.tensor(LOGITS).argmax(dim=-1)]
    """,
    uses=("classifier",),
)


REVIEWS = (
    "A gripping, beautifully acted film.",
    "The first hour is a delight, funny and warm and full of life, but then it falls apart into a dull, stupid "
    "and tiresome mess.",
    "Dull.",
)
MAX_LENGTH = 16


@cache
def _classifier() -> Any:
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(CHECKPOINT)


def _logits(truncate: bool = True, mask: bool = True) -> Any:
    """The classifier's logits for REVIEWS as one padded batch: the real computation the answer is checked against."""
    import torch

    cut = {"truncation": True, "max_length": MAX_LENGTH} if truncate else {}
    batch = _tokenizer()(list(REVIEWS), padding=True, return_tensors="pt", **cut)
    if not mask:
        del batch["attention_mask"]
    with torch.no_grad():
        return _classifier()(**batch).logits


def _check_probabilities(answer: Any) -> str | None:
    import torch

    try:
        got = torch.as_tensor(answer.detach() if hasattr(answer, "detach") else answer, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise checks.wrong_type(_("a tensor of probabilities, one row per review"), answer) from None
    if tuple(got.shape) != (len(REVIEWS), 2):
        raise Feedback(
            _("the shape should be ({reviews_count}, 2), one row per review; yours is {shape}.").format(
                reviews_count=len(REVIEWS), shape=tuple(got.shape)
            )
        )
    expected = _logits().softmax(dim=-1)
    if torch.allclose(got, expected, atol=1e-4):
        flipped = _logits(truncate=False).argmax(dim=-1) != expected.argmax(dim=-1)
        if flipped.any():
            return _("Cut to {max_length} tokens, review {review} gets another label than in full.").format(
                max_length=MAX_LENGTH, review=int(flipped.nonzero()[0]) + 1
            )
        return None
    if torch.allclose(got, _logits(), atol=1e-4):
        raise Feedback(_("those are logits: turn them into probabilities with .softmax(dim=-1)."))
    if torch.allclose(got, _logits().softmax(dim=0), atol=1e-4):
        raise Feedback(_("softmax over the wrong axis: each row (one review) should sum to 1, so use dim=-1."))
    if torch.allclose(got, _logits(truncate=False).softmax(dim=-1), atol=1e-4):
        raise Feedback(
            _("the reviews were not cut: pass truncation=True and max_length={max_length} to the tokenizer.").format(
                max_length=MAX_LENGTH
            )
        )
    if torch.allclose(got, _logits(mask=False).softmax(dim=-1), atol=1e-4):
        raise Feedback(_("the model did not get the attention mask: pass the whole batch, model(**batch)."))
    raise Feedback(
        _(
            "not the probabilities of a fresh classifier on that batch: load the model again from "
            "`checkpoint` (the lesson's `classifier` was changed by the training step), and tokenize "
            "REVIEWS as one padded, truncated batch."
        )
    )


probabilities = Exercise(
    title=L_("from sentences to probabilities"),
    task=L_(
        "Load a fresh sentiment classifier from `checkpoint` (the lesson's `classifier` was "
        "changed by the training step). Tokenize REVIEWS (from hfcourse.exercises.lesson02) as one "
        "batch, padded, and cut to at most MAX_LENGTH (16) tokens; run the model on it without "
        "gradients, and store the probabilities in `answer`: a tensor of shape (3, 2), one row per "
        "review."
    ),
    check=_check_probabilities,
    hint=L_(
        "tokenizer(list(REVIEWS), padding=True, truncation=True, max_length=MAX_LENGTH, "
        "return_tensors='pt'), then model(**batch).logits.softmax(dim=-1) inside torch.no_grad()."
    ),
    solution="""
    import torch
    from transformers import AutoModelForSequenceClassification
    from hfcourse.exercises.lesson02 import MAX_LENGTH, REVIEWS
    sentiment_model = AutoModelForSequenceClassification.from_pretrained(checkpoint)
    batch = tokenizer(list(REVIEWS), padding=True, truncation=True, max_length=MAX_LENGTH, return_tensors="pt")
    with torch.no_grad():
        answer = sentiment_model(**batch).logits.softmax(dim=-1)
    """,
    uses=("checkpoint", "tokenizer"),
)
