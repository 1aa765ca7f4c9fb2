"""Where the offline course hub lives."""

from __future__ import annotations

import os
from pathlib import Path

HUB_ENV = "HFCOURSE_HUB"


def course_hub_home() -> Path:
    """The course hub's HF home: `$HFCOURSE_HUB`, else `~/.cache/hfcourse/course-hub`."""
    configured = os.environ.get(HUB_ENV)
    if configured:
        return Path(configured).expanduser().resolve()
    xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return (Path(xdg) / "hfcourse" / "course-hub").resolve()


def manifest_path(home: Path | None = None) -> Path:
    """The file whose presence marks a complete course hub build."""
    return (home or course_hub_home()) / "hfcourse-manifest.json"
