"""hfcourse.cache.import_folder lays files out exactly as huggingface_hub does, and refuses bad input cleanly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hfcourse.cache import CacheError, git_blob_sha1, import_folder, sha256_file
from tests.conftest import run_python


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real (tiny, random) BERT saved with save_pretrained: config.json, model.safetensors."""
    folder = tmp_path_factory.mktemp("source") / "tiny-bert"
    result = run_python(
        "from transformers import BertConfig, BertModel; import torch; torch.manual_seed(0)\n"
        "config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16)\n"
        f"BertModel(config).save_pretrained({str(folder)!r})"
    )
    assert result.returncode == 0, result.stderr
    return folder


def test_blobs_are_named_by_git_sha1_or_lfs_sha256(tiny_model: Path, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    snapshot = import_folder(tiny_model, "course/tiny-bert", cache)
    blobs = {p.name for p in (cache / "models--course--tiny-bert" / "blobs").iterdir()}
    git_sha1 = subprocess.run(["git", "hash-object", str(tiny_model / "config.json")], capture_output=True, text=True).stdout.strip()
    assert blobs == {git_sha1, sha256_file(tiny_model / "model.safetensors")}
    assert git_blob_sha1(tiny_model / "config.json") == git_sha1
    link = snapshot / "model.safetensors"
    assert link.is_symlink() and not os.path.isabs(os.readlink(link))
    assert os.readlink(link) == f"../../blobs/{sha256_file(tiny_model / 'model.safetensors')}"


def test_refs_hold_the_commit_without_a_newline(tiny_model: Path, tmp_path: Path) -> None:
    snapshot = import_folder(tiny_model, "course/tiny-bert", tmp_path, refs=("main", "abc1234"))
    repo = tmp_path / "models--course--tiny-bert"
    assert (repo / "refs" / "main").read_bytes() == snapshot.name.encode()
    assert (repo / "refs" / "abc1234").read_bytes() == snapshot.name.encode()


def test_commit_hash_is_a_real_git_commit_of_the_tree(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    (folder / "sub").mkdir(parents=True)
    (folder / "README.md").write_text("hello\n")
    (folder / "sub" / "a.json").write_text("{}\n")
    snapshot = import_folder(folder, "course/plain", tmp_path / "hub", message="a message")
    git = lambda *args: subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout.strip()
    git("init", "-q")
    git("add", ".")
    tree = git("write-tree")
    identity = {"GIT_AUTHOR_NAME": "hfcourse", "GIT_AUTHOR_EMAIL": "course-hub@hfcourse.invalid", "GIT_AUTHOR_DATE": "1700000000 +0000"}
    identity |= {k.replace("AUTHOR", "COMMITTER"): v for k, v in identity.items()}
    commit = subprocess.run(["git", "-C", str(folder), "commit-tree", tree, "-m", "a message"], capture_output=True, text=True,
                            env={**os.environ, **identity}, check=True).stdout.strip()
    assert snapshot.name == commit


def test_importing_twice_changes_nothing(tiny_model: Path, tmp_path: Path) -> None:
    first = import_folder(tiny_model, "course/tiny-bert", tmp_path)
    before = sorted((p.relative_to(tmp_path), p.lstat().st_mtime_ns) for p in tmp_path.rglob("*") if ".locks" not in p.parts)
    second = import_folder(tiny_model, "course/tiny-bert", tmp_path)
    after = sorted((p.relative_to(tmp_path), p.lstat().st_mtime_ns) for p in tmp_path.rglob("*") if ".locks" not in p.parts)
    assert first == second
    assert [path for path, _ in before] == [path for path, _ in after]
    blobs = [(path, mtime) for path, mtime in before if "blobs" in path.parts]
    assert blobs == [(path, mtime) for path, mtime in after if "blobs" in path.parts]


def test_imported_repo_loads_offline_by_repo_id_and_scans_clean(tiny_model: Path, tmp_path: Path) -> None:
    import_folder(tiny_model, "course/tiny-bert", tmp_path / "hub")
    result = run_python(
        "from transformers import AutoModel; from huggingface_hub import scan_cache_dir\n"
        "model = AutoModel.from_pretrained('course/tiny-bert'); info = scan_cache_dir()\n"
        "print(type(model).__name__, [r.repo_id for r in info.repos], info.warnings)",
        {"HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "BertModel ['course/tiny-bert'] []"


@pytest.mark.parametrize(
    ("repo_id", "options", "message"),
    [
        ("not a repo id", {}, "not a valid repo id"),
        ("org/../escape", {}, "not a valid repo id"),
        ("course/tiny", {"revision": "main"}, "40-character"),
        ("course/tiny", {"revision": "ABC" * 13 + "D"}, "40-character"),
        ("course/tiny", {"repo_type": "weights"}, "repo type"),
        ("course/tiny", {"refs": ("../main",)}, "not a valid ref"),
    ],
)
def test_bad_arguments_are_refused_and_the_cache_untouched(tiny_model: Path, tmp_path: Path, repo_id: str, options: dict, message: str) -> None:
    cache = tmp_path / "hub"
    with pytest.raises(CacheError, match=message):
        import_folder(tiny_model, repo_id, cache, **options)
    assert not cache.exists()


def test_missing_or_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CacheError, match="not a folder"):
        import_folder(tmp_path / "missing", "course/x", tmp_path / "hub")
    with pytest.raises(CacheError, match="holds no files"):
        import_folder(tmp_path / "empty", "course/x", tmp_path / "hub")
    assert not (tmp_path / "hub").exists()


def test_a_link_pointing_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text("outside")
    (folder / "config.json").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(CacheError, match="links outside"):
        import_folder(folder, "course/x", tmp_path / "hub")
    assert not (tmp_path / "hub").exists()
