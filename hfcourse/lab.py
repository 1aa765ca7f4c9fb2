"""JupyterLab as the course serves it: no news pop-up, and a lesson that is only read stays unmodified.

`hfcourse lab-settings` (run by `make install`) writes two settings into the environment (`sys.prefix`), so
`make lab` and a plain `jupyter lab` started from it both use them:
- a JupyterLab settings override that turns off the "official Jupyter news" question;
- a Jupyter server setting that serves notebooks through `LessonContentsManager`.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path
from typing import Any

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager

from hfcourse._files import atomic_write

NATIVE_KERNEL = "python3"  # the kernel that runs on the server's own Python: the course's environment
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_CONFIG = {"ServerApp": {"contents_manager_class": "hfcourse.lab.LessonContentsManager"}}
LAB_OVERRIDES_FILE = Path("share/jupyter/lab/settings/overrides.d/hfcourse.json")
# The server reads its settings from jupyter_server_config.json (its .d folder only enables extensions).
SERVER_CONFIG_FILE = Path("etc/jupyter/jupyter_server_config.json")


@functools.cache
def kernel_language_info() -> dict[str, Any]:
    """The `language_info` that the course's kernel (ipykernel on this Python) reports when it starts."""
    from ipykernel.ipkernel import IPythonKernel

    return json.loads(json.dumps(IPythonKernel.language_info))


def fill_language_info(notebook: dict[str, Any]) -> bool:
    """Put back the `language_info` that the notebook cleaner removed; True if it did.

    The cleaner keeps only `{"name": "python"}`, because the full value names the Python release of the machine
    (3.11.7, 3.11.9). JupyterLab writes the running kernel's value into a notebook it opens and, when that
    differs, marks it modified: closing a lesson that was only read would ask to save it.
    """
    metadata = notebook.get("metadata", {})
    if metadata.get("kernelspec", {}).get("name") != NATIVE_KERNEL or metadata.get("language_info") != {
        "name": "python"
    }:
        return False
    metadata["language_info"] = kernel_language_info()
    return True


class LessonContentsManager(AsyncLargeFileManager):
    """Jupyter's file contents manager, which hands JupyterLab each notebook with its kernel's `language_info`
    filled in (`fill_language_info`); files on disk are read and written unchanged."""

    async def get(
        self,
        path: str,
        content: bool = True,
        type: str | None = None,
        format: str | None = None,
        require_hash: bool = False,
    ) -> dict[str, Any]:
        model: dict[str, Any] = await super().get(
            path, content=content, type=type, format=format, require_hash=require_hash
        )
        if model.get("type") == "notebook" and isinstance(model.get("content"), dict):
            fill_language_info(model["content"])
        return model


def install_settings(prefix: Path | None = None) -> list[Path]:
    """Write the course's JupyterLab and Jupyter server settings under `prefix` (default: this environment).

    The server's settings file is shared: the course's keys are merged into what it already holds.
    """
    root = Path(prefix or sys.prefix)
    written = []
    for relative, settings in ((LAB_OVERRIDES_FILE, LAB_OVERRIDES), (SERVER_CONFIG_FILE, SERVER_CONFIG)):
        path = root / relative
        merged = _read_json(path) if relative == SERVER_CONFIG_FILE else {}
        for section, values in settings.items():
            merged[section] = {**merged.get(section, {}), **values}
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, (json.dumps(merged, indent=2) + "\n").encode())
        written.append(path)
    return written


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ValueError(f"{path} is not valid JSON ({error}): fix or remove it, then run this again.") from None
    if not isinstance(found, dict):
        raise ValueError(f"{path} should hold a JSON object: fix or remove it, then run this again.")
    return found
