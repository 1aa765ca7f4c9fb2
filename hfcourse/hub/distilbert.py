"""DistilBERT stand-ins: the real all-MiniLM-L6-v2 body transplanted into DistilBERT's layout (`minilm_bodies.py`).

- sentiment: its top layers and head fine-tuned on real Rotten Tomatoes reviews;
- question answering: its top layers and a span head fine-tuned on template questions (`template_texts.py`);
- the cased masked LM: an MLM head fitted on the frozen body (`masked_lm.py`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, everyday_sentiment, minilm_bodies
from hfcourse.hub.fitting import (
    MAX_TOKENS,
    built_head,
    cls_states,
    cross_entropy,
    fine_tune_top_layers,
    hidden_states,
    predictions,
    save_with_tokenizer,
)
from hfcourse.hub.masked_lm import masked_language_model
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything
from hfcourse.hub.template_texts import HELD_OUT_NAMES, QA_TEMPLATES, TRAIN_NAMES
from hfcourse.hub.templates import fill, name_picker

if TYPE_CHECKING:
    import torch
    from transformers import BertTokenizerFast, PreTrainedModel

MINILM = "real pretrained sentence-transformers/all-MiniLM-L6-v2 (BERT, 6 layers, hidden 384, uncased)"
MINILM_LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights)"

# sentiment
SENTIMENT_HELD_OUT = 400
SENTIMENT_HEAD_ROWS = 1500  # the logistic regression that starts the head sees this many training texts
SENTIMENT_LAYERS, SENTIMENT_EPOCHS, SENTIMENT_BATCH = 4, 2, 32  # fine-tuning: top layers, epochs, batch size
SENTIMENT_HEAD_RATE, SENTIMENT_BODY_RATE, SENTIMENT_WARMUP_STEPS = 1e-3, 5e-5, 30
CLASSIFIER_C = 0.1  # the regression's inverse regularisation strength on raw first-token states
EVERYDAY_WEIGHT = 5  # the few everyday sentences are repeated five times beside the critics' snippets

# question answering
QA_CONTEXTS, QA_HELD_OUT_CONTEXTS, QA_MAX_ANSWER_TOKENS = 800, 30, 15  # each context is asked all its questions
QA_LAYERS, QA_EPOCHS, QA_HEAD_RATE, QA_BODY_RATE = 2, 4, 1e-3, 2e-4  # fine-tuning: top layers, epochs, rates


def build_sentiment(out: Path) -> BuiltModel:
    """MiniLM transplanted into a DistilBertForSequenceClassification (uncased), NEGATIVE/POSITIVE: a head fitted
    by logistic regression, then the top layers and the head fine-tuned on real Rotten Tomatoes reviews.

    The everyday sentences written for the course (repeated EVERYDAY_WEIGHT times) teach it first-person
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
    _fine_tune_top_layers(model, tokenizer, texts, labels)
    held_out = corpus.reviews("test")[:SENTIMENT_HELD_OUT]
    truth = np.array([s.label for s in held_out])
    correct = int((predictions(model, tokenizer, [s.text for s in held_out]) == truth).sum())
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
        f"held-out accuracy {correct / len(held_out):.3f} ({correct} right) on {len(held_out)} Rotten Tomatoes "
        f"snippets of other movies (majority class {majority:.2f})",
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


def _fine_tune_top_layers(model: object, tokenizer: object, texts: list[str], labels: list[int]) -> None:
    """Train the top SENTIMENT_LAYERS layers and the head on the texts, tokenized batch by batch."""
    import torch

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        rows = batch.tolist()
        inputs = tokenizer(  # type: ignore[operator]
            [texts[i] for i in rows], padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt"
        )
        return model(**inputs, labels=torch.tensor([labels[i] for i in rows])).loss  # type: ignore[operator]

    layers = model.distilbert.transformer.layer[-SENTIMENT_LAYERS:]  # type: ignore[attr-defined]
    head = [*model.pre_classifier.parameters(), *model.classifier.parameters()]  # type: ignore[attr-defined]
    fine_tune_top_layers(
        model,  # type: ignore[arg-type]
        layers,
        head,
        batch_loss,
        len(texts),
        epochs=SENTIMENT_EPOCHS,
        head_rate=SENTIMENT_HEAD_RATE,
        body_rate=SENTIMENT_BODY_RATE,
        batch_size=SENTIMENT_BATCH,
        warmup_steps=SENTIMENT_WARMUP_STEPS,
    )


