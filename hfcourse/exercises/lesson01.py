"""Lesson 1's exercises: pipelines."""

from __future__ import annotations

from functools import cache
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.i18n import L_, _

MASKED_SENTENCE = "The movie was <mask>."
REVIEWS = ("A gripping, beautifully acted film.", "Two hours I will never get back.", "The soundtrack is lovely.")


@cache
def _pipeline(task: str) -> Any:
    """The task's default pipeline, with its model and revision named (so that no warning asks for them)."""
    from transformers import pipeline
    from transformers.pipelines import check_task, get_default_model_and_revision

    __, defaults, options = check_task(task)
    model, revision = get_default_model_and_revision(defaults, "pt", options)
    return pipeline(task, model=model, revision=revision)


def _check_top_completions(answer: Any) -> None:
    words = checks.strings(answer, "['good', 'great', 'bad']")
    expected = [p["token_str"].strip() for p in _pipeline("fill-mask")(MASKED_SENTENCE, top_k=3)]
    if len(words) != 3:
        raise Feedback(
            _("you gave {words_count} words; ask the pipeline for exactly three with top_k=3.").format(
                words_count=len(words)
            )
        )
    if words != expected and sorted(words) == sorted(expected):
        raise Feedback(_("the right words in the wrong order: keep the pipeline's order (most likely first)."))
    if words != expected:
        raise Feedback(
            _(
                "these are not the pipeline's top 3 for {masked_sentence}: use that exact sentence and 'token_str'."
            ).format(masked_sentence=repr(MASKED_SENTENCE))
        )


def _check_batch_labels(answer: Any) -> None:
    labels = checks.strings(answer, "['POSITIVE', 'NEGATIVE', 'POSITIVE']")
    expected = [p["label"] for p in _pipeline("sentiment-analysis")(list(REVIEWS))]
    if len(labels) != len(REVIEWS):
        raise Feedback(
            _(
                "there are {reviews_count} reviews, so there should be {reviews_count} labels; you gave "
                "{labels_count}."
            ).format(reviews_count=len(REVIEWS), labels_count=len(labels))
        )
    if labels != expected:
        raise Feedback(_("the labels differ from the pipeline's: pass REVIEWS as one list and keep the order."))


def _check_default_checkpoint(answer: Any) -> None:
    from transformers.pipelines import SUPPORTED_TASKS

    model, revision = SUPPORTED_TASKS["question-answering"]["default"]["model"]["pt"]
    repo_id = checks.text(answer, _("the repo id as a string, 'org/name'"))
    if "@" in repo_id or repo_id.endswith(revision):
        raise Feedback(_("give the repo id alone, without the revision."))
    if repo_id == model.split("/")[-1]:
        raise Feedback(_("right model, old name: the Hub now puts the organisation in front, 'org/name'."))
    if repo_id != model:
        raise Feedback(_("that is not the question-answering default: look it up in SUPPORTED_TASKS, don't guess."))


top_completions = Exercise(
    title=L_("the three best completions"),
    task=L_(
        "With a fill-mask pipeline, find the three most likely words for the <mask> in "
        "{masked_sentence}. Store them as a list of strings, most likely first, in `answer`.",
        masked_sentence=repr(MASKED_SENTENCE),
    ),
    check=_check_top_completions,
    hint=L_("unmasker(sentence, top_k=3) returns three dicts; each has a 'token_str'."),
    solution="""
    unmasker = pipeline("fill-mask")
    answer = [p["token_str"] for p in unmasker("The movie was <mask>.", top_k=3)]
    """,
    uses=("pipeline",),
)
batch_labels = Exercise(
    title=L_("one call, three reviews"),
    task=L_(
        "Run a sentiment-analysis pipeline ONCE on the list REVIEWS (from "
        "hfcourse.exercises.lesson01) and store the list of labels, in order, in `answer`."
    ),
    check=_check_batch_labels,
    hint=L_("a pipeline called on a list returns a list of dicts, one per input; keep each dict's 'label'."),
    solution="""
    from hfcourse.exercises.lesson01 import REVIEWS
    classifier = pipeline("sentiment-analysis")
    answer = [result["label"] for result in classifier(list(REVIEWS))]
    """,
    uses=("pipeline",),
)
default_checkpoint = Exercise(
    title=L_("which model did it pick?"),
    task=L_(
        "Which checkpoint does pipeline('question-answering') load when you give no model? Read it "
        "from transformers' own table (transformers.pipelines.SUPPORTED_TASKS) and store the repo "
        "id, 'org/name', in `answer`."
    ),
    check=_check_default_checkpoint,
    hint=L_("SUPPORTED_TASKS['question-answering']['default']['model']['pt'] is a (repo id, revision) pair."),
    solution="""
    from transformers.pipelines import SUPPORTED_TASKS
    answer = SUPPORTED_TASKS["question-answering"]["default"]["model"]["pt"][0]
    """,
)


