"""The translation stand-ins' training text never holds a lesson's demo sentence, and the Marian tokenizer made
here is laid out as opus-mt's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from hfcourse.hub.translation_pairs import DEMO_SENTENCES, FRENCH_DEMO, _passive_pair, joined_pairs, phrase_pairs


def test_the_templates_can_make_the_demo_sentences_so_they_are_left_out() -> None:
    rng = random.Random(0)
    made = {_passive_pair(rng) for _ in range(50_000)}
    assert ("This course is produced by Hugging Face.", FRENCH_DEMO) in made
    pairs = phrase_pairs(2400) + joined_pairs(100)
    assert not {sentence for pair in pairs for sentence in pair} & DEMO_SENTENCES


def test_pairs_are_distinct_on_both_sides() -> None:
    """Either side may be the source: a held-out source sentence must never be a training one."""
    pairs = phrase_pairs(2400)
    assert len({english for english, _ in pairs}) == len({french for _, french in pairs}) == 2400


def test_asking_for_no_pairs_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one sentence pair"):
        phrase_pairs(0)


def test_the_marian_tokenizer_has_opus_mts_vocabulary_layout(tmp_path: Path) -> None:
    """</s> = 0, <unk> = 1, <pad> last; French pieces from source.spm, English ones from target.spm."""
    from hfcourse.hub.marian import marian_tokenizer

    pairs = phrase_pairs(300)
    tokenizer = marian_tokenizer([french for _, french in pairs], [english for english, _ in pairs], tmp_path)
    vocab = tokenizer.get_vocab()
    assert (vocab["</s>"], vocab["<unk>"], vocab["<pad>"]) == (0, 1, len(vocab) - 1)
    assert tokenizer.tokenize(FRENCH_DEMO)[:2] == ["▁Ce", "▁cours"]
    english = tokenizer(text_target="This book is good.")["input_ids"]
    assert english[-1] == tokenizer.eos_token_id
    assert tokenizer.decode(english, skip_special_tokens=True) == "This book is good."
    assert sorted(path.name for path in tmp_path.iterdir()) == ["source.spm", "target.spm", "vocab.json"]


def test_a_marian_tokenizer_without_text_is_refused(tmp_path: Path) -> None:
    from hfcourse.hub.marian import marian_tokenizer

    with pytest.raises(ValueError, match="source and target texts"):
        marian_tokenizer([], ["This book is good."], tmp_path)
