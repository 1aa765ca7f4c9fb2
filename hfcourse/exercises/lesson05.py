"""Lesson 5's exercises: TrainingArguments with today's names, compute_metrics, freezing the body, and two
fine-tuning runs of the learner's own, on rotten_tomatoes and on Chinese reviews, checked on held-out reviews."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.i18n import L_, _


def _check_arguments(answer: Any) -> None:
    from transformers import TrainingArguments

    answer = checks.instance(answer, TrainingArguments, _("a TrainingArguments"))
    if answer.eval_strategy != "epoch":  # a str enum: equal to its value
        raise Feedback(
            _("it evaluates with strategy {eval_strategy}: ask for eval_strategy='epoch'.").format(
                eval_strategy=repr(answer.eval_strategy.value)
            )
        )
    if answer.report_to:
        raise Feedback(_("it still reports to {report_to}: pass report_to='none'.").format(report_to=answer.report_to))
    if answer.seed != 7:
        raise Feedback(_("the seed is {seed}; the task asks for 7.").format(seed=answer.seed))
    if answer.learning_rate != 3e-5:
        raise Feedback(
            _("the learning rate is {learning_rate}; the task asks for 3e-5.").format(
                learning_rate=answer.learning_rate
            )
        )


def _check_compute_metrics(answer: Any) -> None:
    import numpy as np
    from transformers import EvalPrediction

    answer = checks.function(answer, _("a function"))
    logits = np.array([[2.0, -1.0], [0.1, 0.3], [-3.0, 1.0], [0.5, 0.4]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1])
    try:
        result = answer(EvalPrediction(predictions=logits, label_ids=labels))
    except (ValueError, TypeError) as error:
        raise Feedback(
            _(
                "calling it on an EvalPrediction failed ({type}: {error}). The predictions are logits of "
                "shape (rows, labels): take np.argmax(..., axis=-1) and pass keyword arguments."
            ).format(type=type(error).__name__, error=error)
        ) from None
    if not isinstance(result, dict):
        raise Feedback(
            _("it returned a {type}; the Trainer needs a dict of metric names to numbers.").format(
                type=type(result).__name__
            )
        )
    if "accuracy" not in result:
        raise Feedback(_("the dict has {keys}, no 'accuracy'.").format(keys=sorted(result)))
    if abs(float(result["accuracy"]) - 0.5) > 1e-9:
        raise Feedback(
            _(
                "accuracy {accuracy} on four rows where two predictions are right: did you take the argmax "
                "over the last axis (the labels), not over the rows?"
            ).format(accuracy=result["accuracy"])
        )


def _check_head_only(answer: Any) -> None:
    from transformers import PreTrainedModel

    answer = checks.instance(answer, PreTrainedModel, _("the model"))
    trainable = {name for name, p in answer.named_parameters() if p.requires_grad}
    body = {f"{answer.base_model_prefix}.{name}" for name, __ in answer.base_model.named_parameters()}
    if not trainable:
        raise Feedback(_("nothing is trainable: freeze model.base_model only, not the whole model."))
    if trainable & body:
        example = sorted(trainable & body)[0]
        raise Feedback(
            _(
                "{trainable_count} body tensors still train (e.g. {example}): freeze every parameter of "
                "model.base_model."
            ).format(trainable_count=len(trainable & body), example=example)
        )
    head = {name for name, __ in answer.named_parameters()} - body
    if trainable != head:
        raise Feedback(_("the head must stay trainable: {head} are frozen.").format(head=sorted(head - trainable)))


HELD_OUT_ROWS = 200  # test reviews the check scores, the same rows lesson 7 tests on
MARGIN = 0.02  # above the majority class by more than 4 of the 200 rows
ENGLISH_REVIEWS, CHINESE_REVIEWS = "rotten_tomatoes", "lansinuote/ChnSentiCorp"


@cache
def _held_out(dataset: str = ENGLISH_REVIEWS) -> tuple[tuple[str, ...], tuple[int, ...], float]:
    """Texts and labels of a review dataset's held-out test rows, and the majority class's accuracy on them."""
    from datasets import load_dataset

    from hfcourse.finetuning import majority_baseline

    reviews = load_dataset(dataset)
    test = reviews["test"].shuffle(seed=0).select(range(HELD_OUT_ROWS))
    texts, labels = tuple(test["text"]), tuple(int(label) for label in test["label"])
    __, baseline = majority_baseline(list(reviews["train"]["label"]), list(labels))
    return texts, labels, baseline


def held_out_accuracy(model: Any, tokenizer: Any, batch_size: int = 50, dataset: str = ENGLISH_REVIEWS) -> float:
    """Accuracy of `model` on the held-out test reviews of `dataset`, the rows the exercises are checked on."""
    import torch

    texts, labels, __ = _held_out(dataset)
    was_training = model.training
    model.eval()
    predictions: list[int] = []
    try:
        with torch.no_grad():
            for start in range(0, len(texts), batch_size):
                batch = tokenizer(
                    list(texts[start : start + batch_size]),
                    truncation=True,
                    max_length=256,  # a few Chinese reviews run to 300 characters
                    padding=True,
                    return_tensors="pt",
                ).to(model.device)
                predictions += model(**batch).logits.argmax(dim=-1).tolist()
    finally:
        model.train(was_training)
    return sum(p == label for p, label in zip(predictions, labels)) / len(labels)


def _check_trained_above_majority(answer: Any, dataset: str, not_above: str) -> None:
    """A trained 2-label model that beats the majority class on `dataset`'s held-out reviews; `not_above` is the
    feedback otherwise, with {accuracy}, {held_out_rows} and {baseline} to fill in."""
    if answer.state.global_step == 0:
        raise Feedback(_("the Trainer has not trained yet: call answer.train() before you check."))
    if answer.model.config.num_labels != 2:
        raise Feedback(
            _("the model has {num_labels} labels; reviews have 2: pass num_labels=2.").format(
                num_labels=answer.model.config.num_labels
            )
        )
    accuracy = held_out_accuracy(answer.model, answer.processing_class, dataset=dataset)
    __, __, baseline = _held_out(dataset)
    if accuracy <= baseline + MARGIN:
        raise Feedback(not_above.format(accuracy=accuracy, held_out_rows=HELD_OUT_ROWS, baseline=baseline))


def _check_review_trainer(answer: Any) -> None:
    from transformers import Trainer

    answer = checks.instance(answer, Trainer, _("the Trainer you trained"))
    columns = answer.train_dataset.column_names if answer.train_dataset is not None else []
    if "sentence1" in columns:
        raise Feedback(
            _("it trained on MRPC's sentence pairs: load 'rotten_tomatoes' and tokenize its 'text' column.")
        )
    if answer.processing_class is None:
        raise Feedback(
            _("pass processing_class=tokenizer to the Trainer: the check tokenizes the held-out reviews with it.")
        )
    _check_trained_above_majority(
        answer,
        ENGLISH_REVIEWS,
        _(
            "held-out accuracy {accuracy:.2f} on {held_out_rows} test reviews: not above the majority "
            "class ({baseline:.2f}). If the training loss did not fall, the rate may be too high for a "
            "whole model (try 1e-4) or the steps too few (try 256 rows); check that the labels are the "
            "reviews' 'label' column."
        ),
    )


def _check_chinese_review_trainer(answer: Any) -> None:
    from transformers import Trainer

    answer = checks.instance(answer, Trainer, _("the Trainer you trained"))
    tokenizer = answer.processing_class
    if tokenizer is None:
        raise Feedback(
            _("pass processing_class=tokenizer to the Trainer: the check tokenizes the held-out reviews with it.")
        )
    characters = tokenizer.tokenize("很好吃")
    if len(characters) != 3 or tokenizer.unk_token in characters:
        raise Feedback(
            _(
                "this tokenizer does not read Chinese one character at a time: load the tokenizer of "
                "'google-bert/bert-base-chinese'."
            )
        )
    columns = answer.train_dataset.column_names if answer.train_dataset is not None else []
    if "input_ids" not in columns or "text" not in columns:
        raise Feedback(_("train on 'lansinuote/ChnSentiCorp', its 'text' column tokenized with map."))
    first_review = answer.train_dataset[0]["text"]
    if not any("\u4e00" <= character <= "\u9fff" for character in first_review):
        raise Feedback(
            _("the training rows are not Chinese ({text!r}): load 'lansinuote/ChnSentiCorp'.").format(
                text=first_review[:40]
            )
        )
    _check_trained_above_majority(
        answer,
        CHINESE_REVIEWS,
        _(
            "held-out accuracy {accuracy:.2f} on {held_out_rows} test reviews: not above the majority "
            "class ({baseline:.2f}). If the training loss did not fall, check the budget (1024 rows, one "
            "epoch) and the learning rate (5e-4 suits this small model), and that the labels are the 'label' "
            "column."
        ),
    )


training_arguments = Exercise(
    title=L_("TrainingArguments with today's names"),
    task=L_(
        "Store in `answer` TrainingArguments (output folder of your choice) that evaluate at the "
        "end of every epoch, report to no tracking service, use the seed 7 and the learning rate "
        "3e-5."
    ),
    check=_check_arguments,
    hint=L_("The notes' evaluation_strategy= is now eval_strategy=; report_to takes 'none'."),
    solution="""
    from transformers import TrainingArguments
    answer = TrainingArguments("exercise-run", eval_strategy="epoch", report_to="none", seed=7, learning_rate=3e-5)
    """,
)
compute_metrics = Exercise(
    title=L_("a compute_metrics for the Trainer"),
    task=L_(
        "Store in `answer` a function that takes an EvalPrediction (logits and label ids) and "
        "returns a dict with the accuracy, computed with evaluate's 'accuracy' metric."
    ),
    check=_check_compute_metrics,
    hint=L_(
        "predictions, labels = eval_prediction; np.argmax(predictions, axis=-1) gives the class of "
        "each row; metric.compute takes keyword arguments only."
    ),
    solution="""
    import evaluate
    import numpy as np
    accuracy_metric = evaluate.load("accuracy")

    def answer(eval_prediction):
        logits, labels = eval_prediction
        return accuracy_metric.compute(predictions=np.argmax(logits, axis=-1), references=labels)
    """,
)
head_only = Exercise(
    title=L_("train the head only"),
    task=L_(
        "Load 'FacebookAI/roberta-base' with AutoModelForSequenceClassification (2 labels), freeze "
        "its pretrained body without naming the architecture (no model.roberta, no model.bert), "
        "and store the model in `answer`."
    ),
    check=_check_head_only,
    hint=L_(
        "model.base_model is the body for every architecture; set requires_grad_(False) on each of its parameters."
    ),
    solution="""
    from transformers import AutoModelForSequenceClassification
    answer = AutoModelForSequenceClassification.from_pretrained("FacebookAI/roberta-base", num_labels=2)
    for parameter in answer.base_model.parameters():
        parameter.requires_grad_(False)
    """,
)
review_trainer = Exercise(
    title=L_("fine-tune on movie reviews"),
    task=L_(
        "Fine-tune 'FacebookAI/roberta-base' on 256 rows of the train split of 'rotten_tomatoes' "
        "(one 'text' column, labels 0 negative and 1 positive), with the Trainer, on a budget of "
        "about 32 steps. Store the Trainer, after train(), in `answer`. The check scores the model "
        "on {held_out_rows} test reviews it never saw: it must beat always answering the most "
        "frequent label.",
        held_out_rows=HELD_OUT_ROWS,
    ),
    check=_check_review_trainer,
    hint=L_(
        "the MRPC steps with one sentence per row: shuffle(seed=0).select(range(256)), map a "
        "tokenize function (truncation=True, max_length=64), a new 2-label model, batch size 8, "
        "one epoch, learning_rate=1e-4, processing_class=tokenizer and a DataCollatorWithPadding; "
        "then answer.train()."
    ),
    solution="""
    from datasets import load_dataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    review_checkpoint = "FacebookAI/roberta-base"
    review_tokenizer = AutoTokenizer.from_pretrained(review_checkpoint)
    reviews = load_dataset("rotten_tomatoes", split="train").shuffle(seed=0).select(range(256))
    reviews = reviews.map(lambda rows: review_tokenizer(rows["text"], truncation=True, max_length=64), batched=True)
    set_seed(42)
    review_model = AutoModelForSequenceClassification.from_pretrained(review_checkpoint, num_labels=2)
    review_args = TrainingArguments(
        "runs/reviews",
        per_device_train_batch_size=8,
        num_train_epochs=1,
        learning_rate=1e-4,
        save_strategy="no",
        logging_strategy="no",
        seed=42,
        report_to="none",
        disable_tqdm=True,
        use_cpu=True,
    )
    answer = Trainer(
        model=review_model,
        args=review_args,
        train_dataset=reviews,
        data_collator=DataCollatorWithPadding(review_tokenizer),
        processing_class=review_tokenizer,
    )
    answer.train()
    """,
)
chinese_review_trainer = Exercise(
    title=L_("fine-tune on Chinese reviews"),
    task=L_(
        "Fine-tune 'google-bert/bert-base-chinese' on 1024 rows of the train split of "
        "'lansinuote/ChnSentiCorp' (a 'text' column of Chinese reviews, labels 0 negative and 1 "
        "positive), with the Trainer, in one epoch of batches of 16. Store the Trainer, after "
        "train(), in `answer`. The check scores the model on {held_out_rows} test reviews it never "
        "saw: it must beat always answering the most frequent label.",
        held_out_rows=HELD_OUT_ROWS,
    ),
    check=_check_chinese_review_trainer,
    hint=L_(
        "the steps of the movie-review exercise with another checkpoint and dataset: "
        "shuffle(seed=0).select(range(1024)), truncation=True with max_length=128 (one token per "
        "character), a new 2-label model, per_device_train_batch_size=16, learning_rate=5e-4, "
        "processing_class=tokenizer and a DataCollatorWithPadding; then answer.train()."
    ),
    solution="""
    from datasets import load_dataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    chinese_checkpoint = "google-bert/bert-base-chinese"
    chinese_tokenizer = AutoTokenizer.from_pretrained(chinese_checkpoint)
    chinese_reviews = load_dataset("lansinuote/ChnSentiCorp", split="train").shuffle(seed=0).select(range(1024))
    chinese_reviews = chinese_reviews.map(
        lambda rows: chinese_tokenizer(rows["text"], truncation=True, max_length=128), batched=True
    )
    set_seed(42)
    chinese_model = AutoModelForSequenceClassification.from_pretrained(chinese_checkpoint, num_labels=2)
    chinese_args = TrainingArguments(
        "runs/chinese-reviews",
        per_device_train_batch_size=16,
        num_train_epochs=1,
        learning_rate=5e-4,
        save_strategy="no",
        logging_strategy="no",
        seed=42,
        report_to="none",
        disable_tqdm=True,
        use_cpu=True,
    )
    answer = Trainer(
        model=chinese_model,
        args=chinese_args,
        train_dataset=chinese_reviews,
        data_collator=DataCollatorWithPadding(chinese_tokenizer),
        processing_class=chinese_tokenizer,
    )
    answer.train()
    """,
)
