"""Progress bars for the cells a learner waits on: drawn live in JupyterLab, never part of a saved output."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from hfcourse._files import readable_size

WIDGET_VIEW_MIMETYPE = "application/vnd.jupyter.widget-view+json"
WATCH_INTERVAL_S = 0.1
REDRAW_INTERVAL_S = 0.1  # at most ten updates a second reach the page, however fast the loop
Item = TypeVar("Item")


def in_jupyter_kernel() -> bool:
    """True in a Jupyter kernel (JupyterLab, nbval, nbconvert); False in a script or a terminal."""
    ipython = sys.modules.get("IPython")  # never imported here: a script that did not import it is not a kernel
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and "IPKernelApp" in shell.config


class ProgressBar:
    """A bar with a count and the time taken, shown in JupyterLab while work runs and removed when it ends.

    It is displayed as a widget view alone, with no text version: nbval and a saved notebook, which keep text,
    get nothing from it that could differ between runs. Outside a Jupyter kernel it draws nothing.

    Introduced in lesson 5.
    """

    def __init__(self, total: int, description: str, unit: str = "", show: Callable[[int], str] = str) -> None:
        self.total = max(int(total), 0)
        self.description = description
        self.unit = unit
        self.count = 0
        self.note = ""
        self._show = show
        self._started = time.monotonic()
        self._drawn = 0.0
        self._widgets: _Widgets | None = self._display() if in_jupyter_kernel() else None

    @property
    def shown(self) -> bool:
        """Whether a bar is on the page (it is only drawn in a Jupyter kernel, and only until `close()`)."""
        return self._widgets is not None

    def update(self, count: int, note: str | None = None) -> None:
        """Move the bar to `count` (of `total`); `note` is shown after it, e.g. the last loss."""
        self.count = min(max(int(count), 0), self.total) if self.total else max(int(count), 0)
        if note is not None:
            self.note = note
        now = time.monotonic()
        if self._widgets is not None and (now - self._drawn >= REDRAW_INTERVAL_S or self.count == self.total):
            self._drawn = now
            self._widgets.bar.value = self.count
            self._widgets.status.value = self.status()

    def status(self) -> str:
        """The text beside the bar: '12/32 steps, 8 s, loss 0.61'."""
        unit = f" {self.unit}" if self.unit else ""
        amount = f"{self._show(self.count)}/{self._show(self.total)}{unit}" if self.total else self._show(self.count)
        parts = [amount, f"{time.monotonic() - self._started:.0f} s", self.note]
        return ", ".join(part for part in parts if part)

    def close(self) -> None:
        """Remove the bar from the page; safe to call twice."""
        widgets, self._widgets = self._widgets, None
        if widgets is not None:
            for widget in (widgets.box, widgets.label, widgets.bar, widgets.status):
                widget.close()  # the box first: JupyterLab then hides its output and saves an empty one
                for part in (widget.layout, getattr(widget, "style", None)):
                    if part is not None:
                        part.close()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _display(self) -> _Widgets:
        import ipywidgets
        from IPython.display import display

        label = ipywidgets.Label(self.description)
        bar = ipywidgets.IntProgress(value=0, min=0, max=max(self.total, 1))
        status = ipywidgets.Label(self.status())
        box = ipywidgets.HBox([label, bar, status])
        view = {key: value for key, value in box._repr_mimebundle_().items() if key == WIDGET_VIEW_MIMETYPE}
        display(view, raw=True)
        return _Widgets(box=box, label=label, bar=bar, status=status)


@dataclass(frozen=True)
class _Widgets:
    box: Any
    label: Any
    bar: Any
    status: Any


def progress(items: Iterable[Item], description: str, total: int | None = None, unit: str = "") -> Iterator[Item]:
    """Iterate over `items` with a `ProgressBar`; `total` defaults to `len(items)`.

    Introduced in lesson 6.
    """
    count = total if total is not None else len(items) if isinstance(items, Sized) else 0
    bar = ProgressBar(count, description, unit)
    try:
        for done, item in enumerate(items, start=1):
            yield item
            bar.update(done)
    finally:
        bar.close()


@contextlib.contextmanager
def folder_progress(folder: Path, total_bytes: int, description: str) -> Iterator[ProgressBar]:
    """A `ProgressBar` that fills as the files under `folder` grow towards `total_bytes`: a download that
    another process writes, watched from here.

    Introduced in lesson 8.
    """
    bar = ProgressBar(total_bytes, description, show=readable_size)
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(WATCH_INTERVAL_S):
            bar.update(bytes_under(folder))

    watcher = threading.Thread(target=watch, name="hfcourse-folder-progress", daemon=True)
    if bar.shown:
        watcher.start()
    try:
        yield bar
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        bar.update(bytes_under(folder))  # where it ended, drawn or not
        bar.close()


def bytes_under(folder: Path) -> int:
    """Bytes in the regular files under `folder` (links not followed); 0 if it does not exist yet.

    Files that vanish while it looks (a download renaming its partial file) are skipped.
    """
    total = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                info = os.lstat(os.path.join(directory, name))
                total += info.st_size if stat.S_ISREG(info.st_mode) else 0
    return total
