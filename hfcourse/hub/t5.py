"""The T5 stand-in: a tiny T5 made from scratch (`from_scratch.py`) on English->French template sentences.

The sentence pairs are put together here from the phrases of `translation_phrases.py` (courses, books, films ...),
with French agreement and elision; the lessons' demo sentence is never among them.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.from_scratch import (
    encode_pairs,
    exact_matches,
    on_one_thread,
    shuffled_examples,
    teacher_forced_accuracy,
    train_model,
)
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything
from hfcourse.hub.translation_phrases import (
    ADJECTIVES,
    AGENTS,
    DETERMINERS,
    NOUN_ADJECTIVES,
    NOUNS,
    PARTICIPLES,
    PERSONS,
    VERBS,
)

if TYPE_CHECKING:
    from tokenizers import Tokenizer

TRANSLATION_LICENSE = "Apache-2.0 (code, weights and the template phrase set, all made here)"
T5_WIDTH, T5_LAYERS, T5_VOCAB, T5_MAX_TOKENS, T5_PAIRS, T5_HELD_OUT = 64, 2, 1000, 32, 2400, 200
T5_BATCH, T5_STEPS, T5_LEARNING_RATE = 16, 350, 3e-3
T5_UNSEEN_SHAPE = 100  # sentences of a shape that training never shows: two clauses joined by 'and'
TRANSLATION_PREFIX = "translate English to French: "
TRANSLATION_SETTINGS = {"early_stopping": True, "max_length": 300, "num_beams": 4, "prefix": TRANSLATION_PREFIX}
TRANSLATION_DEMO = "This course is produced by Hugging Face."


@on_one_thread
def build_translation(out: Path) -> BuiltModel:
    """A tiny T5 trained from scratch on template English->French sentences (courses, books, films ...)."""
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5TokenizerFast

    seed_everything()
    pairs = [(TRANSLATION_PREFIX + english, french) for english, french in _phrase_pairs(T5_PAIRS)]
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
    accuracy = teacher_forced_accuracy(model, encode_pairs(tokenizer, held_out, T5_MAX_TOKENS, T5_MAX_TOKENS))
    exact = exact_matches(model, tokenizer, [en for en, _ in held_out], [fr for _, fr in held_out], T5_MAX_TOKENS)
    unseen = [(TRANSLATION_PREFIX + english, french) for english, french in _joined_pairs(T5_UNSEEN_SHAPE)]
    unseen_accuracy = teacher_forced_accuracy(model, encode_pairs(tokenizer, unseen, T5_MAX_TOKENS, T5_MAX_TOKENS))
    unseen_exact = exact_matches(model, tokenizer, [en for en, _ in unseen], [fr for _, fr in unseen], T5_MAX_TOKENS)
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
        f"on {len(held_out)} unseen template sentences: greedy translation exactly right for {exact:.0%}; "
        f"token accuracy {accuracy:.2f} (teacher-forced); on {len(unseen)} sentences of a shape it never saw "
        f"(two template clauses joined by 'and'): exactly right for {unseen_exact:.0%}, token accuracy "
        f"{unseen_accuracy:.2f}",
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


def _phrase_pairs(count: int) -> list[tuple[str, str]]:
    """`count` distinct (English, French) template sentences in a fixed order; never the demo sentence."""
    rng = random.Random(0)
    pairs: dict[str, str] = {}
    while len(pairs) < count:
        english, french = rng.choice((_passive_pair, _passive_pair, _adjective_pair, _active_pair))(rng)
        if english != TRANSLATION_DEMO:
            pairs.setdefault(english, french)
    return list(pairs.items())


def _joined_pairs(count: int) -> list[tuple[str, str]]:
    """`count` sentences of two template clauses joined by 'and' / 'et', a shape that training never shows:
    'This book is good and our courses are loved by the team.'"""
    rng = random.Random(1)
    pairs = []
    for _ in range(count):
        (first, premier), (second, second_fr) = (rng.choice((_passive_pair, _adjective_pair))(rng) for _ in "12")
        pairs.append((f"{first[:-1]} and {_lower_first(second)}", f"{premier[:-1]} et {_lower_first(second_fr)}"))
    return pairs


def _lower_first(sentence: str) -> str:
    return sentence[0].lower() + sentence[1:]


def _noun_phrase(rng: random.Random) -> tuple[str, str, bool, bool]:
    """A random noun phrase: English, French (lower case), feminine, plural."""
    english_singular, english_plural, french_singular, french_plural, feminine, vowel = rng.choice(NOUNS)
    determiner = rng.choice(DETERMINERS)
    plural = determiner[1] is not None and rng.random() < 0.3
    if plural:
        english, french = f"{determiner[1]} {english_plural}", f"{determiner[6]}{french_plural}"
    else:
        french_determiner = determiner[2 + 2 * feminine + vowel]
        english, french = f"{determiner[0]} {english_singular}", f"{french_determiner}{french_singular}"
    if rng.random() < 0.3:
        adjective, forms = rng.choice(NOUN_ADJECTIVES)
        english = english.replace(" ", f" {adjective} ", 1)
        french = f"{french} {forms[2 * plural + feminine]}"
    return english, french, feminine, plural


def _agreed(participle: str, feminine: bool, plural: bool) -> str:
    return participle + "e" * feminine + "s" * plural


def _passive_pair(rng: random.Random) -> tuple[str, str]:
    """'This course is produced by Hugging Face.' -> 'Ce cours est produit par Hugging Face.'"""
    subject, sujet, feminine, plural = _noun_phrase(rng)
    english_participle, french_participle = rng.choice(PARTICIPLES)
    agent, agent_fr = rng.choice(AGENTS)
    past = rng.random() < 0.3
    be = ("were" if plural else "was") if past else ("are" if plural else "is")
    etre = ("ont été" if plural else "a été") if past else ("sont" if plural else "est")
    english = f"{subject} {be} {english_participle} by {agent}."
    french = f"{sujet} {etre} {_agreed(french_participle, feminine, plural)} par {agent_fr}."
    return _english(english), _capitalised(french)


def _adjective_pair(rng: random.Random) -> tuple[str, str]:
    """'These books are very good.' -> 'Ces livres sont très bons.'"""
    subject, sujet, feminine, plural = _noun_phrase(rng)
    adjective, forms = rng.choice(ADJECTIVES)
    very = rng.random() < 0.3
    english = f"{subject} {'are' if plural else 'is'} {'very ' * very}{adjective}."
    french = f"{sujet} {'sont' if plural else 'est'} {'très ' * very}{forms[2 * plural + feminine]}."
    return _english(english), _capitalised(french)


def _active_pair(rng: random.Random) -> tuple[str, str]:
    """'We like this course.' -> 'Nous aimons ce cours.'"""
    person, personne, form = rng.choice(PERSONS)
    base, third_person, french_forms = rng.choice(VERBS)
    obj, objet, _, _ = _noun_phrase(rng)
    verbe = french_forms[form]
    subject_verb = f"j'{verbe}" if personne == "je" and verbe[0] in "aeéèiou" else f"{personne} {verbe}"
    english = f"{person} {third_person if form == 3 else base} {obj}."
    return _english(english), _capitalised(f"{subject_verb} {objet}.")


def _capitalised(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def _english(sentence: str) -> str:
    """Capitalised, with 'a' made 'an' before a vowel."""
    return _capitalised(re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", sentence))
