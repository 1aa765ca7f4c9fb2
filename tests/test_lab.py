"""The course's JupyterLab settings: read by JupyterLab and the Jupyter server themselves, and a lesson handed to
JupyterLab with exactly the language_info its kernel reports (so opening it changes nothing)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from jupyter_core.paths import ENV_CONFIG_PATH
from jupyter_server.serverapp import ServerApp
from jupyterlab_server.settings_utils import _get_overrides
from traitlets.config.loader import JSONFileConfigLoader

from hfcourse.dev.notebooks import problems
from hfcourse.lab import (
    LAB_OVERRIDES_FILE,
    SERVER_CONFIG_FILE,
    LessonContentsManager,
    fill_language_info,
    install_settings,
)
from tests.conftest import REPO

LESSON = REPO / "notebooks" / "02_auto_classes.ipynb"


def test_jupyterlab_reads_the_override_that_stops_the_news_question(tmp_path: Path) -> None:
    install_settings(tmp_path)
    overrides, error = _get_overrides(str(tmp_path / LAB_OVERRIDES_FILE.parents[1]))
    assert error == ""
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_the_server_reads_the_contents_manager_setting_and_keeps_other_settings(tmp_path: Path) -> None:
    existing = tmp_path / SERVER_CONFIG_FILE
    existing.parent.mkdir(parents=True)
    existing.write_text(json.dumps({"ServerApp": {"iopub_data_rate_limit": 1e9}, "LabApp": {"collaborative": False}}))
    install_settings(tmp_path)
    install_settings(tmp_path)  # twice changes nothing
    # the file the server reads from an environment: <prefix>/etc/jupyter/jupyter_server_config.json
    assert str(Path(sys.prefix) / SERVER_CONFIG_FILE.parent) in ENV_CONFIG_PATH
    assert SERVER_CONFIG_FILE.name == f"{ServerApp().config_file_name}.json"
    config = JSONFileConfigLoader(existing.name, path=str(existing.parent)).load_config()
    assert ServerApp(config=config).contents_manager_class is LessonContentsManager
    assert config.ServerApp.iopub_data_rate_limit == 1e9 and config.LabApp.collaborative is False


def test_a_broken_server_settings_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    broken = tmp_path / SERVER_CONFIG_FILE
    broken.parent.mkdir(parents=True)
    broken.write_text("{ not json")
    with pytest.raises(ValueError, match="fix or remove it"):
        install_settings(tmp_path)


def test_a_lesson_reaches_jupyterlab_with_the_language_info_its_kernel_reports(kernel: Any, tmp_path: Path) -> None:
    shutil.copy(LESSON, tmp_path / LESSON.name)
    manager = LessonContentsManager(root_dir=str(tmp_path))
    model = asyncio.run(manager.get(LESSON.name))
    reported = kernel.kernel_info(reply=True)["content"]["language_info"]
    assert model["content"]["metadata"]["language_info"] == reported  # what JupyterLab compares, key by key
    assert (tmp_path / LESSON.name).read_bytes() == LESSON.read_bytes()  # the file is not touched
    assert problems(tmp_path / LESSON.name) == []


def test_only_the_cleaned_metadata_of_the_course_kernel_is_filled() -> None:
    other_kernel = {"metadata": {"kernelspec": {"name": "julia-1.10"}, "language_info": {"name": "python"}}}
    full = {"metadata": {"kernelspec": {"name": "python3"}, "language_info": {"name": "python", "version": "3.11.2"}}}
    assert not fill_language_info(other_kernel) and not fill_language_info(full)
    assert full["metadata"]["language_info"] == {"name": "python", "version": "3.11.2"}
