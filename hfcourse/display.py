"""Small display helpers that keep stored notebook outputs readable and stable across machines."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hfcourse.i18n import _, ngettext


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


ERROR_LINES_SHOWN = 8  # a longer message is cut after this many lines, and says how many it left out


@contextlib.contextmanager
def expect_error(*expected: type[BaseException]) -> Iterator[None]:
    """Run a block that is meant to fail, and print the error as a learner would read it.

    Every line of the message is shown (up to ERROR_LINES_SHOWN), since the line that says what to do is
    often not the first; paths into the Python installation and the home folder are shortened, so that the
    output reads the same on every machine. An error of another type propagates; no error at all is reported
    as a mistake in the lesson.

    Introduced in lesson 1.
    """
    try:
        yield
    except expected as error:
        lines = readable_error_lines(str(error))
        first = lines[0] if lines else ""
        print(_("{error} (as expected): {message}").format(error=type(error).__name__, message=first))
        for line in lines[1:]:
            print(f"    {line}")
    else:
        raise AssertionError(
            _("expected {errors}, but the code ran without error").format(
                errors=", ".join(error.__name__ for error in expected)
            )
        )


def readable_error_lines(message: str, limit: int = ERROR_LINES_SHOWN) -> list[str]:
    """The non-empty lines of an error message, stripped, with machine-specific paths shortened, at most `limit`
    of them (the last one then says how many were left out)."""
    lines = [_short_paths(line.strip()) for line in message.splitlines() if line.strip()]
    if len(lines) > limit:
        left_out = len(lines) - limit + 1
        lines = [
            *lines[: limit - 1],
            ngettext("... ({count} more line)", "... ({count} more lines)", left_out).format(count=left_out),
        ]
    return lines


def _short_paths(line: str) -> str:
    """`line` with the site-packages folder written as .../site-packages/ and the home folder as ~."""
    line = _SITE_PACKAGES.sub(".../site-packages/", line)
    home = str(Path.home())
    return line.replace(home + "/", "~/") if home not in ("", "/") else line


_SITE_PACKAGES = re.compile(r"/\S*/site-packages/")
