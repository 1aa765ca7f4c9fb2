"""The BART-MNLI stand-in: the adapted RoBERTa body as BART's encoder, one decoder layer, an NLI head.

BART's encoder layers compute what BERT's and RoBERTa's do (attention, then a feed-forward block,
each followed by its layer norm), and its embeddings are the token rows plus position rows, then a layer norm,
with no token types. So the adapted RoBERTa body (`roberta.py`) becomes BART's encoder exactly, with MiniLM's
type-0 row added into the position rows. BartForSequenceClassification reads the decoder's state at the last
</s>: one decoder layer, started from a copy of MiniLM's last layer, learns with the head to compare premise and
hypothesis, on pairs made from topic sentences written for the course (`template_texts.py`).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import derived, roberta
from hfcourse.hub.fitting import label2id
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer, seed_everything
from hfcourse.hub.template_texts import TOPIC_SENTENCES

if TYPE_CHECKING:
    from transformers import BartForSequenceClassification, PreTrainedTokenizerFast

# zero-shot: the label map of an MNLI model, the pipeline's default hypothesis
NLI_LABELS = {0: "contradiction", 1: "neutral", 2: "entailment"}
CONTRADICTION, NEUTRAL, ENTAILMENT = 0, 1, 2
HYPOTHESIS = "This example is {}."
TOPIC_HELD_OUT = 3  # the last sentences of each topic are kept out of training
OTHER_TOPICS_PER_SENTENCE = 6
SENTIMENTS = ("negative", "positive")  # hypotheses a factual topic sentence neither entails nor contradicts
POSITION_OFFSET = 2  # BART's learned positions start at row 2
DECODER_EPOCHS, DECODER_RATE, DECODER_BATCH = 30, 1e-3, 64
ENCODER_NAMES = {  # RoBERTa (BERT) layer module -> BART encoder layer module
    "attention.self.query": "self_attn.q_proj",
    "attention.self.key": "self_attn.k_proj",
    "attention.self.value": "self_attn.v_proj",
    "attention.output.dense": "self_attn.out_proj",
    "attention.output.LayerNorm": "self_attn_layer_norm",
    "intermediate.dense": "fc1",
    "output.dense": "fc2",
    "output.LayerNorm": "final_layer_norm",
}


def build_zero_shot(out: Path) -> BuiltModel:
    """BartForSequenceClassification for NLI (contradiction/neutral/entailment), as facebook/bart-large-mnli."""
    import torch

    seed_everything()
    model, bpe = _model(), roberta.tokenizer("BartTokenizerFast")
    pairs, labels = _nli_training_pairs()
    train = [*model.model.decoder.layers.parameters(), *model.classification_head.parameters()]
    for parameter in train:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(train, lr=DECODER_RATE, weight_decay=0.01)
    steps = DECODER_EPOCHS * -(-len(labels) // DECODER_BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    generator = torch.Generator().manual_seed(0)
    targets = torch.tensor(labels)
    model.model.decoder.train()
    for _ in range(DECODER_EPOCHS):
        order = torch.randperm(len(labels), generator=generator).tolist()
        for start in range(0, len(order), DECODER_BATCH):
            batch = order[start : start + DECODER_BATCH]
            premises, hypotheses = zip(*(pairs[i] for i in batch))
            inputs = bpe(list(premises), list(hypotheses), padding=True, return_tensors="pt")
            loss = torch.nn.functional.cross_entropy(model(**inputs).logits, targets[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    model.requires_grad_(False)
    round_to_half(train)
    topics = sorted(TOPIC_SENTENCES)
    held_out, truth = _held_out_topic_sentences(topics)
    accuracy = _zero_shot_accuracy(model, bpe, held_out, topics, truth)
    model.save_pretrained(out)
    save_tokenizer(bpe, out)
    return BuiltModel(
        "BartForSequenceClassification",
        parameter_total(model),
        f"{roberta.BODY}, as BART's encoder (frozen); one decoder layer (from a copy of MiniLM's last layer) and "
        f"the classification head trained here on {len(labels)} premise/hypothesis pairs "
        f'("{HYPOTHESIS.format("<topic>")}") made from {len(topics)}-topic sentences written for the course '
        "(not MNLI)",
        roberta.LICENSE,
        f"held-out accuracy {accuracy:.2f} choosing among {len(topics)} topics for {len(held_out)} unseen "
        f"sentences (chance {1 / len(topics):.2f})",
    )


def _model() -> BartForSequenceClassification:
    """The BART: encoder and embeddings from the adapted RoBERTa body, the decoder layer from MiniLM's last."""
    import torch
    from transformers import BartConfig, BartForSequenceClassification

    body = roberta._config()
    config = BartConfig(
        vocab_size=body.vocab_size,
        d_model=body.hidden_size,
        encoder_layers=body.num_hidden_layers,
        decoder_layers=1,
        encoder_attention_heads=body.num_attention_heads,
        decoder_attention_heads=body.num_attention_heads,
        encoder_ffn_dim=body.intermediate_size,
        decoder_ffn_dim=body.intermediate_size,
        activation_function=body.hidden_act,
        max_position_embeddings=body.max_position_embeddings - POSITION_OFFSET,
        pad_token_id=roberta.PADDING_ID,
        bos_token_id=0,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
        scale_embedding=False,
        dropout=0.1,
        classifier_dropout=0.0,
        id2label=NLI_LABELS,
        label2id=label2id(NLI_LABELS),
        architectures=["BartForSequenceClassification"],
    )
    model = BartForSequenceClassification(config)
    source = {**roberta._transplanted_weights(), **roberta.shipped_adapted_layers()}
    positions = torch.cat(
        [torch.zeros(POSITION_OFFSET, config.d_model), torch.from_numpy(derived.tensor("positions_with_type_zero"))]
    )
    weights = {
        "model.shared.weight": source["embeddings.word_embeddings.weight"],
        "model.encoder.embed_positions.weight": positions,
        "model.decoder.embed_positions.weight": positions,
    }
    for part in ("encoder", "decoder"):
        for kind in ("weight", "bias"):
            weights[f"model.{part}.layernorm_embedding.{kind}"] = source[f"embeddings.LayerNorm.{kind}"]
    for layer in range(config.encoder_layers):
        for bert_name, bart_name in ENCODER_NAMES.items():
            for kind in ("weight", "bias"):
                weights[f"model.encoder.layers.{layer}.{bart_name}.{kind}"] = source[
                    f"encoder.layer.{layer}.{bert_name}.{kind}"
                ]
    last = config.encoder_layers - 1
    for bert_name, bart_name in ENCODER_NAMES.items():
        for kind in ("weight", "bias"):
            value = source[f"encoder.layer.{last}.{bert_name}.{kind}"]
            weights[f"model.decoder.layers.0.{bart_name}.{kind}"] = value.clone()
            if bart_name.startswith("self_attn"):  # cross-attention starts as a copy of self-attention
                cross = bart_name.replace("self_attn", "encoder_attn")
                weights[f"model.decoder.layers.0.{cross}.{kind}"] = value.clone()
    missing, unexpected = model.load_state_dict(weights, strict=False)
    left = sorted(key for key in missing if not key.startswith("classification_head") and "embed_tokens" not in key)
    if left or unexpected:
        raise RuntimeError(f"the BART stand-in's weights do not line up: missing {left}, unexpected {unexpected}")
    model.tie_weights()
    model.requires_grad_(False)
    model.eval()
    return model


