"""Every lesson run in JupyterLab in a real browser, as a learner runs it: `python -m hfcourse.dev.browser`.

`make test-browser` runs it. It starts JupyterLab with `make lab` (headless, on a free port, with a token) on a
copy of the lessons, and drives headless Chromium with Playwright. For each lesson it opens the notebook from
the file browser, checks that opening it left it unmodified, restarts the kernel and runs all cells from the
Kernel menu, waits until the kernel is idle, and checks what a learner sees: no error output; every plot of
the stored notebook drawn as an image; HTML outputs rendered (lesson 2's token chips as elements); an
exercise's feedback line; a progress bar while a training cell runs (lessons 5 to 7); no widget error; the
kernel running on this project's environment. Screenshots of each lesson's top and last output are saved.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.dev.lab_server import REPO, LabError, LabServer, running_lab
from hfcourse.dev.lesson_checks import CELLS_JS, PageCell, StoredLesson, check_cells

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM_ENV = "HFCOURSE_CHROMIUM"
CHROMIUM = "chromium"
LESSON_TIMEOUT_S = 600.0
POLL_S = 0.5
UI_TIMEOUT_MS = 60_000
SCREENSHOT_WAIT_MS = 10_000
# Resolves once an element shows its text or an image, and two more frames are drawn (at most about 2 s).
DRAWN_JS = """el => new Promise(resolve => {
  const drawn = () => el.getBoundingClientRect().height > 0
    && (el.innerText.trim() !== '' || el.querySelector('img, canvas, svg') !== null);
  const wait = frames => drawn() || frames === 0
    ? requestAnimationFrame(() => requestAnimationFrame(resolve))
    : requestAnimationFrame(() => wait(frames - 1));
  wait(120);
})"""
STARTED = time.monotonic()
STATUS_JS = """() => {
  const indicator = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
  return indicator ? indicator.dataset.status : '';
}"""


@dataclass
class LessonRun:
    """What happened to one lesson in the browser."""

    name: str
    seconds: float = 0.0
    running_seconds: float = 0.0  # from "Restart Kernel and Run All Cells" to the kernel idle again
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hfcourse.dev.browser", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lessons", type=Path, default=REPO / "notebooks", help="the lessons' folder (default: %(default)s)"
    )
    parser.add_argument("--only", action="append", default=[], metavar="NN", help="run only lesson NN (repeatable)")
    parser.add_argument(
        "--out", type=Path, default=REPO / "build" / "browser", help="screenshots and logs (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    lessons = sorted(args.lessons.resolve().glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        lessons = [lesson for lesson in lessons if lesson.name[:2] in args.only]
    if not lessons:
        print(f"test-browser: no lessons (NN_name.ipynb) in {args.lessons}", file=sys.stderr)
        return 2
    out = args.out.resolve()
    copy = prepare_copy(lessons, out / "lessons")
    try:
        runs, problems = drive(copy, [StoredLesson.read(lesson) for lesson in lessons], out)
    except (LabError, BrowserUnavailable) as error:
        print(f"test-browser: {error}", file=sys.stderr)
        return 2
    print(report(runs, problems, out, time.monotonic() - started))
    return 1 if problems or any(run.problems for run in runs) else 0


class BrowserUnavailable(RuntimeError):
    """No Chromium or no Playwright to drive it, or JupyterLab never showed; the message says what to do."""


def prepare_copy(lessons: Sequence[Path], folder: Path) -> Path:
    """A fresh copy of the lessons for JupyterLab to serve: its autosave never writes into the lessons."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for lesson in lessons:
        shutil.copy2(lesson, folder / lesson.name)
    return folder


def chromium_path() -> str:
    """`$HFCOURSE_CHROMIUM`, else the `chromium` on PATH (Debian's package)."""
    configured = os.environ.get(CHROMIUM_ENV)
    found = Path(configured) if configured else Path(shutil.which(CHROMIUM) or f"/usr/bin/{CHROMIUM}")
    if found.is_file() and os.access(found, os.X_OK):
        return str(found)
    raise BrowserUnavailable(
        f"no Chromium at {found}. Install Debian's: `sudo apt-get install chromium` (.ci/run does it as root), or "
        f"set {CHROMIUM_ENV} to a Chromium or Chrome binary. Playwright's own browser download is not used."
    )


