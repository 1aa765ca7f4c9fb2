"""The course hub that `make test` built: complete, honest, loadable offline, and reproducible."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hfcourse._files import sha256_file
from hfcourse.hub.build import load_manifest, recipe_fingerprint
from hfcourse.hub.catalog import DATASETS, MODELS
from hfcourse.hub.shipped import WEIGHTS_DIR, ShippedWeightsError, assemble, minilm_weights, read_manifest
from hfcourse.paths import course_hub_home
from tests.conftest import REPO

PIPELINE_TASKS = (
    "feature-extraction",
    "fill-mask",
    "ner",
    "question-answering",
    "sentiment-analysis",
    "summarization",
    "text-generation",
    "translation_en_to_fr",
    "zero-shot-classification",
)


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


# The quality each trained stand-in must reach, as its held-out score in the shipped manifest states it (the
# training command measures it): a pattern that reads the number, and the bound it must meet.
# (stand-in, its score's number, bound, target): the quality each trained stand-in must reach on held-out text.
QUALITY_TARGETS = [
    ("sentiment", r"held-out accuracy ([\d.]+)", ">=", 0.82),
    ("question_answering", r"held-out exact match ([\d.]+)", ">=", 0.6),
    ("ner", r"held-out entity F1 ([\d.]+)", ">=", 0.85),
    ("roberta_mlm", r"held-out top-1 accuracy ([\d.]+)", ">=", 0.2),
    ("roberta_mlm", r"top-5 ([\d.]+)", ">=", 0.4),
    ("zero_shot", r"held-out accuracy ([\d.]+)", ">=", 0.85),
    ("text_generation", r"held-out perplexity ([\d.]+)", "<=", 150),
    ("bert_chinese", r"held-out perplexity ([\d.]+)", "<=", 500),  # a context-free model gets about 670
]


@pytest.mark.parametrize(("name", "pattern", "bound", "target"), QUALITY_TARGETS)
def test_the_stand_in_reaches_its_quality_target(name: str, pattern: str, bound: str, target: float) -> None:
    import re

    score = read_manifest()["stand_ins"][name]["facts"]["score"]
    found = re.search(pattern, score)
    assert found, f"{name}: no number matching {pattern!r} in its score {score!r}"
    value = float(found.group(1))
    assert value >= target if bound == ">=" else value <= target, f"{name}: {score} (target {bound} {target})"


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
    reviews = load_dataset("lansinuote/ChnSentiCorp")
    assert {split: len(rows) for split, rows in reviews.items()} == {"train": 9600, "validation": 1200, "test": 1200}
    assert sum(reviews["test"]["label"]) == 600
    assert evaluate.load("accuracy").compute(predictions=[0, 1, 1], references=[0, 1, 0]) == {"accuracy": 2 / 3}
    assert evaluate.load("f1").compute(predictions=[0, 1, 1], references=[0, 1, 0]) == {"f1": 2 / 3}
    assert evaluate.load("glue", "mrpc").compute(predictions=[1, 1], references=[1, 0]) == {
        "accuracy": 0.5,
        "f1": 2 / 3,
    }


def test_git_holds_no_weights_or_data_but_the_shipped_trained_weights() -> None:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    shipped = WEIGHTS_DIR.relative_to(REPO).as_posix() + "/"
    others = [p for p in tracked if not p.startswith(shipped)]
    heavy = [p for p in others if p.endswith((".safetensors", ".bin", ".arrow", ".parquet", ".pt", ".gguf"))]
    assert heavy == []
    assert all((REPO / p).stat().st_size < 1_000_000 for p in others if (REPO / p).is_file())


def _tree_digest(root: Path) -> dict[str, str]:
    """Every file's sha256 and every link's target, by path relative to `root`."""
    digest = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if _written_when_used(relative):
            continue
        if path.is_symlink():
            digest[relative] = "-> " + os.readlink(path)
        elif path.is_file():
            digest[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def _written_when_used(relative: str) -> bool:
    """Files the libraries add to a hub while lessons and tests use it, not part of what the build wrote."""
    parts = relative.split("/")
    return (
        relative.endswith(".lock")
        or ".locks" in parts
        or parts[0] in ("modules", "metrics")  # locks, evaluate's caches
        or (parts[0] == "datasets" and parts[-1].startswith(("cache-", "tmp")))  # datasets.map results
    )


# Other machines, simulated on this one: torch's and numpy's vector kernels, MKL's code path, the thread count.
OTHER_MACHINES = {
    "no-vector-kernels-1-thread": {
        "ATEN_CPU_CAPABILITY": "default",
        "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512_SKX",
        "MKL_CBWR": "COMPATIBLE",
        "OMP_NUM_THREADS": "1",
    },
    "avx2-2-threads": {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "OMP_NUM_THREADS": "2"},
}


@pytest.mark.slow
def test_the_hub_has_the_same_bytes_under_other_numeric_configurations(tmp_path: Path) -> None:
    """The build trains nothing, so other CPUs and thread counts must give every byte and link of this hub.

    Both builds run from nothing, side by side, in fresh processes that read the variables at start-up.
    """
    builds = {}
    for name, variables in OTHER_MACHINES.items():
        env = {**os.environ, **variables, "HFCOURSE_HUB": str(tmp_path / name)}
        command = [str(Path(sys.executable).with_name("hfcourse")), "hub", "build"]
        builds[name] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    reference = _tree_digest(course_hub_home())
    assert len(reference) > 100  # models, datasets and metrics
    for name, process in builds.items():
        output = process.communicate(timeout=600)[0]
        assert process.returncode == 0, output
        rebuilt = _tree_digest(tmp_path / name)
        changed = sorted(
            path for path in reference.keys() | rebuilt.keys() if reference.get(path) != rebuilt.get(path)
        )
        assert changed == [], f"{name}: {len(changed)} paths differ from the course hub, e.g. {changed[:5]}"


def test_the_build_refuses_altered_shipped_weights(tmp_path: Path) -> None:
    """One flipped byte in a shipped file stops the build with the file, both hashes and the fix."""
    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, weights)
    target = next(path for path in sorted((weights / "sentiment").iterdir()) if path.suffix == ".safetensors")
    data = bytearray(target.read_bytes())
    data[-1] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(
        ShippedWeightsError,
        match=rf"{target.name} has sha256 [0-9a-f]{{64}}, the manifest says .*hub train --only sentiment",
    ):
        assemble("sentiment", tmp_path / "out", weights)


def test_a_missing_stand_in_names_the_training_command(tmp_path: Path) -> None:
    weights = tmp_path / "weights"
    shutil.copytree(WEIGHTS_DIR, weights)
    manifest = json.loads((weights / "manifest.json").read_text())
    del manifest["stand_ins"]["ner"]
    (weights / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ShippedWeightsError, match="hfcourse hub train --only ner"):
        assemble("ner", tmp_path / "out", weights)


def test_shipped_weights_are_small_and_all_in_the_manifest() -> None:
    """What git holds of trained weights: at most 60 MB, each file hashed in the manifest, nothing else."""
    stand_ins = read_manifest()["stand_ins"]
    listed = {
        f"{name}/{file}": digest for name, entry in stand_ins.items() for file, digest in entry["shipped"].items()
    }
    present = {
        path.relative_to(WEIGHTS_DIR).as_posix(): sha256_file(path)
        for path in WEIGHTS_DIR.rglob("*")
        if path.is_file() and path.name != "manifest.json"
    }
    assert present == listed
    assert sum(path.stat().st_size for path in WEIGHTS_DIR.rglob("*") if path.is_file()) <= 60_000_000
    assert set(stand_ins) == {stand_in.name for stand_in in MODELS}


def test_assembly_copies_minilm_tensors_and_patches_rows_exactly(tmp_path: Path) -> None:
    """bert-base-uncased's stand-in: MiniLM's tensors by name, its [MASK] embedding row replaced, the head as
    trained."""
    from safetensors.numpy import load_file

    assemble("bert_mlm", tmp_path / "bert_mlm")
    tensors = load_file(tmp_path / "bert_mlm" / "model.safetensors")
    minilm = minilm_weights()
    embeddings, original = (
        tensors["bert.embeddings.word_embeddings.weight"],
        minilm["embeddings.word_embeddings.weight"],
    )
    changed = (embeddings != original).any(axis=1).nonzero()[0].tolist()
    assert changed == [103]  # [MASK], now a copy of [UNK] (row 100)
    assert (embeddings[103] == original[100]).all()
    assert (tensors["bert.encoder.layer.5.output.dense.weight"] == minilm["encoder.layer.5.output.dense.weight"]).all()


def test_no_chinese_sentence_a_lesson_shows_is_trained_on() -> None:
    """The Chinese stand-ins never saw a sentence that a lesson shows: each Chinese string in the lessons' code is
    listed in WRITTEN_FOR_THE_COURSE, and none occurs in any text the stand-in or the dataset is made of."""
    import ast
    import re

    from hfcourse.hub import bert_chinese, chinese_text

    shown = set()
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).splitlines()
                source = "\n".join(line for line in lines if not line.lstrip().startswith(("%", "!")))
                for node in ast.walk(ast.parse(source)):
                    if isinstance(node, ast.Constant) and isinstance(node.value, str):
                        if re.search(r"[\u4e00-\u9fff]", node.value):
                            shown.add(node.value)
    assert shown, "lesson 2 shows Chinese sentences"
    assert shown <= chinese_text.WRITTEN_FOR_THE_COURSE
    training = [
        *bert_chinese.pretraining_texts(),
        *(r.text for rows in chinese_text.review_splits().values() for r in rows),
    ]
    assert [sentence for sentence in shown if any(sentence in text for text in training)] == []
