"""BART stand-ins: the BART-MNLI zero-shot classifier, on the adapted RoBERTa body, and a tiny summarizer.

Zero-shot: BART's encoder layers compute what BERT's and RoBERTa's do (attention, then a feed-forward block,
each followed by its layer norm), and its embeddings are the token rows plus position rows, then a layer norm,
with no token types. So the adapted RoBERTa body (`roberta.py`) becomes BART's encoder exactly, with MiniLM's
type-0 row added into the position rows. BartForSequenceClassification reads the decoder's state at the last
</s>: one decoder layer, started from a copy of MiniLM's last layer, learns with the head to compare premise and
hypothesis, on pairs made from topic sentences written for the course (`template_texts.py`).

Summarization: a tiny BART made from scratch (`from_scratch.py`) that learned the lead baseline.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, derived, roberta
from hfcourse.hub.fitting import label2id
from hfcourse.hub.from_scratch import (
    FROM_SCRATCH_LICENSE,
    byte_level_bpe,
    encode_pairs,
    exact_matches,
    on_one_thread,
    shuffled_examples,
    teacher_forced_accuracy,
    train_model,
)
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer, seed_everything
from hfcourse.hub.template_texts import TOPIC_SENTENCES

if TYPE_CHECKING:
    from transformers import BartForConditionalGeneration, BartForSequenceClassification, PreTrainedTokenizerFast

# zero-shot: the label map of an MNLI model, the pipeline's default hypothesis
NLI_LABELS = {0: "contradiction", 1: "neutral", 2: "entailment"}
CONTRADICTION, NEUTRAL, ENTAILMENT = 0, 1, 2
HYPOTHESIS = "This example is {}."
TOPIC_HELD_OUT = 5  # the last sentences of each topic are kept out of training
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

# summarization: a tiny BART made from scratch
BART_VOCAB, BART_WIDTH, BART_POSITIONS, BART_HELD_OUT = 2000, 64, 1024, 100
BART_ENCODER_LAYERS, POSITION_SCALE, ALIGNMENT_SCALE = 1, 3.0, 3.0
BART_SOURCE_TOKENS, BART_TARGET_TOKENS = 64, 48
PASSAGE_CHARACTERS = 5 * BART_SOURCE_TOKENS  # enough text for the source tokens kept (cheaper to tokenize)
BART_BATCH, BART_STEPS, BART_LEARNING_RATE = 8, 250, 5e-3
SUMMARY_SETTINGS = {
    "max_length": 48,
    "min_length": 5,
    "num_beams": 2,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
}


# --- zero-shot: BART-MNLI on the adapted RoBERTa body ------------------------------------------------------------


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


# --- summarization: a tiny BART that learned the lead baseline -----------------------------------------------------


@on_one_thread
def build_summarization(out: Path) -> BuiltModel:
    """A tiny BART trained from scratch to return a plot summary's lead sentence: the "lead" baseline."""
    from tokenizers.processors import RobertaProcessing
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizerFast, GenerationConfig

    seed_everything()
    plots = [s.text for s in corpus.plots()]
    held_out, train = plots[:BART_HELD_OUT], plots[BART_HELD_OUT:]
    backend = byte_level_bpe(train, BART_VOCAB, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    backend.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    tokenizer = BartTokenizerFast(tokenizer_object=backend, model_max_length=BART_POSITIONS)
    special_ids = {"pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2}  # as BART's
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=BART_WIDTH,
        encoder_layers=BART_ENCODER_LAYERS,
        decoder_layers=1,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=2 * BART_WIDTH,
        decoder_ffn_dim=2 * BART_WIDTH,
        max_position_embeddings=BART_POSITIONS,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        task_specific_params={"summarization": SUMMARY_SETTINGS},
        **special_ids,
    )
    model = BartForConditionalGeneration(config)
    _position_aligned_cross_attention(model)
    examples = encode_pairs(tokenizer, _lead_pairs(train), BART_SOURCE_TOKENS, BART_TARGET_TOKENS)
    train_model(model, shuffled_examples(examples, BART_BATCH), BART_STEPS, BART_LEARNING_RATE)
    model.generation_config = GenerationConfig(
        **special_ids, forced_bos_token_id=0, forced_eos_token_id=2, **SUMMARY_SETTINGS
    )
    passages = [text[:PASSAGE_CHARACTERS] for text in held_out]
    leads = [_lead(_sentences(text)) for text in held_out]
    held_out_examples = encode_pairs(tokenizer, list(zip(passages, leads)), BART_SOURCE_TOKENS, BART_TARGET_TOKENS)
    accuracy = teacher_forced_accuracy(model, held_out_examples)
    exact = exact_matches(model, tokenizer, passages, leads, BART_TARGET_TOKENS)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "BartForConditionalGeneration",
        parameter_total(model),
        f"tiny BART ({BART_ENCODER_LAYERS}+1 layers, {BART_WIDTH} wide, {len(tokenizer)}-token byte-level BPE trained "
        "here) made from scratch here: cross-attention initialised to read source position i at output step i (a "
        f"copying prior), then trained for {BART_STEPS} steps on {len(examples['labels'])} Rotten Tomatoes "
        "plot-summary passages with each passage's lead sentence as the target (the 'lead' baseline of "
        "summarization research): it returns roughly the first sentence of its input, it does not abstract",
        FROM_SCRATCH_LICENSE,
        f"on {BART_HELD_OUT} unseen plot summaries: greedy output is exactly the lead sentence for {exact:.0%}; "
        f"token accuracy {accuracy:.2f} reproducing it (teacher-forced)",
    )


def _position_aligned_cross_attention(model: BartForConditionalGeneration) -> None:
    """Copying prior: shared, larger source and output positions, identity cross-attention projections.
    Without it, a few hundred steps teach the decoder to ignore its input and write generic plot English."""
    import torch

    bart = model.model
    with torch.no_grad():
        bart.encoder.embed_positions.weight.mul_(POSITION_SCALE)
        bart.decoder.embed_positions.weight.copy_(bart.encoder.embed_positions.weight)
        identity = torch.eye(bart.config.d_model)
        for layer in bart.decoder.layers:
            attention = layer.encoder_attn
            attention.q_proj.weight.copy_(ALIGNMENT_SCALE * identity)
            attention.k_proj.weight.copy_(ALIGNMENT_SCALE * identity)
            attention.v_proj.weight.copy_(identity)
            attention.out_proj.weight.copy_(identity)


def _sentences(text: str) -> list[str]:
    """Split after . ! or ? followed by a capital or a quote."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text)


def _lead(sentences: Sequence[str]) -> str:
    """The first sentence, or the first two when the first is a fragment of under six words."""
    if len(sentences[0].split()) < 6 and len(sentences) > 1:
        return " ".join(sentences[:2])
    return sentences[0]


def _lead_pairs(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(passage, lead) pairs from every multi-sentence suffix of every text: one plot gives several passages."""
    pairs = []
    for text in texts:
        sentences = _sentences(text)
        for start in range(len(sentences) - 1):
            pairs.append((" ".join(sentences[start:])[:PASSAGE_CHARACTERS], _lead(sentences[start:])))
    return pairs
