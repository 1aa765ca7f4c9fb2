"""hfcourse.hfcache.writer.import_folder lays files out exactly as huggingface_hub does, and refuses bad input
cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hfcourse.hfcache.writer
from hfcourse._files import sha256_file
from hfcourse.hfcache.layout import CacheError, git_blob_sha1
from hfcourse.hfcache.writer import import_folder
from tests.conftest import run_python


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real (tiny, random) BERT saved with save_pretrained: config.json, model.safetensors."""
    folder = tmp_path_factory.mktemp("source") / "tiny-bert"
    result = run_python(
        "from transformers import BertConfig, BertModel; import torch; torch.manual_seed(0)\n"
        "config = BertConfig(vocab_size=50, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, "
        "intermediate_size=16)\n"
        f"BertModel(config).save_pretrained({str(folder)!r})"
    )
    assert result.returncode == 0, result.stderr
    return folder


def test_blobs_are_named_by_git_sha1_or_lfs_sha256(tiny_model: Path, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    snapshot = import_folder(tiny_model, "course/tiny-bert", cache)
    blobs = {p.name for p in (cache / "models--course--tiny-bert" / "blobs").iterdir()}
    git_sha1 = subprocess.run(
        ["git", "hash-object", str(tiny_model / "config.json")], capture_output=True, text=True
    ).stdout.strip()
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

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    git("init", "-q")
    git("add", ".")
    tree = git("write-tree")
    identity = {
        "GIT_AUTHOR_NAME": "hfcourse",
        "GIT_AUTHOR_EMAIL": "course-hub@hfcourse.invalid",
        "GIT_AUTHOR_DATE": "1700000000 +0000",
    }
    identity |= {k.replace("AUTHOR", "COMMITTER"): v for k, v in identity.items()}
    commit = subprocess.run(
        ["git", "-C", str(folder), "commit-tree", tree, "-m", "a message"],
        capture_output=True,
        text=True,
        env={**os.environ, **identity},
        check=True,
    ).stdout.strip()
    assert snapshot.name == commit


def test_importing_twice_changes_nothing(tiny_model: Path, tmp_path: Path) -> None:
    first = import_folder(tiny_model, "course/tiny-bert", tmp_path)
    before = sorted(
        (p.relative_to(tmp_path), p.lstat().st_mtime_ns) for p in tmp_path.rglob("*") if ".locks" not in p.parts
    )
    second = import_folder(tiny_model, "course/tiny-bert", tmp_path)
    after = sorted(
        (p.relative_to(tmp_path), p.lstat().st_mtime_ns) for p in tmp_path.rglob("*") if ".locks" not in p.parts
    )
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
def test_bad_arguments_are_refused_and_the_cache_untouched(
    tiny_model: Path, tmp_path: Path, repo_id: str, options: dict, message: str
) -> None:
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


# --- what the import refuses, and what it never does to the source or the cache -------------------------------


def make_folder(root: Path, files: dict[str, bytes]) -> Path:
    """A folder holding `files` (repo path -> bytes)."""
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def leftovers(cache: Path) -> list[str]:
    """Temporary files and folders under the cache (what an import writes before renaming it into place)."""
    return sorted(path.name for path in cache.rglob(".hfcourse-*"))


def test_a_file_changed_while_the_import_waits_for_the_lock_is_stored_as_it_is_then(tmp_path: Path) -> None:
    """The hash is taken under the lock: a blob is never named for bytes it does not hold."""
    from filelock import FileLock

    from hfcourse.hfcache.inspect import verify

    folder = make_folder(tmp_path / "repo", {"a.txt": b"before\n"})
    cache = tmp_path / "hub"
    (cache / ".locks").mkdir(parents=True)
    waiting = (
        "import filelock, sys\noriginal = filelock.FileLock.acquire\n"
        "def acquire(self, *args, **kwargs):\n    print('waiting', flush=True)\n    return original(self, *args, "
        "**kwargs)\n"
        "filelock.FileLock.acquire = acquire\nfrom hfcourse.hfcache.writer import import_folder\n"
        f"print(import_folder({str(folder)!r}, 'course/raced', {str(cache)!r}))"
    )
    with FileLock(str(cache / ".locks" / "models--course--raced.import.lock")):
        child = subprocess.Popen(
            [sys.executable, "-c", waiting], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert child.stdout.readline() == "waiting\n"
        (folder / "a.txt").write_bytes(b"after, and longer\n")
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    assert (Path(out.strip()) / "a.txt").read_bytes() == b"after, and longer\n"
    assert verify(cache) == []


def test_a_file_that_changes_while_it_is_copied_is_refused_and_no_blob_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"before\n", "b.txt": b"steady\n"})
    describe = hfcourse.hfcache.writer._describe

    def describe_then_change(relative: str, path: Path) -> hfcourse.hfcache.writer.CachedFile:
        described = describe(relative, path)
        path.write_bytes(b"changed after it was hashed\n")
        return described

    monkeypatch.setattr(hfcourse.hfcache.writer, "_describe", describe_then_change)
    with pytest.raises(CacheError, match=r"a.txt changed while it was being imported: import again"):
        import_folder(folder, "course/raced", tmp_path / "hub")
    repo = tmp_path / "hub" / "models--course--raced"
    assert [path for path in repo.rglob("*") if not path.is_dir()] == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: (folder / "gone.txt").symlink_to("nowhere.txt"), "gone.txt is a dangling link"),
        (lambda folder: (folder / "sub-link").symlink_to("sub"), "sub-link links to a folder"),
        (lambda folder: (folder / "loop").symlink_to("loop"), "loop is a link that loops back on itself"),
        (lambda folder: os.mkfifo(folder / "pipe"), "pipe is not a regular file"),
    ],
    ids=["dangling-link", "link-to-folder", "link-loop", "fifo"],
)
def test_what_cannot_be_imported_is_refused_not_skipped(
    tmp_path: Path, make: Callable[[Path], None], message: str
) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n", "sub/b.txt": b"b\n"})
    make(folder)
    with pytest.raises(CacheError, match=message):
        import_folder(folder, "course/holes", tmp_path / "hub")
    assert not (tmp_path / "hub").exists()


