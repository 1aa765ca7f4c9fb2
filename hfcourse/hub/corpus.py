"""The Rotten Tomatoes snippets (real text from the Pang & Lee movie-review data), split for the hub."""

from __future__ import annotations

import bz2
import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache

from hfcourse.hub.assets import ROTTEN_TOMATOES_CSV


@dataclass(frozen=True)
class Snippet:
    text: str
    category: str  # "fresh", "rotten" or "plot"
    movie: str

    @property
    def label(self) -> int:
        """1 for a fresh (positive) review, 0 for a rotten one."""
        return int(self.category == "fresh")


@cache
def snippets() -> tuple[Snippet, ...]:
    """Every row of the corpus, in a stable order that does not depend on the file's order."""
    raw = bz2.decompress(ROTTEN_TOMATOES_CSV.path().read_bytes()).decode("utf-8")
    rows = [
        Snippet(" ".join(row["text"].split()), row["category"], row["movie_name"])
        for row in csv.DictReader(io.StringIO(raw))
        if row["text"] and row["text"].strip()
    ]
    unique = {(s.text, s.category): s for s in rows}.values()
    return tuple(sorted(unique, key=lambda s: hashlib.sha256(s.text.encode()).hexdigest()))


SPLIT_BUCKETS = {"train": range(0, 8), "validation": range(8, 9), "test": range(9, 10)}


def reviews(split: str) -> list[Snippet]:
    """Fresh/rotten review snippets of one split ("train", "validation", "test"), disjoint by movie."""
    return [s for s in snippets() if s.category != "plot" and _movie_bucket(s.movie) in SPLIT_BUCKETS[split]]


def plot_sentences(split: str) -> list[Snippet]:
    """Single sentences (6-40 words) of the plot summaries of one split's movies: neutral, factual text."""
    return [
        Snippet(sentence, "plot", plot.movie)
        for plot in plots()
        if _movie_bucket(plot.movie) in SPLIT_BUCKETS[split]
        for sentence in re.split(r"(?<=[.!?])\s+", plot.text)
        if 6 <= len(sentence.split()) <= 40
    ]


def plots() -> list[Snippet]:
    """The plot summaries (multi-sentence, full of names)."""
    return [s for s in snippets() if s.category == "plot"]


def _movie_bucket(movie: str) -> int:
    return int(hashlib.sha256(movie.encode()).hexdigest(), 16) % 10
