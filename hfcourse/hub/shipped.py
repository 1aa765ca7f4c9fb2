"""The weights this project trained, shipped in `hfcourse/hub/weights/`, and how the hub build assembles them.

Float results of training depend on the CPU (AVX2 or AVX-512, Intel, AMD or Arm) and on the thread count, so
training never runs in `hfcourse hub build`. A maintainer trains every stand-in once with `hfcourse hub train`,
which stores here only what training made: the tensors and files that MiniLM, the real pretrained body,
does not already hold, and `manifest.json` with the sha256 of every file. The build puts each folder back
together with exact operations only (file copies and a safetensors write of unchanged tensors) and checks
every byte against the manifest, so the course hub is the same on every machine.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hfcourse._files import sha256_file
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.standins import BuiltModel

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS_FILE = "model.safetensors"
ROW_PATCHES_FILE = "row_patches.safetensors"  # <key>: the changed rows of a MiniLM tensor, <key>.rows: their indices
SAFETENSORS_METADATA = {"format": "pt"}  # what transformers' save_pretrained writes


class ShippedWeightsError(RuntimeError):
    """The shipped weights are missing, incomplete or altered; the message says what to do."""


@dataclass(frozen=True)
class ShippedStandIn:
    """One trained stand-in as `hfcourse hub train` recorded it."""

    name: str  # e.g. "sentiment": its folder under weights/
    facts: BuiltModel
    shipped: dict[str, str]  # file in weights/<name>/ -> sha256
    minilm_files: dict[str, str]  # file of the assembled folder -> MiniLM file it is a copy of
    minilm_tensors: dict[str, str]  # tensor of model.safetensors -> MiniLM tensor it is a copy of (maybe row-patched)
    folder: dict[str, str]  # every file of the assembled folder -> sha256

    def to_json(self) -> dict[str, object]:
        return {
            "facts": self.facts.__dict__,
            "shipped": self.shipped,
            "minilm_files": self.minilm_files,
            "minilm_tensors": self.minilm_tensors,
            "folder": self.folder,
        }

    @classmethod
    def from_json(cls, name: str, entry: dict[str, object]) -> ShippedStandIn:
        facts = entry["facts"]
        assert isinstance(facts, dict)
        return cls(
            name,
            BuiltModel(**facts),
            *(dict(entry[key]) for key in ("shipped", "minilm_files", "minilm_tensors", "folder")),
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
    """Check the shipped files in `source`, then copy them and MiniLM's into `out`, merging the weights."""
    for file, digest in entry.shipped.items():
        _check(
            source / file,
            digest,
            f"train it again with `hfcourse hub train --only {entry.name}`, or restore it from git",
        )
    out.mkdir(parents=True)
    merged = (WEIGHTS_FILE, ROW_PATCHES_FILE) if entry.minilm_tensors else ()
    for file in entry.shipped:
        if file not in merged:
            shutil.copyfile(source / file, out / file)
    for file, minilm_file in entry.minilm_files.items():
        shutil.copyfile(minilm_dir() / minilm_file, out / file)
    if entry.minilm_tensors:
        trained, patches = (source / file if file in entry.shipped else None for file in merged)
        write_merged_weights(out / WEIGHTS_FILE, trained, entry.minilm_tensors, patches)


def write_merged_weights(
    path: Path, trained: Path | None, minilm_tensors: dict[str, str], row_patches: Path | None = None
) -> None:
    """One safetensors file: the trained tensors, plus named copies of MiniLM's tensors with some rows replaced.

    Copies only, no arithmetic: the result is exact on any machine.
    """
    from safetensors.numpy import load_file, save_file

    tensors = load_file(trained) if trained else {}
    patches = load_file(row_patches) if row_patches else {}
    minilm = minilm_weights()
    for key, minilm_key in minilm_tensors.items():
        tensors[key] = minilm[minilm_key]
        if key in patches:
            tensors[key] = tensors[key].copy()
            tensors[key][patches[f"{key}.rows"]] = patches[key]
    save_file(tensors, path, metadata=SAFETENSORS_METADATA)


@cache
def minilm_weights() -> dict[str, object]:
    from safetensors.numpy import load_file

    return load_file(minilm_dir() / WEIGHTS_FILE)


def _check(path: Path, expected: str, fix: str) -> None:
    if not path.is_file():
        raise ShippedWeightsError(f"{path} is missing: {fix}.")
    if (digest := sha256_file(path)) != expected:
        raise ShippedWeightsError(f"{path} has sha256 {digest}, the manifest says {expected}: {fix}.")
