"""English-French sentence pairs put together from the course's phrases (`translation_phrases.py`), with French
agreement and elision, for both translation stand-ins: T5 (English->French) and MarianMT (French->English).

The lessons' demo sentences are never among them, on either side.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

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

TRANSLATION_LICENSE = "Apache-2.0 (code, weights and the template phrase set, all made here)"
ENGLISH_DEMO = "This course is produced by Hugging Face."  # what lesson 1 asks T5 to translate
FRENCH_DEMO = "Ce cours est produit par Hugging Face."  # what the Hugging Face course asks opus-mt-fr-en to translate
DEMO_SENTENCES = frozenset({ENGLISH_DEMO, FRENCH_DEMO})
DRAWS_PER_PAIR = 50  # random draws allowed per pair asked for, before the template space counts as exhausted

PairMaker = Callable[[random.Random], tuple[str, str]]


def phrase_pairs(count: int) -> list[tuple[str, str]]:
    """`count` (English, French) template sentences in a fixed order, distinct on both sides, so that a held-out
    slice never shares a source sentence with training in either direction; never a demo sentence."""
    if count < 1:
        raise ValueError(f"Ask for at least one sentence pair, not {count}.")
    rng = random.Random(0)
    makers: tuple[PairMaker, ...] = (_passive_pair, _passive_pair, _adjective_pair, _active_pair)
    pairs: dict[str, str] = {}
    french_seen: set[str] = set()
    for _ in range(DRAWS_PER_PAIR * count):
        english, french = rng.choice(makers)(rng)
        if english in pairs or french in french_seen or {english, french} & DEMO_SENTENCES:
            continue
        pairs[english] = french
        french_seen.add(french)
        if len(pairs) == count:
            return list(pairs.items())
    raise ValueError(
        f"The templates gave only {len(pairs)} distinct sentence pairs in {DRAWS_PER_PAIR * count} "
        f"draws; ask for fewer than {count}."
    )


def joined_pairs(count: int) -> list[tuple[str, str]]:
    """`count` (English, French) sentences of two template clauses joined by 'and' / 'et', a shape that training
    never shows: 'This book is good and our courses are loved by the team.'"""
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
