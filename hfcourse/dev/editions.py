"""The Simplified Chinese edition of the lessons, kept in step with the English ones.

`python -m hfcourse.dev.editions sync|import NN FILE.json|check`

A zh-CN lesson (notebooks/zh-CN/NN_name.ipynb) has the English lesson's cells, in the same order and with the same
ids. Its code is the English code; only the setup cell differs, asking `hfcourse.setup(lang="zh-CN")`. Each markdown
cell records which English cell it translates and the sha256 of that cell's text when it was translated, so that a
change to the English prose shows as a stale translation instead of drifting silently.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from hfcourse._files import atomic_write
from hfcourse.dev.notebooks import cleaned, serialise

EDITION = "zh-CN"
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SETUP = "hfcourse.setup()"
SETUP_IN_EDITION = f'hfcourse.setup(lang="{EDITION}")'
RE_EXECUTE = "re-execute the lesson (`make notebooks`)"
# CJK ideographs (unified, extension A, compatibility): what Chinese prose cannot do without.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# What a cell may hold that is the same in every language: fenced code, display and inline formulas, HTML comments.
LANGUAGE_FREE = re.compile(r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$\n]+\$|<!--.*?-->", re.S)

Notebook = dict[str, Any]
Cell = dict[str, Any]


def source_text(cell: Cell) -> str:
    """A cell's source as one string (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def source_lines(text: str) -> list[str]:
    """Text as nbformat's list of lines, each keeping its line end."""
    return text.splitlines(keepends=True)


def text_sha256(text: str) -> str:
    """The sha256 hex digest of a cell's text, encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lessons(folder: Path = NOTEBOOKS) -> list[Path]:
    """The English lessons, in course order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def edition_path(english: Path) -> Path:
    """Where the zh-CN edition of an English lesson lives."""
    return english.parent / EDITION / english.name


def read(path: Path) -> Notebook:
    """A notebook file, parsed."""
    return json.loads(path.read_text(encoding="utf-8"))


def write_if_changed(path: Path, notebook: Notebook) -> bool:
    """Write the notebook clean and atomically unless the file already holds exactly that; True if written."""
    text = serialise(cleaned(notebook))
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write(path, text.encode("utf-8"))
    return True


def setup_cell_id(notebook: Notebook) -> str | None:
    """The id of the notebook's setup cell: its first code cell."""
    return next((cell.get("id") for cell in notebook["cells"] if cell["cell_type"] == "code"), None)


def edition_code(english_cell: Cell, is_setup: bool) -> str:
    """The source a zh-CN code cell must hold: the English source, the setup cell asking for Chinese messages."""
    text = source_text(english_cell)
    return text.replace(SETUP, SETUP_IN_EDITION) if is_setup else text


def cells_by_id(notebook: Notebook | None) -> dict[str, Cell]:
    """A notebook's cells keyed by id (none for no notebook)."""
    return {cell.get("id"): cell for cell in notebook["cells"]} if notebook else {}


def translation(cell: Cell) -> dict[str, Any]:
    """A zh-CN markdown cell's translation record ({} where it has none)."""
    record = cell.get("metadata", {}).get("translation")
    return record if isinstance(record, dict) else {}


def untranslated(english_cell: Cell) -> Cell:
    """A zh-CN markdown cell that holds the English text until a translator replaces it."""
    return {
        "cell_type": "markdown",
        "id": english_cell["id"],
        "metadata": {"translation": {"of": english_cell["id"], "sha256": None}},
        "source": copy.deepcopy(english_cell["source"]),
    }


def synced_markdown(english_cell: Cell, stored: Cell | None) -> Cell:
    """The zh-CN markdown cell: the stored translation as it is (its hash untouched), else the English text."""
    record = translation(stored) if stored and stored["cell_type"] == "markdown" else {}
    if record.get("of") == english_cell["id"] and record.get("sha256") is not None:
        return copy.deepcopy(stored)
    return untranslated(english_cell)


def synced_code(english_cell: Cell, stored: Cell | None, is_setup: bool) -> tuple[Cell, bool]:
    """The zh-CN code cell, and whether it is unexecuted (outputs are kept only where the source is unchanged)."""
    source = edition_code(english_cell, is_setup)
    cell = {
        "cell_type": "code",
        "id": english_cell["id"],
        "metadata": copy.deepcopy(english_cell.get("metadata", {})),
        "source": source_lines(source),
        "execution_count": None,
        "outputs": [],
    }
    if stored and stored["cell_type"] == "code" and source_text(stored) == source:
        cell["execution_count"] = stored.get("execution_count")
        cell["outputs"] = copy.deepcopy(stored.get("outputs", []))
    return cell, cell["execution_count"] is None and bool(source.strip())