def drive(copy: Path, stored: Sequence[StoredLesson], out: Path) -> tuple[list[LessonRun], list[str]]:
    """Start JupyterLab and Chromium, run every lesson, stop both; the runs, and problems outside any lesson."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable(
            "Playwright is not installed in this environment: `make install` installs it (requirements/pins.txt)."
        ) from None
    executable = chromium_path()
    runs: list[LessonRun] = []
    problems: list[str] = []
    say("starting JupyterLab with `make lab`")
    with running_lab(copy, out / "jupyter") as server, sync_playwright() as playwright:
        say(f"JupyterLab answers at {server.url}; starting Chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(UI_TIMEOUT_MS)
            page_errors: list[str] = []
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            try:
                problems += open_lab(page, server)
            except PlaywrightError as error:
                _screenshot(page, out / "jupyterlab_failure.png")
                raise BrowserUnavailable(
                    f"JupyterLab's page did not show its file browser ({str(error).splitlines()[0]}); see "
                    f"{out / 'jupyterlab_failure.png'} and {server.log}"
                ) from None
            say("JupyterLab is open in Chromium")
            for lesson in stored:
                runs.append(run_lesson(page, server, lesson, out, page_errors))
            try:
                problems += check_file_browser(page, [lesson.path.name for lesson in stored])
            except PlaywrightError as error:
                problems.append(f"the file browser could not be read: {str(error).splitlines()[0]}")
        finally:
            browser.close()
    return runs, problems


def open_lab(page: Page, server: LabServer) -> list[str]:
    """Open JupyterLab as a newcomer does; the news question must not cover the lesson."""
    page.goto(server.page("lab"))
    page.locator(".jp-DirListing-itemText").first.wait_for()
    time.sleep(2)  # JupyterLab asks about news a moment after it starts
    if page.get_by_text("Jupyter news").count():
        return [
            "JupyterLab asks 'Would you like to get notified about official Jupyter news?' on first start: the "
            "course's settings override is missing; run `hfcourse lab-settings` (make install does)."
        ]
    return []


def run_lesson(page: Page, server: LabServer, lesson: StoredLesson, out: Path, page_errors: list[str]) -> LessonRun:
    say(f"{lesson.path.name}: open, check, run all")
    run = LessonRun(lesson.path.name)
    started = time.monotonic()
    errors_before = len(page_errors)
    try:
        open_from_file_browser(page, lesson.path.name)
        run.problems += check_unmodified_and_close(page, lesson.path.name)
        open_from_file_browser(page, lesson.path.name)
        restart_and_run_all(page)
        running = time.monotonic()
        cells, bars = wait_until_done(page, lesson)
        run.running_seconds = time.monotonic() - running
        run.notes += [f"progress bar while {bar}" for bar in bars[:3]]
        run.problems += check_cells(lesson, cells, bars)
        run.screenshots = screenshots(page, lesson, cells, out)
        run.problems += check_kernel(page)
    except Exception as error:  # a timeout or a missing element: say where, and go on with the next lesson
        run.problems.append(f"the browser run stopped: {type(error).__name__}: {str(error).splitlines()[0]}")
        run.screenshots.append(_screenshot(page, out / f"{lesson.number}_failure.png"))
    run.problems += [f"the page raised a JavaScript error: {error}" for error in page_errors[errors_before:]]
    try:
        close_notebook(page)
    except Exception:  # a dialog or a tab left over: start the next lesson from a fresh page and no kernel
        server.shut_down_kernels()
        page.goto(server.page("lab?reset"))
        page.locator(".jp-DirListing-itemText").first.wait_for()
    run.seconds = time.monotonic() - started
    return run


def open_from_file_browser(page: Page, name: str) -> None:
    page.locator(".jp-DirListing-itemText", has_text=name).first.dblclick()
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    wait_for_kernel_idle(page)


def wait_for_kernel_idle(page: Page, timeout_s: float = UI_TIMEOUT_MS / 1000) -> None:
    """Until the status bar says the notebook's kernel is idle, then a moment for JupyterLab to settle."""
    page.wait_for_function(
        "() => /\\| Idle\\b/.test(document.querySelector('#jp-main-statusbar')?.innerText.replace(/\\n/g, ' | '))",
        timeout=timeout_s * 1000,
    )
    time.sleep(1)


def check_unmodified_and_close(page: Page, name: str) -> list[str]:
    """A lesson only opened must not be marked modified, and closing it must not ask to save."""
    problems = []
    tab = page.locator(".lm-TabBar-tab.jp-mod-current")
    if "jp-mod-dirty" in (tab.get_attribute("class") or ""):
        problems.append(
            "opening it marked it modified (the dot on its tab) before anything ran: JupyterLab changed it on "
            "open. `make lab` should serve notebooks through hfcourse.lab.LessonContentsManager "
            "(`hfcourse lab-settings` writes that setting)."
        )
    menu(page, "File", "Close Tab")
    time.sleep(1)
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        problems.append(f"closing it, only read, asked: {' '.join(dialog.first.inner_text().split())}")
        dialog.locator("button", has_text="Discard").first.click()
    return problems


def restart_and_run_all(page: Page) -> None:
    menu(page, "Kernel", "Restart Kernel and Run All Cells")
    page.locator(".jp-Dialog .jp-mod-accept").click()


def wait_until_done(page: Page, lesson: StoredLesson) -> tuple[list[PageCell], list[str]]:
    """Poll the page until every code cell ran, or the run stopped; the cells, and the progress bars seen while
    their cell was running ('cell 22: training 12/32 steps, ...')."""
    deadline = time.monotonic() + LESSON_TIMEOUT_S
    seen_running, bars = False, []
    while True:
        time.sleep(POLL_S)
        cells = page.evaluate(CELLS_JS)
        prompts = [cell["prompt"] for cell in cells if cell["code"]]
        running = any("*" in prompt for prompt in prompts)
        seen_running = seen_running or running
        for index, cell in enumerate(cells):
            if (
                "*" in cell["prompt"]
                and cell["bars"]
                and not any(bar.startswith(f"cell {index + 1}:") for bar in bars)
            ):
                bars.append(f"cell {index + 1}: {cell['bars'][0]}")
        if seen_running and not running and page.evaluate(STATUS_JS) == "idle":
            return cells, bars
        if time.monotonic() > deadline:
            done = sum(bool(re.search(r"\d", prompt)) for prompt in prompts)
            raise TimeoutError(f"still running after {LESSON_TIMEOUT_S:g} s ({done} of {len(prompts)} code cells ran)")


