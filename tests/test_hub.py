"""The course hub that `make test` built: complete, honest, loadable offline, and reproducible."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from hfcourse.hub.build import build_hub, load_manifest, recipe_fingerprint
from hfcourse.hub.catalog import MODELS
from hfcourse.hub.datasets_cache import DATASETS
from hfcourse.paths import course_hub_home
from tests.conftest import REPO

PIPELINE_TASKS = ("feature-extraction", "fill-mask", "ner", "question-answering", "sentiment-analysis",
                  "summarization", "text-generation", "translation_en_to_fr", "zero-shot-classification")


@pytest.fixture(scope="module")
def manifest() -> dict:
    return load_manifest()


def test_the_hub_is_built_from_the_current_recipe(manifest: dict) -> None:
    assert manifest["fingerprint"] == recipe_fingerprint()


def test_every_pipeline_task_has_its_default_checkpoint() -> None:
    from transformers.pipelines import check_task, get_default_model_and_revision

    served = {stand_in.repo_id: stand_in for stand_in in MODELS}
    for task in PIPELINE_TASKS:
        _, targeted, options = check_task(task)
        model, revision = get_default_model_and_revision(targeted, "pt", options)
        assert model in served, f"{task}: {model} is not in the course hub"
        repo = course_hub_home() / "hub" / f"models--{model.replace('/', '--')}"
        commit = (repo / "refs" / revision).read_text()
        assert (repo / "snapshots" / commit / "config.json").is_file()


def test_every_stand_in_is_honestly_described(manifest: dict) -> None:
    for model in manifest["models"]:
        assert model["source"] and model["license"] and model["parameters"] > 0, model["repo_id"]
        assert "real" in model["source"] or "here" in model["source"], model["repo_id"]  # says where weights come from
    assert {m["repo_id"] for m in manifest["models"]} == {s.repo_id for s in MODELS}
    assert {n for d in manifest["datasets"] for n in d["names"]} == {n for d in DATASETS for n in d.names}


def test_sentiment_stand_in_beats_the_majority_class(manifest: dict) -> None:
    import re

    sentiment = next(m for m in manifest["models"] if m["repo_id"].endswith("finetuned-sst-2-english"))
    accuracy, majority = map(float, re.findall(r"accuracy ([\d.]+) .*majority class ([\d.]+)", sentiment["score"])[0])
    assert accuracy >= majority + 0.05


def test_the_cache_scans_without_warnings() -> None:
    from huggingface_hub import scan_cache_dir

    report = scan_cache_dir(course_hub_home() / "hub")
    assert report.warnings == []
    assert {r.repo_id for r in report.repos} >= {s.repo_id for s in MODELS}


def test_refs_have_no_trailing_newline() -> None:
    for ref in (course_hub_home() / "hub").glob("models--*/refs/*"):
        assert len(ref.read_bytes()) == 40, ref


def test_datasets_and_metrics_load_offline(offline_hub: Path) -> None:
    import evaluate
    from datasets import load_dataset

    mrpc = load_dataset("glue", "mrpc")
    assert mrpc["train"].features["label"].names == ["not_equivalent", "equivalent"]
    assert load_dataset("nyu-mll/glue", "mrpc")["validation"][0] == mrpc["validation"][0]
    assert load_dataset("rotten_tomatoes")["test"].features["label"].names == ["neg", "pos"]
    assert set(load_dataset("SetFit/sst5")["train"]["label"]) == {0, 1, 2, 3, 4}
    assert evaluate.load("accuracy").compute(predictions=[0, 1, 1], references=[0, 1, 0]) == {"accuracy": 2 / 3}
    assert evaluate.load("f1").compute(predictions=[0, 1, 1], references=[0, 1, 0]) == {"f1": 2 / 3}
    assert evaluate.load("glue", "mrpc").compute(predictions=[1, 1], references=[1, 0]) == {"accuracy": 0.5, "f1": 2 / 3}


def test_no_weights_or_data_are_tracked_in_git() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    heavy = [p for p in tracked if p.endswith((".safetensors", ".bin", ".arrow", ".parquet", ".pt", ".gguf"))]
    assert heavy == []
    assert all((REPO / p).stat().st_size < 1_000_000 for p in tracked if (REPO / p).is_file())


def _tree_digest(root: Path) -> dict[str, str]:
    """Every file's sha256 and every link's target, by path relative to `root`."""
    digest = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if ".locks" in path.parts or relative.startswith("modules"):
            continue  # lock files, and modules evaluate compiles when a metric is loaded
        if path.is_symlink():
            digest[relative] = "-> " + os.readlink(path)
        elif path.is_file():
            digest[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


@pytest.mark.slow
def test_a_clean_build_is_byte_identical_to_the_hub(tmp_path: Path) -> None:
    """Build a second hub from nothing, in another folder, and compare every byte and link."""
    second = build_hub(tmp_path / "second-hub", log=lambda line: None)
    built, rebuilt = _tree_digest(course_hub_home()), _tree_digest(second)
    rebuilt_only = {k for k in rebuilt if k not in built}
    assert rebuilt_only == set()
    changed = [path for path, value in rebuilt.items() if built[path] != value]
    assert changed == []
