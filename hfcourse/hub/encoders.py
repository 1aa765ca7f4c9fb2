"""The DistilBERT sentiment stand-in: MiniLM transplanted, its top layers and head fine-tuned on real reviews."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, everyday_sentiment, minilm_bodies
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import numpy as np
    import torch

MINILM = "real pretrained sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased)"
MINILM_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights)"
SENTIMENT_HELD_OUT, MAX_TOKENS = 400, 48
SENTIMENT_HEAD_ROWS = 1500  # the logistic regression that starts the head sees this many training texts
SENTIMENT_LAYERS, SENTIMENT_EPOCHS, SENTIMENT_BATCH = 2, 2, 32  # fine-tuning: top layers, epochs, batch size
SENTIMENT_HEAD_RATE, SENTIMENT_BODY_RATE = 1e-3, 5e-5
CLASSIFIER_C = 0.1  # the regression's inverse regularisation strength on raw first-token states
EVERYDAY_WEIGHT = 5  # the few everyday sentences are repeated five times beside the critics' snippets


def build_sentiment(out: Path) -> BuiltModel:
    """MiniLM transplanted into a DistilBertForSequenceClassification (uncased), NEGATIVE/POSITIVE: a head fitted
    by logistic regression, then the top layers and the head fine-tuned on real Rotten Tomatoes reviews.

    98 everyday sentences written for the course (repeated EVERYDAY_WEIGHT times) teach it first-person
    sentiment too.
    """
    import numpy as np
    from transformers import DistilBertForSequenceClassification

    seed_everything()
    reviews = corpus.reviews("train")
    everyday = list(everyday_sentiment.POSITIVE) + list(everyday_sentiment.NEGATIVE)
    everyday_labels = [1] * len(everyday_sentiment.POSITIVE) + [0] * len(everyday_sentiment.NEGATIVE)
    texts = [s.text for s in reviews] + everyday * EVERYDAY_WEIGHT
    labels = [s.label for s in reviews] + everyday_labels * EVERYDAY_WEIGHT
    tokenizer = minilm_bodies.tokenizer("distilbert", cased=False)
    label_names = ["NEGATIVE", "POSITIVE"]
    model = minilm_bodies.model_with_body(
        DistilBertForSequenceClassification,
        cased=False,
        num_labels=2,
        id2label=dict(enumerate(label_names)),
        label2id={name: i for i, name in enumerate(label_names)},
    )
    _regression_head(model, tokenizer, texts[:SENTIMENT_HEAD_ROWS], labels[:SENTIMENT_HEAD_ROWS])
    trained = _fine_tune_top_layers(model, tokenizer, texts, labels)
    round_to_half(trained)
    held_out = corpus.reviews("test")[:SENTIMENT_HELD_OUT]
    truth = np.array([s.label for s in held_out])
    accuracy = float((predictions(model, tokenizer, [s.text for s in held_out]) == truth).mean())
    majority = float(np.bincount(truth).max() / len(truth))
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "DistilBertForSequenceClassification",
        parameter_total(model),
        f"{MINILM}, transplanted into DistilBERT's layout; classifier fitted here (logistic regression on the "
        f"first token's state), then it and the top {SENTIMENT_LAYERS} layers fine-tuned for {SENTIMENT_EPOCHS} "
        f"epochs on {len(reviews)} real Rotten Tomatoes review snippets and {len(everyday)} everyday sentences "
        "written for the course (not SST-2)",
        MINILM_LICENSE + "; head and fine-tuning made here",
        f"held-out accuracy {accuracy:.2f} on {len(held_out)} Rotten Tomatoes snippets of other movies "
        f"(majority class {majority:.2f})",
    )


def _regression_head(model: object, tokenizer: object, texts: list[str], labels: list[int]) -> None:
    """Set a DistilBertForSequenceClassification's head to a logistic regression on the first token's state.

    DistilBERT's head is classifier(dropout(ReLU(pre_classifier(h)))). For each regression score z = w.h + b,
    pre_classifier gets row pairs, w.h + b and its negative; since ReLU(z) - ReLU(-z) = z, the classifier reads
    the score back exactly as their average. Many copies of the pair share it, so that dropout (when the head is
    trained further) only thins the score instead of silencing it.
    """
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression

    states = cls_states(model.distilbert, tokenizer, texts)[:, 0].numpy()  # type: ignore[attr-defined]
    fitted = LogisticRegression(C=CLASSIFIER_C, max_iter=5000).fit(states, labels)
    scores_weight, scores_bias = fitted.coef_, fitted.intercept_  # one score (2 labels) or one per label
    labels_count = model.config.num_labels  # type: ignore[attr-defined]
    readout = np.eye(len(scores_weight)) if labels_count > 2 else np.array([[-0.5], [0.5]])
    width = model.config.dim  # type: ignore[attr-defined]
    copies = width // (2 * len(scores_weight))
    rows, row_bias = np.zeros((width, width)), np.zeros(width)
    classifier = np.zeros((labels_count, width))
    for k, (w, b) in enumerate(zip(scores_weight, scores_bias)):
        for copy in range(copies):
            up, down = 2 * (k * copies + copy), 2 * (k * copies + copy) + 1
            rows[up], rows[down], row_bias[up], row_bias[down] = w, -w, b, -b
            classifier[:, up], classifier[:, down] = readout[:, k] / copies, -readout[:, k] / copies
    with torch.no_grad():
        model.pre_classifier.weight.copy_(torch.from_numpy(rows))  # type: ignore[attr-defined]
        model.pre_classifier.bias.copy_(torch.from_numpy(row_bias))  # type: ignore[attr-defined]
        model.classifier.weight.copy_(torch.from_numpy(classifier))  # type: ignore[attr-defined]
        model.classifier.bias.zero_()  # type: ignore[attr-defined]


def _fine_tune_top_layers(model: object, tokenizer: object, texts: list[str], labels: list[int]) -> list:
    """Train the top SENTIMENT_LAYERS layers and the head with AdamW (a warmup, then a linear decay); return the
    trained parameters. The model is left in eval mode, frozen."""
    import torch

    layers = model.distilbert.transformer.layer[-SENTIMENT_LAYERS:]  # type: ignore[attr-defined]
    head = [*model.pre_classifier.parameters(), *model.classifier.parameters()]  # type: ignore[attr-defined]
    body = [parameter for layer in layers for parameter in layer.parameters()]
    for parameter in head + body:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(
        [{"params": head, "lr": SENTIMENT_HEAD_RATE}, {"params": body, "lr": SENTIMENT_BODY_RATE}], weight_decay=0.01
    )
    batches = len(texts) // SENTIMENT_BATCH
    steps = SENTIMENT_EPOCHS * batches
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / 30) * (1 - step / steps)
    )
    model.train()  # type: ignore[attr-defined]
    for epoch in range(SENTIMENT_EPOCHS):
        order = torch.randperm(len(texts), generator=torch.Generator().manual_seed(epoch)).tolist()
        for start in range(0, batches * SENTIMENT_BATCH, SENTIMENT_BATCH):
            batch = order[start : start + SENTIMENT_BATCH]
            inputs = tokenizer(  # type: ignore[operator]
                [texts[i] for i in batch], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
            )
            loss = model(**inputs, labels=torch.tensor([labels[i] for i in batch])).loss  # type: ignore[operator]
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()  # type: ignore[attr-defined]
    model.requires_grad_(False)  # type: ignore[attr-defined]
    return head + body


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
