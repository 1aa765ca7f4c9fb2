"""Lesson 5's exercises: TrainingArguments with today's names, compute_metrics, freezing the body."""

from __future__ import annotations

from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback


def _check_arguments(answer: Any) -> None:
    from transformers import TrainingArguments

    answer = checks.instance(answer, TrainingArguments, "a TrainingArguments")
    if answer.eval_strategy != "epoch":  # a str enum: equal to its value
        raise Feedback(f"it evaluates with strategy {answer.eval_strategy.value!r}: ask for eval_strategy='epoch'.")
    if answer.report_to:
        raise Feedback(f"it still reports to {answer.report_to}: pass report_to='none'.")
    if answer.seed != 7:
        raise Feedback(f"the seed is {answer.seed}; the task asks for 7.")
    if answer.learning_rate != 3e-5:
        raise Feedback(f"the learning rate is {answer.learning_rate}; the task asks for 3e-5.")


def _check_compute_metrics(answer: Any) -> None:
    import numpy as np
    from transformers import EvalPrediction

    answer = checks.function(answer, "a function")
    logits = np.array([[2.0, -1.0], [0.1, 0.3], [-3.0, 1.0], [0.5, 0.4]], dtype=np.float32)
    labels = np.array([0, 0, 1, 1])
    try:
        result = answer(EvalPrediction(predictions=logits, label_ids=labels))
    except (ValueError, TypeError) as error:
        raise Feedback(
            f"calling it on an EvalPrediction failed ({type(error).__name__}: {error}). The predictions "
            "are logits of shape (rows, labels): take np.argmax(..., axis=-1) and pass keyword arguments."
        ) from None
    if not isinstance(result, dict):
        raise Feedback(f"it returned a {type(result).__name__}; the Trainer needs a dict of metric names to numbers.")
    if "accuracy" not in result:
        raise Feedback(f"the dict has {sorted(result)}, no 'accuracy'.")
    if abs(float(result["accuracy"]) - 0.5) > 1e-9:
        raise Feedback(
            f"accuracy {result['accuracy']} on four rows where two predictions are right: did you take the "
            "argmax over the last axis (the labels), not over the rows?"
        )


def _check_head_only(answer: Any) -> None:
    from transformers import PreTrainedModel

    answer = checks.instance(answer, PreTrainedModel, "the model")
    trainable = {name for name, p in answer.named_parameters() if p.requires_grad}
    body = {f"{answer.base_model_prefix}.{name}" for name, _ in answer.base_model.named_parameters()}
    if not trainable:
        raise Feedback("nothing is trainable: freeze model.base_model only, not the whole model.")
    if trainable & body:
        example = sorted(trainable & body)[0]
        raise Feedback(
            f"{len(trainable & body)} body tensors still train (e.g. {example}): freeze every parameter of "
            "model.base_model."
        )
    head = {name for name, _ in answer.named_parameters()} - body
    if trainable != head:
        raise Feedback(f"the head must stay trainable: {sorted(head - trainable)} are frozen.")


training_arguments = Exercise(
    title="TrainingArguments with today's names",
    task="Store in `answer` TrainingArguments (output folder of your choice) that evaluate at the end of every epoch, "
    "report to no tracking service, use the seed 7 and the learning rate 3e-5.",
    check=_check_arguments,
    hint="The notes' evaluation_strategy= is now eval_strategy=; report_to takes 'none'.",
    solution="""
    from transformers import TrainingArguments
    answer = TrainingArguments("exercise-run", eval_strategy="epoch", report_to="none", seed=7, learning_rate=3e-5)
    """,
)
compute_metrics = Exercise(
    title="a compute_metrics for the Trainer",
    task="Store in `answer` a function that takes an EvalPrediction (logits and label ids) and returns a dict with "
    "the accuracy, computed with evaluate's 'accuracy' metric.",
    check=_check_compute_metrics,
    hint="predictions, labels = eval_prediction; np.argmax(predictions, axis=-1) gives the class of each row; "
    "metric.compute takes keyword arguments only.",
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
    title="train the head only",
    task="Load 'FacebookAI/roberta-base' with AutoModelForSequenceClassification (2 labels), freeze its pretrained "
    "body without naming the architecture (no model.roberta, no model.bert), and store the model in `answer`.",
    check=_check_head_only,
    hint="model.base_model is the body for every architecture; set requires_grad_(False) on each of its parameters.",
    solution="""
    from transformers import AutoModelForSequenceClassification
    answer = AutoModelForSequenceClassification.from_pretrained("FacebookAI/roberta-base", num_labels=2)
    for parameter in answer.base_model.parameters():
        parameter.requires_grad_(False)
    """,
)
