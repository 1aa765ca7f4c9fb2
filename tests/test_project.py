"""The set-up files agree with each other, and the notebooks are stored clean and fully executed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from hfcourse.dev.notebooks import problems
from tests.conftest import REPO

LESSONS = sorted((REPO / "notebooks").glob("*.ipynb"))
# The English lessons and their Simplified Chinese edition (hfcourse/dev/editions.py): both stored clean and executed.
NOTEBOOKS = LESSONS + sorted((REPO / "notebooks" / "zh-CN").glob("*.ipynb"))


def notebook_id(path: Path) -> str:
    return path.relative_to(REPO / "notebooks").as_posix()


def pins(lines: list[str]) -> list[str]:
    return [line.strip().lstrip("- ").strip() for line in lines if re.match(r"^\s*-?\s*[A-Za-z0-9_.-]+==", line)]


def test_environment_yml_pins_equal_requirements_pins() -> None:
    requirements = pins((REPO / "requirements" / "pins.txt").read_text().splitlines())
    conda = pins((REPO / "environment.yml").read_text().splitlines())
    assert conda == requirements


def test_every_pin_is_in_the_constraints_file() -> None:
    constraints = {
        line.split("==")[0].lower().replace("_", "-"): line
        for line in (REPO / "requirements" / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    for pin in pins((REPO / "requirements" / "pins.txt").read_text().splitlines()):
        assert constraints[pin.split("==")[0].lower().replace("_", "-")] == pin


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (REPO / "README.md").read_text()
    assert re.search(r"^make test$", (REPO / ".ci" / "run").read_text(), re.M)
    makefile = (REPO / "Makefile").read_text()
    assert "--nbval" in makefile and "HFCOURSE_MODE=offline" in makefile


def test_ci_runs_the_browser_test_after_make_test_and_it_sets_up_like_the_others() -> None:
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert ci.index("make test-browser") == ci.index("make test") + 1
    assert re.search(r"^test-browser: hub\b", (REPO / "Makefile").read_text(), re.M)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_notebook_is_clean_and_executed_in_order(notebook: Path) -> None:
    assert problems(notebook) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_notebook_starts_with_setup_and_ignores_few_outputs_with_a_reason(notebook: Path) -> None:
    cells = [c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"]
    setup = 'hfcourse.setup(lang="zh-CN")' if notebook.parent.name == "zh-CN" else "hfcourse.setup()"
    assert setup in "".join(cells[0]["source"])
    ignored = [c for c in cells if "NBVAL_IGNORE_OUTPUT" in "".join(c["source"])]
    assert len(ignored) <= 0.1 * len(cells)
    for cell in ignored:
        marker, reason = "".join(cell["source"]).splitlines()[:2]
        assert marker == "# NBVAL_IGNORE_OUTPUT", f"nbval only honours the marker alone on its line: {marker}"
        assert re.match(r"# \(output not compared: \S.{10,}\)$", reason), f"say why the output is ignored: {reason}"


def test_notebooks_are_numbered_in_course_order() -> None:
    assert [p.name[:3] for p in LESSONS] == [f"{i:02d}_" for i in range(1, len(LESSONS) + 1)]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=notebook_id)
def test_notebook_stores_no_progress_bars_or_machine_details_in_stderr(notebook: Path) -> None:
    """Lessons show the libraries' warnings (stable text that nbval compares), but no progress bar, and nothing
    that changes between machines: a home folder, a cache path, a date or a time of day."""
    cells = json.loads(notebook.read_text())["cells"]
    stderr = ["".join(o["text"]) for c in cells for o in c.get("outputs", []) if o.get("name") == "stderr"]
    variable = re.compile(r"\r|\d+%\||it/s\b|/root/|/home/|/Users/|\.cache/|\b\d{1,2}:\d{2}:\d{2}\b")
    assert [text for text in stderr if variable.search(text)] == []


def test_the_readme_shows_a_thumbnail_of_every_lesson_and_each_is_small() -> None:
    readme = (REPO / "README.md").read_text()
    shown = re.findall(r'<img src="(docs/lessons/[^"]+\.png)"', readme)
    lessons = sorted(path.stem for path in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert shown == [f"docs/lessons/{name}.png" for name in lessons]
    for picture in shown:
        assert 0 < (REPO / picture).stat().st_size < 60_000, f"{picture}: missing or too big; run `make thumbnails`"
