"""The exercise mechanism, shared by every lesson: a task, a check with specific feedback, a hint, a solution."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from string import ascii_lowercase
from typing import Any

from hfcourse.i18n import ENGLISH, _, current_language

Check = Callable[[Any], str | None]
"""Returns None (or a remark to print after "Correct!") when the answer is right; raises Feedback otherwise.

Texts given at import time (titles, tasks, hints, choices) are `L_(...)`, translated when shown; a check builds
its messages when it runs, with `_(...)`."""


class Feedback(Exception):
    """Raised by a check with a specific message about what is wrong in the answer."""


class Exercise:
    """One exercise. `uses` names the notebook variables that the solution needs (a test checks the lesson
    assigns each of them before the exercise)."""

    def __init__(
        self, *, title: str, task: str, check: Check, hint: str, solution: str, uses: Sequence[str] = ()
    ) -> None:
        self.title = title
        self.task = task
        self.uses = tuple(uses)
        self.hint_text = hint
        self.solution_code = textwrap.dedent(solution).strip()
        self._check = check

    def __repr__(self) -> str:
        return f"{type(self).__name__}(title={self.title!r})"

    def show(self) -> None:
        task = _fill(str(self.task), break_on_hyphens=False)
        print(_("Exercise: {title}").format(title=self.title) + "\n" + task)

    def evaluate(self, answer: Any) -> tuple[bool, str]:
        """(passed, message) for `answer`, without printing: the form the tests use."""
        if answer is Ellipsis:
            return False, _("Not answered yet: replace the ... with your code, then run the cell again.")
        try:
            remark = self._check(answer)
        except Feedback as feedback:
            return False, _("Not yet: {feedback}").format(feedback=feedback)
        return True, _("Correct!") + (f" {remark}" if remark else "")

    def check(self, answer: Any) -> None:
        """Print feedback on `answer`, with the way to a hint when it is not right; never raises."""
        passed, message = self.evaluate(answer)
        print(("✅ " if passed else "⏳ " if answer is Ellipsis else "❌ ") + message)
        if not passed:
            print("   " + _("Stuck? Call .hint() on the exercise; .solution() shows one answer."))

    def hint(self) -> None:
        print(_("Hint: {hint}").format(hint=self.hint_text))

    def solution(self) -> None:
        print(self.solution_code)


def _fill(text: str, **options: Any) -> str:
    """`text` wrapped at 100 columns; in another language than English, only indented: textwrap breaks lines at
    spaces, and Chinese has none between its words (JupyterLab wraps the long lines)."""
    if current_language() == ENGLISH:
        return textwrap.fill(text, 100, **options)
    indent = options.get("initial_indent", "")
    return indent + text


@dataclass(frozen=True)
class Choice:
    """One answer to a concept question, with why it is right or wrong: a wrong answer teaches something too."""

    text: str
    explain: str
    correct: bool = False


class MultipleChoice(Exercise):
    """A concept question: the learner answers with the letter of one choice, and reads its explanation."""

    def __init__(self, *, title: str, question: str, choices: Sequence[Choice], hint: str) -> None:
        if sum(choice.correct for choice in choices) != 1 or not 2 <= len(choices) <= len(ascii_lowercase):
            raise ValueError(f"{title!r}: give 2 to 26 choices and mark exactly one correct=True.")
        self.choices = dict(zip(ascii_lowercase, choices, strict=False))
        key = next(letter for letter, choice in self.choices.items() if choice.correct)
        super().__init__(title=title, task=question, check=self._check_choice, hint=hint, solution=f"answer = {key!r}")

    def show(self) -> None:
        super().show()
        for letter, choice in self.choices.items():
            print(_fill(str(choice.text), initial_indent=f"  {letter}) ", subsequent_indent="     "))
        print(
            _("Store the letter of your choice in `answer`, e.g. answer = {letter}.").format(
                letter=repr(next(iter(self.choices)))
            )
        )

    def _check_choice(self, answer: Any) -> str:
        letters = ", ".join(repr(letter) for letter in self.choices)
        if not isinstance(answer, str) or answer.strip().lower() not in self.choices:
            raise Feedback(
                _("the answer should be the letter of one choice: one of {letters}.").format(letters=letters)
            )
        choice = self.choices[answer.strip().lower()]
        if not choice.correct:
            raise Feedback(str(choice.explain))
        return str(choice.explain)


@dataclass(frozen=True)
class ExerciseFactory:
    """An exercise built on the lesson's own objects (e.g. a model the lesson trained): call it with them."""

    build: Callable[..., Exercise]
    uses: tuple[str, ...]

    def __call__(self, *args: Any, **kwargs: Any) -> Exercise:
        return self.build(*args, **kwargs)
