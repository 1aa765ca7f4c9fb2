"""`hfcourse hub train`: the maintainer's command that trains every stand-in once and ships the result.

It runs each stand-in's builder (seeded, as long as it needs), then keeps only what training made, in
`hfcourse/hub/weights/<name>/`: tensors and files that are not byte-for-byte copies of MiniLM's. The
manifest records every file's sha256, the stand-in's facts and held-out score, and what it was trained on.
Retrain deliberately, not in every commit: each re-ship stays in git's history.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse._files import atomic_write, sha256_file
from hfcourse.hub import derived
from hfcourse.hub.assets import MINILM_FILES
from hfcourse.hub.catalog import SHARED_STAND_INS, stand_in_builders
from hfcourse.hub.shipped import (
    HALVES_FILE,
    ROW_PATCHES_FILE,
    SAFETENSORS_METADATA,
    STAND_IN_PREFIX,
    WEIGHTS_DIR,
    WEIGHTS_FILE,
    ShippedStandIn,
    ShippedWeightsError,
    assemble,
    assemble_files,
    manifest_file,
    minilm_weights,
    read_manifest,
    stand_in_tensors,
)
from hfcourse.hub.standins import BuiltModel

if TYPE_CHECKING:
    import numpy as np

Log = Callable[[str], None]
MAX_PATCHED_ROWS = 0.05  # a tensor with more changed rows than this share ships whole
TRAINED_WITH = ("torch", "transformers", "tokenizers", "sentencepiece", "scikit-learn", "numpy")


def train_stand_ins(
    only: Sequence[str] = (), weights_dir: Path = WEIGHTS_DIR, log: Log = print, *, reship: bool = False
) -> list[str]:
    """Train the stand-ins named in `only` (default: all) and ship them into `weights_dir`; return their names.

    With `reship`, nothing is trained: each stand-in is assembled from what is shipped and shipped anew, so that
    it borrows what the build has since learned to derive or share (the tensors and files stay the same bytes).
    """
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
            trained = Path(scratch) / "trained"
            facts = assemble(name, trained, weights_dir) if reship else builders[name](trained)
            entry = ship(name, trained, facts, weights_dir)
        stand_ins[name] = entry.to_json()
        if not reship:
            seconds[name] = round(time.perf_counter() - started, 1)
        _write_manifest(weights_dir, builders, stand_ins, seconds)  # a later stand-in may borrow from this one
        done = "shipped again" if reship else f"trained in {seconds[name]:.0f} s"
        log(f"  {name} {done}: {facts.score or facts.architecture}")
    for stale in sorted(path for path in weights_dir.iterdir() if path.is_dir() and path.name not in builders):
        shutil.rmtree(stale)  # a stand-in that left the catalog
    return names


def _write_manifest(
    weights_dir: Path, builders: dict[str, object], stand_ins: dict[str, object], seconds: dict[str, float]
) -> None:
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
    stand_in_tensors.cache_clear()


def ship(name: str, trained: Path, facts: BuiltModel, weights_dir: Path) -> ShippedStandIn:
    """Keep what training made in `weights_dir/name`; check that the assembly gives back every trained tensor."""
    folder_files = sorted(path.name for path in trained.iterdir())
    if any(path.is_dir() for path in trained.iterdir()):
        raise ShippedWeightsError(
            f"{name}: the builder wrote a sub-folder; stand-ins are flat save_pretrained folders."
        )
    sources = _source_files()
    borrowed_files = {
        file: sources[digest]
        for file in folder_files
        if file != WEIGHTS_FILE and (digest := sha256_file(trained / file)) in sources
    }
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=weights_dir))
    try:
        borrowed_tensors = _split_weights(trained / WEIGHTS_FILE, staging, _shared_tensors(name, weights_dir))
        for file in folder_files:
            if file not in borrowed_files and file != WEIGHTS_FILE:
                shutil.copyfile(trained / file, staging / file)
        shipped = {path.name: sha256_file(path) for path in sorted(staging.iterdir())}
        entry = ShippedStandIn(name, facts, shipped, borrowed_files, borrowed_tensors, folder={})
        with tempfile.TemporaryDirectory(prefix=f".{name}.check.", dir=weights_dir) as check:
            assemble_files(entry, staging, Path(check) / name)
            folder = _same_as_trained(trained, Path(check) / name)
        entry = ShippedStandIn(name, facts, shipped, borrowed_files, borrowed_tensors, folder)
        for path in (staging, *staging.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)  # mkdtemp and safetensors make them private
        target = weights_dir / name
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return entry


def _shared_tensors(name: str, weights_dir: Path) -> dict[str, np.ndarray]:
    """The tensors of the shared stand-ins already shipped (not `name` itself), by their references."""
    shipped = read_manifest(weights_dir)["stand_ins"] if manifest_file(weights_dir).is_file() else {}
    return {
        f"{STAND_IN_PREFIX}{shared}/{key}": tensor
        for shared in SHARED_STAND_INS
        if shared != name and shared in shipped  # type: ignore[operator]
        for key, tensor in stand_in_tensors(shared, weights_dir).items()
    }


def _split_weights(trained: Path, staging: Path, shared: dict[str, np.ndarray]) -> dict[str, str]:
    """Write to `staging` what the build cannot borrow; return, for each borrowed tensor, where it comes from.

    A trained tensor is borrowed when it equals a source tensor under any name: one of MiniLM's (a DistilBERT
    body transplanted from MiniLM), a derived one (`derived.py`), or a shared stand-in's (the adapted RoBERTa
    body). When most of its rows are rows of one MiniLM or derived tensor, in any order (an embedding matrix
    grown with copies of rows, as for a cased vocabulary), it ships as the row indices, plus the few rows that
    are new. A tensor of its own whose values all fit in half precision (a builder rounds
    what it trained to float16) ships as float16, and the build widens it back exactly.
    """
    import numpy as np
    from safetensors.numpy import load_file, save_file

    minilm = minilm_weights()
    by_content = {_digest(tensor): key for key, tensor in minilm.items()}
    for name in derived.DERIVED_TENSORS:
        by_content[_digest(derived.tensor(name))] = f"{derived.PREFIX}{name}"
    for reference, tensor in shared.items():
        by_content.setdefault(_digest(tensor), reference)  # MiniLM's and derived tensors keep their own names
    row_sources = {**minilm, **{f"{derived.PREFIX}{name}": derived.tensor(name) for name in derived.DERIVED_TENSORS}}
    own, borrowed, patches, halves = {}, {}, {}, {}
    for key, tensor in load_file(trained).items():
        if tensor.ndim == 0:
            own[key] = tensor
        elif (twin := by_content.get(_digest(tensor))) is not None:
            borrowed[key] = twin
        elif tensor.ndim > 1 and (rows := _rows_from_sources(key, tensor, row_sources)) is not None:
            twin, sources = rows
            borrowed[key] = twin
            changed = (sources < 0).nonzero()[0]
            if len(sources) != len(row_sources[twin]) or (sources != np.arange(len(sources))).any():
                patches[f"{key}.from"] = sources
            if len(changed):
                patches[key], patches[f"{key}.rows"] = tensor[changed], changed.astype("int64")
        elif tensor.dtype == np.float32 and (tensor.astype(np.float16).astype(np.float32) == tensor).all():
            halves[key] = tensor.astype(np.float16)  # trained in half precision: half the bytes, widened exactly
        else:
            own[key] = tensor
    if not borrowed and not halves:
        shutil.copyfile(trained, staging / WEIGHTS_FILE)  # nothing of MiniLM's: ship the file as training wrote it
    else:
        for file, tensors in ((WEIGHTS_FILE, own), (ROW_PATCHES_FILE, patches), (HALVES_FILE, halves)):
            if tensors:
                save_file(tensors, staging / file, metadata=SAFETENSORS_METADATA)
    return dict(sorted(borrowed.items()))


def _source_files() -> dict[str, str]:
    """Every file a stand-in may borrow instead of shipping, by sha256: MiniLM's and the derived tokenizer files."""
    files = {digest: name for name, digest in MINILM_FILES.items()}
    for ref in derived.file_refs():
        files.setdefault(hashlib.sha256(derived.file_bytes(ref)).hexdigest(), ref)  # the first class names it
    return files


