"""hfcourse.setup(): the three modes, the probe, and the 'configured too late' error. Each case runs in a fresh
process."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import execute, run_python


@pytest.fixture()
def built_hub(tmp_path: Path) -> Path:
    """A folder that setup() accepts as a built course hub (only the manifest is consulted)."""
    (tmp_path / "hfcourse-manifest.json").write_text("{}")
    return tmp_path


@pytest.fixture()
def local_endpoint() -> Iterator[str]:
    """An HTTP server on loopback that answers every request (stands for a reachable mirror)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_importing_hfcourse_imports_no_hugging_face_library() -> None:
    result = run_python(
        "import sys, hfcourse\n"
        "print(sorted(m for m in ('transformers', 'datasets', 'huggingface_hub', 'evaluate', 'torch') if m in "
        "sys.modules))"
    )
    assert result.stdout.strip() == "[]", result.stderr


def test_offline_mode_points_every_library_at_the_course_hub(built_hub: Path) -> None:
    result = run_python(
        "import hfcourse; hfcourse.setup()\n"
        "from huggingface_hub import constants; import datasets.config, evaluate.config\n"
        "print(constants.HF_HUB_OFFLINE, constants.HF_HUB_CACHE, datasets.config.HF_DATASETS_CACHE, "
        "evaluate.config.HF_EVALUATE_OFFLINE)",
        {"HFCOURSE_MODE": "offline", "HFCOURSE_HUB": str(built_hub)},
    )
    assert result.returncode == 0, result.stderr
    banner, values = result.stdout.strip().splitlines()
    assert banner.startswith("hfcourse: offline mode (chosen by HFCOURSE_MODE): the course hub")
    assert values.split() == ["True", str(built_hub / "hub"), str(built_hub / "datasets"), "True"]


def test_offline_mode_without_a_built_hub_says_how_to_build_it(tmp_path: Path) -> None:
    result = run_python("import hfcourse; hfcourse.setup('offline')", {"HFCOURSE_HUB": str(tmp_path / "none")})
    assert result.returncode != 0
    assert "hfcourse hub build" in result.stderr


def test_mirror_mode_sets_the_endpoint_before_the_first_import(local_endpoint: str) -> None:
    result = run_python(
        f"import hfcourse; hfcourse.setup('mirror', endpoint={local_endpoint!r})\n"
        "from huggingface_hub import constants; print(constants.ENDPOINT, constants.HF_HUB_OFFLINE)"
    )
    assert result.returncode == 0, result.stderr
    banner, values = result.stdout.strip().splitlines()
    assert banner == f"hfcourse: mirror mode (chosen by setup()): the Hub's real checkpoints through {local_endpoint}"
    assert values.split() == [local_endpoint, "False"]


def test_mirror_mode_without_an_endpoint_is_refused() -> None:
    result = run_python("import hfcourse; hfcourse.setup('mirror')")
    assert result.returncode != 0
    assert "hf-mirror.com" in result.stderr and "HF_ENDPOINT" in result.stderr


def test_an_unknown_mode_lists_the_valid_ones() -> None:
    result = run_python("import hfcourse; hfcourse.setup()", {"HFCOURSE_MODE": "offlne"})
    assert result.returncode != 0
    assert "online, mirror, offline" in result.stderr


def test_probe_of_a_reachable_endpoint_chooses_mirror(local_endpoint: str) -> None:
    result = run_python("import hfcourse; print(hfcourse.setup())", {"HF_ENDPOINT": local_endpoint})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"hfcourse: mirror mode ({local_endpoint} answered): the Hub's real checkpoints through {local_endpoint}",
        "mirror",
    ]


def test_probe_of_an_unreachable_endpoint_falls_back_to_the_course_hub(built_hub: Path) -> None:
    result = run_python(
        "import time, hfcourse; start = time.monotonic(); mode = hfcourse.setup(); print(mode, time.monotonic() - "
        "start < 3.5)",
        {"HF_ENDPOINT": "http://127.0.0.1:9", "HFCOURSE_HUB": str(built_hub)},  # port 9 (discard): refused
    )
    assert result.returncode == 0, result.stderr
    banner, verdict = result.stdout.strip().splitlines()
    assert banner.startswith("hfcourse: offline mode (http://127.0.0.1:9 did not answer within 3 s): the course hub")
    assert verdict == "offline True"


def test_setup_after_huggingface_hub_was_imported_tells_to_restart(built_hub: Path) -> None:
    result = run_python(
        "import os; os.environ['HF_HUB_OFFLINE'] = '0'\nimport huggingface_hub\nimport hfcourse\n"
        "try:\n    hfcourse.setup('offline')\nexcept hfcourse.modes.SetupError as error:\n    print(error)\n"
        "print('HF_HOME' in os.environ)",
        {"HFCOURSE_HUB": str(built_hub)},
    )
    assert result.returncode == 0, result.stderr
    message, env_touched = result.stdout.strip().splitlines()
    assert "Restart the kernel" in message and "HF_HUB_OFFLINE=0 (wanted 1)" in message
    assert env_touched == "False"  # nothing was half-set


def test_setup_run_twice_with_the_same_mode_is_fine(built_hub: Path) -> None:
    result = run_python(
        "import hfcourse; hfcourse.setup('offline'); import transformers; print(hfcourse.setup('offline'))",
        {"HFCOURSE_HUB": str(built_hub)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "offline"


def test_a_child_process_inherits_the_chosen_mode_without_probing(built_hub: Path) -> None:
    parent = (
        "import subprocess, sys, hfcourse\n"
        "hfcourse.setup('offline', announce=False)\n"
        "child = 'import hfcourse; print(hfcourse.setup())'\n"
        "print(subprocess.run([sys.executable, '-c', child], capture_output=True, text=True, check=True).stdout)"
    )
    result = run_python(parent, {"HFCOURSE_HUB": str(built_hub)})
    assert result.returncode == 0, result.stderr
    banner, mode = result.stdout.strip().splitlines()
    assert banner.startswith("hfcourse: offline mode (chosen by HFCOURSE_MODE)"), "the child did not probe"
    assert mode == "offline"


def test_downloads_show_a_bar_in_a_kernel_online_and_never_offline(built_hub: Path) -> None:
    from hfcourse.modes import Mode, environment_for

    bars = "HF_HUB_DISABLE_PROGRESS_BARS"
    assert environment_for(Mode.ONLINE)[bars] == "1"  # a script: its output stays plain
    assert environment_for(Mode.ONLINE, download_bars=True)[bars] == "0"
    assert environment_for(Mode.MIRROR, "https://hf-mirror.com", download_bars=True)[bars] == "0"
    result = run_python(
        "import hfcourse; hfcourse.setup('offline', announce=False)\n"
        "from hfcourse.modes import Mode, environment_for\n"
        "print(environment_for(Mode.OFFLINE, download_bars=True)['HF_HUB_DISABLE_PROGRESS_BARS'])",
        {"HFCOURSE_HUB": str(built_hub)},
    )
    assert result.stdout.strip() == "1", result.stderr  # offline, nothing is downloaded: no bars, stored outputs


def test_setup_in_a_kernel_asks_for_download_bars_online(kernel: Any) -> None:
    messages = execute(
        kernel,
        "import os, hfcourse\n"
        "hfcourse.setup('online', announce=False)\n"
        "print(os.environ['HF_HUB_DISABLE_PROGRESS_BARS'])",
    )
    printed = [
        m["content"]["text"] for m in messages if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    ]
    assert printed == ["0\n"], messages
