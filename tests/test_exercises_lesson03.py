"""Lesson 3's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

from pathlib import Path

from hfcourse.exercises import lesson03 as exercises
from tests.conftest import feedback, solve


def test_layer_count(offline_hub: Path) -> None:
    from transformers import AutoConfig, BertModel

    right = solve(exercises.layer_count)
    assert exercises.layer_count.evaluate(right) == (True, "Correct!")
    random_two = BertModel(AutoConfig.from_pretrained(exercises.CHECKPOINT, num_hidden_layers=2))
    assert "random" in feedback(exercises.layer_count, random_two)
    three = BertModel.from_pretrained(exercises.CHECKPOINT, num_hidden_layers=3)
    assert "num_hidden_layers=2" in feedback(exercises.layer_count, three)
    assert "the model itself; you gave a str" in feedback(exercises.layer_count, "google-bert/bert-base-uncased")


def test_saved_files(offline_hub: Path) -> None:
    from transformers import BertModel

    pretrained_model = BertModel.from_pretrained(exercises.CHECKPOINT, num_hidden_layers=1)
    right = solve(exercises.saved_files, pretrained_model=pretrained_model)
    assert exercises.saved_files.evaluate(right) == (True, "Correct!")
    assert "paths" in feedback(exercises.saved_files, [Path(name) for name in right])
    assert "old pickle" in feedback(exercises.saved_files, ["config.json", "pytorch_model.bin"])
    assert "sort" in feedback(exercises.saved_files, list(reversed(right)))
    assert "tokenizer" in feedback(exercises.saved_files, ["special_tokens_map.json", "tokenizer.json"])
    assert "list of file names" in feedback(exercises.saved_files, "config.json")


def test_classifier_folder(offline_hub: Path, tmp_path: Path) -> None:
    from transformers import AutoConfig, AutoModelForSequenceClassification, BertForSequenceClassification

    right = solve(exercises.classifier_folder)
    assert exercises.classifier_folder.evaluate(right) == (True, "Correct!")
    labels = {0: "negative", 1: "positive"}
    names = {"negative": 0, "positive": 1}

    def saved(model: object, name: str) -> Path:
        model.save_pretrained(tmp_path / name)  # type: ignore[attr-defined]
        return tmp_path / name

    default_labels = AutoModelForSequenceClassification.from_pretrained(exercises.CHECKPOINT, num_hidden_layers=2)
    assert "id2label=" in feedback(exercises.classifier_folder, saved(default_labels, "default-labels"))
    six_layers = AutoModelForSequenceClassification.from_pretrained(
        exercises.CHECKPOINT, id2label=labels, label2id=names
    )
    assert "num_hidden_layers=2" in feedback(exercises.classifier_folder, saved(six_layers, "six-layers"))
    one_way = AutoModelForSequenceClassification.from_pretrained(
        exercises.CHECKPOINT, num_hidden_layers=2, id2label=labels
    )
    assert "label2id=" in feedback(exercises.classifier_folder, saved(one_way, "one-way"))
    config = AutoConfig.from_pretrained(exercises.CHECKPOINT, num_hidden_layers=2, id2label=labels, label2id=names)
    random = BertForSequenceClassification(config)
    assert "random" in feedback(exercises.classifier_folder, saved(random, "random"))
    assert "no config.json" in feedback(exercises.classifier_folder, tmp_path / "empty")
    config_only = tmp_path / "config-only"
    config.save_pretrained(config_only)
    assert "no model.safetensors" in feedback(exercises.classifier_folder, config_only)
    old_format = saved(default_labels, "old-format")
    (old_format / "pytorch_model.bin").write_bytes(b"")
    assert "old pickle" in feedback(exercises.classifier_folder, old_format)
    assert "folder's path" in feedback(exercises.classifier_folder, default_labels)
