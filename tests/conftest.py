"""Shared fixtures. Tests that need the Hugging Face libraries run them against the built course hub."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hfcourse.exercises import Exercise

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
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=timeout, cwd=REPO
    )


def solve(exercise: Exercise, **lesson_names: object) -> object:
    """Run the exercise's published solution with the notebook variables its `uses` names (exactly those), and
    return its `answer`."""
    assert set(lesson_names) == set(exercise.uses), f"{exercise.title}: its solution uses {exercise.uses}"
    namespace = dict(lesson_names)
    exec(exercise.solution_code, namespace)
    return namespace["answer"]


def feedback(exercise: Exercise, answer: object) -> str:
    """The message for a wrong answer; fails the test when the exercise accepts it."""
    passed, message = exercise.evaluate(answer)
    assert not passed, f"{exercise.title}: accepted a wrong answer {answer!r}"
    return message
