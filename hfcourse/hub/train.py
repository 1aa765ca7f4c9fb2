"""`hfcourse hub train`: the maintainer's command that trains every stand-in once and ships the result.

It runs each stand-in's builder (seeded, as long as it needs), then keeps only what training made, in
`hfcourse/hub/weights/<name>/`: tensors and files that are not byte-for-byte copies of MiniLM's. The
manifest records every file's sha256, the stand-in's facts and held-out score, and what it was trained on.
Retrain deliberately, not in every commit: each re-ship stays in git's history.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

from hfcourse._files import atomic_write, sha256_file
from hfcourse.hub.assets import MINILM_FILES
from hfcourse.hub.catalog import stand_in_builders
from hfcourse.hub.shipped import (
    ROW_PATCHES_FILE,
    SAFETENSORS_METADATA,
    WEIGHTS_DIR,
    WEIGHTS_FILE,
    ShippedStandIn,
    ShippedWeightsError,
    assemble_files,
    manifest_file,
    minilm_weights,
)
from hfcourse.hub.standins import BuiltModel

Log = Callable[[str], None]
MAX_PATCHED_ROWS = 0.05  # a tensor with more changed rows than this share ships whole
TRAINED_WITH = ("torch", "transformers", "tokenizers", "scikit-learn", "numpy")


def train_stand_ins(only: Sequence[str] = (), weights_dir: Path = WEIGHTS_DIR, log: Log = print) -> list[str]:
    """Train the stand-ins named in `only` (default: all) and ship them into `weights_dir`; return their names."""
    builders = stand_in_builders()
    unknown = sorted(set(only) - set(builders))
    if unknown:
        raise ShippedWeightsError(f"No stand-in named {', '.join(unknown)}; choose from {', '.join(builders)}.")
    names = list(only) or list(builders)
    weights_dir.mkdir(parents=True, exist_ok=True)
    previous = json.loads(manifest_file(weights_dir).read_text()) if manifest_file(weights_dir).is_file() else {}
    stand_ins = dict(previous.get("stand_ins", {}))
    seconds = dict(previous.get("training_seconds", {}))
    for name in names:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"hfcourse-train-{name}-") as scratch:
            facts = builders[name](Path(scratch) / "trained")
            entry = ship(name, Path(scratch) / "trained", facts, weights_dir)
        stand_ins[name] = entry.to_json()
        seconds[name] = round(time.perf_counter() - started, 1)
        log(f"  trained {name} in {seconds[name]:.0f} s: {facts.score or facts.architecture}")
    manifest = {
        "about": "Weights trained by `hfcourse hub train` and assembled by `hfcourse hub build`; see "
        "hfcourse/hub/shipped.py.",
        "trained_on": {
            "machine": platform.machine(),
            "python": platform.python_version(),
            **{package: metadata.version(package) for package in TRAINED_WITH},
        },
        "training_seconds": {name: seconds[name] for name in builders if name in seconds},
        "stand_ins": {name: stand_ins[name] for name in builders if name in stand_ins},
    }
    atomic_write(manifest_file(weights_dir), (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
    for stale in sorted(path for path in weights_dir.iterdir() if path.is_dir() and path.name not in builders):
        shutil.rmtree(stale)  # a stand-in that left the catalog
    return names


def ship(name: str, trained: Path, facts: BuiltModel, weights_dir: Path) -> ShippedStandIn:
    """Keep what training made in `weights_dir/name`; check that the assembly gives back every trained tensor."""
    folder_files = sorted(path.name for path in trained.iterdir())
    if any(path.is_dir() for path in trained.iterdir()):
        raise ShippedWeightsError(
            f"{name}: the builder wrote a sub-folder; stand-ins are flat save_pretrained folders."
        )
    minilm_files = {
        file: file
        for file in folder_files
        if file != WEIGHTS_FILE and MINILM_FILES.get(file) == sha256_file(trained / file)
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=weights_dir))
    try:
        minilm_tensors = _split_weights(trained / WEIGHTS_FILE, staging)
        for file in folder_files:
            if file not in minilm_files and file != WEIGHTS_FILE:
                shutil.copyfile(trained / file, staging / file)
        shipped = {path.name: sha256_file(path) for path in sorted(staging.iterdir())}
        entry = ShippedStandIn(name, facts, shipped, minilm_files, minilm_tensors, folder={})
        with tempfile.TemporaryDirectory(prefix=f".{name}.check.", dir=weights_dir) as check:
            assemble_files(entry, staging, Path(check) / name)
            folder = _same_as_trained(trained, Path(check) / name)
        entry = ShippedStandIn(name, facts, shipped, minilm_files, minilm_tensors, folder)
        for path in (staging, *staging.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)  # mkdtemp and safetensors make them private
        target = weights_dir / name
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return entry


def _split_weights(trained: Path, staging: Path) -> dict[str, str]:
    """Write to `staging` what is not bit-for-bit MiniLM's; return the MiniLM name of each tensor taken from it.

    A tensor that differs from its MiniLM twin in a few rows only (e.g. one embedding row) ships those rows.
    """
    from safetensors.numpy import load_file, save_file

    minilm = minilm_weights()
    own, borrowed, patches = {}, {}, {}
    for key, tensor in load_file(trained).items():
        minilm_key = next((k for k in (key, key.partition(".")[2]) if k in minilm), None)
        twin = minilm.get(minilm_key) if minilm_key else None
        if twin is None or twin.dtype != tensor.dtype or twin.shape != tensor.shape or tensor.ndim == 0:
            own[key] = tensor
            continue
        changed = (
            (tensor.reshape(len(tensor), -1).view("u1") != twin.reshape(len(twin), -1).view("u1"))
            .any(axis=1)
            .nonzero()[0]
        )
        if len(changed) > MAX_PATCHED_ROWS * len(tensor):
            own[key] = tensor
            continue
        borrowed[key] = minilm_key
        if len(changed):
            patches[key], patches[f"{key}.rows"] = tensor[changed], changed.astype("int64")
    if not borrowed:
        shutil.copyfile(trained, staging / WEIGHTS_FILE)  # nothing of MiniLM's: ship the file as training wrote it
    else:
        for file, tensors in ((WEIGHTS_FILE, own), (ROW_PATCHES_FILE, patches)):
            if tensors:
                save_file(tensors, staging / file, metadata=SAFETENSORS_METADATA)
    return dict(sorted(borrowed.items()))


def _same_as_trained(trained: Path, assembled: Path) -> dict[str, str]:
    """The assembled folder's sha256 by file, once it is shown to hold what training wrote (tensors bit for bit)."""
    from safetensors.numpy import load_file

    files = sorted(path.name for path in trained.iterdir())
    if sorted(path.name for path in assembled.iterdir()) != files:
        raise ShippedWeightsError(f"assembling {trained.name} does not give back the files {files}")
    for file in files:
        if file == WEIGHTS_FILE:
            want, got = load_file(trained / file), load_file(assembled / file)
            same = want.keys() == got.keys() and all(want[key].tobytes() == got[key].tobytes() for key in want)
        else:
            same = sha256_file(trained / file) == sha256_file(assembled / file)
        if not same:
            raise ShippedWeightsError(f"assembling the shipped files does not give back {file} as trained")
    return {file: sha256_file(assembled / file) for file in files}
