"""The fine-tuning bookkeeping: sizes on disk and the majority baseline."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcourse.finetuning import folder_size, majority_baseline


def test_folder_size_adds_up_every_file_below(tmp_path: Path) -> None:
    (tmp_path / "nested").mkdir()
    (tmp_path / "a.bin").write_bytes(b"x" * 1000)
    (tmp_path / "nested" / "b.json").write_bytes(b"y" * 234)
    assert folder_size(tmp_path) == 1234
    assert folder_size(str(tmp_path / "nested")) == 234


def test_folder_size_refuses_what_is_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "file.bin").write_bytes(b"x")
    for path in (tmp_path / "missing", tmp_path / "file.bin"):
        with pytest.raises(FileNotFoundError, match="save_adapter"):
            folder_size(path)


def test_majority_baseline_counts_the_training_majority_on_the_test_labels() -> None:
    assert majority_baseline([1, 1, 0], [0, 0, 1, 1]) == (1, 0.5)
    assert majority_baseline([0, 0, 1], [0, 0, 0, 1]) == (0, 0.75)
    with pytest.raises(ValueError):
        majority_baseline([], [1])
