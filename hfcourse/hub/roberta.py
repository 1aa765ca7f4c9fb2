"""RoBERTa stand-ins: MiniLM's real pretrained body under RoBERTa's names, reading GPT-2's byte-level BPE tokens.

RoBERTa's layers compute what BERT's do, so MiniLM's six layers move over unchanged. The embeddings change:
each BPE token's row is the mean of MiniLM's rows for the WordPiece tokens that spell it (`derived.py`), and
positions start at 2, as in RoBERTa. Where both tokenizers cut a sentence the same way, this body computes
exactly what MiniLM computes. Where they do not (a word BPE splits, like "Ġthr" + "iller", but WordPiece keeps
whole), the top layers are adapted by distillation: they learn to give each token the state MiniLM gives the
word it belongs to, and to give the first token, <s>, MiniLM's mean over the sentence, the summary that
sentence-transformers reads from it. Heads that read the first token (a classification head) then learn. At the
same time, with an MLM head, they learn to name masked words, as RoBERTa was pretrained to: MiniLM never was.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import byte_level_bpe, corpus, derived
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.fitting import cls_states, cross_entropy, fit, hidden_states, predictions
from hfcourse.hub.masked_lm import (
    MLM_MASK_RATE,
    MLM_MAX_TOKENS,
    MLM_VOCABULARY,
    Words,
    corpus_texts,
    mlm_accuracy,
    mlm_texts,
)
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

SHARED_BODY = "roberta_mlm"  # the stand-in that ships the adapted layers, which the other RoBERTa and BART ones borrow
PADDING_ID = 1  # <pad>: RoBERTa's positions count from PADDING_ID + 1
ADAPTED_LAYERS = 2  # the top layers that distillation trains; the lower four stay MiniLM's, bit for bit
THREE_WAY_TRAIN_REVIEWS, THREE_WAY_TRAIN_PLOTS = 1200, 600
THREE_WAY_HELD_OUT_REVIEWS, THREE_WAY_HELD_OUT_PLOTS = 400, 200
THREE_WAY_POOLER_SCALE, THREE_WAY_EMPHASIS = 0.5, 10.0  # see _fit_classifier: features a fresh head learns from
DISTILLATION_STEPS, DISTILLATION_BATCH, DISTILLATION_TOKENS, DISTILLATION_RATE = 1000, 32, 48, 2e-4
DISTILLATION_WARMUP = 50
SUMMARY_WEIGHT = 50.0  # the first token's cosine loss against the per-token squared error (about 20 at the start)
HEAD_REFIT_EPOCHS, HEAD_REFIT_RATE = 3, 3e-4
HELD_OUT_TEXTS = 400  # four times the BERT heads' set: about 1,000 masked words, so a score is good to about ±0.03
WORD_WEIGHT = 5.0  # the masked words' cross-entropy (about 7 at the start) against the same squared error
LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights; head and adaptation made here); tokenizer data MIT (GPT-2)"
BODY = (
    "real pretrained all-MiniLM-L6-v2 body in RoBERTa's layout (byte-level BPE, GPT-2's real merges; embedding rows "
    f"averaged from MiniLM's WordPiece rows; top {ADAPTED_LAYERS} layers adapted on real Rotten Tomatoes text by "
    "distillation from MiniLM, so that <s> carries the sentence's mean state, and by naming masked words)"
)


def tokenizer(tokenizer_class: str = "RobertaTokenizerFast") -> PreTrainedTokenizerFast:
    return byte_level_bpe.roberta_tokenizer(tokenizer_class)


def model_with_body(model_class: type[PreTrainedModel], **config_fields: object) -> PreTrainedModel:
    """A fresh RoBERTa `model_class` with the adapted MiniLM body as the roberta-base stand-in ships it (train that
    one first), frozen, in eval mode."""
    model = model_class(_config(model_class, **config_fields))
    body = model.base_model
    weights = {**_transplanted_weights(), **shipped_adapted_layers()}
    body.load_state_dict({key: weights[key] for key in body.state_dict()})
    model.tie_weights()
    model.eval()
    model.requires_grad_(False)
    return model


def _config(model_class: type[PreTrainedModel] | None = None, **config_fields: object) -> object:
    from transformers import BertConfig, RobertaConfig

    minilm = BertConfig.from_pretrained(minilm_dir())
    return RobertaConfig(
        vocab_size=len(byte_level_bpe.roberta_vocabulary()),
        hidden_size=minilm.hidden_size,
        num_hidden_layers=minilm.num_hidden_layers,
        num_attention_heads=minilm.num_attention_heads,
        intermediate_size=minilm.intermediate_size,
        hidden_act=minilm.hidden_act,
        max_position_embeddings=minilm.max_position_embeddings + PADDING_ID + 1,
        type_vocab_size=1,
        layer_norm_eps=minilm.layer_norm_eps,
        pad_token_id=PADDING_ID,
        bos_token_id=0,
        eos_token_id=2,
        architectures=[model_class.__name__] if model_class else None,
        **config_fields,
    )


def _transplanted_weights() -> dict[str, torch.Tensor]:
    """MiniLM's body under RoBERTa's names, before any adaptation."""
    import torch
    from safetensors.torch import load_file

    minilm = load_file(minilm_dir() / "model.safetensors")
    positions = minilm["embeddings.position_embeddings.weight"]
    weights = {key: value for key, value in minilm.items() if key.startswith("encoder.")}
    weights["embeddings.word_embeddings.weight"] = torch.from_numpy(derived.tensor("roberta_word_embeddings"))
    unused = torch.zeros(PADDING_ID + 1, positions.shape[1])  # positions 0 and 1 are never used
    weights["embeddings.position_embeddings.weight"] = torch.cat([unused, positions])
    weights["embeddings.token_type_embeddings.weight"] = minilm["embeddings.token_type_embeddings.weight"][:1]
    for kind in ("weight", "bias"):
        weights[f"embeddings.LayerNorm.{kind}"] = minilm[f"embeddings.LayerNorm.{kind}"]
    return weights


def shipped_adapted_layers() -> dict[str, torch.Tensor]:
    """The adapted top layers as the roberta-base stand-in ships them (train that one first)."""
    import torch

    from hfcourse.hub.shipped import stand_in_tensors

    prefix = "roberta."
    shipped = stand_in_tensors(SHARED_BODY)
    return {
        key.removeprefix(prefix): torch.from_numpy(value)
        for key, value in shipped.items()
        if key.startswith(f"{prefix}encoder.layer.")
        and int(key.split(".")[3]) >= _config().num_hidden_layers - ADAPTED_LAYERS
    }


def _distilled_masked_lm(bpe: PreTrainedTokenizerFast, words: Words) -> PreTrainedModel:
    """A RobertaForMaskedLM on the transplanted body whose top layers, MLM head and <mask> embedding row learn
    together, on real Rotten Tomatoes text, three things at once:

    - each unmasked token's state is the state MiniLM gives the word it belongs to (squared error);
    - the first token, <s>, carries MiniLM's mean over the sentence (cosine loss), the summary that
      sentence-transformers reads from it, so heads that read the first token learn;
    - at a masked whole word, the head names the word among `words` (cross-entropy), as in RoBERTa's pretraining.
    The trained parameters are rounded to float16 values (shipped in half the bytes, widened exactly).
    """
    import torch
    from transformers import AutoModel, AutoTokenizer, RobertaForMaskedLM

    seed_everything()
    teacher = AutoModel.from_pretrained(minilm_dir()).eval()
    teacher_tokenizer = AutoTokenizer.from_pretrained(minilm_dir())
    model = RobertaForMaskedLM(_config(RobertaForMaskedLM))
    model.roberta.load_state_dict(_transplanted_weights(), strict=False)  # the pooler stays unused
    model.tie_weights()
    model.requires_grad_(False)
    head, embeddings = model.lm_head, model.get_input_embeddings().weight
    with torch.no_grad():
        head.bias.fill_(-100.0)  # words outside the head's vocabulary are never proposed
        head.bias[words.ids] = words.log_frequency
    trained = [
        *model.roberta.encoder.layer[-ADAPTED_LAYERS:].parameters(),
        *head.dense.parameters(),
        *head.layer_norm.parameters(),
        head.bias,
    ]
    for parameter in [*trained, embeddings]:
        parameter.requires_grad_(True)
    only_mask_row = torch.zeros(embeddings.shape[0], 1)
    only_mask_row[bpe.mask_token_id] = 1.0
    embeddings.register_hook(lambda grad: grad * only_mask_row)  # of the embeddings, only the <mask> row learns
    known_embeddings = embeddings.detach()[words.ids]
    texts = [s.text for s in corpus.reviews("train")] + [s.text for s in corpus.plot_sentences("train")]
    random.Random(0).shuffle(texts)
    optimizer = torch.optim.AdamW([*trained, embeddings], lr=DISTILLATION_RATE, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / DISTILLATION_WARMUP) * (1 - step / DISTILLATION_STEPS)
    )
    generator = torch.Generator().manual_seed(0)
    model.train()
    for step in range(DISTILLATION_STEPS):
        start = step * DISTILLATION_BATCH % len(texts)
        batch = (texts + texts)[start : start + DISTILLATION_BATCH]
        inputs, targets, counted, summaries = _distillation_targets(batch, teacher, teacher_tokenizer, bpe)
        ids = inputs["input_ids"]
        masked = _maskable_words(bpe, ids, words) & (torch.rand(ids.shape, generator=generator) < MLM_MASK_RATE)
        states = model.roberta(
            input_ids=ids.masked_fill(masked, bpe.mask_token_id), attention_mask=inputs["attention_mask"]
        ).last_hidden_state
        token_loss = ((states - targets) ** 2).sum(-1)[counted & ~masked].mean()
        summary_loss = 1 - torch.nn.functional.cosine_similarity(states[:, 0], summaries).mean()
        logits = _mlm_transform(model, states[masked]) @ known_embeddings.T + head.bias[words.ids]
        word_loss = cross_entropy(logits, words.index[ids[masked]])
        loss = token_loss + SUMMARY_WEIGHT * summary_loss + WORD_WEIGHT * word_loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    model.eval()
    model.requires_grad_(False)
    with torch.no_grad():
        for parameter in trained:
            parameter.copy_(parameter.half().float())
        embeddings[bpe.mask_token_id] = embeddings[bpe.mask_token_id].half().float()
    return model


def _maskable_words(bpe: PreTrainedTokenizerFast, ids: torch.Tensor, words: Words) -> torch.Tensor:
    """Which tokens of a padded batch are whole words that the head knows (a known token that ends its word)."""
    import torch

    ends_word = [
        [piece.startswith("Ġ") or not piece[:1].isalpha() for piece in [*bpe.convert_ids_to_tokens(row)[1:], "Ġ"]]
        for row in ids.tolist()
    ]
    known = torch.zeros(len(bpe), dtype=torch.bool)
    known[words.ids] = True
    return known[ids] & torch.tensor(ends_word)


def _mlm_transform(model: PreTrainedModel, states: torch.Tensor) -> torch.Tensor:
    """What RoBERTa's MLM head computes before its decoder (tied to the word embeddings)."""
    import torch

    head = model.lm_head
    return head.layer_norm(torch.nn.functional.gelu(head.dense(states)))


