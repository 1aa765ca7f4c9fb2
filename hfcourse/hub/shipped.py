"""The weights this project trained, shipped in `hfcourse/hub/weights/`, and how the hub build assembles them.

Float results of training depend on the CPU (AVX2 or AVX-512, Intel, AMD or Arm) and on the thread count, so
training never runs in `hfcourse hub build`. A maintainer trains every stand-in once with `hfcourse hub train`,
which stores here only what training made: the tensors and files that the sources do not already hold, and
`manifest.json` with the sha256 of every file. The sources are MiniLM, the real pretrained body, and what
`derived.py` computes exactly from the pinned assets (RoBERTa's embedding rows and tokenizer files). The build
puts each folder back together with exact operations only (file copies, rows picked by index, float16 widened
to float32, a safetensors write) and checks every byte against the manifest, so the course hub is the same on
every machine.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse._files import sha256_file
from hfcourse.hub import derived
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.standins import BuiltModel

if TYPE_CHECKING:
    import numpy as np

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS_FILE = "model.safetensors"
ROW_PATCHES_FILE = (
    "row_patches.safetensors"  # <key>.from: rows picked from a MiniLM tensor; <key>, <key>.rows: new rows
)
HALVES_FILE = "float16.safetensors"  # float32 tensors whose values all fit in float16, stored in half the bytes
MERGED_FILES = (WEIGHTS_FILE, ROW_PATCHES_FILE, HALVES_FILE)  # the shipped files that make model.safetensors
STAND_IN_PREFIX = "stand-in:"
SAFETENSORS_METADATA = {"format": "pt"}  # what transformers' save_pretrained writes


class ShippedWeightsError(RuntimeError):
    """The shipped weights are missing, incomplete or altered; the message says what to do."""


@dataclass(frozen=True)
class ShippedStandIn:
    """One trained stand-in as `hfcourse hub train` recorded it."""

    name: str  # e.g. "sentiment": its folder under weights/
    facts: BuiltModel
    shipped: dict[str, str]  # file in weights/<name>/ -> sha256
    borrowed_files: dict[str, str]  # file of the assembled folder -> the source file it is a copy of
    borrowed_tensors: dict[str, str]  # tensor of model.safetensors -> the source tensor it copies (or picks rows of)
    folder: dict[str, str]  # every file of the assembled folder -> sha256

    def to_json(self) -> dict[str, object]:
        return {
            "facts": self.facts.__dict__,
            "shipped": self.shipped,
            "borrowed_files": self.borrowed_files,
            "borrowed_tensors": self.borrowed_tensors,
            "folder": self.folder,
        }

    @classmethod
    def from_json(cls, name: str, entry: dict[str, object]) -> ShippedStandIn:
        facts = entry["facts"]
        assert isinstance(facts, dict)
        return cls(
            name,
            BuiltModel(**facts),
            *(dict(entry[key]) for key in ("shipped", "borrowed_files", "borrowed_tensors", "folder")),
        )  # type: ignore[call-overload]


def manifest_file(weights_dir: Path = WEIGHTS_DIR) -> Path:
    return weights_dir / "manifest.json"


def read_manifest(weights_dir: Path = WEIGHTS_DIR) -> dict[str, object]:
    """The whole manifest: `stand_ins` by name, and how and where they were trained."""
    path = manifest_file(weights_dir)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ShippedWeightsError(
            f"{path} is missing: the trained weights are not in this checkout. "
            "Restore hfcourse/hub/weights/ from git, or train them with `hfcourse hub train`."
        ) from None


def shipped_stand_in(name: str, weights_dir: Path = WEIGHTS_DIR) -> ShippedStandIn:
    stand_ins = read_manifest(weights_dir)["stand_ins"]
    assert isinstance(stand_ins, dict)
    if name not in stand_ins:
        raise ShippedWeightsError(
            f"No trained weights for the stand-in {name!r} in {weights_dir}: "
            f"train them with `hfcourse hub train --only {name}`."
        )
    return ShippedStandIn.from_json(name, stand_ins[name])


def assemble(name: str, out: Path, weights_dir: Path = WEIGHTS_DIR) -> BuiltModel:
    """Write stand-in `name`'s save_pretrained folder into `out` from shipped files and MiniLM; check every byte."""
    entry = shipped_stand_in(name, weights_dir)
    assemble_files(entry, weights_dir / name, out)
    written = sorted(path.name for path in out.iterdir())
    if written != sorted(entry.folder):
        raise ShippedWeightsError(f"{name}: assembled {written}, the manifest lists {sorted(entry.folder)}.")
    for file, digest in entry.folder.items():
        _check(
            out / file, digest, "the assembly is not exact on this machine; please report it with `hfcourse hub list`"
        )
    return entry.facts


