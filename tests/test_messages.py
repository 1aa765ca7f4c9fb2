"""The message catalogs: the committed template is what the source says, every message has a zh_CN translation
with the same placeholders, the committed .mo is the .po compiled; and the language switches as the README says.

Each catalog check is a helper that takes the catalog's path, so that it is also tested on a doctored copy: a
check that cannot fail proves nothing."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import hfcourse
from hfcourse import i18n
from hfcourse.display import expect_error
from hfcourse.exercises import lesson01
from tests.conftest import REPO

LOCALE = REPO / "hfcourse" / "locale"
TEMPLATE = LOCALE / "hfcourse.pot"
ZH_PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "hfcourse.po"
ZH_MO = LOCALE / "zh_CN" / "LC_MESSAGES" / "hfcourse.mo"
PYBABEL = Path(sys.executable).with_name("pybabel")
# A str.format field: {name}, {name!r}, {name:.2f}; doubled braces are literal ones.
FIELD = re.compile(r"\{([A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?)\}")
# Lines of a template that change by themselves: the creation date, and the year in the header comment.
DATED = re.compile(r'^("POT-Creation-Date: |# Copyright \(C\) |# FIRST AUTHOR )')


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as stream:
        return read_po(stream, locale=locale)


def ids(catalog: Catalog) -> set[str]:
    """The msgids of a catalog (a plural message by its singular)."""
    return {message.id if isinstance(message.id, str) else message.id[0] for message in catalog if message.id}


def extract(output: Path) -> None:
    """Extract the template into `output` exactly as `make messages` does (its options are read from the Makefile)."""
    makefile = (REPO / "Makefile").read_text().replace("\\\n", " ")
    options = re.search(r"^PYBABEL_EXTRACT := (.*)$", makefile, re.M).group(1)
    arguments = shlex.split(options.replace("$(LOCALE)/hfcourse.pot", str(output)).replace("$(LOCALE)", str(LOCALE)))
    subprocess.run([str(PYBABEL), "-q", *arguments], cwd=REPO, check=True, capture_output=True)


def template_differences(committed: Path, fresh: Path) -> list[str]:
    """What the committed template lacks or has too many (by msgid), and whether its text differs otherwise
    (locations, comments, flags, order); the creation date and the header's year do not count."""
    new = sorted(ids(read(fresh)) - ids(read(committed)))
    removed = sorted(ids(read(committed)) - ids(read(fresh)))
    problems = [f"new in the source: {message!r}" for message in new]
    problems += [f"no longer in the source: {message!r}" for message in removed]

    def undated(path: Path) -> list[str]:
        return [line for line in path.read_text(encoding="utf-8").splitlines() if not DATED.match(line)]

    if not problems and undated(committed) != undated(fresh):
        problems.append("the template's text differs from a fresh extraction (locations, comments or flags)")
    return problems


def untranslated(po: Path) -> list[str]:
    """The msgids whose translation is missing, empty (in any plural form) or fuzzy."""
    found = []
    for message in read(po, "zh_CN"):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(form.strip() for form in forms):
            found.append(message.id if isinstance(message.id, str) else message.id[0])
    return found


def fields(text: str) -> list[str]:
    return sorted(FIELD.findall(text.replace("{{", "").replace("}}", "")))


def placeholder_mismatches(po: Path) -> list[str]:
    """Translations whose {fields} differ from their msgid's (a plural form is compared with the plural msgid)."""
    found = []
    for message in read(po, "zh_CN"):
        if not message.id:
            continue
        originals = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = fields(originals[-1])
        for form in forms:
            if form and fields(form) != wanted:
                found.append(f"{originals[0]!r}: {fields(form)} instead of {wanted}")
    return found


def compiled(po: Path) -> bytes:
    """The .mo that `pybabel compile` makes of `po` (fuzzy entries left out, as it does by default)."""
    output = io.BytesIO()
    write_mo(output, read(po, "zh_CN"))
    return output.getvalue()


def doctored(po: Path, tmp_path: Path, change) -> Path:
    """A copy of the catalog at `po` with `change(catalog)` applied."""
    catalog = read(po, "zh_CN")
    change(catalog)
    copy = tmp_path / po.name
    with copy.open("wb") as stream:
        write_po(stream, catalog, width=0, include_lineno=False)
    return copy


@pytest.fixture()
def english_after() -> Iterator[None]:
    """Whatever a test switches to, English again after it (as every other test expects)."""
    yield
    i18n.set_language("en")


# 1. The template


