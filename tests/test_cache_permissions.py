"""`hfcourse cache` on files and folders it may not read: refused or listed, never skipped, never a traceback.

chmod 000 means nothing to root with CAP_DAC_OVERRIDE (as on CI), so the commands run in a child process
without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (setpriv), or as they are when the tests do not run as root.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfcourse.hfcache.writer import import_folder
from tests.test_cache_cli import state

REPO_ID, REPO_DIR = "course/locked", "models--course--locked"
_DROP = "-dac_override,-dac_read_search"


@pytest.fixture(scope="module")
def unprivileged(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """A command prefix under which chmod 000 is obeyed; skips if this machine cannot make one."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip(
            "running as root without setpriv (util-linux): cannot drop CAP_DAC_OVERRIDE to test unreadable files"
        )
    prefix = [setpriv, f"--inh-caps={_DROP}", f"--bounding-set={_DROP}"]
    locked = tmp_path_factory.mktemp("probe") / "locked"
    locked.mkdir(mode=0)
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import os, sys; os.listdir(sys.argv[1])", str(locked)], capture_output=True
    )
    if probe.returncode == 0 or b"PermissionError" not in probe.stderr:
        pytest.skip(
            f"setpriv could not drop CAP_DAC_OVERRIDE here: {probe.stderr.decode(errors='replace').strip()[-200:]}"
        )
    return prefix


def hfcourse(prefix: list[str], *args: str | Path) -> tuple[int, str, str]:
    """`hfcourse ARGS` in a child process run under `prefix`: (exit status, stdout, stderr)."""
    done = subprocess.run(
        [*prefix, sys.executable, "-m", "hfcourse.cli", *map(str, args)], capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[list[Path]]:
    """Paths a test makes unreadable (chmod 000); their modes are put back afterwards so they can be removed."""
    paths: list[Path] = []
    yield paths
    for path in paths:
        path.chmod(stat.S_IRWXU)


def lock(paths: list[Path], path: Path) -> None:
    path.chmod(0)
    paths.append(path)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_text("{}\n")
    (folder / "sub" / "vocab.txt").write_text("a\nb\n")
    return folder


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("sub", "cannot read the folder {folder}/sub (Permission denied): make it readable (chmod u+rx)"),
        ("sub/vocab.txt", "cannot read {folder}/sub/vocab.txt (Permission denied): make it readable (chmod u+r)"),
        (".", "cannot read the folder {folder} (Permission denied)"),
    ],
    ids=["subfolder", "file", "whole-folder"],
)
def test_an_unreadable_folder_or_file_is_refused_not_left_out(
    unprivileged: list[str],
    source: Path,
    tmp_path: Path,
    locked: list[Path],
    target: str,
    message: str,
) -> None:
    cache = tmp_path / "hub"
    import_folder(source, REPO_ID, cache, refs=("v0",))
    before = state(cache)
    lock(locked, (source / target).resolve())
    status, out, err = hfcourse(unprivileged, "cache", "import", source, "--repo-id", REPO_ID, "--cache-dir", cache)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and message.format(folder=source) in err and "holds no files" not in err
    assert state(cache) == before


def test_verify_lists_unreadable_blobs_refs_and_folders_and_checks_the_rest(
    unprivileged: list[str],
    source: Path,
    tmp_path: Path,
    locked: list[Path],
) -> None:
    cache = tmp_path / "hub"
    snapshot = import_folder(source, REPO_ID, cache, refs=("main", "v1"))
    repo = cache / REPO_DIR
    import_folder(source, "course/other", cache)
    lock(locked, (snapshot / "config.json").resolve())
    lock(locked, repo / "refs" / "v1")
    lock(locked, snapshot / "sub")
    other_blob = next((cache / "models--course--other" / "blobs").iterdir())
    other_blob.write_bytes(b"corrupted")
    status, out, err = hfcourse(unprivileged, "cache", "verify", "--cache-dir", cache)
    assert (status, err) == (1, "")
    blob = (snapshot / "config.json").resolve().name
    assert out.splitlines()[4].startswith(
        f"4. models--course--other/blobs/{other_blob.name} is corrupted: its git blob sha1 is "
    )
    assert out.splitlines()[1:4] == [
        f"1. {REPO_DIR}/blobs/{blob} cannot be read (Permission denied): make it readable, or delete it and import or "
        "download the repo again.",
        f"2. {REPO_DIR}/snapshots/{snapshot.name}/sub cannot be read (Permission denied): make it readable (chmod "
        "u+rx) so it can be checked.",
        f"3. {REPO_DIR}/refs/v1 cannot be read (Permission denied): make it readable, or delete it and import or "
        "download the repo again.",
    ]


def test_tree_says_which_folder_cannot_be_read(
    unprivileged: list[str], source: Path, tmp_path: Path, locked: list[Path]
) -> None:
    cache = tmp_path / "hub"
    snapshot = import_folder(source, REPO_ID, cache)
    lock(locked, cache / REPO_DIR / "blobs")
    status, out, err = hfcourse(unprivileged, "cache", "tree", REPO_ID, "--cache-dir", cache)
    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [f"{REPO_DIR}/", "├── blobs/  (cannot be read: Permission denied)", "├── refs/"]
    assert "config.json -> ../../blobs/" in out and str(snapshot.name) in out
