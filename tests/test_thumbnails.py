"""The README's lesson thumbnails: cropped from a browser screenshot, small, written atomically."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from hfcourse.dev.thumbnails import LESSON_PANEL, THUMBNAIL_WIDTH, main, make_thumbnail


def test_a_thumbnail_is_the_lesson_panel_shrunk(tmp_path: Path) -> None:
    screenshot = tmp_path / "01_top.png"
    image = Image.new("RGB", (1400, 900), "white")
    image.paste((200, 0, 0), LESSON_PANEL)  # the panel red, the rest (file browser, menus) white
    image.save(screenshot)
    make_thumbnail(screenshot, tmp_path / "out" / "01.png")
    with Image.open(tmp_path / "out" / "01.png") as thumbnail:
        assert thumbnail.width == THUMBNAIL_WIDTH
        assert thumbnail.convert("RGB").getpixel((0, 0)) == (200, 0, 0)  # nothing outside the panel was kept
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["01.png"]  # no temporary file left


def test_a_screenshot_of_another_size_is_refused(tmp_path: Path) -> None:
    screenshot = tmp_path / "01_top.png"
    Image.new("RGB", (800, 600)).save(screenshot)
    with pytest.raises(ValueError, match="1400 x 900"):
        make_thumbnail(screenshot, tmp_path / "01.png")
    assert not (tmp_path / "01.png").exists()


def test_missing_screenshots_say_to_run_the_browser_test(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--screenshots", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    assert "run `make test-browser` first" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
