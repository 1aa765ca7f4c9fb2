"""Keep the lesson notebooks diff-friendly: `python -m hfcourse.dev.notebooks clean|check FILE...`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from hfcourse._files import atomic_write
from hfcourse.progress import WIDGET_VIEW_MIMETYPE

# "translation": which English cell a cell of a language edition translates, and that cell's hash then
# (hfcourse/dev/editions.py).
KEPT_CELL_METADATA = ("tags", "translation")
KEPT_NOTEBOOK_METADATA = ("language_edition",)
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def cleaned(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook with volatile metadata removed; outputs, cell ids and a language edition's records are kept.

    What is removed changes from run to run without changing the lesson: execution timings, widget state,
    kernel versions, and the outputs that only showed a widget (progress bars), which cannot be drawn again
    without the kernel that made them.
    """
    result = dict(notebook)
    result["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    result["metadata"].update(
        {key: notebook["metadata"][key] for key in KEPT_NOTEBOOK_METADATA if key in notebook.get("metadata", {})}
    )
    cells = []
    for cell in notebook["cells"]:
        cell = dict(cell)
        cell["metadata"] = {
            key: cell["metadata"][key] for key in KEPT_CELL_METADATA if key in cell.get("metadata", {})
        }
        if "outputs" in cell:
            cell["outputs"] = [output for output in cell["outputs"] if not only_a_widget(output)]
        cells.append(cell)
    result["cells"] = cells
    return result


def only_a_widget(output: dict[str, Any]) -> bool:
    """True for a display output that holds a widget view and nothing else (a progress bar)."""
    return output.get("output_type") == "display_data" and set(output.get("data", {})) == {WIDGET_VIEW_MIMETYPE}


def serialise(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def problems(path: Path) -> list[str]:
    """What keeps `path` from being a clean, fully executed notebook."""
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    found = []
    if serialise(cleaned(notebook)) != text:
        found.append("volatile metadata or formatting: run `make clean-notebooks`")
    counts = [
        c.get("execution_count")
        for c in notebook["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]
    if counts != list(range(1, len(counts) + 1)):
        found.append("code cells not executed once, top to bottom, in a fresh kernel")
    return found


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("clean", "check"):
        print("usage: python -m hfcourse.dev.notebooks clean|check NOTEBOOK...", file=sys.stderr)
        return 2
    failed = False
    for name in argv[1:]:
        path = Path(name)
        if argv[0] == "clean":
            atomic_write(path, serialise(cleaned(json.loads(path.read_text(encoding="utf-8")))).encode())
        for problem in problems(path):
            print(f"{path}: {problem}", file=sys.stderr)
            failed = True
    return int(failed)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
