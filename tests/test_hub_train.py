"""`hfcourse hub train`: what it ships is only what training made, and the build gives back exactly what it trained."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfcourse._files import sha256_file
from hfcourse.hub.shipped import ShippedWeightsError, assemble, read_manifest
from hfcourse.hub.train import train_stand_ins


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The NER head and the question-answering DistilBERT (under a minute), trained into a fresh weights folder."""
    weights = tmp_path_factory.mktemp("weights")
    assert train_stand_ins(["ner", "question_answering"], weights, log=lambda line: None) == [
        "ner",
        "question_answering",
    ]
    return weights


def test_a_transplanted_body_is_borrowed_not_shipped(trained: Path) -> None:
    """DistilBERT's layers are MiniLM's under other names; its cased embedding matrix is MiniLM's rows picked by
    index; its positions are derived at build time: only the head ships."""
    from safetensors.numpy import load_file

    entry = read_manifest(trained)["stand_ins"]["question_answering"]
    borrowed = entry["borrowed_tensors"]
    assert (
        borrowed["distilbert.transformer.layer.0.attention.q_lin.weight"]
        == "encoder.layer.0.attention.self.query.weight"
    )
    assert borrowed["distilbert.embeddings.position_embeddings.weight"] == "derived:positions_with_type_zero"
    assert borrowed["distilbert.embeddings.word_embeddings.weight"] == "embeddings.word_embeddings.weight"
    picks = load_file(trained / "question_answering" / "row_patches.safetensors")
    assert set(picks) == {"distilbert.embeddings.word_embeddings.weight.from"}
    assert set(load_file(trained / "question_answering" / "model.safetensors")) == {
        "qa_outputs.weight",
        "qa_outputs.bias",
    }


def test_a_trained_head_ships_its_tensors_and_borrows_the_body(trained: Path) -> None:
    from safetensors.numpy import load_file

    entry = read_manifest(trained)["stand_ins"]["ner"]
    shipped = load_file(trained / "ner" / "model.safetensors")
    assert set(shipped) == {"classifier.weight", "classifier.bias"}
    assert "bert.encoder.layer.0.attention.self.query.weight" in entry["borrowed_tensors"]
    assert entry["facts"]["score"].startswith("held-out entity F1")
    assert {name: sha256_file(trained / "ner" / name) for name in entry["shipped"]} == entry["shipped"]


def test_the_build_assembles_exactly_what_was_trained(trained: Path, tmp_path: Path) -> None:
    facts = assemble("ner", tmp_path / "ner", trained)
    entry = read_manifest(trained)["stand_ins"]["ner"]
    assert {path.name: sha256_file(path) for path in (tmp_path / "ner").iterdir()} == entry["folder"]
    assert facts.architecture == "BertForTokenClassification"


def test_the_manifest_says_what_training_ran_on(trained: Path) -> None:
    manifest = json.loads((trained / "manifest.json").read_text())
    assert list(manifest["stand_ins"]) == ["ner", "question_answering"]  # in catalog order, nothing else
    assert {"machine", "torch", "transformers"} <= set(manifest["trained_on"])
    assert manifest["training_seconds"]["ner"] > 0


def test_an_unknown_stand_in_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ShippedWeightsError, match="No stand-in named nre; choose from .*ner"):
        train_stand_ins(["nre"], tmp_path, log=lambda line: None)
    assert list(tmp_path.iterdir()) == []