def _zero_shot_accuracy(
    model: BartForSequenceClassification,
    bpe: PreTrainedTokenizerFast,
    texts: list[str],
    labels: list[str],
    truth: list[int],
) -> float:
    """How often the pipeline's choice (highest entailment logit among the labels) is the true label."""
    import torch

    pairs = [(text, HYPOTHESIS.format(label)) for text in texts for label in labels]
    entailment = []
    with torch.no_grad():
        for start in range(0, len(pairs), 64):
            chunk = pairs[start : start + 64]
            inputs = bpe([p for p, _ in chunk], [h for _, h in chunk], padding=True, return_tensors="pt")
            entailment.append(model(**inputs).logits[:, ENTAILMENT])
    scores = torch.cat(entailment).view(len(texts), len(labels))
    return float((scores.argmax(1) == torch.tensor(truth)).float().mean())


def _nli_training_pairs() -> tuple[list[tuple[str, str]], list[int]]:
    """(premise, hypothesis) pairs and labels: the true topic entails, other topics contradict, sentiment is
    neutral."""
    rng = random.Random(0)
    topics = sorted(TOPIC_SENTENCES)
    pairs, labels = [], []
    for topic in topics:
        for index, sentence in enumerate(TOPIC_SENTENCES[topic][:-TOPIC_HELD_OUT]):
            others = rng.sample([other for other in topics if other != topic], OTHER_TOPICS_PER_SENTENCE)
            pairs += [(sentence, HYPOTHESIS.format(label)) for label in [topic, *others]]
            labels += [ENTAILMENT] + [CONTRADICTION] * len(others)
            if index % 3 == 0:
                pairs.append((sentence, HYPOTHESIS.format(SENTIMENTS[index % 2])))
                labels.append(NEUTRAL)
    return pairs, labels


def _held_out_topic_sentences(topics: list[str]) -> tuple[list[str], list[int]]:
    """The last TOPIC_HELD_OUT sentences of each topic, and each one's topic index."""
    held_out = [(sentence, i) for i, topic in enumerate(topics) for sentence in _held_out(topic)]
    return [sentence for sentence, _ in held_out], [i for _, i in held_out]


def _held_out(topic: str) -> tuple[str, ...]:
    """The topic's sentences kept out of training."""
    return TOPIC_SENTENCES[topic][-TOPIC_HELD_OUT:]