def test_a_name_that_is_not_utf8_is_refused_with_one_line(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n"})
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(b"latin-1 name\n")
    with pytest.raises(CacheError, match="is not UTF-8: rename it") as refused:
        import_folder(folder, "course/names", tmp_path / "hub")
    assert "\n" not in str(refused.value) and str(refused.value).isascii()
    assert not (tmp_path / "hub").exists()


@pytest.mark.parametrize("name", ["tab\there.txt", "new\nline.txt", "back\\slash.txt"])
def test_names_a_repo_cannot_hold_are_refused(tmp_path: Path, name: str) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n", name: b"odd\n"})
    with pytest.raises(CacheError, match="control character|backslash") as refused:
        import_folder(folder, "course/names", tmp_path / "hub")
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    "ref",
    [
        ".",
        "..",
        ".hidden",
        "a/.b",
        "v1.lock",
        "a b",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[0]",
        "a\\b",
        "@",
        "a@{1}",
        "a//b",
        "a/",
        "a.",
        "/a",
        "",
        "x" * 256,
        os.fsdecode(b"\xff"),
    ],
)
def test_ref_names_git_refuses_are_refused(tmp_path: Path, ref: str) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n"})
    with pytest.raises(CacheError, match="is not a valid ref name"):
        import_folder(folder, "course/refs", tmp_path / "hub", refs=(ref,))
    assert not (tmp_path / "hub").exists()


def test_ref_names_git_accepts_are_written_and_scan_clean(tmp_path: Path) -> None:
    from huggingface_hub import scan_cache_dir

    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n"})
    refs = ("main", "v1.0", "refs/pr/1", "release/2024-01", "@x", "ü")
    snapshot = import_folder(folder, "course/refs", tmp_path / "hub", refs=refs)
    (repo,) = scan_cache_dir(tmp_path / "hub").repos
    assert sorted(repo.refs) == sorted(refs)
    assert all((snapshot.parents[1] / "refs" / ref).read_text() == snapshot.name for ref in refs)


def test_refs_that_would_be_a_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n"})
    with pytest.raises(CacheError, match="cannot both exist"):
        import_folder(folder, "course/refs", tmp_path / "hub", refs=("v1", "v1/rc"))
    import_folder(folder, "course/refs", tmp_path / "hub", refs=("v1",))
    with pytest.raises(CacheError, match="refs/v1 is a file or a link, so ref .v1/rc. cannot be written under it"):
        import_folder(folder, "course/refs", tmp_path / "hub", refs=("v1/rc",))


