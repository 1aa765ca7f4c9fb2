"""What a lesson run in the browser must show: what its stored notebook promises, and what the course requires of
every lesson (no error, an exercise's feedback line) and of some (lesson 2's token chips, progress bars)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

# What a lesson must show, beyond what its stored notebook holds.
TOKEN_CHIP_LESSONS = ("02",)  # tokens drawn as chips: HTML <span title="id N (kind)"> elements (hfcourse.tokens)
PROGRESS_BAR_LESSONS = ("05", "06", "07")  # a bar while a training cell runs (hfcourse.progress)
FEEDBACK_LINE = re.compile(r"^\s*[✅⏳❌] \S", re.M)  # hfcourse.exercises: Exercise.check
IPYTHON_ERROR = re.compile(r"Traceback \(most recent call last\)|^\s*Cell In\[\d+\], line \d+", re.M)


# What the page shows of every cell, in order. textContent, not innerText: cells scrolled out of view are
# not rendered (content-visibility) and have no innerText.
CELLS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')].map(cell => {
  const outputs = [...cell.querySelectorAll('.jp-OutputArea-output')];
  const bars = [...cell.querySelectorAll('.jp-OutputArea-output .widget-hprogress')];
  return {
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    stderr: outputs.filter(o => o.dataset.mimeType === 'application/vnd.jupyter.stderr').map(o => o.textContent),
    text: outputs.map(o => o.textContent).join('\\n'),
    html: outputs.filter(o => o.dataset.mimeType === 'text/html').length,
    chips: cell.querySelectorAll('.jp-OutputArea-output[data-mime-type="text/html"] span[title^="id "]').length,
    images: [...cell.querySelectorAll('.jp-OutputArea-output img')].filter(i => i.complete && i.naturalWidth > 0)
      .length,
    bars: bars.map(b => [...(b.closest('.widget-hbox') || b).querySelectorAll('.widget-label')]
      .map(label => label.textContent.trim()).filter(Boolean).join(' ')),
  };
})"""


class PageCell(TypedDict):
    """What CELLS_JS reads of one cell on the page."""

    code: bool
    prompt: str  # "[12]:", "[*]:" while it runs, "[ ]:" if it did not run
    stderr: list[str]  # the text of each stderr output: warnings, and the traceback of an error
    text: str  # the text of all its outputs
    html: int  # rendered HTML outputs
    chips: int  # token chips among them
    images: int  # images drawn (loaded, with a width)
    bars: list[str]  # the labels of each progress bar it shows


@dataclass(frozen=True)
class StoredLesson:
    """What a lesson's stored notebook promises the page will show."""

    path: Path
    cells: int
    code_cells: int
    images: dict[int, int]  # cell index -> images among its outputs
    html: tuple[int, ...]  # cells with an HTML output
    first_lines: tuple[str, ...]  # each cell's first line, to say where a problem is

    @property
    def number(self) -> str:
        return self.path.name[:2]

    @classmethod
    def read(cls, path: Path) -> StoredLesson:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        images, html = {}, []
        for index, cell in enumerate(cells):
            outputs = cell.get("outputs", [])
            count = sum("image/png" in output.get("data", {}) for output in outputs)
            if count:
                images[index] = count
            if any("text/html" in output.get("data", {}) for output in outputs):
                html.append(index)
        code = sum(cell["cell_type"] == "code" and "".join(cell["source"]).strip() != "" for cell in cells)
        first_lines = tuple(next(iter("".join(cell["source"]).strip().splitlines()), "") for cell in cells)
        return cls(
            path=path, cells=len(cells), code_cells=code, images=images, html=tuple(html), first_lines=first_lines
        )


def check_cells(lesson: StoredLesson, cells: list[PageCell], bars: list[str]) -> list[str]:
    """What the page shows against what the lesson must show."""
    if len(cells) != lesson.cells:
        return [f"the page shows {len(cells)} cells, the notebook holds {lesson.cells}"]
    problems = []
    executed = [index for index, cell in enumerate(cells) if cell["code"] and re.search(r"\[\d+\]", cell["prompt"])]
    failed = [index for index, cell in enumerate(cells) if any(IPYTHON_ERROR.search(text) for text in cell["stderr"])]
    if len(executed) < lesson.code_cells and executed and executed[-1] not in failed:
        failed.append(executed[-1])  # run all stops at the cell that raised
    for index in failed:
        where = f"cell {index + 1} of {lesson.cells} {cells[index]['prompt'].rstrip(':')}"
        problems.append(
            f"{where} shows an error: {last_line(cells[index]['stderr'])} (in `{lesson.first_lines[index]}`)"
        )
    if len(executed) < lesson.code_cells:
        problems.append(f"only {len(executed)} of {lesson.code_cells} code cells ran: run all stopped")
    for index, expected in lesson.images.items():
        if cells[index]["images"] < expected:
            problems.append(
                f"cell {index + 1} (`{lesson.first_lines[index]}`): the stored notebook holds {expected} plot(s), "
                f"the page shows {cells[index]['images']}"
            )
    for index in lesson.html:
        if not cells[index]["html"]:
            problems.append(
                f"cell {index + 1} (`{lesson.first_lines[index]}`): its HTML output is not rendered as HTML"
            )
    if lesson.number in TOKEN_CHIP_LESSONS and not sum(cell["chips"] for cell in cells):
        problems.append(
            "no token chips on the page: lesson 2 draws tokens as HTML elements (<span title='id N (kind)'>, "
            "from hfcourse.tokens.show_tokens) and none was rendered. A cell must end with show_tokens(...) "
            "(not print it), and JupyterLab must render its text/html output."
        )
    if not any(FEEDBACK_LINE.search(cell["text"]) for cell in cells):
        problems.append("no exercise feedback line (✅, ⏳ or ❌ ...) is shown")
    if lesson.number in PROGRESS_BAR_LESSONS and not bars:
        problems.append("no progress bar was seen while a training cell ran (hfcourse.progress, TrainingProgress)")
    widget_errors = [index for index, cell in enumerate(cells) if "Error displaying widget" in cell["text"]]
    if widget_errors:
        problems.append(f"a widget could not be displayed in cell(s) {', '.join(str(i + 1) for i in widget_errors)}")
    return problems


def last_line(texts: list[str]) -> str:
    lines = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"
