"""Shared fixtures. Tests that need the Hugging Face libraries run them against the built course hub."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hfcourse.exercises import Exercise

KERNEL_TIMEOUT_S = 120

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


@pytest.fixture(scope="module")
def kernel() -> Iterator[Any]:
    """A real Jupyter kernel (ipykernel, as JupyterLab and nbval start it) in the repo folder; its client."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(REPO), startup_timeout=KERNEL_TIMEOUT_S)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def execute(client: Any, code: str) -> list[dict[str, Any]]:
    """Run `code` in the kernel; every message it published while running, in order (outputs, widget comms)."""
    request = client.execute(code)
    messages = []
    while True:
        message = client.get_iopub_msg(timeout=KERNEL_TIMEOUT_S)
        if message["parent_header"].get("msg_id") != request:
            continue
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return messages
        messages.append(message)