def synced(english: Notebook, stored: Notebook | None) -> tuple[Notebook, list[str]]:
    """The zh-CN notebook rebuilt from the English one, and the ids of its unexecuted code cells."""
    setup, old, cells, unexecuted = setup_cell_id(english), cells_by_id(stored), [], []
    for english_cell in english["cells"]:
        if english_cell["cell_type"] == "code":
            cell, missing = synced_code(english_cell, old.get(english_cell.get("id")), english_cell.get("id") == setup)
            unexecuted += [cell["id"]] if missing else []
        elif english_cell["cell_type"] == "markdown":
            cell = synced_markdown(english_cell, old.get(english_cell.get("id")))
        else:
            cell = copy.deepcopy(english_cell)
        cells.append(cell)
    notebook = {key: copy.deepcopy(value) for key, value in english.items() if key != "cells"}
    notebook["metadata"] = {**notebook.get("metadata", {}), "language_edition": EDITION}
    notebook["cells"] = cells
    return notebook, unexecuted


def language_free(text: str) -> bool:
    """True for an English cell that holds only code or formulas, which a translation may keep as they are."""
    return re.search(r"[A-Za-z]{2,}", LANGUAGE_FREE.sub("", text)) is None


def sequence_problems(name: str, english: Notebook, edition: Notebook) -> list[str]:
    """Where the zh-CN cells differ from the English ones in number, order, ids or types."""
    theirs = [(cell.get("id"), cell["cell_type"]) for cell in english["cells"]]
    ours = [(cell.get("id"), cell["cell_type"]) for cell in edition["cells"]]
    if theirs == ours:
        return []
    found = []
    missing = [cell_id for cell_id, _ in theirs if cell_id not in dict(ours)]
    extra = [cell_id for cell_id, _ in ours if cell_id not in dict(theirs)]
    if missing:
        found.append(f"{name}: English cells {missing} have no zh-CN cell")
    if extra:
        found.append(f"{name}: zh-CN cells {extra} have no English cell")
    for position, (mine, english_one) in enumerate(zip(ours, theirs)):
        if mine != english_one:
            found.append(
                f"{name}: cell {position + 1} is zh-CN cell '{mine[0]}' ({mine[1]}) but English cell "
                f"'{english_one[0]}' ({english_one[1]}): the cells must match in order, ids and types "
                "(run `make translations`)"
            )
            break
    if len(ours) != len(theirs) and not (missing or extra):
        found.append(f"{name}: zh-CN has {len(ours)} cells, English {len(theirs)}")
    return found


def code_problem(name: str, english_cell: Cell, cell: Cell, is_setup: bool) -> str | None:
    """What is wrong with a zh-CN code cell, if anything: it must run the English code."""
    if source_text(cell) == edition_code(english_cell, is_setup):
        return None
    cell_id = english_cell["id"]
    if is_setup:
        return (
            f"{name}: zh-CN setup cell '{cell_id}' must be English cell '{cell_id}' with `{SETUP}` replaced by "
            f"`{SETUP_IN_EDITION}`, and nothing else"
        )
    return (
        f"{name}: zh-CN code cell '{cell_id}' differs from English cell '{cell_id}': the edition runs the English "
        f"code, and only the setup cell may differ (run `make translations`, then {RE_EXECUTE})"
    )


def markdown_problem(name: str, english_cell: Cell, cell: Cell) -> str | None:
    """What is wrong with a zh-CN markdown cell, if anything: untranslated, stale, mislabelled or not Chinese."""
    english_id, cell_id, record = english_cell["id"], cell.get("id"), translation(cell)
    if record.get("of") != english_id:
        return (
            f"{name}: zh-CN cell '{cell_id}' does not record that it translates English cell '{english_id}' "
            f"(metadata translation.of is {record.get('of')!r})"
        )
    if record.get("sha256") is None:
        return f"{name}: zh-CN cell '{cell_id}' is not translated yet: it holds English cell '{english_id}' as is"
    if record["sha256"] != text_sha256(source_text(english_cell)):
        return (
            f"{name}: zh-CN cell '{cell_id}' translates English cell '{english_id}', which changed since it was "
            "translated"
        )
    if not CJK.search(source_text(cell)) and not language_free(source_text(english_cell)):
        return (
            f"{name}: zh-CN cell '{cell_id}' has no Chinese character, yet English cell '{english_id}' is prose: "
            "it needs its translation"
        )
    return None


def edition_problems(name: str, english: Notebook, edition: Notebook) -> list[str]:
    """Every way a zh-CN notebook has drifted from its English lesson, or is not fully translated."""
    found = sequence_problems(name, english, edition)
    setup, ours = setup_cell_id(english), cells_by_id(edition)
    for english_cell in english["cells"]:
        cell = ours.get(english_cell.get("id"))
        if cell is None or cell["cell_type"] != english_cell["cell_type"]:
            continue
        if cell["cell_type"] == "code":
            problem = code_problem(name, english_cell, cell, english_cell["id"] == setup)
        elif cell["cell_type"] == "markdown":
            problem = markdown_problem(name, english_cell, cell)
        else:
            problem = None
        found += [problem] if problem else []
    return found


def problems(english_path: Path) -> list[str]:
    """What keeps the zh-CN edition of an English lesson from matching it, fully translated."""
    path = edition_path(english_path)
    if not path.exists():
        return [
            f"{english_path.name}: no zh-CN edition at {EDITION}/{english_path.name}: run `make translations` "
            "(python -m hfcourse.dev.editions sync)"
        ]
    return edition_problems(english_path.name, read(english_path), read(path))


