"""The T5 stand-in: a tiny T5 made from scratch (`from_scratch.py`) on English->French template sentences.

The sentence pairs come from `translation_pairs.py` (courses, books, films ...); the lessons' demo sentences are
never among them.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.from_scratch import (
    encode_pairs,
    on_one_thread,
    shuffled_examples,
    train_model,
    translation_scores,
)
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything
from hfcourse.hub.translation_pairs import TRANSLATION_LICENSE, joined_pairs, phrase_pairs

if TYPE_CHECKING:
    from tokenizers import Tokenizer

T5_WIDTH, T5_LAYERS, T5_VOCAB, T5_MAX_TOKENS, T5_PAIRS, T5_HELD_OUT = 64, 2, 1000, 32, 2400, 200
T5_BATCH, T5_STEPS, T5_LEARNING_RATE = 16, 350, 3e-3
T5_UNSEEN_SHAPE = 100  # sentences of a shape that training never shows: two clauses joined by 'and'
TRANSLATION_PREFIX = "translate English to French: "
TRANSLATION_SETTINGS = {"early_stopping": True, "max_length": 300, "num_beams": 4, "prefix": TRANSLATION_PREFIX}


@on_one_thread
def build_translation(out: Path) -> BuiltModel:
    """A tiny T5 trained from scratch on template English->French sentences (courses, books, films ...)."""
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5TokenizerFast

    seed_everything()
    pairs = [(TRANSLATION_PREFIX + english, french) for english, french in phrase_pairs(T5_PAIRS)]
    train, held_out = pairs[T5_HELD_OUT:], pairs[:T5_HELD_OUT]
    backend = _sentencepiece_like_bpe([text for pair in train for text in pair])
    tokenizer = T5TokenizerFast(tokenizer_object=backend, extra_ids=0, model_max_length=512)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=T5_WIDTH,
        d_kv=T5_WIDTH // 4,
        d_ff=2 * T5_WIDTH,
        num_layers=T5_LAYERS,
        num_decoder_layers=T5_LAYERS,
        num_heads=4,
        dropout_rate=0.0,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        task_specific_params={"translation_en_to_fr": dict(TRANSLATION_SETTINGS)},
    )
    model = T5ForConditionalGeneration(config)
    examples = encode_pairs(tokenizer, train, T5_MAX_TOKENS, T5_MAX_TOKENS)
    train_model(model, shuffled_examples(examples, T5_BATCH), T5_STEPS, T5_LEARNING_RATE)
    model.generation_config = GenerationConfig(pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    unseen = [(TRANSLATION_PREFIX + english, french) for english, french in joined_pairs(T5_UNSEEN_SHAPE)]
    score = translation_scores(model, tokenizer, held_out, unseen, T5_MAX_TOKENS, joined_by="and")
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "T5ForConditionalGeneration",
        parameter_total(model),
        f"tiny T5 ({T5_LAYERS}+{T5_LAYERS} layers, {T5_WIDTH} wide, {len(tokenizer)}-token BPE trained here) "
        f"trained from scratch here for {T5_STEPS} steps on {len(train)} English->French sentence pairs generated "
        "from templates written here (about courses, books, films, schools ... : 'This free course is loved by "
        "our team.'); translates only sentences of that kind, nothing else",
        TRANSLATION_LICENSE,
        score,
    )


def _sentencepiece_like_bpe(texts: Sequence[str]) -> Tokenizer:
    """BPE over '▁'-marked words with punctuation split off, like T5's SentencePiece; <pad>=0, </s>=1, <unk>=2."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(), pre_tokenizers.Punctuation()])
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=T5_VOCAB,
        special_tokens=["<pad>", "</s>", "<unk>"],
        initial_alphabet=list(string.ascii_letters + string.digits + string.punctuation),  # any name can be spelt
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer
