"""Masked-LM heads on a frozen body, as the BERT, DistilBERT and RoBERTa fill-mask stand-ins fit them.

The head proposes only the most frequent whole words of real Rotten Tomatoes review and plot sentences; it is
fitted on masked words of those sentences and scored on masked words of snippets of other movies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus
from hfcourse.hub.fitting import FROZEN_MINILM, built_head, cross_entropy, fit, hidden_states, save_with_tokenizer
from hfcourse.hub.standins import BuiltModel, seed_everything

if TYPE_CHECKING:
    import torch
    from transformers import BertTokenizerFast, PreTrainedModel

UNK_ID, MASK_ID = 100, 103

# fill-mask: masked words of real review and plot sentences
MLM_TEXTS, MLM_HELD_OUT_TEXTS, MLM_MAX_TOKENS = 560, 100, 32
MLM_VOCABULARY = 2000  # the head proposes only the corpus's most frequent whole words
MLM_MASK_RATE = 0.2


def masked_language_model(model: PreTrainedModel, tokenizer: BertTokenizerFast, out: Path) -> BuiltModel:
    """Fit the MLM head of a BERT or DistilBERT masked LM (transform and output bias; the decoder is tied to the
    word embeddings) on masked words of real text, and save it."""
    import torch

    seed_everything()
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():  # MiniLM never trained its [MASK] row (norm 0.24); the [UNK] row reads as "some word here"
        embeddings[MASK_ID] = embeddings[UNK_ID]
    words = _frequent_whole_words(tokenizer, MLM_VOCABULARY)
    states, targets = _masked_states(model.base_model, tokenizer, mlm_texts("train", MLM_TEXTS), words)
    transform, bias = _mlm_transform(model)
    with torch.no_grad():
        bias.fill_(-100.0)  # words outside the head's vocabulary are never proposed
        bias[words.ids] = words.log_frequency
    known_embeddings = embeddings.detach()[words.ids]

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        logits = transform(states[batch]) @ known_embeddings.T + bias[words.ids]
        return cross_entropy(logits, words.index[targets[batch]])

    fit([*_transform_parameters(model), bias], batch_loss, len(targets), epochs=8, lr=1e-3, weight_decay=0.1)
    held_states, held_targets = _masked_states(
        model.base_model, tokenizer, mlm_texts("test", MLM_HELD_OUT_TEXTS), words
    )
    with torch.no_grad():
        logits = transform(held_states) @ embeddings.T + bias
    top1, top5, most_frequent = mlm_accuracy(logits, held_targets, words)
    save_with_tokenizer(model, tokenizer, out)
    cased = "cased" if tokenizer.init_kwargs.get("do_lower_case") is False else "uncased"
    transplant = ", transplanted into DistilBERT's layout," if model.config.model_type == "distilbert" else ""
    return built_head(
        model,
        f"{FROZEN_MINILM}{transplant} {cased}, except its [MASK] embedding row, which MiniLM never trained, set to a "
        f"copy of the [UNK] row; MLM head (transform and output bias; decoder tied to the word embeddings) fitted "
        f"here on {len(targets)} masked words of {MLM_TEXTS} real Rotten Tomatoes review and plot sentences (Pang & "
        f"Lee data); it proposes only the {MLM_VOCABULARY} most frequent whole words of that corpus, in lower case",
        f"held-out top-1 accuracy {top1:.2f} (always the most frequent word: {most_frequent:.2f}), top-5 "
        f"{top5:.2f}, on {len(held_targets)} masked words of Rotten Tomatoes snippets of other movies",
    )


def _mlm_transform(model: PreTrainedModel) -> tuple[Callable[[torch.Tensor], torch.Tensor], torch.nn.Parameter]:
    """What an MLM head computes before the tied decoder, and its output bias: BERT's or DistilBERT's names."""
    import torch

    if model.config.model_type == "distilbert":

        def transform(states: torch.Tensor) -> torch.Tensor:
            return model.vocab_layer_norm(torch.nn.functional.gelu(model.vocab_transform(states)))

        return transform, model.vocab_projector.bias
    return model.cls.predictions.transform, model.cls.predictions.bias


def _transform_parameters(model: PreTrainedModel) -> list[torch.nn.Parameter]:
    """The parameters of the MLM head's transform (dense layer and layer norm): BERT's or DistilBERT's names."""
    if model.config.model_type == "distilbert":
        return [*model.vocab_transform.parameters(), *model.vocab_layer_norm.parameters()]
    return [*model.cls.predictions.transform.parameters()]