def _distillation_targets(
    texts: list[str], teacher: PreTrainedModel, teacher_tokenizer: object, student_tokenizer: object
) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor, torch.Tensor]:
    """The student's inputs; for each student token, the mean teacher state of the WordPiece tokens that overlap
    it (</s> gets [SEP]'s); which tokens count; and the teacher's mean state of each sentence (<s>'s target)."""
    import torch

    def encode(tokenizer: object) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
        encoded = tokenizer(  # type: ignore[operator]
            texts,
            return_offsets_mapping=True,
            padding=True,
            truncation=True,
            max_length=DISTILLATION_TOKENS,
            return_tensors="pt",
        )
        return encoded, encoded.pop("offset_mapping")

    teacher_inputs, teacher_spans = encode(teacher_tokenizer)
    student_inputs, student_spans = encode(student_tokenizer)
    with torch.no_grad():
        teacher_states = teacher(**teacher_inputs).last_hidden_state
    t_start, t_end = teacher_spans[..., 0][:, None, :], teacher_spans[..., 1][:, None, :]
    s_start, s_end = student_spans[..., 0][:, :, None], student_spans[..., 1][:, :, None]
    overlap = (s_start < t_end) & (t_start < s_end) & (t_end > t_start) & (s_end > s_start)
    weights = overlap.float() / overlap.sum(-1, keepdim=True).clamp(min=1)
    targets = weights @ teacher_states
    mask = teacher_inputs["attention_mask"].unsqueeze(-1).float()
    summaries = (teacher_states * mask).sum(1) / mask.sum(1)
    ends = student_inputs["input_ids"] == 2
    separators = teacher_states[torch.arange(len(texts)), teacher_inputs["attention_mask"].sum(1) - 1]
    targets[ends] = separators
    return student_inputs, targets, overlap.any(-1) | ends, summaries


