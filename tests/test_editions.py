"""The zh-CN edition cannot drift from the English lessons: same cells, same code, translations tied to their text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from hfcourse.dev import editions
from hfcourse.dev.notebooks import problems as notebook_problems
from tests.conftest import REPO

LESSONS = editions.lessons(REPO / "notebooks")
LESSON = "03_config.ipynb"


@pytest.mark.parametrize("english", LESSONS, ids=lambda p: p.name)
def test_the_zh_cn_edition_matches_its_english_lesson_fully_translated(english: Path) -> None:
    assert editions.problems(english) == []


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def save(path: Path, notebook: dict[str, Any]) -> None:
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")


def cell(notebook: dict[str, Any], cell_id: str) -> dict[str, Any]:
    return next(c for c in notebook["cells"] if c["id"] == cell_id)


def ids(notebook: dict[str, Any], kind: str) -> list[str]:
    return [c["id"] for c in notebook["cells"] if c["cell_type"] == kind]


def translate(folder: Path, translations: dict[str, str]) -> None:
    source = folder / "translations.json"
    source.write_text(json.dumps(translations, ensure_ascii=False), encoding="utf-8")
    editions.import_file(folder, LESSON[:2], source)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """One English lesson and its zh-CN edition, every markdown cell translated: no problem to begin with."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(REPO / "notebooks" / LESSON, folder / LESSON)
    editions.sync(folder)
    english = load(folder / LESSON)
    translate(folder, {cell_id: f"# 第三课\n\n中文说明（{cell_id}）。" for cell_id in ids(english, "markdown")})
    assert editions.check(folder) == []
    return folder


@pytest.fixture
def english(folder: Path) -> Path:
    return folder / LESSON


@pytest.fixture
def zh(folder: Path) -> Path:
    return folder / editions.EDITION / LESSON


def second_code_cell(path: Path) -> str:
    return ids(load(path), "code")[1]


def test_a_missing_edition_says_to_run_sync(tmp_path: Path) -> None:
    shutil.copy(REPO / "notebooks" / LESSON, tmp_path / LESSON)
    (problem,) = editions.problems(tmp_path / LESSON)
    assert "no zh-CN edition" in problem and "editions sync" in problem


def test_the_setup_cell_asks_for_chinese_messages_and_every_other_code_cell_is_the_english_one(
    english: Path, zh: Path
) -> None:
    theirs, ours = load(english), load(zh)
    setup = ids(theirs, "code")[0]
    assert "".join(cell(ours, setup)["source"]) == 'import hfcourse\n\nmode = hfcourse.setup(lang="zh-CN")'
    assert [c["id"] for c in ours["cells"]] == [c["id"] for c in theirs["cells"]]
    for cell_id in ids(theirs, "code")[1:]:
        assert cell(ours, cell_id)["source"] == cell(theirs, cell_id)["source"]
    assert ours["metadata"]["language_edition"] == "zh-CN"


def test_a_code_cell_edited_in_zh_cn_is_caught(folder: Path, zh: Path) -> None:
    notebook = load(zh)
    cell_id = second_code_cell(zh)
    cell(notebook, cell_id)["source"].append("\nprint('extra')")
    save(zh, notebook)
    assert editions.check(folder) == [
        f"{LESSON}: zh-CN code cell '{cell_id}' differs from English cell '{cell_id}': the edition runs the English "
        "code, and only the setup cell may differ (run `make translations`, then re-execute the lesson "
        "(`make notebooks`))"
    ]


def test_a_second_code_cell_that_differs_besides_the_setup_cell_is_caught(folder: Path, zh: Path) -> None:
    notebook = load(zh)
    cell_id = second_code_cell(zh)
    cell(notebook, cell_id)["source"].insert(0, "# 加载配置\n")
    save(zh, notebook)
    (problem,) = editions.check(folder)
    assert f"zh-CN code cell '{cell_id}' differs from English cell '{cell_id}'" in problem


