"""The browser test's verdicts, from what the page showed of each cell (`make test-browser` drives the real page)."""

from __future__ import annotations

import json

from hfcourse.dev.lesson_checks import PageCell, StoredLesson, check_cells
from tests.conftest import REPO

LESSON = StoredLesson.read(REPO / "notebooks" / "02_auto_classes.ipynb")


def page_as_stored() -> list[PageCell]:
    """The page a correct run of lesson 2 shows: every code cell ran, the outputs the notebook stores."""
    cells = json.loads(LESSON.path.read_text(encoding="utf-8"))["cells"]
    page = []
    for cell in cells:
        outputs = cell.get("outputs", [])
        texts = ["".join(o.get("text") or o.get("data", {}).get("text/plain", "")) for o in outputs]
        html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
        page.append(
            PageCell(
                code=cell["cell_type"] == "code",
                prompt=f"[{cell['execution_count']}]:" if cell["cell_type"] == "code" else "",
                stderr=[],
                text="\n".join(texts),
                html=sum("text/html" in o.get("data", {}) for o in outputs),
                chips=html.count('title="id '),
                images=sum("image/png" in o.get("data", {}) for o in outputs),
                bars=[],
            )
        )
    return page


def test_a_correct_run_passes() -> None:
    assert LESSON.code_cells > 10 and LESSON.html
    assert check_cells(LESSON, page_as_stored(), bars=[]) == []


def test_a_cell_that_raises_is_named_with_its_error_and_the_run_that_stopped() -> None:
    page = page_as_stored()
    failing = next(index for index, cell in enumerate(page) if cell["code"] and index > 5)
    page[failing]["stderr"] = [
        "---------------------------------------------------------------------------\n"
        "AttributeError                            Traceback (most recent call last)\n"
        "AttributeError: DistilBertTokenizerFast has no attribute tokenise"
    ]
    for cell in page[failing + 1 :]:
        cell["prompt"] = "[ ]:" if cell["code"] else ""
    problems = check_cells(LESSON, page, bars=[])
    assert problems[0].startswith(f"cell {failing + 1} of {LESSON.cells} [")
    assert "AttributeError: DistilBertTokenizerFast has no attribute tokenise" in problems[0]
    assert any("code cells ran: run all stopped" in problem for problem in problems)


def test_token_chips_printed_as_text_fail_with_what_to_do() -> None:
    page = page_as_stored()
    for cell in page:
        cell["html"], cell["chips"] = 0, 0
    problems = check_cells(LESSON, page, bars=[])
    assert any("its HTML output is not rendered as HTML" in problem for problem in problems)
    assert any(problem.startswith("no token chips on the page") and "show_tokens" in problem for problem in problems)


def test_a_warning_on_stderr_is_not_an_error_but_no_feedback_line_is_a_problem() -> None:
    page = page_as_stored()
    page[1]["stderr"] = ["You're using a DistilBertTokenizerFast tokenizer. ..."]
    assert check_cells(LESSON, page, bars=[]) == []
    for cell in page:
        cell["text"] = cell["text"].replace("⏳", "").replace("✅", "").replace("❌", "")
    assert check_cells(LESSON, page, bars=[]) == ["no exercise feedback line (✅, ⏳ or ❌ ...) is shown"]


def test_training_lessons_must_show_a_progress_bar_and_plots_must_be_drawn() -> None:
    lesson = StoredLesson.read(REPO / "notebooks" / "05_trainer.ipynb")
    stored = json.loads(lesson.path.read_text(encoding="utf-8"))["cells"]
    page = [
        PageCell(
            code=cell["cell_type"] == "code",
            prompt=f"[{cell['execution_count']}]:" if cell["cell_type"] == "code" else "",
            stderr=[],
            text="⏳ Not answered yet",
            html=0,
            chips=0,
            images=lesson.images.get(index, 0),
            bars=[],
        )
        for index, cell in enumerate(stored)
    ]
    assert lesson.images and check_cells(lesson, page, bars=["cell 22: training 3/32 steps, 2 s"]) == []
    assert check_cells(lesson, page, bars=[]) == [
        "no progress bar was seen while a training cell ran (hfcourse.progress, TrainingProgress)"
    ]
    plot = next(iter(lesson.images))
    page[plot]["images"] = 0
    assert "plot(s), the page shows 0" in check_cells(lesson, page, bars=["cell 22: training"])[0]