def build_roberta_mlm(out: Path) -> BuiltModel:
    """RobertaForMaskedLM (roberta-base, distilroberta-base): the body whose top layers and MLM head learned masked
    words of real text while keeping MiniLM's reading (`_distilled_masked_lm`); the other RoBERTa and BART
    stand-ins borrow its adapted layers."""
    import torch

    bpe = tokenizer()
    words = _frequent_words(bpe, MLM_VOCABULARY)
    model = _distilled_masked_lm(bpe, words)
    _refit_mlm_head(model, bpe, words)
    held_states, held_targets = _masked_states(model.roberta, bpe, mlm_texts("test", HELD_OUT_TEXTS), words)
    with torch.no_grad():
        logits = _mlm_transform(model, held_states) @ model.get_input_embeddings().weight.T + model.lm_head.bias
    top1, top5, most_frequent = mlm_accuracy(logits, held_targets, words)
    model.save_pretrained(out)
    save_tokenizer(bpe, out)
    return BuiltModel(
        "RobertaForMaskedLM",
        parameter_total(model),
        f"{BODY}; MLM head (transform and output bias; decoder tied to the embeddings) and <mask> embedding row "
        f"trained with those layers to name masked words ({MLM_MASK_RATE:.0%} of the known whole words) of the same "
        f"text, then the head fitted again on the finished body over all of that text; it proposes only the "
        f"{MLM_VOCABULARY} most frequent words of that corpus",
        LICENSE,
        f"held-out top-1 accuracy {top1:.2f} (always the most frequent word: {most_frequent:.2f}), top-5 "
        f"{top5:.2f}, on {len(held_targets)} masked words of Rotten Tomatoes snippets of other movies",
    )