def test_a_setup_cell_left_as_in_english_is_caught(folder: Path, english: Path, zh: Path) -> None:
    notebook = load(zh)
    setup = ids(notebook, "code")[0]
    cell(notebook, setup)["source"] = cell(load(english), setup)["source"]
    save(zh, notebook)
    (problem,) = editions.check(folder)
    assert f"zh-CN setup cell '{setup}' must be English cell '{setup}'" in problem
    assert 'hfcourse.setup(lang="zh-CN")' in problem


def test_cells_out_of_order_or_missing_are_caught(folder: Path, zh: Path) -> None:
    notebook = load(zh)
    notebook["cells"][1], notebook["cells"][2] = notebook["cells"][2], notebook["cells"][1]
    removed = notebook["cells"].pop()
    save(zh, notebook)
    found = editions.check(folder)
    assert any(f"English cells ['{removed['id']}'] have no zh-CN cell" in problem for problem in found)
    assert any("cell 2 is zh-CN cell" in problem and "must match in order" in problem for problem in found)


def test_english_prose_edited_after_translation_names_both_cells(folder: Path, english: Path) -> None:
    notebook = load(english)
    cell_id = ids(notebook, "markdown")[1]
    cell(notebook, cell_id)["source"].append("\nOne more sentence.")
    save(english, notebook)
    assert editions.check(folder) == [
        f"{LESSON}: zh-CN cell '{cell_id}' translates English cell '{cell_id}', which changed since it was translated"
    ]


def test_a_chinese_cell_replaced_by_english_prose_is_caught(folder: Path, english: Path, zh: Path) -> None:
    notebook = load(zh)
    cell_id = ids(notebook, "markdown")[0]
    cell(notebook, cell_id)["source"] = cell(load(english), cell_id)["source"]
    save(zh, notebook)
    (problem,) = editions.check(folder)
    assert f"zh-CN cell '{cell_id}' has no Chinese character, yet English cell '{cell_id}' is prose" in problem


def test_a_formula_only_cell_needs_no_chinese(folder: Path, english: Path) -> None:
    notebook = load(english)
    formula = {"cell_type": "markdown", "id": "formula", "metadata": {}, "source": ["$$\\mathcal{L} = -\\log p(y)$$"]}
    notebook["cells"].insert(2, formula)
    save(english, notebook)
    editions.sync(folder)
    assert editions.check(folder) == [
        f"{LESSON}: zh-CN cell 'formula' is not translated yet: it holds English cell 'formula' as is"
    ]
    translate(folder, {"formula": "$$\\mathcal{L} = -\\log p(y)$$"})
    assert editions.check(folder) == []


def test_a_code_only_cell_needs_no_chinese() -> None:
    assert editions.language_free("```bash\nmake lab\n```\n")
    assert not editions.language_free("Run this:\n\n```bash\nmake lab\n```\n")


def test_sync_is_idempotent_and_keeps_translations_and_their_recorded_hashes(folder: Path, english: Path) -> None:
    zh = folder / editions.EDITION / LESSON
    before = zh.read_bytes()
    editions.sync(folder)
    assert zh.read_bytes() == before
    notebook = load(english)
    cell_id = ids(notebook, "markdown")[0]
    recorded = cell(load(zh), cell_id)["metadata"]["translation"]
    cell(notebook, cell_id)["source"].append("\nChanged.")
    save(english, notebook)
    report = editions.sync(folder)
    assert cell(load(zh), cell_id)["metadata"]["translation"] == recorded
    assert f"{LESSON}: zh-CN cell '{cell_id}' translates English cell '{cell_id}', which changed" in "\n".join(report)
    after = zh.read_bytes()
    editions.sync(folder)
    assert zh.read_bytes() == after