def prose_to_translate(name: str, english: Notebook, edition: Notebook) -> list[str]:
    """The zh-CN markdown cells a translator must (re)write: untranslated ones and stale ones."""
    ours = cells_by_id(edition)
    found = []
    for english_cell in english["cells"]:
        cell = ours.get(english_cell.get("id"))
        if english_cell["cell_type"] == "markdown" and cell is not None:
            problem = markdown_problem(name, english_cell, cell)
            found += [problem] if problem else []
    return found


def sync(folder: Path = NOTEBOOKS) -> list[str]:
    """Rebuild every zh-CN lesson from its English one; what it says: lessons to re-execute, prose to translate."""
    report = []
    for english_path in lessons(folder):
        path = edition_path(english_path)
        english = read(english_path)
        edition, unexecuted = synced(english, read(path) if path.exists() else None)
        write_if_changed(path, edition)
        if unexecuted:
            report.append(
                f"{english_path.name}: zh-CN code cells {unexecuted} are not executed for their current source: "
                f"{RE_EXECUTE}"
            )
        report += prose_to_translate(english_path.name, english, edition)
    return report


def find_lesson(folder: Path, lesson: str) -> Path:
    """The English lesson named by its number (`01`) or its file name."""
    matches = [path for path in lessons(folder) if lesson in (path.name, path.stem, path.name[:2])]
    if len(matches) != 1:
        raise ValueError(f"no English lesson {lesson!r} in {folder} (give its number, such as 01, or its file name)")
    return matches[0]


def imported(english: Notebook, edition: Notebook, translations: dict[str, Any]) -> Notebook:
    """The zh-CN notebook with the translations set, each recording its English cell's current hash."""
    theirs, ours = cells_by_id(english), cells_by_id(edition)
    errors = []
    for cell_id, text in translations.items():
        if cell_id not in theirs:
            errors.append(f"'{cell_id}' is not a cell id of the English lesson")
        elif theirs[cell_id]["cell_type"] != "markdown":
            kind = theirs[cell_id]["cell_type"]
            errors.append(f"'{cell_id}' is an English {kind} cell: only markdown cells are translated")
        elif cell_id not in ours or ours[cell_id]["cell_type"] != "markdown":
            errors.append(f"'{cell_id}' has no zh-CN markdown cell yet: run `make translations` first")
        elif not isinstance(text, str) or not text.strip():
            errors.append(f"'{cell_id}': the translation must be non-empty markdown text")
    if errors:
        raise ValueError("; ".join(errors))
    result = copy.deepcopy(edition)
    for cell in result["cells"]:
        if cell.get("id") in translations:
            english_cell = theirs[cell["id"]]
            cell["source"] = source_lines(translations[cell["id"]])
            cell["metadata"] = {
                **cell.get("metadata", {}),
                "translation": {"of": english_cell["id"], "sha256": text_sha256(source_text(english_cell))},
            }
    return result


def import_file(folder: Path, lesson: str, translations_path: Path) -> Path:
    """Set the translations in a JSON file ({English cell id: markdown}) into a zh-CN lesson; all or nothing."""
    english_path = find_lesson(folder, lesson)
    translations = json.loads(translations_path.read_text(encoding="utf-8"))
    if not isinstance(translations, dict):
        raise ValueError(f"{translations_path}: expected a JSON object mapping English cell ids to markdown")
    english = read(english_path)
    path = edition_path(english_path)
    edition, _ = synced(english, read(path) if path.exists() else None)
    try:
        result = imported(english, edition, translations)
    except ValueError as error:
        raise ValueError(f"{translations_path} for {english_path.name}: {error}; nothing written") from None
    write_if_changed(path, result)
    return path


def check(folder: Path = NOTEBOOKS) -> list[str]:
    """Every problem of every zh-CN lesson."""
    return [problem for english_path in lessons(folder) for problem in problems(english_path)]


def main(argv: list[str]) -> int:
    """The command line: sync, import or check."""
    parser = argparse.ArgumentParser(prog="python -m hfcourse.dev.editions", description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="the English lessons' folder")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("sync", help="rebuild every zh-CN lesson from its English one")
    importing = commands.add_parser("import", help="set translations from a JSON file {English cell id: markdown}")
    importing.add_argument("lesson", help="the lesson's number (01) or file name")
    importing.add_argument("translations", type=Path)
    commands.add_parser("check", help="list every problem of the zh-CN edition; exit 1 if there is any")
    args = parser.parse_args(argv)
    if args.command == "sync":
        for line in sync(args.notebooks):
            print(line)
        return 0
    if args.command == "import":
        try:
            print(f"wrote {import_file(args.notebooks, args.lesson, args.translations)}")
        except (ValueError, OSError, json.JSONDecodeError) as error:
            print(f"editions import: {error}", file=sys.stderr)
            return 1
        return 0
    found = check(args.notebooks)
    for problem in found:
        print(problem)
    return int(bool(found))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
