"""The language hfcourse prints in: English, or Simplified Chinese from the gettext catalog in hfcourse/locale/."""

# Lessons choose it with `hfcourse.setup(lang=...)`; the `hfcourse` command follows the locale variables (LANGUAGE,
# LC_ALL, LC_MESSAGES, LANG); anything else prints English. Messages are str.format templates with named fields,
# `_("{count} blobs").format(count=n)`, so that a translation can put the fields in another order.

from __future__ import annotations

import contextlib
import gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

DOMAIN = "hfcourse"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENGLISH = "en"
# The languages there are: the name setup(lang=...) takes, and the catalog's locale (None: the English source).
LANGUAGES: dict[str, str | None] = {ENGLISH: None, "zh-CN": "zh_CN"}
_ALIASES = {"en": ENGLISH, "zh-cn": "zh-CN", "zh_cn": "zh-CN", "zh": "zh-CN"}
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext's order

_current: gettext.NullTranslations = gettext.NullTranslations()
_current_language = ENGLISH


class UnknownLanguageError(ValueError):
    """A language hfcourse has no messages in."""


def normalize(lang: str) -> str:
    """The language's name as LANGUAGES spells it ("zh_CN" and "zh" are "zh-CN"); raises UnknownLanguageError."""
    name = _ALIASES.get(str(lang).strip().lower())
    if name is None:
        raise UnknownLanguageError(
            f"hfcourse has no messages in {lang!r}: use one of {', '.join(map(repr, LANGUAGES))}."
        )
    return name


def translation(lang: str) -> gettext.NullTranslations:
    """The catalog of `lang` (any name `normalize` accepts); English is the untranslated source."""
    locale = LANGUAGES[normalize(lang)]
    if locale is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[locale])


def set_language(lang: str) -> str:
    """Print in `lang` from now on, in this process; returns its name as LANGUAGES spells it."""
    global _current, _current_language
    _current, _current_language = translation(lang), normalize(lang)
    return _current_language


def current_language() -> str:
    """The language hfcourse prints in now."""
    return _current_language


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Print in `lang` inside the block, then in the language chosen before it."""
    before = _current_language
    try:
        yield set_language(lang)
    finally:
        set_language(before)


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale variables ask for, read in gettext's order; English when they name none of ours."""
    environ = os.environ if environ is None else environ
    # The first variable that is set wins; LANGUAGE may list several languages, separated by ':'.
    value = next((environ[name] for name in _LOCALE_VARIABLES if environ.get(name)), "")
    for entry in value.split(":"):
        code = entry.split(".")[0].split("@")[0]  # zh_CN.UTF-8, sr_RS@latin
        for candidate in (code, code.split("_")[0]):
            if candidate.lower() in _ALIASES:
                return normalize(candidate)
    return ENGLISH


def _(message: str) -> str:
    """`message` in the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for `count`, in the current language."""
    return _current.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """`message` itself: marks it for the catalog, to be translated later by `_()`."""
    return message


class LazyText(str):
    """A module-level text whose str value is the English text and whose `str()` is the current language's."""

    # print(), f-strings and str() translate it; str's own methods (len, `in`, ==) see the English text.

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, **fields: Any) -> LazyText:
        text = super().__new__(cls, msgid.format(**fields) if fields else msgid)
        text.msgid, text.fields = msgid, fields
        return text

    def __str__(self) -> str:
        translated = _(self.msgid)
        return translated.format(**self.fields) if self.fields else translated

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))


def L_(msgid: str, **fields: Any) -> LazyText:
    """`msgid`, formatted with `fields`, translated each time it is shown rather than now (at import)."""
    return LazyText(msgid, **fields)
