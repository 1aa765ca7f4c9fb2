"""The exercise mechanism, and what every lesson's exercises must hold: the notebook imports them the one way
and assigns the variables each solution uses before the exercise."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

from hfcourse.exercises import Choice, Exercise, Feedback, MultipleChoice
from tests.conftest import REPO, feedback

NOTEBOOKS = sorted((REPO / "notebooks").glob("0[1-9]_*.ipynb"))
IMPORT = re.compile(r"^from hfcourse\.exercises import (lesson\d\d) as exercises$", re.MULTILINE)


def test_the_mechanism_reports_unanswered_wrong_and_right(capsys: pytest.CaptureFixture[str]) -> None:
    def must_be_four(answer: object) -> None:
        if answer != 4:
            raise Feedback("2 + 2 is not that.")

    exercise = Exercise(title="sum", task="What is 2 + 2?", check=must_be_four, hint="count", solution="answer = 4")
    for answer in (..., 5, 4):
        exercise.check(answer)
    printed = capsys.readouterr().out
    assert "Not answered yet" in printed and "Not yet: 2 + 2 is not that." in printed and "Correct!" in printed


def test_a_multiple_choice_shows_its_choices_and_explains_each(capsys: pytest.CaptureFixture[str]) -> None:
    question = MultipleChoice(
        title="arithmetic",
        question="What is 2 + 2?",
        hint="count",
        choices=(Choice("3", "One short: count again."), Choice("4", "Two and two make four.", correct=True)),
    )
    question.show()
    assert "  a) 3\n  b) 4\n" in capsys.readouterr().out
    assert question.evaluate("b") == (True, "Correct! Two and two make four.")
    assert feedback(question, "a") == "Not yet: One short: count again."
    with pytest.raises(ValueError, match="exactly one"):
        MultipleChoice(title="no key", question="?", hint="", choices=(Choice("x", "no"), Choice("y", "no")))


def code_cells(notebook: Path) -> list[str]:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


class _Bindings(ast.NodeVisitor):
    """The names a cell binds at its top level: assignments, loop and `with` targets, imports, defs and classes."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Store):
            self.names.add(node.id)

    def visit_alias(self, node: ast.alias) -> None:
        self.names.add((node.asname or node.name).split(".")[0])

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.names.add(node.name)  # not the function's own locals

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]
    visit_ClassDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        pass

    def visit_ListComp(self, node: ast.AST) -> None:
        pass  # a comprehension's targets stay inside it

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp


def bound_names(source: str) -> set[str]:
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    visitor = _Bindings()
    visitor.visit(ast.parse(code))
    return visitor.names


def missing_uses(notebook: Path) -> list[str]:
    """'<exercise>: <name>' for each name in an exercise's `uses` that no code cell binds before the exercise's
    first cell; and each exercise of the lesson's module that the notebook never shows."""
    cells = code_cells(notebook)
    imports = [match for cell in cells for match in IMPORT.findall(cell)]
    assert len(imports) == 1, f"{notebook.name}: import once: from hfcourse.exercises import lessonNN as exercises"
    module = importlib.import_module(f"hfcourse.exercises.{imports[0]}")
    exercises = {name for name, value in vars(module).items() if hasattr(value, "uses") and not name.startswith("_")}
    bound: set[str] = set()
    problems: list[str] = []
    for source in cells:
        for name in dict.fromkeys(re.findall(r"\bexercises\.(\w+)", source)):
            if name in exercises:
                exercises.discard(name)
                problems += [f"{name}: {use}" for use in getattr(module, name).uses if use not in bound]
        bound |= bound_names(source)
    return problems + [f"{name}: never shown in {notebook.name}" for name in sorted(exercises)]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_solution_finds_its_notebook_variables(notebook: Path) -> None:
    assert missing_uses(notebook) == []


def test_a_renamed_notebook_variable_is_caught(tmp_path: Path) -> None:
    """Lesson 3 with `pretrained_model` renamed: the solution of `saved_files` would fail, and so does the test."""
    notebook = json.loads((REPO / "notebooks" / "03_config.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["source"] = [re.sub(r"\bpretrained_model\b", "bert_model", line) for line in cell["source"]]
    doctored = tmp_path / "03_config.ipynb"
    doctored.write_text(json.dumps(notebook), encoding="utf-8")
    assert missing_uses(doctored) == ["saved_files: pretrained_model"]
