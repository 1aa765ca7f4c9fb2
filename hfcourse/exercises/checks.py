"""Type checks shared by the lessons' exercises: each returns the answer in a usable form or raises Feedback."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from hfcourse.exercises.core import Feedback
from hfcourse.i18n import _

T = TypeVar("T")


def wrong_type(expected: str, answer: Any) -> Feedback:
    """The one message for an answer of the wrong type: "the answer should be <expected>; you gave a <type>".

    `expected` is already translated (the callers pass `_("a whole number (an int)")`)."""
    name = type(answer).__name__
    if name[0] in "aeiouAEIOU":
        return Feedback(_("the answer should be {expected}; you gave an {type}.").format(expected=expected, type=name))
    return Feedback(_("the answer should be {expected}; you gave a {type}.").format(expected=expected, type=name))


def whole_number(answer: Any) -> int:
    """An int; a one-element tensor or NumPy number counts, a bool does not."""
    if hasattr(answer, "item") and getattr(answer, "ndim", 0) == 0:
        answer = answer.item()
    if not isinstance(answer, int) or isinstance(answer, bool):
        raise wrong_type(_("a whole number (an int)"), answer)
    return answer


def text(answer: Any, expected: str) -> str:
    """A str, stripped of surrounding spaces."""
    if not isinstance(answer, str):
        raise wrong_type(expected, answer)
    return answer.strip()


def strings(answer: Any, example: str) -> list[str]:
    """A list (or tuple) of str, each stripped."""
    if isinstance(answer, str) or not isinstance(answer, list | tuple):
        raise wrong_type(_("a list of strings, like {example}").format(example=example), answer)
    if any(isinstance(item, dict) for item in answer):
        raise Feedback(_("each item the pipeline returns is a dict: keep just the part the task asks for."))
    if not all(isinstance(item, str) for item in answer):
        raise Feedback(_("every item of the list should be a string."))
    return [item.strip() for item in answer]


def label_names(answer: Any, count: int, per: str) -> list[str]:
    """`count` label names, one per `per` (a row, a sentence: already translated); label ids get their own
    message."""
    ids = isinstance(answer, list | tuple) and answer and all(isinstance(item, int) for item in answer)
    if hasattr(answer, "tolist") or ids:
        raise Feedback(_("those are label ids; turn each into its name with model.config.id2label."))
    if not isinstance(answer, list | tuple) or not all(isinstance(a, str) for a in answer):
        raise wrong_type(_("a list of label names (strings), one per {item}").format(item=per), answer)
    if len(answer) != count:
        raise Feedback(
            _("there is one label per {item}, so give {count} labels; you gave {given}.").format(
                item=per, count=count, given=len(answer)
            )
        )
    return list(answer)


def numbers(answer: Any, expected: str) -> list[float]:
    """A list of numbers (floats, ints, or zero-dimensional tensors)."""
    return _each_converted(answer, expected, float)


def integers(answer: Any, expected: str) -> list[int]:
    """A list of ints (or zero-dimensional tensors)."""
    return _each_converted(answer, expected, int)


def _each_converted(answer: Any, expected: str, convert: Callable[[Any], T]) -> list[T]:
    """Every item of `answer` converted; a str, or an item that does not convert, is the wrong type."""
    if isinstance(answer, str):
        raise wrong_type(expected, answer)
    try:
        return [convert(item) for item in answer]
    except (TypeError, ValueError):
        raise wrong_type(expected, answer) from None


def instance(answer: Any, kind: type[T], expected: str) -> T:
    """An object of class `kind` (a model, TrainingArguments, …)."""
    if not isinstance(answer, kind):
        raise wrong_type(expected, answer)
    return answer


def function(answer: Any, expected: str) -> Callable[..., Any]:
    """Something the check can call."""
    if not callable(answer):
        raise wrong_type(expected, answer)
    return answer


def mapping(answer: Any, expected: str) -> Mapping[Any, Any]:
    """A dict or another mapping."""
    if not isinstance(answer, Mapping):
        raise wrong_type(expected, answer)
    return answer