def _refit_mlm_head(model: PreTrainedModel, bpe: PreTrainedTokenizerFast, words: Words) -> None:
    """Fit the MLM head further on the finished body, on masked words of all the training text at once: the
    body's states are computed once, so this sees every text where the joint training saw each about twice."""
    import torch

    states, targets = _masked_states(model.roberta, bpe, mlm_texts("train", len(corpus_texts("train"))), words)
    head = model.lm_head
    known_embeddings = model.get_input_embeddings().weight.detach()[words.ids]
    parameters = [*head.dense.parameters(), *head.layer_norm.parameters(), head.bias]

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        logits = _mlm_transform(model, states[batch]) @ known_embeddings.T + head.bias[words.ids]
        return cross_entropy(logits, words.index[targets[batch]])

    for parameter in parameters:
        parameter.requires_grad_(True)
    fit(parameters, batch_loss, len(targets), epochs=HEAD_REFIT_EPOCHS, lr=HEAD_REFIT_RATE, weight_decay=0.1)
    model.requires_grad_(False)
    with torch.no_grad():
        for parameter in parameters:
            parameter.copy_(parameter.half().float())


def _frequent_words(bpe: PreTrainedTokenizerFast, size: int) -> Words:
    """The `size` most frequent lower-case words of the training text that are one BPE token after a space."""
    import re
    from collections import Counter

    vocab = bpe.get_vocab()
    counts = Counter(word for text in corpus_texts("train") for word in re.findall(r"[a-z]+", text))
    ranked = sorted(
        ((f"Ġ{word}", n) for word, n in counts.items() if f"Ġ{word}" in vocab), key=lambda item: (-item[1], item[0])
    )
    ranked = sorted(ranked[:size], key=lambda item: vocab[item[0]])
    return Words([vocab[token] for token, _ in ranked], [count for _, count in ranked])


