"""The MarianMT stand-in: a tiny opus-mt-fr-en made from scratch (`from_scratch.py`) on French->English template
sentences, with a MarianTokenizer of its own (two SentencePiece models trained here, one shared vocabulary).

The sentence pairs are T5's (`translation_pairs.py`), in the other direction; the lessons' demo sentences are
never among them. The SentencePiece models are trained by `hfcourse hub train` and shipped as files, like the
weights, so the hub build never runs SentencePiece's trainer.
"""

from __future__ import annotations

import json
import string
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.from_scratch import encode_pairs, on_one_thread, shuffled_examples, train_model, translation_scores
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, seed_everything
from hfcourse.hub.translation_pairs import TRANSLATION_LICENSE, joined_pairs, phrase_pairs

if TYPE_CHECKING:
    from transformers import MarianTokenizer

MARIAN_WIDTH, MARIAN_LAYERS, MARIAN_HEADS, MARIAN_PIECES, MARIAN_MAX_TOKENS = 64, 2, 4, 400, 32
MARIAN_PAIRS, MARIAN_HELD_OUT, MARIAN_UNSEEN_SHAPE = 2400, 200, 100
MARIAN_BATCH, MARIAN_STEPS, MARIAN_LEARNING_RATE = 16, 350, 3e-3
# What every opus-mt checkpoint shares: </s> first, <unk> second and <pad> last in vocab.json; generation starts
# from <pad>, which may never be generated; 512 positions; beam search with 4 beams.
EOS, UNK, PAD = "</s>", "<unk>", "<pad>"
MAX_POSITIONS, NUM_BEAMS = 512, 4
SPM_ALPHABET = string.ascii_letters + string.digits + string.punctuation  # any name can be spelt


@on_one_thread
def build_translation_fr_en(out: Path) -> BuiltModel:
    """A tiny MarianMT trained from scratch on template French->English sentences (courses, books, films ...)."""
    from transformers import MarianMTModel

    seed_everything()
    pairs = [(french, english) for english, french in phrase_pairs(MARIAN_PAIRS)]
    train, held_out = pairs[MARIAN_HELD_OUT:], pairs[:MARIAN_HELD_OUT]
    with tempfile.TemporaryDirectory(prefix="hfcourse-marian-") as scratch:
        tokenizer = marian_tokenizer([french for french, _ in train], [english for _, english in train], Path(scratch))
        model = MarianMTModel(_config(tokenizer))
        examples = encode_pairs(tokenizer, train, MARIAN_MAX_TOKENS, MARIAN_MAX_TOKENS)
        train_model(model, shuffled_examples(examples, MARIAN_BATCH), MARIAN_STEPS, MARIAN_LEARNING_RATE)
        round_to_half(parameter for parameter in model.parameters() if parameter.requires_grad)
        model.generation_config = _generation_config(tokenizer.pad_token_id)
        unseen = [(french, english) for english, french in joined_pairs(MARIAN_UNSEEN_SHAPE)]
        score = translation_scores(model, tokenizer, held_out, unseen, MARIAN_MAX_TOKENS, joined_by="et")
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    return BuiltModel(
        "MarianMTModel",
        parameter_total(model),
        f"tiny MarianMT ({MARIAN_LAYERS}+{MARIAN_LAYERS} layers, {MARIAN_WIDTH} wide, {len(tokenizer)}-token "
        "vocabulary from two SentencePiece models trained here) trained from scratch here for "
        f"{MARIAN_STEPS} steps on {len(train)} French->English sentence pairs generated from templates written "
        "here (about courses, books, films, schools ... : 'Ce cours gratuit est aimé par notre équipe.'); "
        "translates only sentences of that kind, nothing else",
        TRANSLATION_LICENSE,
        score,
    )