PINNED_MODEL = "distilbert/distilbert-base-cased"
MASKED_WORDS = ("The film was a [MASK].", "I watched it with my [MASK].")


def _pinned_revision() -> str:
    """The revision transformers pins PINNED_MODEL to, as the feature-extraction default."""
    from transformers.pipelines import SUPPORTED_TASKS

    model, revision = SUPPORTED_TASKS["feature-extraction"]["default"]["model"]["pt"]
    assert model == PINNED_MODEL, f"transformers changed the feature-extraction default to {model}"
    return revision


@cache
def _pinned_commit() -> str:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(PINNED_MODEL, revision=_pinned_revision())._commit_hash


@cache
def _pinned_pipeline() -> Any:
    from transformers import pipeline

    return pipeline("fill-mask", model=PINNED_MODEL, revision=_pinned_revision())


def _top_words(unmasker: Any) -> list[str]:
    return [unmasker(sentence)[0]["token_str"] for sentence in MASKED_WORDS]


def _check_pinned_pipeline(answer: Any) -> None:
    from transformers import FillMaskPipeline, Pipeline
    from transformers.pipelines import SUPPORTED_TASKS

    if isinstance(answer, list | dict):
        raise Feedback(_("that is what a pipeline returns; store the pipeline itself: answer = pipeline(...)."))
    unmasker = checks.instance(answer, Pipeline, _("a pipeline, what pipeline(...) returns"))
    if not isinstance(unmasker, FillMaskPipeline):
        raise Feedback(
            _("this is a {type}; build a fill-mask pipeline: pipeline('fill-mask', ...).").format(
                type=type(unmasker).__name__
            )
        )
    name = unmasker.model.name_or_path
    if name == SUPPORTED_TASKS["fill-mask"]["default"]["model"]["pt"][0]:
        raise Feedback(
            _("that is the task's default model; choose the model with model={pinned_model}.").format(
                pinned_model=repr(PINNED_MODEL)
            )
        )
    if name == PINNED_MODEL.split("/")[-1]:
        raise Feedback(
            _("right model, old short name: use the full repo id, {pinned_model}.").format(
                pinned_model=repr(PINNED_MODEL)
            )
        )
    if name != PINNED_MODEL:
        raise Feedback(
            _("this pipeline runs {name}; the task asks for {pinned_model}.").format(
                name=name, pinned_model=PINNED_MODEL
            )
        )
    if unmasker.model.config._commit_hash != _pinned_commit():
        raise Feedback(
            _(
                "these weights are not those of revision {pinned_revision}: pass revision= with the "
                "revision from transformers' table."
            ).format(pinned_revision=repr(_pinned_revision()))
        )
    if _top_words(unmasker) != _top_words(_pinned_pipeline()):
        raise Feedback(
            _("this pipeline answers differently from the pinned model: build it with model= and revision= only.")
        )


pinned_pipeline = Exercise(
    title=L_("pin the model and the revision"),
    task=L_(
        "Build a fill-mask pipeline that runs {pinned_model}, pinned to the revision that "
        "transformers' own table gives for it (it is the feature-extraction default: see the table "
        "printed above). Store the pipeline itself in `answer`; the check runs it on sentences of "
        "its own.",
        pinned_model=repr(PINNED_MODEL),
    ),
    check=_check_pinned_pipeline,
    hint=L_("pipeline(task, model=..., revision=...); the table above prints each default as repo_id@revision."),
    solution="""
    answer = pipeline("fill-mask", model="distilbert/distilbert-base-cased", revision="6ea8117")
    """,
    uses=("pipeline",),
)