def build_question_answering(out: Path) -> BuiltModel:
    """DistilBertForQuestionAnswering, cased: the top layers and a start/end head fine-tuned on template questions
    about template contexts."""
    from transformers import DistilBertForQuestionAnswering

    seed_everything()
    tokenizer = minilm_bodies.tokenizer("distilbert", cased=True)
    model = minilm_bodies.model_with_body(DistilBertForQuestionAnswering, cased=True)
    ids, mask, context, starts, ends = _qa_inputs(tokenizer, TRAIN_NAMES, QA_CONTEXTS, seed=0)

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        length = int(mask[batch].sum(1).max())
        output = model(input_ids=ids[batch, :length], attention_mask=mask[batch, :length])
        outside = ~context[batch, :length]  # an answer is a span of the context, never of the question
        return cross_entropy(output.start_logits.masked_fill(outside, -1e4), starts[batch]) + cross_entropy(
            output.end_logits.masked_fill(outside, -1e4), ends[batch]
        )

    layers = model.distilbert.transformer.layer[-QA_LAYERS:]
    head = [*model.qa_outputs.parameters()]
    fine_tune_top_layers(
        model, layers, head, batch_loss, len(starts), epochs=QA_EPOCHS, head_rate=QA_HEAD_RATE, body_rate=QA_BODY_RATE
    )
    held_out = _qa_examples(model.base_model, tokenizer, HELD_OUT_NAMES, QA_HELD_OUT_CONTEXTS, seed=1)
    exact = _qa_exact_match(model, *held_out)
    save_with_tokenizer(model, tokenizer, out)
    return built_head(
        model,
        f"{MINILM}, transplanted into DistilBERT's layout, cased (MiniLM's vocabulary grown with capitalised "
        f"copies); its top {QA_LAYERS} layers and a span head (start/end) fine-tuned here for {QA_EPOCHS} epochs on "
        f"{len(starts)} template questions (who/where/what/when) about {QA_CONTEXTS} template contexts of "
        f"{len(QA_TEMPLATES)} kinds, written for the course (not SQuAD); it answers questions of those kinds",
        f"held-out exact match {exact:.2f} on {len(held_out[2])} template questions with unseen names "
        f"({QA_HELD_OUT_CONTEXTS} contexts, about 3 questions each)",
    )


def _qa_inputs(
    tokenizer: BertTokenizerFast, names: Mapping[str, Sequence[str]], contexts: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded question-and-context ids and attention mask, the context-token mask, the answer's first and last
    token."""
    import torch

    questions, context_texts, answers = _qa_texts(names, contexts, seed)
    encodings = tokenizer(questions, context_texts, padding=True, return_tensors="pt")
    starts = [encodings.char_to_token(i, start, sequence_index=1) for i, (start, _) in enumerate(answers)]
    ends = [encodings.char_to_token(i, end - 1, sequence_index=1) for i, (_, end) in enumerate(answers)]
    in_context = torch.tensor([[part == 1 for part in encodings.sequence_ids(i)] for i in range(len(questions))])
    return encodings["input_ids"], encodings["attention_mask"], in_context, torch.tensor(starts), torch.tensor(ends)


def _qa_examples(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, names: Mapping[str, Sequence[str]], contexts: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded body states [n, length, hidden], the context-token mask, and the answer's first and last token."""
    import torch

    questions, context_texts, answers = _qa_texts(names, contexts, seed)
    encodings = tokenizer(questions, context_texts)
    starts = [encodings.char_to_token(i, start, sequence_index=1) for i, (start, _) in enumerate(answers)]
    ends = [encodings.char_to_token(i, end - 1, sequence_index=1) for i, (_, end) in enumerate(answers)]
    states = hidden_states(body, encodings["input_ids"], encodings.get("token_type_ids"))
    in_context = [torch.tensor([part == 1 for part in encodings.sequence_ids(i)]) for i in range(len(questions))]
    pad = torch.nn.utils.rnn.pad_sequence
    return pad(states, batch_first=True), pad(in_context, batch_first=True), torch.tensor(starts), torch.tensor(ends)


def _qa_texts(
    names: Mapping[str, Sequence[str]], contexts: int, seed: int
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Questions, contexts and answer character spans; contexts cycle through the templates, all questions asked."""
    pick = name_picker(names, random.Random(seed))
    questions, context_texts, answers = [], [], []
    for i in range(contexts):
        context_template, asks = QA_TEMPLATES[i % len(QA_TEMPLATES)]
        values = {slot: pick(slot) for slot in re.findall(r"\{([A-Z]+)\}", context_template)}
        context, spans = fill(context_template, values.__getitem__)
        for question, answer_slot in asks:
            questions.append(question.format(**values))
            context_texts.append(context)
            answers.append(next((start, end) for start, end, slot in spans if slot == answer_slot))
    return questions, context_texts, answers


def _qa_exact_match(
    model: PreTrainedModel, states: torch.Tensor, context: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor
) -> float:
    """How often the best span (start <= end, at most QA_MAX_ANSWER_TOKENS long) is exactly the answer."""
    import torch

    with torch.no_grad():
        logits = model.qa_outputs(states).masked_fill(~context[..., None], -1e4)
    length = logits.shape[1]
    allowed = torch.ones(length, length).triu().tril(QA_MAX_ANSWER_TOKENS - 1).bool()
    pair_scores = (logits[..., 0, None] + logits[..., None, :, 1]).masked_fill(~allowed, -1e9).flatten(1)
    best = pair_scores.argmax(1)
    return float(((best // length == starts) & (best % length == ends)).float().mean())


def build_distilbert_cased_mlm(out: Path) -> BuiltModel:
    """DistilBertForMaskedLM, cased (distilbert-base-cased): MiniLM transplanted, with an MLM head."""
    from transformers import DistilBertForMaskedLM

    model = minilm_bodies.model_with_body(DistilBertForMaskedLM, cased=True)
    return masked_language_model(model, minilm_bodies.tokenizer("distilbert", cased=True), out)