def test_sync_keeps_the_outputs_of_unchanged_code_cells_only(folder: Path, english: Path, zh: Path) -> None:
    notebook = load(zh)
    code = ids(notebook, "code")
    for count, cell_id in enumerate(code, 1):
        cell(notebook, cell_id).update(
            execution_count=count, outputs=[{"name": "stdout", "output_type": "stream", "text": [f"{cell_id}\n"]}]
        )
    save(zh, notebook)
    lesson = load(english)
    changed = code[2]
    cell(lesson, changed)["source"].append("\nprint('new')")
    save(english, lesson)
    report = editions.sync(folder)
    synced = load(zh)
    assert cell(synced, changed)["outputs"] == [] and cell(synced, changed)["execution_count"] is None
    for count, cell_id in enumerate(code, 1):
        if cell_id != changed:
            assert cell(synced, cell_id)["execution_count"] == count
            assert cell(synced, cell_id)["outputs"][0]["text"] == [f"{cell_id}\n"]
    assert f"{LESSON}: zh-CN code cells ['{changed}'] are not executed" in report[0]
    assert "make notebooks" in report[0]
    assert editions.check(folder) == []
    assert notebook_problems(zh) == ["code cells not executed once, top to bottom, in a fresh kernel"]


def test_a_new_edition_is_clean_for_the_notebook_cleaner(zh: Path) -> None:
    assert "volatile metadata or formatting: run `make clean-notebooks`" not in notebook_problems(zh)


@pytest.mark.parametrize("bad", ["no-such-cell", "code"])
def test_import_refuses_unknown_and_code_cell_ids_and_writes_nothing(
    folder: Path, zh: Path, bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    cell_id = second_code_cell(zh) if bad == "code" else bad
    markdown = ids(load(zh), "markdown")[0]
    source = folder / "bad.json"
    source.write_text(json.dumps({markdown: "新的译文。", cell_id: "译文。"}, ensure_ascii=False), encoding="utf-8")
    before = zh.read_bytes()
    assert editions.main(["--notebooks", str(folder), "import", LESSON[:2], str(source)]) == 1
    assert zh.read_bytes() == before
    error = capsys.readouterr().err
    assert f"'{cell_id}'" in error and "nothing written" in error
    assert ("only markdown cells are translated" if bad == "code" else "not a cell id of the English lesson") in error


def test_import_records_the_english_hash(folder: Path, english: Path, zh: Path) -> None:
    cell_id = ids(load(zh), "markdown")[0]
    translate(folder, {cell_id: "# 第三课：配置\n\n新的译文。\n"})
    ours = cell(load(zh), cell_id)
    assert "".join(ours["source"]) == "# 第三课：配置\n\n新的译文。\n"
    english_text = "".join(cell(load(english), cell_id)["source"])
    assert ours["metadata"]["translation"] == {"of": cell_id, "sha256": editions.text_sha256(english_text)}


def test_check_exits_1_and_lists_every_problem(folder: Path, zh: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert editions.main(["--notebooks", str(folder), "check"]) == 0
    notebook = load(zh)
    first, second = ids(notebook, "markdown")[:2]
    for cell_id in (first, second):
        cell(notebook, cell_id)["metadata"]["translation"]["sha256"] = None
    save(zh, notebook)
    assert editions.main(["--notebooks", str(folder), "check"]) == 1
    printed = capsys.readouterr().out.splitlines()
    assert [line.split("'")[1] for line in printed] == [first, second]


def test_make_runs_english_lessons_here_and_the_zh_cn_edition_as_the_other_cpu_pass() -> None:
    makefile = (REPO / "Makefile").read_text()
    nbval = makefile.split("\nnbval:")[1].split("\n\n")[0]
    other_cpu = makefile.split("\nnbval-other-cpu:")[1].split("\n\n")[0]
    assert "$(NBVAL) notebooks/*.ipynb" in nbval
    assert "cp $(ZH_CN)/$$name" in other_cpu and "cp $$notebook" in other_cpu
    assert "ZH_CN := notebooks/zh-CN" in makefile
    assert "hfcourse.dev.editions sync" in makefile.split("\ntranslations:")[1].split("\n\n")[0]