def _masked_states(
    body: PreTrainedModel, bpe: PreTrainedTokenizerFast, texts: list[str], words: Words
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask a fifth of each text's known whole words (a known token followed by a new word or the end)."""
    import torch

    generator = torch.Generator().manual_seed(0)
    mask_id = bpe.mask_token_id
    inputs, positions, targets = [], [], []
    for ids in bpe(texts, truncation=True, max_length=MLM_MAX_TOKENS)["input_ids"]:
        pieces = [*bpe.convert_ids_to_tokens(ids), "Ġ"]
        ends_word = [piece.startswith("Ġ") or not piece[:1].isalpha() for piece in pieces[1:]]
        whole = [i for i, token in enumerate(ids) if token in words.known and ends_word[i]]
        if whole:
            count = max(1, round(MLM_MASK_RATE * len(whole)))
            chosen = sorted(whole[j] for j in torch.randperm(len(whole), generator=generator)[:count].tolist())
            inputs.append([mask_id if i in chosen else token for i, token in enumerate(ids)])
            positions.append(chosen)
            targets += [ids[i] for i in chosen]
    states = hidden_states(body, inputs)
    return torch.cat([state[chosen] for state, chosen in zip(states, positions)]), torch.tensor(targets)


@dataclass(frozen=True)
class Score:
    """A fitted classifier's size, its held-out accuracy, and the share of the held-out majority class."""

    parameters: int
    accuracy: float
    majority: float


def build_three_way_sentiment(out: Path) -> BuiltModel:
    """RobertaForSequenceClassification with a 3-label head (negative/neutral/positive, named LABEL_0-2 as in the
    real config), on the adapted body.

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
        "RobertaForSequenceClassification",
        score.parameters,
        f"{BODY}, frozen; the head's dense layer set to stress the sentiment directions of a first regression, then a "
        f"3-way classifier fitted here (logistic regression on the head's tanh output for <s>) on {len(texts)} real "
        "Rotten Tomatoes texts: rotten snippets LABEL_0 (negative), plot-summary sentences LABEL_1 (neutral), "
        "fresh snippets LABEL_2 (positive); no tweets",
        LICENSE,
        f"held-out accuracy {score.accuracy:.2f} on {len(held_out_texts)} texts of other movies "
        f"(majority class {score.majority:.2f})",
    )


def _fit_classifier(
    out: Path,
    label_names: list[str],
    texts: list[str],
    labels: list[int],
    weights: list[float],
    held_out_texts: list[str],
    held_out_labels: list[int],
    pooler_scale: float,
    emphasis: float = 0.0,
) -> Score:
    """Save MiniLM with a classification head fitted by logistic regression on its pooled [CLS] vectors.

    RobertaClassificationHead computes out_proj(tanh(dense(h))) for the first token's state h. Its dense layer is
    set to scale * (I + emphasis * P), where P projects onto the directions a first regression on the raw states
    found (none when emphasis is 0): like the head of a fine-tuned model,
    it makes the task's directions dominate, so a new head trained on a frozen body learns from few rows.
    The regression fitted on the pooler's outputs becomes the classifier: the saved model computes exactly it.
    """
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from transformers import RobertaForSequenceClassification

    bpe = tokenizer()
    model = model_with_body(
        RobertaForSequenceClassification,
        num_labels=len(label_names),
        id2label=dict(enumerate(label_names)),
        label2id={name: i for i, name in enumerate(label_names)},
    )
    seed_everything()
    first_states = cls_states(model.roberta, bpe, texts)
    pooler = torch.eye(model.config.hidden_size, dtype=torch.float64)
    if emphasis:
        first = LogisticRegression(C=0.1, max_iter=5000).fit(first_states[:, 0].numpy(), labels, sample_weight=weights)
        directions, _ = np.linalg.qr(first.coef_.T)
        pooler += emphasis * torch.from_numpy(directions @ directions.T)
    with torch.no_grad():
        model.classifier.dense.weight.copy_(pooler * pooler_scale)
        model.classifier.dense.bias.zero_()
        pooled = torch.tanh(model.classifier.dense(first_states[:, 0])).numpy()
    fitted = LogisticRegression(C=0.1 / pooler_scale**2, max_iter=5000).fit(pooled, labels, sample_weight=weights)
    weight = torch.tensor(fitted.coef_, dtype=torch.float32)
    bias = torch.tensor(fitted.intercept_, dtype=torch.float32)
    if len(label_names) == 2:  # one logit z; softmax over (-z/2, z/2) equals the logistic sigmoid(z)
        weight, bias = torch.cat([-weight, weight]) / 2, torch.cat([-bias, bias]) / 2
    with torch.no_grad():
        model.classifier.out_proj.weight.copy_(weight)
        model.classifier.out_proj.bias.copy_(bias)
    truth = np.array(held_out_labels)
    accuracy = float((predictions(model, bpe, held_out_texts) == truth).mean())
    majority = float(np.bincount(truth).max() / len(truth))
    model.save_pretrained(out)
    save_tokenizer(bpe, out)
    return Score(parameter_total(model), accuracy, majority)
