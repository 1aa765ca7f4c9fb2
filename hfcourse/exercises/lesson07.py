"""Lesson 7's exercises: what an adapter trains, which adapter answers, and a LoRA adapter trained by the learner."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, ExerciseFactory, Feedback
from hfcourse.i18n import L_, _

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
        raise Feedback(_("that is the whole ParameterCount: give its .trainable (an int)."))
    if isinstance(answer, float) and 0 < answer <= 100:
        raise Feedback(_("that looks like a share; give the number of trainable parameters (an int)."))
    answer = checks.whole_number(answer)
    counts = _trainable_counts()
    if answer == counts["right"]:
        return
    if answer == counts["total"] - counts["right"]:
        raise Feedback(_("that counts the frozen parameters; count those with requires_grad=True."))
    if abs(answer - counts["total"]) < 0.01 * counts["total"]:
        raise Feedback(_("nearly every parameter is trainable: call model.train_adapter('small') to freeze the body."))
    if answer == counts["right"] + counts["checkpoint_head"]:
        raise Feedback(
            _(
                "that includes the checkpoint's own masked-LM head, which AutoAdapterModel loads as head "
                "'default' and train_adapter leaves trainable: delete it with model.delete_head('default') "
                "before adding yours."
            )
        )
    if answer == counts["default"]:
        raise Feedback(
            _("that is the default seq_bn adapter (reduction factor 16); use SeqBnConfig(reduction_factor=64).")
        )
    if answer == counts["adapter"]:
        raise Feedback(_("that is the adapter alone: the classification head trains too, so count it."))
    if answer == counts["head"]:
        raise Feedback(_("that is the head alone: add the adapter before train_adapter, and count its weights too."))
    raise Feedback(_("not the trainable count: count_parameters(model).trainable after train_adapter('small')."))


adapter_trainable = Exercise(
    title=L_("what an adapter trains"),
    task=L_(
        "Load a fresh AutoAdapterModel from {checkpoint}, delete the checkpoint's own head "
        "('default'), add a bottleneck adapter named 'small' with "
        "SeqBnConfig(reduction_factor={reduction_factor}) and a 2-label classification head of the "
        "same name, call train_adapter('small'), and store in `answer` the number of trainable "
        "parameters (an int).",
        checkpoint=repr(CHECKPOINT),
        reduction_factor=REDUCTION_FACTOR,
    ),
    check=_check_adapter_trainable,
    hint=L_(
        "a bigger reduction factor means a narrower bottleneck; count_parameters(model).trainable "
        "counts what requires_grad, and train_adapter leaves exactly the adapter and its head "
        "trainable."
    ),
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


def _predictions(model: Any, tokenizer: Any, texts: Sequence[str]) -> list[str]:
    """The active head's label names for `texts` (eval mode, no gradients); the model's training mode is kept."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            batch = tokenizer(list(texts), padding=True, truncation=True, max_length=80, return_tensors="pt")
            predicted = model(**batch).logits.argmax(dim=-1).tolist()
    finally:
        model.train(was_training)
    labels = model.get_labels_dict()
    return [labels[i] for i in predicted]