def test_the_committed_template_is_what_the_source_says(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    extract(fresh)
    assert template_differences(TEMPLATE, fresh) == [], "run `make messages` and commit hfcourse/locale/"


def test_a_stale_template_is_named_message_by_message(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    extract(fresh)
    gone = "Correct!"

    def stale(catalog: Catalog) -> None:
        del catalog[gone]
        catalog.add("a message the source no longer has")

    problems = template_differences(doctored(TEMPLATE, tmp_path, stale), fresh)
    assert problems == [
        f"new in the source: {gone!r}",
        "no longer in the source: 'a message the source no longer has'",
    ]


# 2. Every message translated


def test_every_message_has_a_chinese_translation() -> None:
    assert untranslated(ZH_PO) == []
    assert len(ids(read(ZH_PO, "zh_CN"))) == len(ids(read(TEMPLATE))), "the catalog and the template differ"


def test_a_fuzzy_or_empty_translation_is_named(tmp_path: Path) -> None:
    def unfinished(catalog: Catalog) -> None:
        catalog["Correct!"].flags.add("fuzzy")
        catalog["Hint: {hint}"].string = ""

    assert untranslated(doctored(ZH_PO, tmp_path, unfinished)) == ["Correct!", "Hint: {hint}"]


# 3. Placeholders


def test_translations_keep_their_placeholders() -> None:
    assert placeholder_mismatches(ZH_PO) == []


def test_a_lost_or_renamed_placeholder_is_named(tmp_path: Path) -> None:
    def damaged(catalog: Catalog) -> None:
        catalog["Hint: {hint}"].string = "提示：{hints}"
        catalog["chosen by {chooser}"].string = "自动选择"

    assert placeholder_mismatches(doctored(ZH_PO, tmp_path, damaged)) == [
        "'Hint: {hint}': ['hints'] instead of ['hint']",
        "'chosen by {chooser}': [] instead of ['chooser']",
    ]


# 4. The compiled catalog


def test_the_committed_mo_is_the_po_compiled(tmp_path: Path) -> None:
    assert ZH_MO.read_bytes() == compiled(ZH_PO), "run `make messages` and commit the .mo"
    subprocess.run(
        [str(PYBABEL), "-q", "compile", "-i", str(ZH_PO), "-o", str(tmp_path / "cli.mo"), "-l", "zh_CN"], check=True
    )
    assert (tmp_path / "cli.mo").read_bytes() == compiled(ZH_PO), "pybabel compile and this test disagree"


def test_a_changed_po_no_longer_matches_the_mo(tmp_path: Path) -> None:
    def retranslated(catalog: Catalog) -> None:
        catalog["Correct!"].string = "对了！"

    assert compiled(doctored(ZH_PO, tmp_path, retranslated)) != ZH_MO.read_bytes()


# 5. Behaviour

ENGLISH_FEEDBACK = (
    "❌ Not yet: the answer should be the repo id as a string, 'org/name'; you gave an int.\n"
    "   Stuck? Call .hint() on the exercise; .solution() shows one answer.\n"
)
CHINESE_FEEDBACK = (
    "❌ 还不对：答案应该是以字符串形式给出的仓库 id，'org/name'；你给的是一个 int。\n"
    "   卡住了？对这个练习调用 .hint()；.solution() 会给出一个参考答案。\n"
)
ENGLISH_SETUP = (
    "hfcourse: offline mode (chosen by setup()): the course hub, stand-ins under the real repo ids "
    "(see `hfcourse hub list`)\n"
)
CHINESE_SETUP = "hfcourse: 离线模式（由 setup() 选择）：课程 Hub，真实仓库 id 下的替身模型（见 `hfcourse hub list`）\n"


def lesson_output(capsys: pytest.CaptureFixture[str], **setup: str) -> str:
    """What a lesson prints after hfcourse.setup(**setup): the setup line, a task, feedback, an expected error."""
    hfcourse.setup("offline", **setup)
    lesson01.default_checkpoint.show()
    lesson01.default_checkpoint.check(3)
    with expect_error(KeyError):
        {}["missing"]
    return capsys.readouterr().out


def test_setup_lang_zh_cn_prints_chinese(capsys: pytest.CaptureFixture[str], english_after: None) -> None:
    out = lesson_output(capsys, lang="zh-CN")
    assert out.startswith(CHINESE_SETUP)
    assert "练习：它选了哪个模型？\n" in out  # a module-level task, translated when shown
    assert CHINESE_FEEDBACK in out
    assert out.endswith("KeyError（符合预期）：'missing'\n")
    assert i18n.current_language() == "zh-CN"


def test_setup_without_lang_prints_english_whatever_came_before(
    capsys: pytest.CaptureFixture[str], english_after: None
) -> None:
    hfcourse.setup("offline", lang="zh_CN", announce=False)
    out = lesson_output(capsys)
    assert out == (
        ENGLISH_SETUP + "Exercise: which model did it pick?\n"
        "Which checkpoint does pipeline('question-answering') load when you give no model? Read it from\n"
        "transformers' own table (transformers.pipelines.SUPPORTED_TASKS) and store the repo id, 'org/name',\n"
        "in `answer`.\n" + ENGLISH_FEEDBACK + "KeyError (as expected): 'missing'\n"
    )


@pytest.mark.parametrize("name", ["zh-CN", "zh_CN", "zh", "ZH-cn"])
def test_the_names_of_chinese(name: str, english_after: None) -> None:
    assert i18n.set_language(name) == "zh-CN"
    assert i18n._("Correct!") == "正确！"


def test_an_unknown_language_is_refused_with_the_ones_there_are(english_after: None) -> None:
    with pytest.raises(i18n.UnknownLanguageError, match=r"no messages in 'fr'.*'en', 'zh-CN'"):
        hfcourse.setup("offline", lang="fr")
    assert i18n.current_language() == "en"


@pytest.mark.parametrize(
    ("environment", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh_CN", "LC_ALL": "en_US.UTF-8"}, "zh-CN"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_command_reads_the_locale_variables_in_gettexts_order(environment: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environment) == language


def cli_error(tmp_path: Path, **locale: str) -> str:
    """The one line `hfcourse cache tree` writes on stderr for a cache that is not there."""
    env = {key: value for key, value in os.environ.items() if key not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env.update(locale)
    done = subprocess.run(
        [sys.executable, "-m", "hfcourse.cli", "cache", "tree", "org/name", "--cache-dir", str(tmp_path / "none")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert done.returncode == 2, done.stderr
    return done.stderr


def test_the_command_speaks_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    missing = tmp_path / "none"
    assert cli_error(tmp_path, LANG="zh_CN.UTF-8") == (
        f"hfcourse cache tree: 错误：{missing} 处没有缓存文件夹：请传入包含 models--ORG--NAME 文件夹的那个文件夹。\n"
    )
    assert cli_error(tmp_path, LANG="C.UTF-8") == (
        f"hfcourse cache tree: error: there is no cache folder at {missing}: pass the folder that holds "
        "models--ORG--NAME folders.\n"
    )
