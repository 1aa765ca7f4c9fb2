"""Lesson 3's exercises: configs, what save_pretrained writes, and a small classifier of your own, saved."""

from __future__ import annotations

from functools import cache
from pathlib import Path, PurePath
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.i18n import L_, _

CHECKPOINT = "google-bert/bert-base-uncased"


@cache
def _pretrained_first_query_weight() -> Any:
    from transformers import BertModel

    return BertModel.from_pretrained(CHECKPOINT).encoder.layer[0].attention.self.query.weight.detach().clone()


def _check_layer_count(answer: Any) -> None:
    import torch
    from transformers import PreTrainedModel

    answer = checks.instance(answer, PreTrainedModel, _("the model itself"))
    if answer.config.num_hidden_layers != 2 or len(answer.encoder.layer) != 2:
        raise Feedback(
            _("the model has {layer_count} layers; ask for num_hidden_layers=2.").format(
                layer_count=len(answer.encoder.layer)
            )
        )
    if not torch.equal(answer.encoder.layer[0].attention.self.query.weight, _pretrained_first_query_weight()):
        raise Feedback(
            _("the layers are random: a model built from a config has no trained weights. Load with from_pretrained.")
        )


def _check_classifier_folder(answer: Any) -> None:
    import torch
    from transformers import AutoConfig, AutoModelForSequenceClassification

    if not isinstance(answer, str | PurePath):
        raise checks.wrong_type(_("the folder's path (a Path or a str)"), answer)
    folder = Path(answer)
    if not (folder / "config.json").is_file():
        raise Feedback(
            _("{folder} holds no config.json: call save_pretrained(folder) on the model, then give folder.").format(
                folder=folder
            )
        )
    if (folder / "pytorch_model.bin").exists():
        raise Feedback(_("pytorch_model.bin is the old pickle format: save with the default, safetensors."))
    if not (folder / "model.safetensors").is_file():
        raise Feedback(
            _("{folder} holds no model.safetensors: save the model, not only its config.").format(folder=folder)
        )
    config = AutoConfig.from_pretrained(folder)
    if config.num_hidden_layers != 2:
        raise Feedback(
            _("the saved config has {num_hidden_layers} layers; ask for num_hidden_layers=2.").format(
                num_hidden_layers=config.num_hidden_layers
            )
        )
    if config.id2label != {0: "negative", 1: "positive"}:
        raise Feedback(
            _("the saved labels are {id2label}; pass id2label={{0: 'negative', 1: 'positive'}} when you load.").format(
                id2label=config.id2label
            )
        )
    if config.label2id != {"negative": 0, "positive": 1}:
        raise Feedback(
            _(
                "label2id is {label2id}; pass label2id={{'negative': 0, 'positive': 1}} too: pipelines and "
                "the Trainer read both directions."
            ).format(label2id=config.label2id)
        )
    model = AutoModelForSequenceClassification.from_pretrained(folder)
    body = model.base_model
    if not hasattr(body, "encoder") or not torch.equal(
        body.encoder.layer[0].attention.self.query.weight, _pretrained_first_query_weight()
    ):
        raise Feedback(
            _(
                "the saved layers are not the pretrained ones: a model built from a config is random. Load "
                "the checkpoint with from_pretrained and the overrides, then save it."
            )
        )


def _check_saved_files(answer: Any) -> None:
    if not isinstance(answer, list | tuple):
        raise checks.wrong_type(_("a list of file names"), answer)
    if any(isinstance(name, PurePath) for name in answer):
        raise Feedback(_("those are paths; keep just each file's name (path.name)."))
    if "pytorch_model.bin" in answer:
        raise Feedback(_("pytorch_model.bin is the old pickle format: save with the default, safetensors."))
    if list(answer) != sorted(answer):
        raise Feedback(_("sort the names, so the answer does not depend on the order the folder lists them in."))
    if list(answer) != ["config.json", "model.safetensors"]:
        raise Feedback(
            _(
                "not the files save_pretrained writes for a model: did you save the model (not the "
                "tokenizer) to an empty folder?"
            )
        )


layer_count = Exercise(
    title=L_("a pretrained model with two layers"),
    task=L_(
        "Store in `answer` a BertModel with only 2 layers that still has the pretrained weights of "
        "{checkpoint} in those layers.",
        checkpoint=repr(CHECKPOINT),
    ),
    check=_check_layer_count,
    hint=L_("from_pretrained accepts config overrides as keyword arguments, like num_hidden_layers=..."),
    solution="""
    from transformers import BertModel
    answer = BertModel.from_pretrained("google-bert/bert-base-uncased", num_hidden_layers=2)
    """,
)
saved_files = Exercise(
    title=L_("what save_pretrained writes"),
    task=L_(
        "Save `pretrained_model` into a new, empty folder and store the sorted list of the names "
        "of the files it wrote in `answer`."
    ),
    check=_check_saved_files,
    hint=L_("sorted(path.name for path in folder.iterdir()) lists a folder's file names."),
    solution="""
    import tempfile
    from pathlib import Path
    folder = Path(tempfile.mkdtemp())
    pretrained_model.save_pretrained(folder)
    answer = sorted(path.name for path in folder.iterdir())
    """,
    uses=("pretrained_model",),
)
classifier_folder = Exercise(
    title=L_("a small classifier of your own, saved"),
    task=L_(
        "From {checkpoint}, load a sequence classifier with only 2 layers and the labels "
        "'negative' (id 0) and 'positive' (id 1), keeping the pretrained weights. Save it into a "
        "new folder and store that folder's path in `answer`.",
        checkpoint=repr(CHECKPOINT),
    ),
    check=_check_classifier_folder,
    hint=L_(
        "AutoModelForSequenceClassification.from_pretrained takes config overrides as keywords: "
        "num_hidden_layers=..., id2label={0: ..., 1: ...} and label2id={...: 0, ...: 1}; then "
        "model.save_pretrained(folder)."
    ),
    solution="""
    import tempfile
    from pathlib import Path
    from transformers import AutoModelForSequenceClassification
    classifier = AutoModelForSequenceClassification.from_pretrained(
        "google-bert/bert-base-uncased",
        num_hidden_layers=2,
        id2label={0: "negative", 1: "positive"},
        label2id={"negative": 0, "positive": 1},
    )
    answer = Path(tempfile.mkdtemp()) / "my-classifier"
    classifier.save_pretrained(answer)
    """,
)
