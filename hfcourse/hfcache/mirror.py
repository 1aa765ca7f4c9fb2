"""A real Hub mirror on loopback: olah, in offline mode, serving course-hub repos as git repositories."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from hfcourse._files import atomic_write, sha256_file
from hfcourse.hfcache.layout import is_lfs, lfs_pointer, repo_folder_name
from hfcourse.i18n import _
from hfcourse.modes import QUIET_ENV
from hfcourse.paths import course_hub_home
from hfcourse.progress import ProgressBar, folder_progress

OLAH_ENV = "HFCOURSE_OLAH"  # path of an olah-cli executable, to use one installed elsewhere
HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
# A fixed identity and date: the same snapshot gives the same commit hash on every machine.
_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "hfcourse",
    "GIT_AUTHOR_EMAIL": "mirror@hfcourse.invalid",
    "GIT_AUTHOR_DATE": "1700000000 +0000",
    "GIT_COMMITTER_NAME": "hfcourse",
    "GIT_COMMITTER_EMAIL": "mirror@hfcourse.invalid",
    "GIT_COMMITTER_DATE": "1700000000 +0000",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",  # no user hooks, signing or line-ending rewrites
}
_LOOPBACK = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
_running: list[Mirror] = []
# Linux sends the parent-death signal (_die_with_parent) when the *thread* that started a child ends, not the
# process. Every olah is started from one launcher thread per process, which lives as long as the process.
_launchers: dict[int, concurrent.futures.ThreadPoolExecutor] = {}  # process id -> its launcher


class MirrorError(RuntimeError):
    """The mirror cannot be made or started; the message says what to do."""


def olah_command() -> list[str]:
    """The olah-cli to run: `$HFCOURSE_OLAH`, else `.venv/olah` beside this interpreter, else one on PATH."""
    configured = os.environ.get(OLAH_ENV)
    candidates = [Path(configured)] if configured else []
    candidates.append(Path(sys.prefix) / "olah" / "bin" / "olah-cli")
    if found := shutil.which("olah-cli"):
        candidates.append(Path(found))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    raise MirrorError(
        _(
            "olah (the mirror server) is not installed. Run `make install`, which puts it in "
            ".venv/olah; or make a venv with `python3.11 -m venv DIR && DIR/bin/pip install --no-deps "
            "-r requirements/mirror.txt` and set {olah_env}=DIR/bin/olah-cli. It needs a venv of its "
            "own: it requires huggingface_hub>=1.27."
        ).format(olah_env=OLAH_ENV)
    )


def course_snapshot(repo_id: str, home: Path | None = None) -> Path:
    """The snapshot folder that the course hub's `refs/main` names for model repo `repo_id`."""
    if repo_id.count("/") != 1:
        raise MirrorError(
            _("{repo_id}: olah serves ORG/NAME repos; use the full id, e.g. openai-community/gpt2.").format(
                repo_id=repr(repo_id)
            )
        )
    repo = (home or course_hub_home()) / "hub" / repo_folder_name(repo_id)
    ref = repo / "refs" / "main"
    if not ref.is_file():
        raise MirrorError(
            _("{repo_id} is not in the course hub at {parent}: `hfcourse hub list` shows the repos it holds.").format(
                repo_id=repo_id, parent=repo.parent
            )
        )
    return repo / "snapshots" / ref.read_text().strip()


def git_repo_from_snapshot(snapshot: Path, destination: Path, message: str) -> str:
    """Commit the snapshot's files into a new git repository at `destination`, as olah reads it; return the commit.

    LFS files (weights) are committed as pointer files and their bytes laid where git-lfs keeps them.
    """
    if shutil.which("git") is None:
        raise MirrorError(_("git is not installed: the mirror serves git repositories (apt-get install git)."))
    if destination.exists():
        raise MirrorError(_("{destination} exists: give the mirror an empty folder.").format(destination=destination))
    destination.mkdir(parents=True)
    _git(destination, "init", "--quiet")
    _git(destination, "symbolic-ref", "HEAD", "refs/heads/main")
    for source in sorted(path for path in snapshot.rglob("*") if path.is_file()):
        relative = source.relative_to(snapshot).as_posix()
        size = source.stat().st_size
        if is_lfs(relative, size):
            digest = sha256_file(source)
            atomic_write(destination / relative, lfs_pointer(digest, size))
            _link_or_copy(source, destination / ".git" / "lfs" / "objects" / digest[:2] / digest[2:4] / digest)
        else:
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination / relative)
    _git(destination, "add", "--all")
    _git(destination, "commit", "--quiet", "--message", message)
    return _git(destination, "rev-parse", "HEAD")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:`port`.

    Introduced in lesson 8.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((HOST, port)) == 0