def _labels_with(model: Any, tokenizer: Any, adapter: str, head: str) -> list[str]:
    """Predictions for SENTENCES with `adapter` active under `head`; the model's active setup is restored after."""
    adapters_before, head_before = model.active_adapters, model.active_head
    try:
        model.set_active_adapters(adapter)
        model.active_head = head
        return _predictions(model, tokenizer, SENTENCES)
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
        answer = checks.label_names(answer, len(SENTENCES), _("sentence"))
        if answer == _labels_with(model, tokenizer, second, second):
            return
        if set(answer) <= set(model.get_labels(first)) and not set(answer) <= set(model.get_labels(second)):
            raise Feedback(
                _("those are {first}'s labels: switch with model.set_active_adapters({second}).").format(
                    first=repr(first), second=repr(second)
                )
            )
        if answer == _labels_with(model, tokenizer, first, second):
            raise Feedback(
                _(
                    "the {second} head read the {first} adapter's output: set_active_adapters({second}) switches both."
                ).format(second=repr(second), first=repr(first))
            )
        raise Feedback(
            _(
                "not what the {second} adapter predicts: activate it, then predict(model, tokenizer, SENTENCES)."
            ).format(second=repr(second))
        )

    return Exercise(
        title=L_("switch adapters"),
        task=L_(
            "`model` holds two adapters on one body. Store in `answer` the labels that the {second} "
            "adapter (with its head) gives SENTENCES (from hfcourse.exercises.lesson07), as a list of "
            "label names; then switch back to {first}.",
            second=repr(second),
            first=repr(first),
        ),
        check=check,
        hint=L_(
            "model.set_active_adapters({second}) activates the adapter and the head of the same name; "
            "predict(model, tokenizer, texts) returns the active head's label names.",
            second=repr(second),
        ),
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


TRAIN_ROWS, TEST_ROWS = 480, 200  # the lesson's rows: the first of each split shuffled with seed 0


@cache
def _held_out() -> tuple[tuple[str, ...], tuple[int, ...], float]:
    """The lesson's 200 test rows (texts, labels) and the majority-class accuracy on them."""
    import datasets
    from datasets import load_dataset

    from hfcourse.finetuning import majority_baseline

    datasets.logging.set_verbosity_error()  # offline, load_dataset logs where its cached copy is
    try:
        rows = load_dataset("rotten_tomatoes")
    finally:
        datasets.logging.set_verbosity_warning()
    train = rows["train"].shuffle(seed=0).select(range(TRAIN_ROWS))
    test = rows["test"].shuffle(seed=0).select(range(TEST_ROWS))
    __, baseline = majority_baseline(list(train["label"]), list(test["label"]))
    return tuple(test["text"]), tuple(test["label"]), baseline


def _body_changes(model: Any) -> list[str]:
    """Names of the pretrained body's tensors that differ from the checkpoint's (empty when the body is frozen).

    The pooler is left out: roberta-base's checkpoint has none, so every load draws a new one."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()  # the pooler is new in a bare body: nothing to say here
    try:
        pretrained = AutoModel.from_pretrained(CHECKPOINT).state_dict()
    finally:
        transformers_logging.set_verbosity_warning()
    body = model.base_model.state_dict()
    return [
        name
        for name, tensor in pretrained.items()
        if name in body and not name.startswith("pooler.") and not torch.equal(body[name], tensor)
    ]


def _check_lora(answer: Any) -> str:
    import torch

    if not hasattr(answer, "adapters_config") or not hasattr(answer, "heads"):
        raise Feedback(
            _("store the trained model itself (an AutoAdapterModel), not {type}: answer = lora_model.").format(
                type=type(answer).__name__
            )
        )
    if "lora" not in answer.adapters_config:
        raise Feedback(_("the model has no adapter named 'lora': add_adapter('lora', config='lora')."))
    config = answer.adapters_config.get("lora")
    if type(config).__name__ != "LoRAConfig":
        raise Feedback(
            _("the adapter 'lora' is a {type}, not LoRA: pass config='lora'.").format(type=type(config).__name__)
        )
    if "lora" not in answer.heads:
        raise Feedback(_("there is no head named 'lora': add_classification_head('lora', num_labels=2)."))
    if len(answer.get_labels("lora")) != 2:
        raise Feedback(_("the head 'lora' should have 2 labels (👎 and 👍), like the lesson's."))
    lora_b = [p for name, p in answer.named_parameters() if "lora_B" in name and ".lora." in name]
    if not lora_b or all(torch.count_nonzero(p) == 0 for p in lora_b):
        raise Feedback(
            _(
                "the adapter has not trained: LoRA starts with its B matrices at zero, and they are still "
                "zero. Build an AdapterTrainer with the model and call train()."
            )
        )
    changed = _body_changes(answer)
    if changed:
        raise Feedback(
            _(
                "{changed_count} tensors of the pretrained body changed (e.g. {changed}): call "
                "train_adapter('lora') before training, so that only the adapter and its head learn."
            ).format(changed_count=len(changed), changed=changed[0])
        )
    texts, labels, baseline = _held_out()
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(CHECKPOINT)
    adapters_before, head_before = answer.active_adapters, answer.active_head
    try:
        answer.set_active_adapters("lora")
        ids = {name: i for i, name in answer.get_labels_dict().items()}
        predicted = [ids[name] for name in _predictions(answer, tokenizer, texts)]
    finally:
        answer.set_active_adapters(adapters_before)
        answer.active_head = head_before
    accuracy = sum(p == gold for p, gold in zip(predicted, labels)) / len(labels)
    if accuracy <= baseline:
        raise Feedback(
            _(
                "held-out accuracy {accuracy:.2f} does not beat the majority class ({baseline:.2f}): train "
                "on train_set with training_args('lora', 3e-3), one epoch of 30 steps."
            ).format(accuracy=accuracy, baseline=baseline)
        )
    trainable = sum(p.numel() for p in answer.parameters() if p.requires_grad)
    return _(
        "Held-out accuracy {accuracy:.2f} on {rows} test rows (majority class {baseline:.2f}), with "
        "{trainable:,} weights trained."
    ).format(accuracy=accuracy, rows=len(labels), baseline=baseline, trainable=trainable)


own_adapter = Exercise(
    title=L_("train a LoRA adapter"),
    task=L_(
        "LoRA is another kind of adapter: it adds small low-rank matrices next to the attention "
        "weights, instead of bottleneck layers. Load a fresh AutoAdapterModel from `checkpoint`, "
        "delete its 'default' head, add an adapter named 'lora' with config='lora' and a 2-label "
        "classification head of the same name, call train_adapter('lora'), and train it with "
        "AdapterTrainer on train_set (with training_args('lora', 3e-3) and data_collator). Store "
        "the trained model in `answer`. The check tests it on the lesson's 200 test rows: it must "
        "beat the majority class, and the pretrained body must not have changed."
    ),
    check=_check_lora,
    hint=L_(
        "The same steps as the lesson's first adapter, with config='lora' and the name 'lora'; "
        "AdapterTrainer(model=..., args=training_args('lora', 3e-3), train_dataset=train_set, "
        "data_collator=data_collator).train(). Training takes as long as the adapter's did."
    ),
    solution="""
    from adapters import AdapterTrainer, AutoAdapterModel
    lora_model = AutoAdapterModel.from_pretrained(checkpoint)
    lora_model.delete_head("default")
    lora_model.add_adapter("lora", config="lora")
    lora_model.add_classification_head("lora", num_labels=2, id2label={0: "👎", 1: "👍"})
    lora_model.train_adapter("lora")
    AdapterTrainer(
        model=lora_model, args=training_args("lora", 3e-3), train_dataset=train_set, data_collator=data_collator
    ).train()
    answer = lora_model
    """,
    uses=("checkpoint", "train_set", "training_args", "data_collator"),
)