def marian_tokenizer(source_texts: Sequence[str], target_texts: Sequence[str], folder: Path) -> MarianTokenizer:
    """A MarianTokenizer laid out as opus-mt's: `source.spm` trained on the source texts, `target.spm` on the
    target texts, and `vocab.json` mapping the pieces of both to the model's ids (`folder` keeps the files)."""
    from transformers import MarianTokenizer

    if not source_texts or not target_texts:
        raise ValueError("A Marian tokenizer needs source and target texts to train its SentencePiece models on.")
    source, target = folder / "source.spm", folder / "target.spm"
    source.write_bytes(sentencepiece_model(source_texts))
    target.write_bytes(sentencepiece_model(target_texts))
    vocab = folder / "vocab.json"
    vocab.write_text(json.dumps(shared_vocabulary(source, target), indent=2), encoding="utf-8")
    return MarianTokenizer(
        source_spm=str(source),
        target_spm=str(target),
        vocab=str(vocab),
        source_lang="fr",
        target_lang="en",
        separate_vocabs=False,
        model_max_length=MAX_POSITIONS,
    )


def sentencepiece_model(texts: Sequence[str]) -> bytes:
    """A SentencePiece model (the bytes of a .spm file) trained on `texts`, the same bytes on every run.

    BPE rather than opus-mt's unigram: on a few thousand template sentences, unigram's pruning keeps too few
    pieces and cuts even frequent words ('▁m', 'y'), where BPE keeps them whole, as opus-mt's large models do.
    No normalisation rules: NFKC's table would add about 240 KB to each file, and the template text needs none.
    """
    import io

    import sentencepiece

    model = io.BytesIO()
    sentencepiece.set_random_generator_seed(0)
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        model_type="bpe",
        vocab_size=MARIAN_PIECES,
        hard_vocab_limit=False,  # fewer pieces when the text has fewer to give
        character_coverage=1.0,
        required_chars=SPM_ALPHABET,
        normalization_rule_name="identity",
        num_threads=1,
        minloglevel=2,  # no training log on stderr
    )
    return model.getvalue()


def shared_vocabulary(source_spm: Path, target_spm: Path) -> dict[str, int]:
    """opus-mt's shared vocab.json: </s> = 0, <unk> = 1, the source model's pieces, then the target model's that
    are new, and <pad> last (the id generation starts from)."""
    import sentencepiece

    pieces = [EOS, UNK]
    for path in (source_spm, target_spm):
        model = sentencepiece.SentencePieceProcessor(model_file=str(path))
        for index in range(model.get_piece_size()):
            if not (model.is_control(index) or model.is_unknown(index)):
                pieces.append(model.id_to_piece(index))
    unique = list(dict.fromkeys(pieces)) + [PAD]
    return {piece: index for index, piece in enumerate(unique)}


def _config(tokenizer: MarianTokenizer) -> object:
    """opus-mt-fr-en's config.json at a tiny size: shared embeddings scaled by sqrt(width), sinusoidal positions,
    swish, eos = 0, generation starting from <pad>. No dropout: a few hundred steps leave nothing to regularise."""
    from transformers import MarianConfig

    pad = tokenizer.pad_token_id
    return MarianConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=MAX_POSITIONS,
        d_model=MARIAN_WIDTH,
        encoder_layers=MARIAN_LAYERS,
        decoder_layers=MARIAN_LAYERS,
        encoder_attention_heads=MARIAN_HEADS,
        decoder_attention_heads=MARIAN_HEADS,
        encoder_ffn_dim=4 * MARIAN_WIDTH,
        decoder_ffn_dim=4 * MARIAN_WIDTH,
        activation_function="swish",
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        dropout=0.0,
        bos_token_id=0,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad,
        decoder_start_token_id=pad,
    )


def _generation_config(pad: int) -> object:
    """opus-mt-fr-en's generation_config.json: beam search with 4 beams up to 512 tokens, <pad> never generated."""
    from transformers import GenerationConfig

    return GenerationConfig(
        bad_words_ids=[[pad]],
        bos_token_id=0,
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        max_length=MAX_POSITIONS,
        num_beams=NUM_BEAMS,
        pad_token_id=pad,
    )
