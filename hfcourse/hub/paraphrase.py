"""A small, honest MRPC-like set: sentence pairs made here from real Rotten Tomatoes snippets.

Equivalent pairs rewrite a snippet without changing its meaning (synonyms, contractions, dropped
intensifiers); non-equivalent pairs change what it says (a polarity word swapped, a negation added)
or put beside it another snippet about the same movie. No sentence of the real MRPC corpus is used.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict

from hfcourse.hub.corpus import Snippet

SYNONYMS = {
    "film": "movie",
    "movie": "film",
    "funny": "amusing",
    "big": "large",
    "story": "tale",
    "smart": "clever",
    "often": "frequently",
    "begins": "starts",
    "ends": "finishes",
    "fast": "quick",
    "hard": "difficult",
    "simple": "plain",
    "shows": "displays",
    "about": "concerning",
    "kids": "children",
    "picture": "film",
    "makes": "renders",
    "director": "filmmaker",
    "actors": "performers",
    "scenes": "sequences",
}
CONTRACTIONS = {
    "doesn't": "does not",
    "isn't": "is not",
    "it's": "it is",
    "can't": "cannot",
    "won't": "will not",
    "don't": "do not",
    "wasn't": "was not",
    "there's": "there is",
    "that's": "that is",
}
INTENSIFIERS = ("very ", "really ", "quite ", "rather ")
POLARITY = {
    "good": "bad",
    "bad": "good",
    "best": "worst",
    "worst": "best",
    "great": "awful",
    "awful": "great",
    "funny": "dull",
    "dull": "funny",
    "smart": "stupid",
    "stupid": "smart",
    "fresh": "stale",
    "entertaining": "tedious",
    "boring": "gripping",
    "beautiful": "ugly",
    "love": "hate",
    "well": "badly",
}
NEGATABLE = re.compile(r"\b(is|was|are|were|has|does)\b ")


def _swap_words(text: str, table: dict[str, str]) -> tuple[str, int]:
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return table[match.group(0).lower()]

    pattern = r"\b(" + "|".join(map(re.escape, table)) + r")\b"
    return re.sub(pattern, swap, text, flags=re.IGNORECASE), count


def paraphrase(text: str) -> str | None:
    """The same meaning in other words, or None when no rule applies."""
    rewritten, changes = _swap_words(text, CONTRACTIONS)
    rewritten, more = _swap_words(rewritten, SYNONYMS)
    changes += more
    for word in INTENSIFIERS:
        if word in rewritten:
            rewritten = rewritten.replace(word, "", 1)
            changes += 1
    return rewritten if changes else None


def contradiction(text: str) -> str | None:
    """A sentence that looks alike but says something else, or None when no rule applies."""
    flipped, changes = _swap_words(text, POLARITY)
    if changes:
        return flipped
    negated, count = NEGATABLE.subn(lambda m: f"{m.group(1)} not ", text, count=1)
    return negated if count else None


def make_pairs(snippets: list[Snippet], seed: int) -> list[dict[str, object]]:
    """MRPC-shaped rows (sentence1, sentence2, label 1=equivalent, idx) from review snippets."""
    rng = random.Random(seed)
    by_movie: dict[str, list[str]] = defaultdict(list)
    usable = [s for s in snippets if 6 <= len(s.text.split()) <= 40]
    for snippet in usable:
        by_movie[snippet.movie].append(snippet.text)
    rows: list[dict[str, object]] = []
    for snippet in usable:
        choice = rng.random()
        if choice < 0.6 and (other := paraphrase(snippet.text)):
            rows.append({"sentence1": snippet.text, "sentence2": other, "label": 1})
        elif choice < 0.8 and (other := contradiction(snippet.text)):
            rows.append({"sentence1": snippet.text, "sentence2": other, "label": 0})
        else:
            neighbours = [t for t in by_movie[snippet.movie] if t != snippet.text]
            if neighbours:
                rows.append({"sentence1": snippet.text, "sentence2": rng.choice(sorted(neighbours)), "label": 0})
    for index, row in enumerate(rows):
        row["idx"] = index
    return rows
