"""The exercise mechanism, shared by every lesson."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


class Feedback(Exception):
    """Raised by a checker with a specific message about what is wrong in the answer."""


@dataclass(frozen=True)
class Exercise:
    """One exercise: `checker(answer)` returns None when right and raises Feedback otherwise."""

    title: str
    task: str
    checker: Callable[[Any], None]
    hint_text: str
    solution_code: str

    def show(self) -> None:
        print(f"Exercise: {self.title}\n{textwrap.fill(self.task, 100, break_on_hyphens=False)}")

    def evaluate(self, answer: Any) -> tuple[bool, str]:
        """(passed, message) for `answer`, without printing: the form the tests use."""
        if answer is Ellipsis:
            return False, "Not answered yet: replace the ... with your code, then run the cell again."
        try:
            self.checker(answer)
        except Feedback as feedback:
            return False, f"Not yet: {feedback}"
        return True, "Correct!"

    def check(self, answer: Any) -> None:
        """Print feedback on `answer`, with the way to a hint when it is not right."""
        passed, message = self.evaluate(answer)
        print(("✅ " if passed else "⏳ " if answer is Ellipsis else "❌ ") + message)
        if not passed:
            print("   Stuck? Call .hint() on the exercise; .solution() shows one answer.")

    def hint(self) -> None:
        print(f"Hint: {self.hint_text}")

    def solution(self) -> None:
        print(textwrap.dedent(self.solution_code).strip())