def test_a_full_disk_leaves_no_temporary_file_and_says_what_to_do(tmp_path: Path) -> None:
    """`ulimit -f` stands in for a full disk: the write fails halfway through a blob."""
    folder = make_folder(tmp_path / "repo", {"small.txt": b"a\n", "big.bin": os.urandom(300_000)})
    cache = tmp_path / "hub"
    code = (
        "import resource, sys\nresource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))\n"
        "from hfcourse.cli import main\nsys.exit(main(sys.argv[1:]))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "cache",
            "import",
            str(folder),
            "--repo-id",
            "course/full",
            "--cache-dir",
            str(cache),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") == 1 and "File too large" in done.stderr and "ulimit -f" in done.stderr
    assert leftovers(cache) == []
    assert [path for path in (cache / "models--course--full").rglob("*") if not path.is_dir()] == []


def test_a_reimport_sweeps_what_a_killed_import_left(tmp_path: Path) -> None:
    from hfcourse.hfcache.inspect import verify

    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n", "sub/b.txt": b"b\n"})
    snapshot = import_folder(folder, "course/swept", tmp_path / "hub")
    repo = snapshot.parents[1]
    (repo / "blobs" / ".hfcourse-4242-0123abcd.tmp").write_bytes(b"half a bl")
    (snapshot / "sub" / ".hfcourse-4242-89abcdef.tmp").symlink_to("../../../blobs/nothing")
    (repo / "snapshots" / ".hfcourse-4242-deadbeef.tmp" / "sub").mkdir(parents=True)
    (repo / "refs" / ".hfcourse-4242-00000000.tmp").write_bytes(b"")
    assert len(verify(tmp_path / "hub")) == 4
    assert import_folder(folder, "course/swept", tmp_path / "hub") == snapshot
    assert leftovers(tmp_path / "hub") == [] and verify(tmp_path / "hub") == []


@pytest.mark.parametrize("length", [245, 250, 255])
def test_names_up_to_255_characters_are_linked_whole(tmp_path: Path, length: int) -> None:
    from hfcourse.hfcache.inspect import verify

    name = "n" * (length - 5) + ".json"
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n", name: b"{}\n"})
    snapshot = import_folder(folder, "course/long", tmp_path / "hub")
    assert (snapshot / name).is_symlink() and (snapshot / name).read_bytes() == b"{}\n"
    assert verify(tmp_path / "hub") == [] and leftovers(tmp_path / "hub") == []


def test_a_hardlink_import_leaves_the_source_files_modes_alone(tmp_path: Path) -> None:
    from hfcourse.hfcache.inspect import verify

    folder = make_folder(tmp_path / "repo", {"read-only.txt": b"r\n", "private.txt": b"p\n", "plain.txt": b"x\n"})
    modes = {"read-only.txt": 0o444, "private.txt": 0o600, "plain.txt": 0o644}
    for name, mode in modes.items():
        (folder / name).chmod(mode)
    snapshot = import_folder(folder, "course/linked", tmp_path / "hub", hardlink=True)
    assert {name: (folder / name).stat().st_mode & 0o777 for name in modes} == modes
    for name in modes:
        blob = (snapshot / name).resolve()
        assert blob.stat().st_mode & 0o444 == 0o444  # every blob readable by all
        assert blob.samefile(folder / name) == (name != "private.txt")  # a private file is copied, not linked
    assert verify(tmp_path / "hub") == []


@pytest.mark.parametrize("inside", ["hub", "."])
def test_a_cache_inside_the_source_folder_is_refused(tmp_path: Path, inside: str) -> None:
    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n"})
    for _ in range(2):
        with pytest.raises(CacheError, match="is inside .*the folder being imported: pass a --cache-dir outside it"):
            import_folder(folder, "course/nested", folder / inside)
    assert sorted(path.name for path in folder.iterdir()) == ["a.txt"]


def test_a_hardlink_import_of_a_linked_file_stores_the_file_not_the_link(tmp_path: Path) -> None:
    """link(2) on Linux links a symlink itself: the blob would be a link that dangles from blobs/."""
    from hfcourse.hfcache.inspect import verify

    folder = make_folder(tmp_path / "repo", {"sub/a.txt": b"a\n"})
    (folder / "alias.txt").symlink_to("sub/a.txt")
    snapshot = import_folder(folder, "course/linked", tmp_path / "hub", hardlink=True)
    assert (snapshot / "alias.txt").read_bytes() == b"a\n"
    assert not (snapshot / "alias.txt").resolve().is_symlink()
    assert verify(tmp_path / "hub") == []


def test_after_a_kill_during_a_copy_verify_names_the_leftover_and_a_reimport_removes_it(tmp_path: Path) -> None:
    import signal

    from hfcourse.hfcache.inspect import verify

    folder = make_folder(tmp_path / "repo", {"a.txt": b"a\n", "weights.bin": os.urandom(50_000)})
    cache = tmp_path / "hub"
    stalled = (
        "import sys, time\nimport hfcourse.hfcache.writer as cache\npump = cache.pump\n"
        "def stall(stream, digests, sink=None):\n"
        "    if sink is not None:\n"
        "        sink.write(stream.read(1000)); sink.flush(); print('copying', flush=True); time.sleep(600)\n"
        "    return pump(stream, digests, sink)\n"
        f"cache.pump = stall\ncache.import_folder({str(folder)!r}, 'course/killed', {str(cache)!r})"
    )
    child = subprocess.Popen([sys.executable, "-c", stalled], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "copying\n"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    (leftover,) = leftovers(cache)
    assert (
        f"models--course--killed/blobs/{leftover} is a temporary file left by an import that stopped"
        in verify(cache)[0]
    )
    snapshot = import_folder(folder, "course/killed", cache)
    assert leftovers(cache) == [] and verify(cache) == []
    assert (snapshot / "weights.bin").read_bytes() == (folder / "weights.bin").read_bytes()
