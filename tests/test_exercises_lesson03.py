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