def mlm_accuracy(logits: torch.Tensor, targets: torch.Tensor, words: Words) -> tuple[float, float, float]:
    """Top-1 and top-5 accuracy of the head's logits, and the top-1 accuracy of always saying the most frequent
    word."""
    top5 = logits.topk(5).indices
    top1_accuracy = float((top5[:, 0] == targets).float().mean())
    top5_accuracy = float((top5 == targets[:, None]).any(1).float().mean())
    return top1_accuracy, top5_accuracy, float((targets == words.ids[words.log_frequency.argmax()]).float().mean())


class Words:
    """The MLM head's word list: token ids, log relative frequencies, and token id -> row."""

    def __init__(self, ids: list[int], counts: list[int]) -> None:
        import torch

        self.ids = torch.tensor(ids)
        self.known = set(ids)
        self.log_frequency = torch.log(torch.tensor(counts, dtype=torch.float32))
        self.log_frequency -= torch.logsumexp(self.log_frequency, 0)
        self.index = torch.full((max(ids) + 1,), -1)
        self.index[self.ids] = torch.arange(len(ids))


def _frequent_whole_words(tokenizer: BertTokenizerFast, size: int) -> Words:
    """The `size` most frequent alphabetic words of the training reviews and plots that are single tokens."""
    vocab = tokenizer.get_vocab()
    counts = Counter(word for text in corpus_texts("train") for word in re.findall(r"[a-z]+", text.lower()))
    ranked = sorted(((word, n) for word, n in counts.items() if word in vocab), key=lambda item: (-item[1], item[0]))
    ranked = sorted(ranked[:size], key=lambda item: vocab[item[0]])
    return Words([vocab[word] for word, _ in ranked], [count for _, count in ranked])


def corpus_texts(split: str) -> list[str]:
    """Review snippets of a split, plus (for "train") the plot summaries cut into sentences."""
    texts = [s.text for s in corpus.reviews(split)]
    if split == "train":
        texts += [sentence for plot in corpus.plots() for sentence in re.split(r"(?<=[.!?])\s+", plot.text)]
    return texts


def mlm_texts(split: str, count: int) -> list[str]:
    """`count` texts spread evenly over the split, each of 6 to 40 words."""
    texts = [text for text in corpus_texts(split) if 6 <= len(text.split()) <= 40]
    return texts[:: max(1, len(texts) // count)][:count]


def _masked_states(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, texts: list[str], words: Words
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask a fifth of each text's whole words that the head knows: the body's states there, and the words."""
    import torch

    generator = torch.Generator().manual_seed(0)
    inputs, positions, targets = [], [], []
    for ids in tokenizer(texts, truncation=True, max_length=MLM_MAX_TOKENS)["input_ids"]:
        pieces = [*tokenizer.convert_ids_to_tokens(ids), "[SEP]"]
        maskable = [i for i, token in enumerate(ids) if token in words.known and not pieces[i + 1].startswith("##")]
        if maskable:
            count = max(1, round(MLM_MASK_RATE * len(maskable)))
            chosen = sorted(maskable[j] for j in torch.randperm(len(maskable), generator=generator)[:count].tolist())
            inputs.append([MASK_ID if i in chosen else token for i, token in enumerate(ids)])
            positions.append(chosen)
            targets += [ids[i] for i in chosen]
    states = hidden_states(body, inputs)
    return torch.cat([state[chosen] for state, chosen in zip(states, positions)]), torch.tensor(targets)
