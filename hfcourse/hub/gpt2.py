"""The GPT-2 stand-in: a tiny GPT-2 made from scratch (`from_scratch.py`) on real review snippets and plots.

Its embeddings and output head start as an SVD of the text's bigram statistics, so that a few training steps
give locally plausible English.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus
from hfcourse.hub.from_scratch import (
    FROM_SCRATCH_LICENSE,
    byte_level_bpe,
    on_one_thread,
    shuffled_windows,
    train_model,
)
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from transformers import GPT2LMHeadModel, PreTrainedModel

END_OF_TEXT = "<|endoftext|>"
GPT2_VOCAB, GPT2_WIDTH, GPT2_LAYERS, GPT2_POSITIONS = 4000, 192, 4, 1024
GPT2_CONTEXT, GPT2_BATCH, GPT2_STEPS, GPT2_LEARNING_RATE = 128, 8, 4500, 3e-3
GPT2_DROPOUT = 0.1  # on embeddings, attention and residual branches while training
GPT2_HELD_OUT_ROWS = 64  # rows of GPT2_CONTEXT tokens of unseen movies' reviews that the perplexity is measured on


@on_one_thread
def build_text_generation(out: Path) -> BuiltModel:
    """A tiny GPT-2 made from scratch on review snippets and plot summaries; writes review-flavoured English."""
    from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    seed_everything()
    texts = [s.text for s in corpus.reviews("train")] + [s.text for s in corpus.plots()]
    random.Random(0).shuffle(texts)
    backend = byte_level_bpe(texts, GPT2_VOCAB, [END_OF_TEXT])
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=backend,
        bos_token=END_OF_TEXT,
        eos_token=END_OF_TEXT,
        unk_token=END_OF_TEXT,
        model_max_length=GPT2_POSITIONS,
    )
    eos = tokenizer.eos_token_id
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=GPT2_POSITIONS,
        n_embd=GPT2_WIDTH,
        n_layer=GPT2_LAYERS,
        n_head=4,
        resid_pdrop=GPT2_DROPOUT,
        embd_pdrop=GPT2_DROPOUT,
        attn_pdrop=GPT2_DROPOUT,
        tie_word_embeddings=False,
        bos_token_id=eos,
        eos_token_id=eos,
        task_specific_params={"text-generation": {"do_sample": True, "max_length": 50}},
    )
    model = GPT2LMHeadModel(config)
    stream = _token_stream(backend, texts)
    _bigram_initialisation(model, stream)
    windows = shuffled_windows(stream, GPT2_CONTEXT, GPT2_BATCH)
    batches = ({"input_ids": batch, "labels": batch} for batch in windows)
    train_model(model, batches, GPT2_STEPS, GPT2_LEARNING_RATE)
    round_to_half(model.parameters())  # shipped as float16, widened back exactly by the build
    held_out = _token_stream(backend, [s.text for s in corpus.reviews("validation")])[
        : GPT2_HELD_OUT_ROWS * GPT2_CONTEXT
    ]
    held_out = held_out.view(GPT2_HELD_OUT_ROWS, GPT2_CONTEXT)
    model.generation_config = GenerationConfig(bos_token_id=eos, eos_token_id=eos, pad_token_id=eos)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    seen = GPT2_STEPS * GPT2_BATCH * GPT2_CONTEXT  # training tokens
    return BuiltModel(
        "GPT2LMHeadModel",
        parameter_total(model),
        f"tiny GPT-2 ({GPT2_LAYERS} layers, {GPT2_WIDTH} wide, {len(tokenizer)}-token byte-level BPE trained here) "
        "made from scratch here: embeddings and output head start as an SVD of bigram statistics of "
        f"{len(stream)} tokens of Rotten Tomatoes review snippets and plot summaries, then {GPT2_STEPS} training "
        f"steps ({seen} tokens, about {seen / len(stream):.0f} passes) on the same text; writes review-flavoured, "
        "locally plausible English that makes no sense, not GPT-2 quality",
        FROM_SCRATCH_LICENSE,
        f"held-out perplexity {_perplexity(model, held_out):.0f} on {held_out.numel()} tokens of unseen movies' "
        f"reviews (context-free unigram baseline {_unigram_perplexity(stream, held_out, len(tokenizer)):.0f})",
    )


def _token_stream(backend: Tokenizer, texts: Sequence[str]) -> torch.Tensor:
    """The texts as one run of tokens, each text after a space (so that no newlines or end tokens are learned)."""
    import torch

    encodings = backend.encode_batch([" " + text for text in texts])
    return torch.tensor([token for encoding in encodings for token in encoding.ids])


def _bigram_initialisation(model: GPT2LMHeadModel, stream: torch.Tensor, smoothing: float = 10.0) -> None:
    """Embeddings and output head as a rank-`width` SVD of smoothed log P(next token | token), row-centred:
    before any training step the model already samples locally plausible token pairs."""
    import torch

    vocab_size, width = model.config.vocab_size, model.config.n_embd
    pairs = stream[:-1] * vocab_size + stream[1:]
    counts = torch.bincount(pairs, minlength=vocab_size**2).view(vocab_size, vocab_size).float()
    unigram = torch.bincount(stream, minlength=vocab_size).float() + 1
    log_next = torch.log((counts + smoothing * unigram / unigram.sum()) / (counts.sum(1, keepdim=True) + smoothing))
    left, singular, right = torch.svd_lowrank(log_next - log_next.mean(1, keepdim=True), q=width, niter=2)
    inputs = left * singular.sqrt()
    inputs -= inputs.mean(1, keepdim=True)  # the final layer norm centres each vector; its scale is put back below
    with torch.no_grad():
        model.transformer.wte.weight.copy_(inputs)
        model.lm_head.weight.copy_(right * singular.sqrt() * inputs.std(1).mean())


def _perplexity(model: PreTrainedModel, rows: torch.Tensor) -> float:
    """exp of the model's mean next-token loss on the rows."""
    import torch

    with torch.inference_mode():
        return math.exp(model(input_ids=rows, labels=rows).loss.item())


def _unigram_perplexity(train: torch.Tensor, held_out: torch.Tensor, vocab_size: int) -> float:
    """Perplexity of add-one-smoothed token frequencies: what a model that ignores the context gets."""
    import torch

    counts = torch.bincount(train.flatten(), minlength=vocab_size).double() + 1
    log_probabilities = (counts / counts.sum()).log()[held_out[:, 1:].flatten()]
    return math.exp(-log_probabilities.mean().item())
