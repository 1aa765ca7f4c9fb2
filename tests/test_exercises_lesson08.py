"""Lesson 8's exercises accept their published solutions and answer each typical mistake with its own message."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hfcourse.exercises import lesson08 as exercises
from hfcourse.hfcache import mirror as mirrors
from hfcourse.hfcache.layout import git_blob_sha1_bytes, lfs_pointer
from tests.conftest import feedback, solve


@pytest.fixture(scope="module")
def snapshot(offline_hub: Path) -> Path:
    return mirrors.course_snapshot(exercises.REPO_ID)


def test_blob_path_solution_agrees_with_huggingface_hub(offline_hub: Path) -> None:
    blob_path = solve(exercises.blob_path)
    assert exercises.blob_path.evaluate(blob_path) == (True, "Correct!")
    found = blob_path(offline_hub / "hub", exercises.REPO_ID, "model.safetensors")
    assert found.parent.name == "blobs" and len(found.name) == 64


def repo_folder(cache_dir: Path, repo_id: str) -> Path:
    return Path(cache_dir) / ("models--" + repo_id.replace("/", "--"))


def test_blob_path_feedback(offline_hub: Path) -> None:
    def link_not_blob(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        repo_dir = repo_folder(cache_dir, repo_id)
        ref = repo_dir / "refs" / "main"
        link = repo_dir / "snapshots" / ref.read_text() / filename if ref.is_file() else None
        return link if link is not None and link.exists() else None

    def first_listed(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        snapshots = repo_folder(cache_dir, repo_id) / "snapshots"
        link = next(snapshots.iterdir()) / filename if snapshots.is_dir() else None
        return link.resolve() if link is not None and link.exists() else None

    def first_sorted(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        snapshots = repo_folder(cache_dir, repo_id) / "snapshots"
        link = sorted(snapshots.iterdir())[0] / filename if snapshots.is_dir() else None
        return link.resolve() if link is not None and link.exists() else None

    def newest(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        snapshots = repo_folder(cache_dir, repo_id) / "snapshots"
        if not snapshots.is_dir():
            return None
        link = max(snapshots.iterdir(), key=lambda p: p.stat().st_mtime_ns) / filename
        return link.resolve() if link.exists() else None

    def slash_kept(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        ref = Path(cache_dir) / ("models--" + repo_id) / "refs" / "main"
        return None if not ref.is_file() else Path(cache_dir) / "never"

    def raises_when_absent(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        repo_dir = repo_folder(cache_dir, repo_id)
        commit = (repo_dir / "refs" / "main").read_text()
        return (repo_dir / "snapshots" / commit / filename).resolve(strict=True)

    def path_even_when_absent(cache_dir, repo_id, filename):  # type: ignore[no-untyped-def]
        repo_dir = repo_folder(cache_dir, repo_id)
        ref = repo_dir / "refs" / "main"
        return (repo_dir / "snapshots" / (ref.read_text() if ref.is_file() else "x") / filename).resolve()

    def two_arguments(cache_dir, repo_id):  # type: ignore[no-untyped-def]
        return None

    assert "link in snapshots/<commit>/" in feedback(exercises.blob_path, link_not_blob)
    for naive in (first_listed, first_sorted, newest):
        assert "blob of another commit: read refs/main" in feedback(exercises.blob_path, naive)
    assert "found nothing for openai-community/gpt2's config.json" in feedback(exercises.blob_path, slash_kept)
    assert "raised FileNotFoundError" in feedback(exercises.blob_path, raises_when_absent)
    assert "return None, as huggingface_hub's" in feedback(exercises.blob_path, raises_when_absent)
    assert "holds no no-such-file.json" in feedback(exercises.blob_path, path_even_when_absent)
    assert "raised TypeError" in feedback(exercises.blob_path, two_arguments)
    assert "returned an object of type int" in feedback(exercises.blob_path, lambda *args: 7)
    assert "the function itself" in feedback(exercises.blob_path, str(offline_hub))


def test_blob_name(snapshot: Path) -> None:
    right = solve(exercises.blob_name, os=os, snapshot=snapshot)
    assert exercises.blob_name.evaluate(right) == (True, "Correct!")
    data = (snapshot / "merges.txt").read_bytes()
    assert "header first" in feedback(exercises.blob_name, hashlib.sha1(data).hexdigest())
    assert "NUL byte" in feedback(exercises.blob_name, hashlib.sha1(b"blob %d" % len(data) + data).hexdigest())
    assert "LFS files" in feedback(exercises.blob_name, hashlib.sha256(data).hexdigest())
    assert "the commit" in feedback(exercises.blob_name, snapshot.name)
    assert "not a path" in feedback(exercises.blob_name, str(snapshot / "merges.txt"))
    assert "hex digits" in feedback(exercises.blob_name, right.upper())
    assert "blob name as a string; you gave an int" in feedback(exercises.blob_name, 42)
    assert "not the name of merges.txt" in feedback(exercises.blob_name, "0" * 40)


def test_lfs_blob_name(snapshot: Path) -> None:
    right = solve(exercises.lfs_blob_name, snapshot=snapshot)
    assert exercises.lfs_blob_name.evaluate(right) == (True, "Correct!")
    weights = snapshot / "model.safetensors"
    data = weights.read_bytes()
    assert "git blob rule" in feedback(
        exercises.lfs_blob_name, hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    )
    pointer = lfs_pointer(right, len(data))
    assert "pointer file (what the git repo" in feedback(exercises.lfs_blob_name, git_blob_sha1_bytes(pointer))
    assert "sha256 of the pointer" in feedback(exercises.lfs_blob_name, hashlib.sha256(pointer).hexdigest())
    assert "not the blob name" in feedback(exercises.lfs_blob_name, "0" * 64)


@pytest.fixture(scope="module")
def mirror(offline_hub: Path) -> Iterator[mirrors.Mirror]:
    with mirrors.Mirror([exercises.DOWNLOAD_REPO]) as running:
        yield running


def test_mirror_env_solution_downloads_into_the_fresh_home(mirror: mirrors.Mirror, tmp_path: Path) -> None:
    fresh_home = tmp_path / "fresh"
    right = solve(exercises.mirror_env, os=os, mirror=mirror, fresh_home=fresh_home)
    assert exercises.mirror_env.evaluate(right) == (True, "Correct!")
    assert list((fresh_home / "hub" / "models--google-t5--t5-base" / "snapshots").glob("*/config.json"))


def test_mirror_env_feedback(mirror: mirrors.Mirror, tmp_path: Path) -> None:
    kernel = dict(os.environ)  # offline set-up of the test process, as setup() leaves a lesson's kernel
    assert kernel["HF_HUB_OFFLINE"] == "1"
    clean = {
        k: v
        for k, v in kernel.items()
        if not k.startswith("HF_") and k not in ("HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_OFFLINE")
    }
    home = str(tmp_path / "fresh")
    assert "HF_ENDPOINT, with an underscore" in feedback(
        exercises.mirror_env, {**clean, "HF-ENDPOINT": mirror.url, "HF_HOME": home}
    )
    assert "without HF_ENDPOINT" in feedback(exercises.mirror_env, {**clean, "HF_HOME": home})
    assert "not the running mirror" in feedback(
        exercises.mirror_env, {**clean, "HF_ENDPOINT": "https://hf-mirror.com", "HF_HOME": home}
    )
    assert "HF_HUB_OFFLINE=1" in feedback(exercises.mirror_env, {**kernel, "HF_ENDPOINT": mirror.url, "HF_HOME": home})
    leftover = {k: v for k, v in kernel.items() if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")}
    assert "wins over HF_HOME" in feedback(
        exercises.mirror_env, {**leftover, "HF_ENDPOINT": mirror.url, "HF_HOME": home}
    )
    assert "TRANSFORMERS_OFFLINE=1" in feedback(
        exercises.mirror_env, {**clean, "TRANSFORMERS_OFFLINE": "1", "HF_ENDPOINT": mirror.url, "HF_HOME": home}
    )
    assert "set HF_HOME" in feedback(exercises.mirror_env, {**clean, "HF_ENDPOINT": mirror.url})
    assert "is the course hub" in feedback(
        exercises.mirror_env, {**clean, "HF_ENDPOINT": mirror.url, "HF_HOME": kernel["HF_HOME"]}
    )
    assert "string" in feedback(exercises.mirror_env, {**clean, "HF_ENDPOINT": mirror.url, "HF_HOME": tmp_path})
    assert "dict of environment variables; you gave a list" in feedback(
        exercises.mirror_env, [("HF_ENDPOINT", mirror.url)]
    )
    # the child really runs: a repo the mirror does not serve fails there, with the mirror's 401
    served_elsewhere = {**clean, "HF_ENDPOINT": mirror.url, "HF_HOME": home}
    original, exercises.DOWNLOAD_REPO = exercises.DOWNLOAD_REPO, exercises.REPO_ID
    try:
        assert "RepositoryNotFoundError: 401" in feedback(exercises.mirror_env, served_elsewhere)
    finally:
        exercises.DOWNLOAD_REPO = original


def test_mirror_env_without_a_running_mirror(
    offline_hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mirrors, "_running", [])
    message = feedback(exercises.mirror_env, {"HF_ENDPOINT": "http://127.0.0.1:1", "HF_HOME": str(tmp_path)})
    assert "no mirror is running" in message
