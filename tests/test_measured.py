"""The measured numbers: recorded by lessons and benchmarks into one file, rendered into the README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hfcourse.dev import results
from hfcourse.measured import RESULTS_ENV, read_results, recap, record


def test_readme_numbers_are_the_recorded_ones() -> None:
    """A number edited by hand in the README's "Measured" section, or a stale render, fails here."""
    assert results.main(["check"]) == 0, "run `make readme` after `make notebooks` or `make measure`"


def test_every_template_field_is_recorded() -> None:
    recorded = read_results(results.RESULTS)
    template = results.TEMPLATE.read_text(encoding="utf-8")
    groups = {field.partition("[")[0] for field in results.fields(template)}
    assert groups - {"hub_training"} <= set(recorded), "a group the template uses is missing from results.json"


def test_a_missing_number_names_what_to_run() -> None:
    with pytest.raises(KeyError, match=r"lesson09\[accuracy\].*group 'lesson09'"):
        results.rendered_section("accuracy {lesson09[accuracy]:.2f}", {}, {})


def test_rendered_section_formats_recorded_numbers() -> None:
    recorded = {"lesson09": {"measured_on": "a laptop", "values": {"accuracy": 0.7812}}}
    section = results.rendered_section(
        "on {lesson09[measured_on]}: {lesson09[accuracy]:.2f}, {hub_training[size]}", recorded, {"size": "1 MB"}
    )
    assert section == "on a laptop: 0.78, 1 MB"


def test_readme_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="lacks the markers"):
        results.readme_with("x", "# README\n")


def test_record_writes_nothing_unless_a_results_file_is_configured(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv(RESULTS_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert record("lesson09", {"accuracy": 0.5}) is None
    assert list(tmp_path.iterdir()) == []


def test_recap_prints_approximate_numbers_and_merges_them(monkeypatch, tmp_path: Path, capsys) -> None:
    path = tmp_path / "results.json"
    monkeypatch.setenv(RESULTS_ENV, str(path))
    record("lesson09", {"seconds": 12.0})
    recap("lesson09", full_accuracy=0.78123, saved_mb=1.1)
    printed = capsys.readouterr().out
    assert "full accuracy  \u22480.78" in printed and "saved mb       \u22481.10" in printed
    stored = json.loads(path.read_text())
    assert stored["lesson09"]["values"] == {"seconds": 12.0, "full_accuracy": 0.7812, "saved_mb": 1.1}
    assert stored["lesson09"]["measured_on"].endswith("cores")


def test_names_that_a_template_cannot_use_are_refused(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv(RESULTS_ENV, str(tmp_path / "results.json"))
    with pytest.raises(ValueError, match="identifiers"):
        record("lesson 9", {"accuracy": 0.5})


def test_a_damaged_results_file_says_how_to_restore_it(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text("{not json")
    with pytest.raises(ValueError, match="git checkout"):
        read_results(path)
