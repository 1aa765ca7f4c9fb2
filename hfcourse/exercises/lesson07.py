"""Lesson 7's exercises: what an adapter trains, and which adapter answers."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, ExerciseFactory, Feedback

CHECKPOINT = "FacebookAI/roberta-base"
REDUCTION_FACTOR = 64
SENTENCES = (
    "A gorgeous, heartfelt film that earns every one of its tears.",
    "The plot follows two brothers who inherit a failing vineyard in Napa.",
    "Ninety minutes of my life I will never get back.",
)


@cache
def _trainable_counts() -> dict[str, int]:
    """Trainable parameters of the exercise's model, and of the usual ways to get it wrong."""
    from adapters import AutoAdapterModel, SeqBnConfig

    from hfcourse.parameters import count_parameters

    counts = {}
    for name, config in (("right", SeqBnConfig(reduction_factor=REDUCTION_FACTOR)), ("default", "seq_bn")):
        model = AutoAdapterModel.from_pretrained(CHECKPOINT)
        counts["checkpoint_head"] = sum(p.numel() for p in model.heads["default"].parameters())
        model.delete_head("default")
        model.add_adapter("small", config=config)
        model.add_classification_head("small", num_labels=2)
        model.train_adapter("small")
        counts[name] = count_parameters(model).trainable
    counts["total"] = count_parameters(model).total - counts["default"] + counts["right"]
    counts["head"] = sum(p.numel() for p in model.heads["small"].parameters())
    counts["adapter"] = counts["right"] - counts["head"]
    return counts


def _check_adapter_trainable(answer: Any) -> None:
    if hasattr(answer, "trainable"):
        raise Feedback("that is the whole ParameterCount: give its .trainable (an int).")
    if isinstance(answer, float) and 0 < answer <= 100:
        raise Feedback("that looks like a share; give the number of trainable parameters (an int).")
    answer = checks.whole_number(answer)
    counts = _trainable_counts()
    if answer == counts["right"]:
        return
    if answer == counts["total"] - counts["right"]:
        raise Feedback("that counts the frozen parameters; count those with requires_grad=True.")
    if abs(answer - counts["total"]) < 0.01 * counts["total"]:
        raise Feedback("nearly every parameter is trainable: call model.train_adapter('small') to freeze the body.")
    if answer == counts["right"] + counts["checkpoint_head"]:
        raise Feedback(
            "that includes the checkpoint's own masked-LM head, which AutoAdapterModel loads as head 'default' and "
            "train_adapter leaves trainable: delete it with model.delete_head('default') before adding yours."
        )
    if answer == counts["default"]:
        raise Feedback(
            "that is the default seq_bn adapter (reduction factor 16); use SeqBnConfig(reduction_factor=64)."
        )
    if answer == counts["adapter"]:
        raise Feedback("that is the adapter alone: the classification head trains too, so count it.")
    if answer == counts["head"]:
        raise Feedback("that is the head alone: add the adapter before train_adapter, and count its weights too.")
    raise Feedback("not the trainable count: count_parameters(model).trainable after train_adapter('small').")


adapter_trainable = Exercise(
    title="what an adapter trains",
    task=f"Load a fresh AutoAdapterModel from {CHECKPOINT!r}, delete the checkpoint's own head ('default'), add a "
    "bottleneck adapter named 'small' with "
    f"SeqBnConfig(reduction_factor={REDUCTION_FACTOR}) and a 2-label classification head of the same name, call "
    "train_adapter('small'), and store in `answer` the number of trainable parameters (an int).",
    check=_check_adapter_trainable,
    hint="a bigger reduction factor means a narrower bottleneck; count_parameters(model).trainable counts what "
    "requires_grad, and train_adapter leaves exactly the adapter and its head trainable.",
    solution="""
    from adapters import AutoAdapterModel, SeqBnConfig
    from hfcourse.parameters import count_parameters
    small_model = AutoAdapterModel.from_pretrained("FacebookAI/roberta-base")
    small_model.delete_head("default")
    small_model.add_adapter("small", config=SeqBnConfig(reduction_factor=64))
    small_model.add_classification_head("small", num_labels=2)
    small_model.train_adapter("small")
    answer = count_parameters(small_model).trainable
    """,
)


def _labels_with(model: Any, tokenizer: Any, adapter: str, head: str) -> list[str]:
    """Predictions for SENTENCES with `adapter` active under `head`; the model's active setup is restored after."""
    from hfcourse.finetuning import predict

    adapters_before, head_before = model.active_adapters, model.active_head
    try:
        model.set_active_adapters(adapter)
        model.active_head = head
        return predict(model, tokenizer, SENTENCES)
    finally:
        model.set_active_adapters(adapters_before)
        model.active_head = head_before


def _switch_adapters(model: Any, tokenizer: Any, first: str = "rotten_tomatoes", second: str = "sst5") -> Exercise:
    """The switching exercise for a model that holds two adapters, each with a head of its own name."""
    for name in (first, second):
        if name not in model.adapters_config or name not in model.heads:
            raise ValueError(
                f"the model needs an adapter and a head named {name!r}: add_adapter and add_classification_head first."
            )

    def check(answer: Any) -> None:
        answer = checks.label_names(answer, len(SENTENCES), "sentence")
        if answer == _labels_with(model, tokenizer, second, second):
            return
        if set(answer) <= set(model.get_labels(first)) and not set(answer) <= set(model.get_labels(second)):
            raise Feedback(f"those are {first!r}'s labels: switch with model.set_active_adapters({second!r}).")
        if answer == _labels_with(model, tokenizer, first, second):
            raise Feedback(
                f"the {second!r} head read the {first!r} adapter's output: set_active_adapters({second!r}) switches "
                "both."
            )
        raise Feedback(
            f"not what the {second!r} adapter predicts: activate it, then predict(model, tokenizer, SENTENCES)."
        )

    return Exercise(
        title="switch adapters",
        task=f"`model` holds two adapters on one body. Store in `answer` the labels that the {second!r} adapter (with "
        f"its head) gives SENTENCES (from hfcourse.exercises.lesson07), as a list of label names; then "
        f"switch back to {first!r}.",
        check=check,
        hint=f"model.set_active_adapters({second!r}) activates the adapter and the head of the same name; "
        "predict(model, tokenizer, texts) returns the active head's label names.",
        solution=f"""
        from hfcourse.exercises.lesson07 import SENTENCES
        model.set_active_adapters({second!r})
        answer = predict(model, tokenizer, SENTENCES)
        model.set_active_adapters({first!r})
        """,
        uses=SWITCH_USES,
    )


SWITCH_USES = ("model", "tokenizer", "predict")
switch_adapters = ExerciseFactory(_switch_adapters, uses=SWITCH_USES)
