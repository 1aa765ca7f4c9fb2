"""Small display helpers that keep stored notebook outputs readable and stable across machines."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any


def rounded(value: Any, digits: int = 3) -> Any:
    """`value` with every float (also inside lists, dicts, tuples and numpy/torch scalars) rounded.

    Introduced in lesson 1.
    """
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(item, digits) for item in value)
    if isinstance(value, float) or type(value).__name__ in ("float32", "float64", "float16"):
        return round(float(value), digits)
    return value


APPROXIMATE = "\u2248"  # ≈


def approx(value: float, digits: int = 2) -> str:
    """`value` as "≈0.57": a number that honestly depends on the machine, shown but not compared by the tests.

    Results of training (losses, accuracies after several steps) move with the CPU's vector instructions and
    thread count, and on Arm even dropout draws other masks. The tests' sanitizer (tests/sanitize.cfg) turns
    every ≈number into ≈N before comparing outputs; print what must hold next to it (e.g. "beats the
    majority class: True"), so that it is compared.

    Introduced in lesson 2.
    """
    return f"{APPROXIMATE}{float(value):.{digits}f}"


@contextlib.contextmanager
def expect_error(*expected: type[BaseException]) -> Iterator[None]:
    """Run a block that is meant to fail, and print the error as a learner would read it.

    An error of another type propagates; no error at all is reported as a mistake in the lesson.

    Introduced in lesson 1.
    """
    try:
        yield
    except expected as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"{type(error).__name__} (as expected): {message}")
    else:
        raise AssertionError(f"expected {', '.join(e.__name__ for e in expected)}, but the code ran without error")