def check_kernel(page: Page) -> list[str]:
    """Ask the lesson's own kernel, from a console attached to it, which Python environment it runs in."""
    page.locator(".jp-NotebookPanel .jp-Cell").first.click(button="right")
    page.locator(".lm-Menu-itemLabel", has_text="New Console for Notebook").click()
    prompt = page.locator(".jp-CodeConsole-promptCell .cm-content")
    prompt.click()
    page.keyboard.type("import sys; print(sys.prefix)")
    page.keyboard.press("Shift+Enter")
    answer = page.locator(".jp-CodeConsole-content .jp-OutputArea-output").last
    answer.wait_for()
    prefix = answer.text_content().strip()
    menu(page, "File", "Close Tab")  # the console; its kernel is the notebook's and stays
    if os.path.realpath(prefix) != os.path.realpath(sys.prefix):
        return [
            f"the kernel runs the Python of {prefix}, not this project's environment {sys.prefix}: `make lab` "
            "must serve the environment's own kernel. `jupyter kernelspec list` shows where 'python3' comes from."
        ]
    return []


def screenshots(page: Page, lesson: StoredLesson, cells: list[PageCell], out: Path) -> list[Path]:
    """The lesson's top, and its last output, as a learner sees them."""
    cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell")
    _scroll_to(cell.first)
    shots = [_screenshot(page, out / f"{lesson.number}_top.png")]
    last = max((index for index, found in enumerate(cells) if found["text"].strip() or found["images"]), default=0)
    _scroll_to(cell.nth(last).locator(".jp-OutputArea").last)
    shots.append(_screenshot(page, out / f"{lesson.number}_last_output.png"))
    return shots


def _scroll_to(element: Locator) -> None:
    """Scroll an element into view and wait until the page has drawn it: a cell scrolled into view is laid out
    again (content-visibility) a frame or two later, and a screenshot taken at once shows an empty page."""
    element.scroll_into_view_if_needed()
    element.evaluate(DRAWN_JS, timeout=SCREENSHOT_WAIT_MS)


def close_notebook(page: Page) -> None:
    """Shut the lesson's kernel down and close its tab without saving (it ran in a copy)."""
    if not page.locator(".jp-NotebookPanel").count():
        return
    menu(page, "Kernel", "Shut Down Kernel")
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        dialog.locator(".jp-mod-accept").first.click()
    menu(page, "File", "Close Tab")
    time.sleep(0.5)
    if dialog.count():
        dialog.locator("button", has_text="Discard").first.click()
    page.locator(".jp-NotebookPanel").first.wait_for(state="detached")


def check_file_browser(page: Page, lessons: list[str]) -> list[str]:
    """After every lesson ran, the file browser shows the lessons and nothing they wrote (training output)."""
    page.locator(
        ".jp-FileBrowser button[data-command='filebrowser:refresh'], .jp-FileBrowser [title^='Refresh']"
    ).first.click()
    time.sleep(1)
    shown = [name.strip() for name in page.locator(".jp-DirListing-itemText").all_text_contents()]
    extra = sorted(set(shown) - set(lessons))
    if extra:
        return [
            f"the file browser shows {', '.join(extra)} among the lessons after they ran: lessons must write their "
            "output outside the lessons' folder"
        ]
    return []


def say(line: str) -> None:
    """A progress line on stderr, with the time since the run started (CI logs show where time went)."""
    print(f"[{time.monotonic() - STARTED:5.0f} s] test-browser: {line}", file=sys.stderr, flush=True)


def menu(page: Page, title: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{title}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def report(runs: list[LessonRun], problems: list[str], out: Path, seconds: float) -> str:
    lines = []
    for run in runs:
        verdict = "ok" if not run.problems else "FAILED"
        lines.append(f"{run.name}: {verdict} in {run.seconds:.0f} s (its cells ran in {run.running_seconds:.0f} s)")
        lines += [f"  - {problem}" for problem in run.problems]
        lines += [f"  {note}" for note in run.notes]
    lines += [f"JupyterLab: {problem}" for problem in problems]
    passed = sum(not run.problems for run in runs)
    lines.append(
        f"screenshots: {out}/NN_top.png and NN_last_output.png (JupyterLab's log: {out}/jupyter/jupyterlab.log)"
    )
    outside = f"; {len(problems)} problem(s) outside the lessons" if problems else ""
    lines.append(f"test-browser: {passed} of {len(runs)} lessons passed{outside}, in {seconds:.0f} s")
    return "\n".join(lines)


def _screenshot(page: Page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


if __name__ == "__main__":
    raise SystemExit(main())
