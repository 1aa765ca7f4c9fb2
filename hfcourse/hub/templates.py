"""Sentences made from templates (`template_texts.py`): each {SLOT} filled with a name, its character span kept.

The NER stand-in (`bert.py`) learns from the spans' entity types, the question-answering one (`distilbert.py`)
from the answer's span.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence

Span = tuple[int, int, str]  # start and end character, and the template slot
Sentence = tuple[str, list[Span]]


def template_sentences(
    templates: Sequence[str], names: Mapping[str, Sequence[str]], count: int, seed: int
) -> list[Sentence]:
    """`count` sentences cycling through the templates, with each slot's character span."""
    pick = name_picker(names, random.Random(seed))
    return [fill(templates[i % len(templates)], pick) for i in range(count)]


def name_picker(names: Mapping[str, Sequence[str]], rng: random.Random) -> Callable[[str], str]:
    """A function giving a random value for a slot; a person is a first name, or first and last name."""

    def pick(slot: str) -> str:
        if slot != "PER":
            return rng.choice(names[slot])
        first = rng.choice(names["FIRST"])
        return first if rng.random() < 0.4 else f"{first} {rng.choice(names['LAST'])}"

    return pick


def fill(template: str, pick: Callable[[str], str]) -> Sentence:
    """The template with each {SLOT} replaced by pick(SLOT), and the (start, end, slot) of each value."""
    text, spans, copied = "", [], 0
    for match in re.finditer(r"\{([A-Z]+)\}", template):
        text += template[copied : match.start()]
        value = pick(match.group(1))
        spans.append((len(text), len(text) + len(value), match.group(1)))
        text += value
        copied = match.end()
    return text + template[copied:], spans
