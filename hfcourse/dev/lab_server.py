"""JupyterLab started exactly as `make lab` starts it, but headless, on a free 127.0.0.1 port with a token."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hfcourse.hfcache.mirror import free_port

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT_S = 240.0  # `make lab` first checks the course hub (seconds when it is built)
STOP_TIMEOUT_S = 30.0
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


class LabError(RuntimeError):
    """JupyterLab did not start or answer; the message ends with the end of its log."""


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: where it answers, its token, and the process group it runs in."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    def page(self, path: str = "lab") -> str:
        """The address of a page, with the token (as `jupyter lab` prints it)."""
        return f"{self.url}/{path}{'&' if '?' in path else '?'}token={self.token}"

    def shut_down_kernels(self) -> None:
        """End every notebook session of this server, and its kernel (what 'Shut Down All Kernels' does)."""
        for session in json.loads(self._api("GET", "sessions")):
            self._api("DELETE", f"sessions/{session['id']}")

    def _api(self, method: str, path: str) -> bytes:
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with _LOOPBACK.open(request, timeout=30) as answer:
            return answer.read()

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextlib.contextmanager
def running_lab(lessons: Path, workdir: Path) -> Iterator[LabServer]:
    """`make lab` on the folder `lessons`, as a newcomer's first start: JupyterLab's user settings, workspaces
    and config in empty folders under `workdir`. It is stopped at the end, pass or fail."""
    server = start_lab(lessons, workdir)
    try:
        yield server
    finally:
        stop_lab(server)


def start_lab(lessons: Path, workdir: Path) -> LabServer:
    port, token = free_port(), secrets.token_hex(16)
    fresh = {
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "JUPYTER_CONFIG_DIR": "config",
    }
    env = dict(os.environ)
    for variable, name in fresh.items():
        folder = workdir / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        env[variable] = str(folder)
    options = f"--no-browser --ServerApp.ip={HOST} --ServerApp.port={port} --ServerApp.port_retries=0"
    command = ["make", "--no-print-directory", "lab", f"LESSONS={lessons}", f"LAB_OPTIONS={options}"]
    log = workdir / "jupyterlab.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=REPO,
            env={**env, "JUPYTER_TOKEN": token},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopping it stops make, JupyterLab and nothing else
        )
    server = LabServer(url=f"http://{HOST}:{port}", token=token, process=process, log=log)
    try:
        _wait_until_answering(server)
    except BaseException:
        stop_lab(server)
        raise
    return server


def stop_lab(server: LabServer) -> None:
    """Stop the server's process group: JupyterLab shuts its kernels down on SIGTERM; SIGKILL if it hangs."""
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def _wait_until_answering(server: LabServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise LabError(f"`make lab` exited with status {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
            server._api("GET", "status")
            return
        time.sleep(0.25)
    raise LabError(f"JupyterLab did not answer within {START_TIMEOUT_S:g} s:\n{server.log_tail()}")
