"""The README quotes the numbers the lessons show: it is rendered from the results file, the results file must agree
with every lesson's stored "What this lesson measured" cell, and the lessons' own sentences that quote a number
must quote the recorded one. Two numbers swapped anywhere on that way fail here."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from hfcourse.dev import results
from hfcourse.display import approx
from hfcourse.measured import read_results

Values = Mapping[str, float]

# Sentences the lessons print around a recorded number, written as the lesson's cell formats them.
STATEMENTS: dict[str, list[Callable[[Values], str]]] = {
    "04_datasets.ipynb": [
        lambda v: f"batched=True is {v['batched_map_speedup']:.1f}x",
        lambda v: f"num_proc=2 vs one process: {v['num_proc_speedup']:.1f}x",
        lambda v: (
            f"pad per batch: {v['per_batch_fewer_positions']:.2f}x fewer positions, {v['per_batch_speedup']:.1f}x"
        ),
        lambda v: (
            f"pad per batch, similar lengths: {v['similar_lengths_fewer_positions']:.2f}x fewer positions, "
            f"{v['similar_lengths_speedup']:.1f}x"
        ),
    ],
    "05_trainer.ipynb": [
        lambda v: f"validation accuracy {v['majority_accuracy']:.2f}",
        lambda v: f"{'full fine-tuning':<22}{approx(v['full_accuracy']):>9}{approx(v['full_f1']):>6}",
        lambda v: f"{'head only (frozen)':<22}{approx(v['frozen_accuracy']):>9}{approx(v['frozen_f1']):>6}",
    ],
}


def stored_text(notebook: Path) -> str:
    """Everything the notebook's code cells printed, as stored."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "".join("".join(output.get("text", "")) for cell in cells for output in cell.get("outputs", []))


def test_stored_lessons_and_results_file_come_from_the_same_run() -> None:
    assert results.drift(read_results(results.RESULTS)) == [], "re-execute the lesson with `make notebooks`"


@pytest.mark.parametrize("notebook", sorted(STATEMENTS))
def test_the_lessons_sentences_quote_the_recorded_numbers(notebook: str) -> None:
    recorded = read_results(results.RESULTS)[f"lesson{notebook[:2]}"]["values"]
    text = stored_text(results.NOTEBOOKS / notebook)
    for statement in STATEMENTS[notebook]:
        assert statement(recorded) in text, f"{notebook} does not print {statement(recorded)!r}, as recorded"


def test_a_swap_between_a_lesson_and_the_results_file_is_found(tmp_path: Path) -> None:
    """The issue this guards against: the README said 1.5x/1.6x where the lesson showed 1.6x/1.5x."""
    shutil.copy(results.NOTEBOOKS / "04_datasets.ipynb", tmp_path / "04_datasets.ipynb")
    recorded = read_results(results.RESULTS)
    assert results.drift(recorded, tmp_path) == []
    values = dict(recorded["lesson04"]["values"])
    first, second = "per_batch_fewer_positions", "similar_lengths_fewer_positions"  # exact counts: never equal
    values[first], values[second] = values[second], values[first]
    swapped = {**recorded, "lesson04": {**recorded["lesson04"], "values": values}}
    [problem] = results.drift(swapped, tmp_path)
    assert first in problem and second in problem and "04_datasets" in problem
    assert STATEMENTS["04_datasets.ipynb"][2](values) not in stored_text(tmp_path / "04_datasets.ipynb")


def test_a_lesson_that_prints_numbers_it_never_recorded_is_found(tmp_path: Path) -> None:
    shutil.copy(results.NOTEBOOKS / "05_trainer.ipynb", tmp_path / "05_trainer.ipynb")
    assert "has no group lesson05" in results.drift({}, tmp_path)[0]


def test_stored_recap_reads_names_and_values() -> None:
    printed = results.stored_recap(results.NOTEBOOKS / "04_datasets.ipynb")
    assert printed is not None and set(printed) == set(read_results(results.RESULTS)["lesson04"]["values"])
    assert results.stored_recap(results.NOTEBOOKS / "03_config.ipynb") is None