def assemble_files(entry: ShippedStandIn, source: Path, out: Path) -> None:
    """Check the shipped files in `source`, then write them and the borrowed ones into `out`, merging the weights."""
    _check_shipped(entry, source)
    out.mkdir(parents=True)
    for file in entry.shipped:
        if file not in MERGED_FILES:
            shutil.copyfile(source / file, out / file)
    for file, reference in entry.borrowed_files.items():
        (out / file).write_bytes(source_file(reference))
    if any(file in entry.shipped for file in MERGED_FILES) or entry.borrowed_tensors:
        from safetensors.numpy import save_file

        save_file(merged_tensors(entry, source), out / WEIGHTS_FILE, metadata=SAFETENSORS_METADATA)


def merged_tensors(entry: ShippedStandIn, source: Path) -> dict[str, np.ndarray]:
    """The stand-in's weights: its trained tensors (some widened from float16), plus copies of borrowed tensors
    (or of rows picked from them), with some rows replaced.

    Copies only, no arithmetic: the result is exact on any machine.
    """
    from safetensors.numpy import load_file

    trained, patches, halves = (load_file(source / f) if f in entry.shipped else {} for f in MERGED_FILES)
    tensors = dict(trained)
    tensors.update({key: half.astype("float32") for key, half in halves.items()})  # exact: float16 is in float32
    for key, reference in entry.borrowed_tensors.items():
        tensors[key] = source_tensor(reference, source.parent)
        if f"{key}.from" in patches:  # rows of the source tensor, picked by index (a row -1 is then patched)
            tensors[key] = tensors[key][patches[f"{key}.from"].clip(min=0)]
        if key in patches:
            tensors[key] = tensors[key].copy()
            tensors[key][patches[f"{key}.rows"]] = patches[key]
    return tensors


@cache
def minilm_weights() -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(minilm_dir() / WEIGHTS_FILE)


def source_tensor(reference: str, weights_dir: Path = WEIGHTS_DIR) -> np.ndarray:
    """A tensor a stand-in borrows: MiniLM's, by name; one the build derives ("derived:<name>"); or one of an
    earlier stand-in's ("stand-in:<name>/<tensor>", e.g. the adapted RoBERTa body that three repos share)."""
    if reference.startswith(derived.PREFIX):
        return derived.tensor(reference.removeprefix(derived.PREFIX))
    if reference.startswith(STAND_IN_PREFIX):
        name, _, key = reference.removeprefix(STAND_IN_PREFIX).partition("/")
        return stand_in_tensors(name, weights_dir)[key]
    return minilm_weights()[reference]


@cache
def stand_in_tensors(name: str, weights_dir: Path = WEIGHTS_DIR) -> dict[str, np.ndarray]:
    """Every tensor of a shipped stand-in, assembled in memory (its shipped files checked first)."""
    entry = shipped_stand_in(name, weights_dir)
    _check_shipped(entry, weights_dir / name)
    return merged_tensors(entry, weights_dir / name)


def source_file(reference: str) -> bytes:
    """A file a stand-in borrows: MiniLM's, by name, or one the build derives ("derived:<class>/<file>")."""
    if reference.startswith(derived.PREFIX):
        return derived.file_bytes(reference)
    return (minilm_dir() / reference).read_bytes()


def _check_shipped(entry: ShippedStandIn, source: Path) -> None:
    for file, digest in entry.shipped.items():
        _check(
            source / file,
            digest,
            f"train it again with `hfcourse hub train --only {entry.name}`, or restore it from git",
        )


def _check(path: Path, expected: str, fix: str) -> None:
    if not path.is_file():
        raise ShippedWeightsError(f"{path} is missing: {fix}.")
    if (digest := sha256_file(path)) != expected:
        raise ShippedWeightsError(f"{path} has sha256 {digest}, the manifest says {expected}: {fix}.")
