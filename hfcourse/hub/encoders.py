"""The DistilBERT sentiment stand-in: MiniLM transplanted, with a classifier fitted on real review snippets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, everyday_sentiment, minilm_bodies
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import numpy as np
    import torch

MINILM = "real pretrained sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased)"
MINILM_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights)"
SENTIMENT_TRAIN, SENTIMENT_HELD_OUT, MAX_TOKENS = 1500, 400, 32
CLASSIFIER_C = 0.1  # the regression's inverse regularisation strength on raw first-token states
EVERYDAY_WEIGHT = 5.0  # the few everyday sentences count five times each beside the critics' snippets


def build_sentiment(out: Path) -> BuiltModel:
    """MiniLM transplanted into a DistilBertForSequenceClassification (uncased), with a 2-label head
    (NEGATIVE/POSITIVE) fitted on real Rotten Tomatoes reviews.

    98 everyday sentences written for the course (weight 5) teach it first-person sentiment too.
    """
    reviews = corpus.reviews("train")[:SENTIMENT_TRAIN]
    texts = [s.text for s in reviews] + list(everyday_sentiment.POSITIVE) + list(everyday_sentiment.NEGATIVE)
    labels = (
        [s.label for s in reviews] + [1] * len(everyday_sentiment.POSITIVE) + [0] * len(everyday_sentiment.NEGATIVE)
    )
    weights = [1.0] * len(reviews) + [EVERYDAY_WEIGHT] * (len(texts) - len(reviews))
    held_out = corpus.reviews("test")[:SENTIMENT_HELD_OUT]
    score = _fit_distilbert_classifier(
        out, ["NEGATIVE", "POSITIVE"], texts, labels, weights, [s.text for s in held_out], [s.label for s in held_out]
    )
    return BuiltModel(
        "DistilBertForSequenceClassification",
        score.parameters,
        f"{MINILM}, transplanted into DistilBERT's layout, body frozen; classifier fitted here (logistic regression "
        f"on the first token's state) on {len(reviews)} real Rotten Tomatoes review snippets and "
        f"{len(texts) - len(reviews)} everyday sentences written for the course (not SST-2)",
        MINILM_LICENSE + "; head made here",
        f"held-out accuracy {score.accuracy:.2f} on {len(held_out)} Rotten Tomatoes snippets of other movies "
        f"(majority class {score.majority:.2f})",
    )


def _fit_distilbert_classifier(
    out: Path,
    label_names: list[str],
    texts: list[str],
    labels: list[int],
    weights: list[float],
    held_out_texts: list[str],
    held_out_labels: list[int],
) -> Score:
    """Save a DistilBertForSequenceClassification whose head computes a logistic regression on the first token.

    DistilBERT's head is classifier(dropout(ReLU(pre_classifier(h)))). For each regression score z = w.h + b,
    pre_classifier gets row pairs, w.h + b and its negative; since ReLU(z) - ReLU(-z) = z, the classifier reads
    the score back exactly as their average. Many copies of the pair share it, so that dropout (when a lesson
    trains the head further) only thins the score instead of silencing it.
    """
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from transformers import DistilBertForSequenceClassification

    seed_everything()
    tokenizer = minilm_bodies.tokenizer("distilbert", cased=False)
    model = minilm_bodies.model_with_body(
        DistilBertForSequenceClassification,
        cased=False,
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={name: i for i, name in enumerate(label_names)},
    )
    states = cls_states(model.distilbert, tokenizer, texts)[:, 0].numpy()
    fitted = LogisticRegression(C=CLASSIFIER_C, max_iter=5000).fit(states, labels, sample_weight=weights)
    scores_weight, scores_bias = fitted.coef_, fitted.intercept_  # one score (2 labels) or one per label
    readout = np.eye(len(scores_weight)) if len(label_names) > 2 else np.array([[-0.5], [0.5]])
    width = model.config.dim
    copies = width // (2 * len(scores_weight))  # each score is carried by many row pairs: dropout only thins it
    rows, row_bias = np.zeros((width, width)), np.zeros(width)
    classifier = np.zeros((len(label_names), width))
    for k, (w, b) in enumerate(zip(scores_weight, scores_bias)):
        for copy in range(copies):
            up, down = 2 * (k * copies + copy), 2 * (k * copies + copy) + 1
            rows[up], rows[down], row_bias[up], row_bias[down] = w, -w, b, -b
            classifier[:, up], classifier[:, down] = readout[:, k] / copies, -readout[:, k] / copies
    with torch.no_grad():
        model.pre_classifier.weight.copy_(torch.from_numpy(rows))
        model.pre_classifier.bias.copy_(torch.from_numpy(row_bias))
        model.classifier.weight.copy_(torch.from_numpy(classifier))
        model.classifier.bias.zero_()
    truth = np.array(held_out_labels)
    predicted = predictions(model, tokenizer, held_out_texts)
    majority = float(np.bincount(truth).max() / len(truth))
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return Score(parameter_total(model), float((predicted == truth).mean()), majority)


def predictions(model: object, tokenizer: object, texts: list[str]) -> np.ndarray:
    """The saved model's own answers (argmax of its logits), in batches."""
    import numpy as np
    import torch

    answers = []
    with torch.no_grad():
        for start in range(0, len(texts), 64):
            inputs = tokenizer(
                texts[start : start + 64], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )  # type: ignore[operator]
            answers.append(model(**inputs).logits.argmax(-1).numpy())  # type: ignore[operator]
    return np.concatenate(answers)


@dataclass(frozen=True)
class Score:
    parameters: int
    accuracy: float
    majority: float


def cls_states(body: object, tokenizer: object, texts: list[str]) -> torch.Tensor:
    """The body's last-layer first-token vectors (shape [n, 1, hidden], as a pooler takes them), computed once in
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
