"""Build the course hub: every stand-in laid into a fresh HF home, swapped into place when complete.

The build only assembles (see shipped.py): it copies the shipped trained weights and MiniLM's, writes
tokenizers, datasets and metric scripts, and checks every hash. It trains nothing, so its bytes are the
same on every machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from hfcourse._files import atomic_write
from hfcourse.hfcache.writer import import_folder
from hfcourse.hub.catalog import MODELS
from hfcourse.hub.shipped import WEIGHTS_DIR, assemble, manifest_file
from hfcourse.hub.standins import BuiltModel, config_sizes
from hfcourse.modes import QUIET_ENV
from hfcourse.paths import course_hub_home, manifest_path

# The build's result depends on the hub's own code, the shipped weights and these packages' versions.
RECIPE_PACKAGES = ("transformers", "tokenizers", "huggingface_hub", "datasets", "evaluate", "safetensors", "pyarrow")
# The modules outside hub/ that decide what the hub's files hold, relative to the hfcourse package.
RECIPE_MODULES = ("_files.py", "labels.py", "hfcache/layout.py", "hfcache/writer.py")
Log = Callable[[str], None]


def recipe_fingerprint() -> str:
    """A hash of everything the hub is made from: its code, its data files and the libraries' versions."""
    digest = hashlib.sha256()
    package_dir = Path(__file__).parent
    recipe_modules = [package_dir.parent / module for module in RECIPE_MODULES]
    for path in sorted(package_dir.rglob("*.py")) + recipe_modules + [manifest_file(WEIGHTS_DIR)]:
        digest.update(path.relative_to(package_dir.parent).as_posix().encode() + b"\0" + path.read_bytes())
    for package in RECIPE_PACKAGES:
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    return digest.hexdigest()


def is_up_to_date(home: Path | None = None) -> bool:
    path = manifest_path(home or course_hub_home())
    try:
        return json.loads(path.read_text())["fingerprint"] == recipe_fingerprint()
    except (OSError, ValueError, KeyError):
        return False


def build_hub(home: Path | None = None, *, force: bool = False, log: Log = print) -> Path:
    """Build the course hub at `home` unless it is already up to date; return `home`.

    Everything is written to a temporary sibling folder and renamed into place at the end, so an
    interrupted build leaves either the previous hub or nothing, never half a hub.
    """
    from filelock import FileLock

    home = (home or course_hub_home()).resolve()
    home.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(home.parent / f".{home.name}.lock")):
        if not force and is_up_to_date(home):
            log(f"The course hub at {home} is up to date.")
            return home
        started = time.perf_counter()
        staging = Path(tempfile.mkdtemp(prefix=f".{home.name}.building-", dir=home.parent))
        try:
            _build_into(staging, log)
            _swap_into_place(staging, home)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        log(f"Built the course hub at {home} in {time.perf_counter() - started:.0f} s.")
    return home


def _build_into(staging: Path, log: Log) -> None:
    _quiet_libraries()
    from hfcourse.hub.datasets_cache import build_datasets
    from hfcourse.hub.metrics_cache import install_metrics

    work = staging / "work"
    built: dict[str, tuple[Path, BuiltModel]] = {}  # one folder per trained stand-in, shared by the repos that use it
    models = []
    started = time.perf_counter()
    for stand_in in MODELS:
        if stand_in.name not in built:
            folder = work / stand_in.name
            built[stand_in.name] = (folder, assemble(stand_in.name, folder))
        folder, facts = built[stand_in.name]
        for repo_id in (stand_in.repo_id, *stand_in.aliases):
            import_folder(
                folder,
                repo_id,
                staging / "hub",
                refs=stand_in.refs(),
                hardlink=True,
                message=f"Course hub stand-in for {stand_in.repo_id} ({stand_in.real_checkpoint})\n\n{facts.source}",
            )
        models.append(
            {
                "repo_id": stand_in.repo_id,
                "aliases": list(stand_in.aliases),
                "refs": list(stand_in.refs()),
                "real": stand_in.real_checkpoint,
                **asdict(facts),
                "sizes": config_sizes(json.loads((folder / "config.json").read_text(encoding="utf-8"))),
            }
        )
    shutil.rmtree(work)
    log(
        f"  assembled {len(built)} trained stand-ins into {len(models)} model repos in "
        f"{time.perf_counter() - started:.0f} s"
    )
    started = time.perf_counter()
    datasets = build_datasets(staging / "datasets")
    for lock in (staging / "datasets").rglob("*.lock"):
        lock.unlink()  # datasets' own lock files name the staging folder: not part of the hub
    metrics = install_metrics(staging)
    log(f"  wrote datasets and metrics in {time.perf_counter() - started:.0f} s")
    manifest = {"fingerprint": recipe_fingerprint(), "models": models, "datasets": datasets, "metrics": metrics}
    atomic_write(manifest_path(staging), (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())


def _quiet_libraries() -> None:
    """No progress bars or advisory warnings while building (what setup() sets, where not set already), no network."""
    for name, value in {**QUIET_ENV, "HF_HUB_OFFLINE": "1"}.items():
        os.environ.setdefault(name, value)
    if "datasets" in sys.modules:
        import datasets

        datasets.disable_progress_bars()


def _swap_into_place(staging: Path, home: Path) -> None:
    old = home.with_name(f".{home.name}.old-{os.getpid()}")
    if home.exists():
        os.replace(home, old)
    os.replace(staging, home)
    shutil.rmtree(old, ignore_errors=True)


def load_manifest(home: Path | None = None) -> dict[str, object]:
    """The manifest of a built hub; raises FileNotFoundError with the command to build it."""
    path = manifest_path(home or course_hub_home())
    if not path.is_file():
        raise FileNotFoundError(f"No course hub at {path.parent}: build it with `hfcourse hub build`.")
    return json.loads(path.read_text())
