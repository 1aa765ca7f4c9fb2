"""Every repo of the course hub: the real repo id, what stands in for it, and how `hfcourse hub train` makes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hfcourse.hub.standins import BuiltModel, ModelStandIn


def _lazy(module: str, function: str) -> Callable[[Path], BuiltModel]:
    """A builder (training code) imported only when called, so listing the catalog stays cheap."""

    def build(out: Path) -> BuiltModel:
        from importlib import import_module

        return getattr(import_module(f"hfcourse.hub.{module}"), function)(out)

    build.__qualname__ = f"{module}.{function}"
    return build


build_roberta_mlm = _lazy("roberta", "build_roberta_mlm")  # one stand-in for two repo ids
SHARED_STAND_INS = ("roberta_mlm",)  # stand-ins whose tensors later ones borrow (the adapted RoBERTa body)
PIPELINE_DEFAULTS: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        "DistilBERT (66M) fine-tuned on SST-2",
        _lazy("distilbert", "build_sentiment"),
        ("distilbert-base-uncased-finetuned-sst-2-english",),
        "sentiment-analysis",
    ),
    ModelStandIn(
        "distilbert/distilroberta-base",
        "DistilRoBERTa base (82M), masked language model",
        build_roberta_mlm,
        ("distilroberta-base",),
        "fill-mask",
    ),
    ModelStandIn(
        "dbmdz/bert-large-cased-finetuned-conll03-english",
        "BERT large (333M) fine-tuned on CoNLL-2003 NER",
        _lazy("bert", "build_ner"),
        (),
        "ner",
    ),
    ModelStandIn(
        "distilbert/distilbert-base-cased-distilled-squad",
        "DistilBERT (65M) distilled on SQuAD",
        _lazy("distilbert", "build_question_answering"),
        ("distilbert-base-cased-distilled-squad",),
        "question-answering",
    ),
    ModelStandIn(
        "sshleifer/distilbart-cnn-12-6",
        "DistilBART (306M) fine-tuned on CNN/DailyMail summaries",
        _lazy("bart", "build_summarization"),
        (),
        "summarization",
    ),
    ModelStandIn(
        "openai-community/gpt2",
        "GPT-2 small (124M), trained on WebText",
        _lazy("gpt2", "build_text_generation"),
        ("gpt2",),
        "text-generation",
    ),
    ModelStandIn(
        "google-t5/t5-base",
        "T5 base (223M), multi-task incl. WMT English-French",
        _lazy("t5", "build_translation"),
        ("t5-base",),
        "translation_en_to_fr",
    ),
    ModelStandIn(
        "facebook/bart-large-mnli",
        "BART large (407M) fine-tuned on MultiNLI",
        _lazy("bart", "build_zero_shot"),
        (),
        "zero-shot-classification",
    ),
    ModelStandIn(
        "distilbert/distilbert-base-cased",
        "DistilBERT base (66M), cased",
        _lazy("distilbert", "build_distilbert_cased_mlm"),
        ("distilbert-base-cased",),
        "feature-extraction",
    ),
)
BACKBONES: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        "google-bert/bert-base-uncased",
        "BERT base (110M), uncased",
        _lazy("bert", "build_bert_mlm"),
        ("bert-base-uncased",),
    ),
    ModelStandIn(
        "google-bert/bert-base-cased",
        "BERT base (108M), cased",
        _lazy("bert", "build_bert_cased_mlm"),
        ("bert-base-cased",),
    ),
    ModelStandIn("FacebookAI/roberta-base", "RoBERTa base (125M)", build_roberta_mlm, ("roberta-base",)),
)
CLASSIFIERS: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        "cardiffnlp/twitter-roberta-base-sentiment",
        "Twitter-roBERTa base (125M) for 3-way tweet sentiment: LABEL_0 negative, LABEL_1 neutral, LABEL_2 positive",
        _lazy("roberta", "build_three_way_sentiment"),
    ),
)
MODELS: tuple[ModelStandIn, ...] = PIPELINE_DEFAULTS + BACKBONES + CLASSIFIERS


def stand_in_builders() -> dict[str, Callable[[Path], BuiltModel]]:
    """Each trained stand-in's name and builder, in catalog order (one builder may serve several repos)."""
    return {stand_in.name: stand_in.build for stand_in in MODELS}
