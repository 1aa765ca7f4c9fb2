"""Make the README's lesson thumbnails from the screenshots of a `make test-browser` run."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hfcourse.dev.lab_server import REPO

SCREENSHOTS = REPO / "build" / "browser"
THUMBNAILS = REPO / "docs" / "lessons"
# The lesson's own panel in a 1400 x 900 screenshot: right of the file browser, below the toolbar.
LESSON_PANEL = (295, 95, 1355, 735)
THUMBNAIL_WIDTH = 400
THUMBNAIL_COLOURS = 64  # a palette keeps each file near 20 kB; text stays readable


def make_thumbnail(screenshot: Path, out: Path) -> None:
    """Crop the lesson's panel out of a screenshot, shrink it, and write it atomically as an optimised PNG."""
    from PIL import Image

    with Image.open(screenshot) as image:
        if image.size != (1400, 900):
            raise ValueError(f"{screenshot} is {image.size[0]} x {image.size[1]}; test-browser's are 1400 x 900")
        panel = image.convert("RGB").crop(LESSON_PANEL)
    height = round(panel.height * THUMBNAIL_WIDTH / panel.width)
    small = panel.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS).quantize(colors=THUMBNAIL_COLOURS)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".png.tmp")
    os.close(handle)
    try:
        small.save(temporary, format="PNG", optimize=True)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hfcourse.dev.thumbnails", description=__doc__)
    parser.add_argument("--screenshots", type=Path, default=SCREENSHOTS, help="default: %(default)s")
    parser.add_argument("--out", type=Path, default=THUMBNAILS, help="default: %(default)s")
    args = parser.parse_args(argv)
    lessons = sorted(path.stem for path in (REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [name[:2] for name in lessons if not (args.screenshots / f"{name[:2]}_top.png").is_file()]
    if missing:
        print(
            f"thumbnails: no screenshot of lesson(s) {', '.join(missing)} in {args.screenshots}; "
            "run `make test-browser` first (it saves them there)",
            file=sys.stderr,
        )
        return 2
    for name in lessons:
        make_thumbnail(args.screenshots / f"{name[:2]}_top.png", args.out / f"{name}.png")
    print(f"thumbnails: {len(lessons)} written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
