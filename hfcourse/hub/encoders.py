"""Stand-ins built on the real pretrained all-MiniLM-L6-v2 body: plain encoders and the sentiment classifier."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, everyday_sentiment
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.standins import BuiltModel, parameter_total, seed_everything

if TYPE_CHECKING:
    import numpy as np
    import torch

MINILM = "real pretrained sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased)"
MINILM_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights)"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt")
SENTIMENT_TRAIN, SENTIMENT_HELD_OUT, MAX_TOKENS = 1500, 400, 32
THREE_WAY_TRAIN_REVIEWS, THREE_WAY_TRAIN_PLOTS, THREE_WAY_HELD_OUT_REVIEWS, THREE_WAY_HELD_OUT_PLOTS = (
    1200,
    600,
    400,
    200,
)
POOLER_SCALE = 0.05  # the sentiment default: tanh(0.05 h) is nearly linear
THREE_WAY_POOLER_SCALE, THREE_WAY_EMPHASIS = 0.5, 10.0  # see _fit_classifier: pooled features a fresh head learns from
EVERYDAY_WEIGHT = 5.0  # the few everyday sentences count five times each beside the critics' snippets


def build_encoder(out: Path) -> BuiltModel:
    """The MiniLM body as a BertModel, unchanged: for feature extraction and as a backbone to fine-tune."""
    from transformers import AutoModel

    seed_everything()
    model = AutoModel.from_pretrained(minilm_dir())
    _save(model, out)
    return BuiltModel("BertModel", parameter_total(model), MINILM + ", unchanged", MINILM_LICENSE)


def build_sentiment(out: Path) -> BuiltModel:
    """MiniLM body (frozen) with a 2-label head (NEGATIVE/POSITIVE) fitted on real Rotten Tomatoes reviews.

    98 everyday sentences written for the course (weight 5) teach it first-person sentiment too.
    """
    reviews = corpus.reviews("train")[:SENTIMENT_TRAIN]
    texts = [s.text for s in reviews] + list(everyday_sentiment.POSITIVE) + list(everyday_sentiment.NEGATIVE)
    labels = (
        [s.label for s in reviews] + [1] * len(everyday_sentiment.POSITIVE) + [0] * len(everyday_sentiment.NEGATIVE)
    )
    weights = [1.0] * len(reviews) + [EVERYDAY_WEIGHT] * (len(texts) - len(reviews))
    held_out = corpus.reviews("test")[:SENTIMENT_HELD_OUT]
    score = _fit_classifier(
        out, ["NEGATIVE", "POSITIVE"], texts, labels, weights, [s.text for s in held_out], [s.label for s in held_out]
    )
    return BuiltModel(
        "BertForSequenceClassification",
        score.parameters,
        f"{MINILM}, body frozen; classifier fitted here (logistic regression on [CLS]) on {len(reviews)} real "
        f"Rotten Tomatoes review snippets and {len(texts) - len(reviews)} everyday sentences written for the "
        "course (not SST-2)",
        MINILM_LICENSE + "; head made here",
        f"held-out accuracy {score.accuracy:.2f} on {len(held_out)} Rotten Tomatoes snippets of other movies "
        f"(majority class {score.majority:.2f})",
    )


def build_three_way_sentiment(out: Path) -> BuiltModel:
    """MiniLM body (frozen) with a 3-label head (negative/neutral/positive, named LABEL_0-2 as in the real config).

    Rotten and fresh review snippets are negative and positive; plot-summary sentences are neutral.
    """

    def labelled(split: str, reviews: int, plots: int) -> tuple[list[str], list[int]]:
        rows = [(s.text, 2 * s.label) for s in corpus.reviews(split)[:reviews]]
        rows += [(s.text, 1) for s in corpus.plot_sentences(split)[:plots]]
        return [text for text, _ in rows], [label for _, label in rows]

    texts, labels = labelled("train", THREE_WAY_TRAIN_REVIEWS, THREE_WAY_TRAIN_PLOTS)
    held_out_texts, held_out_labels = labelled("test", THREE_WAY_HELD_OUT_REVIEWS, THREE_WAY_HELD_OUT_PLOTS)
    score = _fit_classifier(
        out,
        ["LABEL_0", "LABEL_1", "LABEL_2"],
        texts,
        labels,
        [1.0] * len(texts),
        held_out_texts,
        held_out_labels,
        pooler_scale=THREE_WAY_POOLER_SCALE,
        emphasis=THREE_WAY_EMPHASIS,
    )
    return BuiltModel(
        "BertForSequenceClassification",
        score.parameters,
        f"{MINILM}, body frozen; pooler set to stress the sentiment directions of a first regression, then a "
        f"3-way classifier fitted here (logistic regression on the pooled [CLS]) on {len(texts)} real "
        "Rotten Tomatoes texts: rotten snippets LABEL_0 (negative), plot-summary sentences LABEL_1 (neutral), "
        "fresh snippets LABEL_2 (positive); no tweets",
        MINILM_LICENSE + "; head made here",
        f"held-out accuracy {score.accuracy:.2f} on {len(held_out_texts)} texts of other movies "
        f"(majority class {score.majority:.2f})",
    )


@dataclass(frozen=True)
class _Score:
    parameters: int
    accuracy: float
    majority: float


def _fit_classifier(
    out: Path,
    label_names: list[str],
    texts: list[str],
    labels: list[int],
    weights: list[float],
    held_out_texts: list[str],
    held_out_labels: list[int],
    pooler_scale: float = POOLER_SCALE,
    emphasis: float = 0.0,
) -> _Score:
    """Save MiniLM with a classification head fitted by logistic regression on its pooled [CLS] vectors.

    The pooler is set to tanh(scale * (I + emphasis * P) h), where P projects onto the directions a first
    regression on the raw [CLS] vectors found (none when emphasis is 0): like the pooler of a fine-tuned model,
    it makes the task's directions dominate, so a new head trained on a frozen body learns from few rows.
    The regression fitted on the pooler's outputs becomes the classifier: the saved model computes exactly it.
    """
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    seed_everything()
    tokenizer = AutoTokenizer.from_pretrained(minilm_dir())
    model = AutoModelForSequenceClassification.from_pretrained(
        minilm_dir(),
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={name: i for i, name in enumerate(label_names)},
    )
    cls_states = _cls_states(model.bert, tokenizer, texts)
    pooler = torch.eye(model.config.hidden_size, dtype=torch.float64)
    if emphasis:
        first = LogisticRegression(C=0.1, max_iter=5000).fit(cls_states[:, 0].numpy(), labels, sample_weight=weights)
        directions, _ = np.linalg.qr(first.coef_.T)
        pooler += emphasis * torch.from_numpy(directions @ directions.T)
    with torch.no_grad():
        model.bert.pooler.dense.weight.copy_(pooler * pooler_scale)
        model.bert.pooler.dense.bias.zero_()
        pooled = model.bert.pooler(cls_states).numpy()
    fitted = LogisticRegression(C=0.1 / pooler_scale**2, max_iter=5000).fit(pooled, labels, sample_weight=weights)
    weight = torch.tensor(fitted.coef_, dtype=torch.float32)
    bias = torch.tensor(fitted.intercept_, dtype=torch.float32)
    if len(label_names) == 2:  # one logit z; softmax over (-z/2, z/2) equals the logistic sigmoid(z)
        weight, bias = torch.cat([-weight, weight]) / 2, torch.cat([-bias, bias]) / 2
    with torch.no_grad():
        model.classifier.weight.copy_(weight)
        model.classifier.bias.copy_(bias)
    truth = np.array(held_out_labels)
    accuracy = float((fitted.predict(_pooled(model, tokenizer, held_out_texts)) == truth).mean())
    majority = float(np.bincount(truth).max() / len(truth))
    _save(model, out)
    return _Score(parameter_total(model), accuracy, majority)


def _pooled(model: object, tokenizer: object, texts: list[str]) -> np.ndarray:
    """What the classifier sees: the pooler's output for each text."""
    import torch

    with torch.no_grad():
        return model.bert.pooler(_cls_states(model.bert, tokenizer, texts)).numpy()  # type: ignore[attr-defined]


def _cls_states(body: object, tokenizer: object, texts: list[str]) -> torch.Tensor:
    """The body's last-layer [CLS] vectors (shape [n, 1, hidden], as the pooler takes them), computed once in
    length-sorted batches (little padding)."""
    import torch

    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    states = torch.empty(len(texts), 1, body.config.hidden_size)  # type: ignore[attr-defined]
    body.eval()  # type: ignore[attr-defined]
    with torch.no_grad():
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            inputs = tokenizer(
                [texts[i] for i in batch], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )  # type: ignore[operator]
            states[batch] = body(**inputs).last_hidden_state[:, :1]  # type: ignore[operator]
    return states.clone()


def _save(model: object, out: Path) -> None:
    """save_pretrained the model and copy MiniLM's tokenizer files beside it."""
    model.save_pretrained(out)  # type: ignore[attr-defined]
    for name in TOKENIZER_FILES:
        shutil.copyfile(minilm_dir() / name, out / name)
