"""Lesson 4's exercises: token lengths, per-batch padding, another data set made ready, and what batched=True means."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Choice, Exercise, Feedback, MultipleChoice
from hfcourse.i18n import L_, _

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


def _check_longest_pair(answer: Any) -> None:
    value = checks.whole_number(answer)
    pairs, firsts, words = _lengths("test")
    if value == max(firsts):
        raise Feedback(_("that is the longest first sentence: tokenize both sentences of the pair together."))
    if value == max(words):
        raise Feedback(_("that counts words; count tokens, the ids the tokenizer returns."))
    if value != max(pairs):
        raise Feedback(
            _("not the longest pair of the test split: map the tokenizer over split='test' and take max(len(ids)).")
        )


def _check_batch_shape(answer: Any) -> None:
    pairs, __, __ = _lengths("validation")
    expected = (5, max(pairs[:5]))
    if not isinstance(answer, tuple):
        raise checks.wrong_type(_("the shape as a tuple, e.g. tuple(batch['input_ids'].shape)"), answer)
    shape = tuple(int(n) for n in answer)
    if len(shape) != 2 or shape[0] != 5:
        raise Feedback(_("the batch should hold the first 5 rows: its shape is (5, length)."))
    if shape[1] == 128:
        raise Feedback(_("128 is the fixed padding length; the collator pads to the longest of these 5 rows."))
    if shape != expected:
        raise Feedback(_("wrong length: pad with data_collator the rows of tokenized_datasets['validation'] 0 to 4."))


MODEL_COLUMNS = {"input_ids", "token_type_ids", "attention_mask", "labels"}


@cache
def _review_count() -> int:
    from datasets import load_dataset

    return len(load_dataset("rotten_tomatoes", split="train"))


def _check_review_loader(answer: Any) -> None:
    import torch
    from torch.utils.data import DataLoader

    answer = checks.instance(answer, DataLoader, _("a DataLoader"))
    if answer.batch_size != 8:
        raise Feedback(
            _("its batch size is {batch_size}; the task asks for batch_size=8.").format(batch_size=answer.batch_size)
        )
    try:
        batch = next(iter(answer))
    except (RuntimeError, ValueError, TypeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise Feedback(
            _(
                "building a batch failed ({type}: {first_line}). Rows of different lengths need "
                "collate_fn=data_collator, and the collator can only pad token columns: remove the 'text' "
                "column."
            ).format(type=type(error).__name__, first_line=first_line)
        ) from None
    if not isinstance(batch, Mapping) or not all(isinstance(value, torch.Tensor) for value in batch.values()):
        raise Feedback(_("a batch should be a dict of tensors: pass collate_fn=data_collator to the DataLoader."))
    if "text" in batch or not set(batch) <= MODEL_COLUMNS | {"label"}:
        raise Feedback(
            _("the batch holds {batch}: keep only the columns a model takes (remove_columns).").format(
                batch=sorted(batch)
            )
        )
    if not MODEL_COLUMNS <= set(batch) | {"labels"} or "labels" not in batch:
        raise Feedback(
            _(
                "the batch holds {batch}; a model needs input_ids, token_type_ids, attention_mask and "
                "labels: tokenize the 'text' column with map and keep the 'label' column (as 'labels')."
            ).format(batch=sorted(batch))
        )
    if len(answer.dataset) != _review_count():
        raise Feedback(
            _("the DataLoader reads {dataset_count} rows; rotten_tomatoes' train split has {review_count}.").format(
                dataset_count=len(answer.dataset), review_count=_review_count()
            )
        )
    lengths = batch["attention_mask"].sum(dim=1)
    if batch["input_ids"].shape[1] != int(lengths.max()):
        raise Feedback(
            _(
                "the batch is {shape} tokens wide but its longest row has {longest}: do not pad in map; let "
                "data_collator pad each batch to its longest row."
            ).format(shape=batch["input_ids"].shape[1], longest=int(lengths.max()))
        )


longest_pair = Exercise(
    title=L_("the longest pair"),
    task=L_(
        "Store in `answer` the length, in tokens, of the longest sentence pair in MRPC's test "
        "split, tokenized as pairs with truncation=True (an int)."
    ),
    check=_check_longest_pair,
    hint=L_(
        "map tokenize_function over load_dataset('glue', 'mrpc', split='test') with batched=True, "
        "then max(len(ids) for ids in ...['input_ids'])."
    ),
    solution="""
    test = load_dataset("glue", "mrpc", split="test").map(tokenize_function, batched=True)
    answer = max(len(ids) for ids in test["input_ids"])
    """,
    uses=("load_dataset", "tokenize_function"),
)
batch_shape = Exercise(
    title=L_("one dynamically padded batch"),
    task=L_(
        "With data_collator, pad rows 0 to 4 of tokenized_datasets['validation'] into one batch "
        "and store the shape of its input_ids in `answer` as a tuple."
    ),
    check=_check_batch_shape,
    hint=L_("a collator takes a list of rows: data_collator([dataset[i] for i in range(5)])."),
    solution="""
    rows = [tokenized_datasets["validation"][i] for i in range(5)]
    answer = tuple(data_collator(rows)["input_ids"].shape)
    """,
    uses=("tokenized_datasets", "data_collator"),
)
review_loader = Exercise(
    title=L_("another data set, ready for a model"),
    task=L_(
        "Load the train split of 'rotten_tomatoes' (one 'text' column of movie reviews and a "
        "'label'). Tokenize it with `tokenizer` and map (truncation=True), keep only the columns a "
        "model takes, and store in `answer` a DataLoader over it with batch_size=8 that pads each "
        "batch with data_collator."
    ),
    check=_check_review_loader,
    hint=L_(
        "the same steps as for MRPC, with one sentence per row: map, remove_columns(['text']), "
        "rename_column('label', 'labels'), then DataLoader(..., collate_fn=data_collator)."
    ),
    solution="""
    reviews = load_dataset("rotten_tomatoes", split="train")
    reviews = reviews.map(lambda rows: tokenizer(rows["text"], truncation=True), batched=True)
    reviews = reviews.remove_columns(["text"]).rename_column("label", "labels")
    answer = DataLoader(reviews, batch_size=8, shuffle=True, collate_fn=data_collator)
    """,
    uses=("load_dataset", "tokenizer", "data_collator", "DataLoader"),
)
batched_map = MultipleChoice(
    title=L_("what batched=True changes"),
    question=L_("What does batched=True change in dataset.map(tokenize_function, batched=True)?"),
    choices=(
        Choice(
            L_("It starts several worker processes, each mapping a shard of the rows."),
            L_("That is num_proc=N. batched=True runs in the one process you already have."),
        ),
        Choice(
            L_(
                "It calls the function once per batch of rows (1,000 by default), with a list per column, so the fast "
                "tokenizer handles a whole list in one call."
            ),
            L_(
                "Fewer Python calls, and the tokenizer's Rust code works on many texts at once; nothing runs in "
                "parallel."
            ),
            correct=True,
        ),
        Choice(
            L_("It pads the rows of each batch to the same length, so they can be stacked into one tensor."),
            L_(
                "map pads nothing unless the function asks for padding; per-batch padding is the collator's job, "
                "later."
            ),
        ),
        Choice(
            L_("It keeps the result in memory instead of writing it to an Arrow file in the cache."),
            L_("That is keep_in_memory=True; batched=True does not change where the result is stored."),
        ),
    ),
    hint=L_(
        "print len(rows['sentence1']) and os.getpid() inside a mapped function, with and without "
        "batched=True and num_proc=2."
    ),
)