def _digest(array: np.ndarray) -> tuple[str, tuple[int, ...], str]:
    return (str(array.dtype), array.shape, hashlib.sha256(array.tobytes()).hexdigest())


def _rows_from_sources(key: str, tensor: np.ndarray, sources: dict[str, np.ndarray]) -> tuple[str, np.ndarray] | None:
    """The source tensor (MiniLM's or derived) that holds most rows of `tensor`, with each row's index in it (-1
    for a new row).

    Candidates are source tensors of the same dtype and row width; the one of the same name (with or without the
    model's prefix, e.g. `bert.`) is tried first. None when no candidate holds more than 95% of the rows.
    """
    import numpy as np

    same_name = [k for k in (key, key.partition(".")[2]) if k in sources]
    candidates = same_name + sorted(
        k
        for k, v in sources.items()
        if v.ndim == tensor.ndim and v.shape[1:] == tensor.shape[1:] and k not in same_name
    )
    wanted = [row.tobytes() for row in tensor.reshape(len(tensor), -1)]
    for candidate in candidates:
        twin = sources[candidate]
        if twin.dtype != tensor.dtype or twin.shape[1:] != tensor.shape[1:] or twin.ndim == 0:
            continue
        twin_rows = [row.tobytes() for row in twin.reshape(len(twin), -1)]
        if twin.shape == tensor.shape:  # the same tensor with a few rows changed ships those rows, not indices
            indices = np.array([i if row == twin_rows[i] else -1 for i, row in enumerate(wanted)], dtype="int64")
        else:
            index = {row: i for i, row in reversed(list(enumerate(twin_rows)))}
            indices = np.array([index.get(row, -1) for row in wanted], dtype="int64")
        if (indices < 0).sum() <= MAX_PATCHED_ROWS * len(tensor):
            return candidate, indices
    return None


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
