"""Shared fixtures. Tests that need the Hugging Face libraries run them against the built course hub."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    """Offline mode on the course hub that `make test` built, before any test imports a Hugging Face library."""
    import hfcourse

    hfcourse.setup("offline")


@pytest.fixture(scope="session")
def offline_hub() -> Path:
    """The course hub this process is set up on."""
    from hfcourse.paths import course_hub_home

    return course_hub_home()


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (setup() works on a process's first imports)."""
    inherited = ("HF_", "HUGGINGFACE_", "TRANSFORMERS_OFFLINE", "TRANSFORMERS_CACHE", "HFCOURSE_MODE")
    full_env = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO)