def client_env(endpoint: str, hf_home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process that downloads from `endpoint` into the cache at `hf_home`.

    Every HF_* variable of `base` (default: this process's environment) is dropped first: the offline flags
    and HF_HUB_CACHE that setup() set here would otherwise win over the new endpoint and home.
    """
    source = os.environ if base is None else base
    dropped = ("HF_", "HFCOURSE_MODE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "TRANSFORMERS_OFFLINE")
    env = {key: value for key, value in source.items() if not key.startswith(dropped)}
    env.update(QUIET_ENV)
    env.update(_LOOPBACK)
    env.update(HF_ENDPOINT=endpoint, HF_HOME=str(hf_home), HF_HUB_OFFLINE="0")
    return env


def run_child(code: str, env: Mapping[str, str], timeout: float = 120) -> str:
    """Run `code` in a fresh Python with exactly `env`; return what it printed, or raise with its error.

    Introduced in lesson 8.
    """
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], env=dict(env), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise MirrorError(
            _("the child process ran past {timeout:g} s: is the mirror still running?").format(timeout=timeout)
        ) from None
    if done.returncode != 0:
        raise MirrorError(
            _("the child process failed: {reason}").format(
                reason=error_line(done.stderr) or _("exit status {code}").format(code=done.returncode)
            )
        )
    return done.stdout.rstrip("\n")


def error_line(stderr: str) -> str:
    """The line of a traceback that names the exception, without its module: 'OSError: ...'."""
    lines = [
        line for line in stderr.splitlines() if re.match(r"[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", line)
    ]
    return re.sub(r"^[\w.]*\.(?=\w+:)", "", lines[-1]) if lines else ""


def table_columns(table: str, keep: Iterable[str]) -> str:
    """Some columns of a fixed-width table such as `hf cache scan` prints; its row of dashes gives the widths.

    Introduced in lesson 8.
    """
    lines = [line for line in table.splitlines() if line.strip()]
    dashes = next(index for index, line in enumerate(lines) if set(line.strip()) <= {"-", " "})
    spans = [match.span() for match in re.finditer(r"-+", lines[dashes])]
    header = [lines[dashes - 1][start:end].strip() for start, end in spans]
    wanted = [header.index(name) for name in keep]
    body = [line for line in lines[dashes + 1 :] if not line.startswith("Done in")]  # the summary line has no columns
    rows = [[line[start:end].strip() for start, end in spans] for line in [lines[dashes - 1], *body]]
    widths = [max(len(row[column]) for row in rows) for column in wanted]
    return "\n".join(
        "  ".join(row[column].ljust(width) for column, width in zip(wanted, widths)).rstrip() for row in rows
    )


def current() -> Mirror | None:
    """The mirror this process started last and has not stopped, if any."""
    return _running[-1] if _running else None


class Mirror:
    """olah serving course-hub model repos on 127.0.0.1; `start()`/`stop()`, or use it as a context manager.

    olah reads `<mirrors-path>/models/ORG/NAME`, a git repository per repo, whose LFS files are pointer files
    with their bytes under `.git/lfs/objects/aa/bb/<sha256>` (where git-lfs keeps them). `start()` writes those
    repositories from the course hub's snapshots, starts olah on a free 127.0.0.1 port; `stop()` stops it.
    olah needs huggingface_hub>=1.27, so it lives in a venv of its own (`make install` makes `.venv/olah`).

    Introduced in lesson 8.
    """

    def __init__(
        self, repos: Iterable[str], *, port: int = 0, root: Path | None = None, hub_home: Path | None = None
    ) -> None:
        self.repos = tuple(repos)
        if not self.repos:
            raise MirrorError(_("give the mirror at least one repo id, e.g. Mirror(['openai-community/gpt2'])."))
        self.snapshots = {repo_id: course_snapshot(repo_id, hub_home) for repo_id in self.repos}
        self.requested_port = port
        self.requested_root = root
        self.port = 0
        self.root: Path | None = None
        self.commits: dict[str, str] = {}
        self.startup_s = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None

    @property
    def url(self) -> str:
        """The endpoint clients put in HF_ENDPOINT."""
        if not self.running:
            raise MirrorError(_("the mirror is not running: call start() first."))
        return f"http://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def mirror_repo(self, repo_id: str) -> Path:
        """The git repository olah serves `repo_id` from."""
        if self.root is None or repo_id not in self.commits:
            raise MirrorError(
                _("{repo_id} is not served by this mirror (it serves {repos}).").format(
                    repo_id=repo_id, repos=", ".join(self.repos)
                )
            )
        return self.root / "mirrors" / "models" / repo_id

    def start(self) -> Mirror:
        """Write the git repositories and olah's config, start olah and wait until it serves the first repo."""
        if self.running:
            return self
        command = olah_command()
        port = self.requested_port or free_port()
        if self.requested_port and not _can_bind(port):
            raise MirrorError(
                _(
                    "port {port} on {host} is in use: pass port=0 to take a free one, or stop what listens there."
                ).format(port=port, host=HOST)
            )
        made_root = self.requested_root is None
        root = Path(tempfile.mkdtemp(prefix="hfcourse-mirror-")) if made_root else Path(self.requested_root).resolve()
        try:
            for repo_id, snapshot in self.snapshots.items():
                message = f"{repo_id}: course hub snapshot {snapshot.name}"
                self.commits[repo_id] = git_repo_from_snapshot(
                    snapshot, root / "mirrors" / "models" / repo_id, message
                )
            config = root / "olah.toml"
            atomic_write(config, _config_toml(port, root).encode())
            log = (root / "olah.log").open("wb")
            started = time.perf_counter()
            process = _spawn(
                [*command, "--config", str(config), "--log-path", str(root / "logs")],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
            log.close()
        except BaseException:
            if made_root:
                shutil.rmtree(root, ignore_errors=True)
            raise
        self.root, self.port, self._process = root, port, process
        self._finalizer = weakref.finalize(self, _shutdown, process, root if made_root else None)  # also runs at exit
        _running.append(self)
        try:
            self._wait_until_serving(started)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop olah (and remove the mirror's folder if the mirror made it); safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()
        if self in _running:
            _running.remove(self)

    def client_env(self, hf_home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment of a child process that downloads through this mirror into `hf_home`."""
        return client_env(self.url, hf_home, base)

    def download_progress(self, repo_id: str, hf_home: Path) -> contextlib.AbstractContextManager[ProgressBar]:
        """A bar in JupyterLab that fills as `repo_id`'s files arrive in the cache at `hf_home` (a child process
        downloads them; this one watches the folder).

        Introduced in lesson 8.
        """
        if repo_id not in self.snapshots:
            raise MirrorError(
                _("{repo_id} is not served by this mirror (it serves {repos}).").format(
                    repo_id=repo_id, repos=", ".join(self.repos)
                )
            )
        total = sum(file.stat().st_size for file in self.snapshots[repo_id].rglob("*") if file.is_file())
        blobs = Path(hf_home) / "hub" / repo_folder_name(repo_id) / "blobs"
        return folder_progress(blobs, total, _("{repo_id} through the mirror").format(repo_id=repo_id))

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    def _wait_until_serving(self, started: float) -> None:
        probe = f"http://{HOST}:{self.port}/api/models/{self.repos[0]}/revision/main"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
        deadline = started + START_TIMEOUT_S
        while time.perf_counter() < deadline:
            if self._process is None or self._process.poll() is not None:
                raise MirrorError(_("olah exited at start-up:\n{log_tail}").format(log_tail=self._log_tail()))
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError):
                with opener.open(probe, timeout=2) as answer:
                    if answer.status == 200:
                        self.startup_s = time.perf_counter() - started
                        return
            time.sleep(0.05)
        raise MirrorError(
            _("olah did not answer within {seconds:g} s:\n{log_tail}").format(
                seconds=START_TIMEOUT_S, log_tail=self._log_tail()
            )
        )

    def _log_tail(self, lines: int = 15) -> str:
        log = self.root / "olah.log" if self.root else None
        return (
            "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log and log.is_file() else "(no log)"
        )


def start(repos: Iterable[str], *, port: int = 0, root: Path | None = None) -> Mirror:
    """Start a mirror of course-hub `repos` and return it (stop it with `.stop()`)."""
    return Mirror(repos, port=port, root=root).start()


def _config_toml(port: int, root: Path) -> str:
    return "\n".join(
        [
            "[basic]",
            f'host = "{HOST}"',
            f"port = {port}",
            f'repos-path = "{(root / "olah-cache").as_posix()}"',
            f'mirrors-path = ["{(root / "mirrors").as_posix()}"]',
            "",
            "[accessibility]",
            "offline = true  # serve the local git repositories only; never ask huggingface.co",
            "",
        ]
    )


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=repo, env={**os.environ, **_GIT_IDENTITY}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise MirrorError(
            _("git {command} failed in {repo}: {stderr}").format(
                command=args[0], repo=repo, stderr=done.stderr.strip()
            )
        )
    return done.stdout.strip()


def _link_or_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source.resolve(), destination)
    except OSError:  # another file system, or no hard links there
        shutil.copyfile(source, destination)


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _spawn(command: list[str], **options: Any) -> subprocess.Popen[bytes]:
    """Popen from the launcher thread, so that a mirror started from a worker thread outlives that thread."""
    if os.getpid() not in _launchers:  # a forked child has no thread of its parent's
        _launchers[os.getpid()] = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="hfcourse-mirror-launcher"
        )
    return _launchers[os.getpid()].submit(lambda: subprocess.Popen(command, **options)).result()


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to stop it when the thread that started it ends (see _launchers)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _shutdown(process: subprocess.Popen[bytes], root: Path | None) -> None:
    """Stop olah: SIGTERM, then SIGKILL after 10 s; then remove the folder the mirror made."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if root is not None:
        shutil.rmtree(root, ignore_errors=True)
