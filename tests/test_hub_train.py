"""`hfcourse hub train`: what it ships is only what training made, and the build gives back exactly what it trained."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hfcourse._files import sha256_file
from hfcourse.hub.shipped import WEIGHTS_DIR, ShippedWeightsError, assemble, read_manifest
from hfcourse.hub.train import train_stand_ins


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped weights in which the summarization stand-in is trained again (seconds), and the
    fine-tuned NER and question-answering stand-ins are shipped again without training."""
    weights = tmp_path_factory.mktemp("weights") / "weights"
    shutil.copytree(WEIGHTS_DIR, weights)
    assert train_stand_ins(["summarization"], weights, log=lambda line: None) == ["summarization"]
    assert train_stand_ins(["ner", "question_answering"], weights, log=lambda line: None, reship=True) == [
        "ner",
        "question_answering",
    ]
    return weights


def test_fine_tuned_top_layers_ship_and_the_rest_of_the_body_is_borrowed(trained: Path) -> None:
    """The question-answering DistilBERT: layers 0-3 are MiniLM's under other names, its cased embedding matrix is
    MiniLM's rows picked by index, its positions and tokenizer files are derived at build time; only the
    fine-tuned top layers and the head ship, in float16."""
    from safetensors.numpy import load_file

    entry = read_manifest(trained)["stand_ins"]["question_answering"]
    borrowed = entry["borrowed_tensors"]
    assert (
        borrowed["distilbert.transformer.layer.0.attention.q_lin.weight"]
        == "encoder.layer.0.attention.self.query.weight"
    )
    assert borrowed["distilbert.embeddings.position_embeddings.weight"] == "derived:positions_with_type_zero"
    assert borrowed["distilbert.embeddings.word_embeddings.weight"] == "embeddings.word_embeddings.weight"
    assert entry["borrowed_files"] == {
        "tokenizer.json": "derived:BertTokenizerFast-cased/tokenizer.json",
        "vocab.txt": "derived:BertTokenizerFast-cased/vocab.txt",
    }
    picks = load_file(trained / "question_answering" / "row_patches.safetensors")
    assert set(picks) == {"distilbert.embeddings.word_embeddings.weight.from"}
    halves = load_file(trained / "question_answering" / "float16.safetensors")
    assert {"qa_outputs.weight", "distilbert.transformer.layer.5.ffn.lin1.weight"} <= set(halves)
    assert not any(".layer.3." in key for key in halves)
    assert not (trained / "question_answering" / "model.safetensors").exists()


def test_shipping_again_gives_the_same_folder(trained: Path) -> None:
    """--reship only changes how a stand-in is stored, never what the build assembles."""
    for name in ("ner", "question_answering"):
        assert read_manifest(trained)["stand_ins"][name]["folder"] == read_manifest()["stand_ins"][name]["folder"]


def test_the_build_assembles_exactly_what_was_trained(trained: Path, tmp_path: Path) -> None:
    for name, architecture in (
        ("summarization", "BartForConditionalGeneration"),
        ("ner", "BertForTokenClassification"),
    ):
        facts = assemble(name, tmp_path / name, trained)
        entry = read_manifest(trained)["stand_ins"][name]
        assert {path.name: sha256_file(path) for path in (tmp_path / name).iterdir()} == entry["folder"]
        assert facts.architecture == architecture


def test_the_manifest_says_what_training_ran_on(trained: Path) -> None:
    manifest = json.loads((trained / "manifest.json").read_text())
    assert list(manifest["stand_ins"]) == list(read_manifest()["stand_ins"])  # in catalog order, nothing else
    assert {"machine", "torch", "transformers"} <= set(manifest["trained_on"])
    assert manifest["training_seconds"]["summarization"] > 0


def test_an_unknown_stand_in_is_refused_with_the_choices(tmp_path: Path) -> None:
    with pytest.raises(ShippedWeightsError, match="No stand-in named nre; choose from .*ner"):
        train_stand_ins(["nre"], tmp_path, log=lambda line: None)
    assert list(tmp_path.iterdir()) == []
