"""Progress bars: drawn as a widget alone in a kernel (so nbval and saved notebooks see nothing of them), closed at
the end, and absent outside a kernel; the notebook cleaner drops what is left of them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hfcourse.dev.notebooks import cleaned
from hfcourse.progress import WIDGET_VIEW_MIMETYPE, ProgressBar, bytes_under, folder_progress, progress
from tests.conftest import execute

BAR_IN_A_LOOP = """
from hfcourse.progress import progress
total = sum(progress(range(5), "counting", unit="items"))
print("total", total)
"""


def test_in_a_kernel_a_bar_is_a_widget_view_alone_and_is_closed_at_the_end(kernel: Any) -> None:
    messages = execute(kernel, BAR_IN_A_LOOP)
    displays = [m["content"] for m in messages if m["msg_type"] == "display_data"]
    assert len(displays) == 1
    assert set(displays[0]["data"]) == {WIDGET_VIEW_MIMETYPE}  # no text/plain: nothing that nbval compares
    bar = displays[0]["data"][WIDGET_VIEW_MIMETYPE]["model_id"]
    opened = {m["content"]["comm_id"] for m in messages if m["msg_type"] == "comm_open"}
    closed = {m["content"]["comm_id"] for m in messages if m["msg_type"] == "comm_close"}
    assert bar in opened and opened == closed  # the bar and all its parts are gone from the page
    streams = [(m["content"]["name"], m["content"]["text"]) for m in messages if m["msg_type"] == "stream"]
    assert streams == [("stdout", "total 10\n")]


def test_the_bar_follows_the_count(kernel: Any) -> None:
    messages = execute(
        kernel,
        "from hfcourse.progress import ProgressBar\n"
        "bar = ProgressBar(4, 'steps')\n"
        "bar.update(4, note='loss 0.5')\n"
        "print(bar.status().split(', ')[::2])\n"
        "bar.close()",
    )
    updates = [m["content"]["data"]["state"] for m in messages if m["msg_type"] == "comm_msg"]
    assert {"value": 4} in updates and any(str(u.get("value", "")).startswith("4/4,") for u in updates)
    assert [m["content"]["text"] for m in messages if m["msg_type"] == "stream"] == ["['4/4', 'loss 0.5']\n"]


def test_outside_a_kernel_nothing_is_drawn_and_the_items_all_come() -> None:
    bar = ProgressBar(3, "steps", unit="steps")
    assert not bar.shown
    bar.update(2, note="loss 0.25")
    assert bar.status().startswith("2/3 steps, ") and bar.status().endswith(", loss 0.25")
    bar.close()
    bar.close()  # twice is fine
    assert list(progress(iter("abc"), "letters")) == ["a", "b", "c"]  # no length: counted without a total


def test_folder_progress_counts_regular_files_not_links(tmp_path: Path) -> None:
    folder = tmp_path / "blobs"
    assert bytes_under(folder) == 0  # not there yet
    with folder_progress(folder, 300, "download") as bar:
        folder.mkdir()
        (folder / "a").write_bytes(b"x" * 100)
        (folder / "b.incomplete").write_bytes(b"y" * 200)  # a download in progress counts
        os.symlink(folder / "a", folder / "link")
    assert bar.count == 300 == bar.total


def test_the_cleaner_drops_outputs_that_only_showed_a_widget() -> None:
    bar = {"output_type": "display_data", "data": {WIDGET_VIEW_MIMETYPE: {"model_id": "ab12"}}, "metadata": {}}
    widget_with_text = {
        "output_type": "display_data",
        "data": {WIDGET_VIEW_MIMETYPE: {"model_id": "cd34"}, "text/plain": "IntSlider(value=3)"},
        "metadata": {},
    }
    printed = {"output_type": "stream", "name": "stdout", "text": "done\n"}
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "outputs": [bar, printed, widget_with_text], "source": "x"}],
        "metadata": {},
    }
    assert cleaned(notebook)["cells"][0]["outputs"] == [printed, widget_with_text]
