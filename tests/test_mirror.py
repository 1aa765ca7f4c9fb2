"""The lesson-8 mirror: olah serves course-hub repos on loopback to a fresh client, and stops cleanly."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from hfcourse._files import sha256_file
from hfcourse.hfcache import mirror
from hfcourse.hfcache.layout import git_blob_sha1

REPO_ID = "openai-community/gpt2"

DOWNLOAD = """
import json
from pathlib import Path
from huggingface_hub import constants, hf_hub_download, list_repo_files, snapshot_download
config = hf_hub_download({repo!r}, "config.json")
weights = hf_hub_download({repo!r}, "model.safetensors")
folder = snapshot_download({repo!r})
print(json.dumps({{"endpoint": constants.ENDPOINT, "offline": constants.HF_HUB_OFFLINE, "config": config,
                  "weights": weights, "folder": folder, "files": list_repo_files({repo!r})}}))
"""


def child(code: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """A fresh interpreter with exactly `env`: nothing of this process's offline set-up leaks into it."""
    return subprocess.run([sys.executable, "-c", code], env=dict(env), capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def served(offline_hub: Path) -> Iterator[mirror.Mirror]:
    with mirror.Mirror([REPO_ID]) as running:
        yield running


def test_a_fresh_client_downloads_the_course_hub_bytes_through_the_mirror(
    served: mirror.Mirror, tmp_path: Path
) -> None:
    home = tmp_path / "empty-home"
    course_repo = mirror.course_snapshot(REPO_ID).parents[1]
    before = sorted(str(p) for p in course_repo.rglob("*"))
    with served.download_progress(REPO_ID, home) as bar:  # lesson 8's bar, which watches the cache fill
        done = child(DOWNLOAD.format(repo=REPO_ID), env=served.client_env(home))
    assert done.returncode == 0, done.stderr
    assert bar.count == bar.total == sum(p.stat().st_size for p in mirror.course_snapshot(REPO_ID).iterdir())
    seen = json.loads(done.stdout)
    assert seen["endpoint"] == served.url and seen["offline"] is False
    snapshot = mirror.course_snapshot(REPO_ID)
    for name in ("config", "weights"):
        downloaded = Path(seen[name])
        assert downloaded.is_relative_to(home / "hub")
        assert downloaded.read_bytes() == (snapshot / downloaded.name).read_bytes()
    assert sorted(seen["files"]) == sorted(p.name for p in snapshot.iterdir())
    cached = home / "hub" / "models--openai-community--gpt2"
    assert (cached / "refs" / "main").read_text() == served.commits[REPO_ID]  # the mirror's git commit, no newline
    blobs = {p.name for p in (cached / "blobs").iterdir()}
    assert sha256_file(snapshot / "model.safetensors") in blobs and git_blob_sha1(snapshot / "config.json") in blobs
    assert sorted(str(p) for p in course_repo.rglob("*")) == before  # the course hub itself is never written


def test_the_mirror_repo_is_a_real_git_repo_with_an_lfs_pointer(served: mirror.Mirror) -> None:
    repo = served.mirror_repo(REPO_ID)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert head == served.commits[REPO_ID]
    pointer = (repo / "model.safetensors").read_text()
    digest = sha256_file(mirror.course_snapshot(REPO_ID) / "model.safetensors")
    assert pointer.startswith("version https://git-lfs.github.com/spec/v1\n") and f"oid sha256:{digest}" in pointer
    assert (repo / ".git" / "lfs" / "objects" / digest[:2] / digest[2:4] / digest).is_file()


def test_a_missing_file_gets_401_where_the_hub_says_404(served: mirror.Mirror, tmp_path: Path) -> None:
    code = f"from huggingface_hub import hf_hub_download\nhf_hub_download({REPO_ID!r}, 'no-such-file.json')"
    done = child(code, served.client_env(tmp_path))
    assert done.returncode != 0
    assert "RepositoryNotFoundError: 401 Client Error" in done.stderr


def test_stop_closes_the_port_and_removes_the_folder(offline_hub: Path) -> None:
    running = mirror.start([REPO_ID])
    port, root = running.port, running.root
    assert mirror.port_open(port) and mirror.current() is running
    running.stop()
    running.stop()  # twice is harmless
    assert not mirror.port_open(port) and not root.exists() and mirror.current() is not running
    with pytest.raises(mirror.MirrorError, match="not running"):
        _ = running.url  # the property raises once stopped


def test_errors_say_what_to_do(offline_hub: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(mirror.MirrorError, match="hfcourse hub list"):
        mirror.Mirror(["nobody/nothing"])
    with pytest.raises(mirror.MirrorError, match="full id"):
        mirror.Mirror(["gpt2"])
    with pytest.raises(mirror.MirrorError, match="not served by this mirror"):
        mirror.Mirror([REPO_ID]).download_progress("google-t5/t5-base", tmp_path)
    busy = mirror.free_port()
    import socket

    with socket.socket() as holder:
        holder.bind((mirror.HOST, busy))
        holder.listen()
        with pytest.raises(mirror.MirrorError, match="in use: pass port=0"):
            mirror.Mirror([REPO_ID], port=busy).start()
    monkeypatch.setenv(mirror.OLAH_ENV, str(tmp_path / "missing-olah-cli"))
    monkeypatch.setattr(mirror.sys, "prefix", str(tmp_path))
    monkeypatch.setattr(mirror.shutil, "which", lambda name: None)
    with pytest.raises(mirror.MirrorError, match="make install"):
        mirror.olah_command()


def test_client_env_drops_the_offline_settings_of_this_process(tmp_path: Path) -> None:
    env = mirror.client_env(
        "http://127.0.0.1:1", tmp_path, base={"HF_HUB_OFFLINE": "1", "HF_HUB_CACHE": "/hub", "PATH": "/bin"}
    )
    assert env["HF_HUB_OFFLINE"] == "0" and "HF_HUB_CACHE" not in env and env["PATH"] == "/bin"
    assert env["HF_ENDPOINT"] == "http://127.0.0.1:1" and env["HF_HOME"] == str(tmp_path)


def test_olah_does_not_outlive_a_killed_parent(offline_hub: Path) -> None:
    """A kernel that dies without running its finalizers (SIGKILL) takes olah with it."""
    import os
    import shutil
    import signal
    import time

    code = (
        f"import hfcourse.hfcache.mirror as m\nrunning = m.start([{REPO_ID!r}])\n"
        "print(running._process.pid, running.port, running.root, flush=True)\nimport time\ntime.sleep(120)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=dict(os.environ))
    try:
        pid, port, root = parent.stdout.readline().split()
        assert mirror.port_open(int(port))
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait()
    shutil.rmtree(root, ignore_errors=True)  # nothing else removes it when the parent is killed
    deadline = time.monotonic() + 15
    while alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(int(pid)) and not mirror.port_open(int(port))


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def test_a_mirror_started_from_a_worker_thread_outlives_the_thread(offline_hub: Path) -> None:
    """Linux's parent-death signal follows the thread that started olah: it must not be a short-lived one."""
    import threading
    import time

    started: list[mirror.Mirror] = []
    worker = threading.Thread(target=lambda: started.append(mirror.start([REPO_ID])))
    worker.start()
    worker.join(timeout=120)
    (running,) = started
    try:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            assert running.running and mirror.port_open(running.port), (
                "olah stopped when the thread that started it ended"
            )
            time.sleep(0.1)
    finally:
        running.stop()


def test_olah_answers_401_to_a_head_and_500_to_a_get_for_a_missing_file(served: mirror.Mirror) -> None:
    """The Hub answers 404 to both. olah 0.5.4 looks a file up in the git tree before checking that it is there
    on GET (a KeyError inside olah), so clients that ask with HEAD first (huggingface_hub) see 401 and a plain
    GET (curl, a browser) sees 500."""
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    answers = {}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(f"{served.url}/{REPO_ID}/resolve/main/no-such-file.json", method=method)
        with pytest.raises(urllib.error.HTTPError) as refused:
            opener.open(request, timeout=30)
        answers[method] = (refused.value.code, refused.value.headers.get("X-Error-Code"))
    assert answers == {"HEAD": (401, "RepoNotFound"), "GET": (500, None)}
