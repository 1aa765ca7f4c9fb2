"""`hfcourse cache import|verify|tree` and hfcourse.hfcache.inspect: bad input leaves the cache untouched, verify names
every broken file, concurrent imports stay healthy, and an imported folder loads offline by its repo id."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import hfcourse.hfcache.writer
from hfcourse._files import sha256_file
from hfcourse.cli import main
from hfcourse.hfcache.inspect import check, tree, verify
from hfcourse.hfcache.layout import CacheError, git_blob_sha1
from hfcourse.hfcache.writer import import_folder, repo_path
from tests.conftest import run_python

REPO_ID = "course/tiny-bert"
REPO_DIR = "models--course--tiny-bert"


@pytest.fixture(scope="module")
def tiny_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real tiny BERT and its WordPiece tokenizer, saved with save_pretrained (config, weights, tokenizer files)."""
    folder = tmp_path_factory.mktemp("source") / "tiny-bert"
    vocab = tmp_path_factory.mktemp("vocab") / "vocab.txt"
    vocab.write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "cache", "works", "offline", "hello", "world"])
        + "\n"
    )
    result = run_python(
        "from transformers import BertConfig, BertModel, BertTokenizerFast; import torch; torch.manual_seed(0)\n"
        "config = BertConfig(vocab_size=11, hidden_size=8, num_hidden_layers=1, num_attention_heads=2, "
        "intermediate_size=16)\n"
        f"BertModel(config).save_pretrained({str(folder)!r})\n"
        f"BertTokenizerFast(vocab_file={str(vocab)!r}).save_pretrained({str(folder)!r})"
    )
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture
def cache(tiny_repo: Path, tmp_path: Path) -> Path:
    """A cache holding the tiny repo, imported once."""
    import_folder(tiny_repo, REPO_ID, tmp_path / "hub")
    return tmp_path / "hub"


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """Run `hfcourse ARGS` in this process: (exit status, stdout, stderr)."""
    status = main([str(arg) for arg in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def state(root: Path) -> dict[str, tuple]:
    """Everything under `root`, byte for byte: each entry's kind, content or link target, mode and mtime."""
    if not root.exists():
        return {}
    found: dict[str, tuple] = {}
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        if path.is_symlink():
            found[str(path)] = ("link", os.readlink(path), info.st_mtime_ns)
        elif path.is_dir():
            found[str(path)] = ("dir", info.st_mode, info.st_mtime_ns)
        else:
            found[str(path)] = ("file", path.read_bytes(), info.st_mode, info.st_mtime_ns)
    return found


def snapshot_dir(cache: Path) -> Path:
    repo = cache / REPO_DIR
    return repo / "snapshots" / (repo / "refs" / "main").read_text()


# --- import ---------------------------------------------------------------------------------------------------


def test_import_prints_the_snapshot_and_verify_says_ok(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "hub"
    status, out, err = cli(
        capsys,
        "cache",
        "import",
        tiny_repo,
        "--repo-id",
        REPO_ID,
        "--cache-dir",
        cache,
        "--ref",
        "main",
        "--ref",
        "abc1234",
    )
    assert (status, err) == (0, "")
    snapshot = Path(out.strip())
    assert snapshot.parent == cache / REPO_DIR / "snapshots" and snapshot.is_dir()
    assert sorted(p.name for p in snapshot.iterdir()) == sorted(p.name for p in tiny_repo.iterdir())
    assert (cache / REPO_DIR / "refs" / "abc1234").read_bytes() == snapshot.name.encode()
    files = len(list(tiny_repo.iterdir()))
    assert cli(capsys, "cache", "verify", "--cache-dir", cache) == (0, f"OK: 1 repos, {files} blobs verified\n", "")
    assert cli(capsys, "cache", "verify", REPO_ID, "--cache-dir", cache) == (
        0,
        f"OK: 1 repos, {files} blobs verified\n",
        "",
    )


def test_import_with_a_given_revision_is_idempotent(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache, commit = tmp_path / "hub", "0123456789abcdef0123456789abcdef01234567"
    args = ("cache", "import", tiny_repo, "--repo-id", REPO_ID, "--revision", commit, "--cache-dir", cache)
    assert cli(capsys, *args) == (0, f"{cache / REPO_DIR / 'snapshots' / commit}\n", "")
    before = state(cache)
    assert cli(capsys, *args)[0] == 0
    assert state(cache) == before


def _missing(source: Path, tmp_path: Path) -> list[str]:
    return [str(tmp_path / "no-such-folder"), "--repo-id", "course/other"]


def _empty(source: Path, tmp_path: Path) -> list[str]:
    (tmp_path / "empty" / ".git").mkdir(parents=True)  # only git's own files: nothing to import
    (tmp_path / "empty" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return [str(tmp_path / "empty"), "--repo-id", "course/other"]


def _link_outside(source: Path, tmp_path: Path) -> list[str]:
    folder = tmp_path / "linked"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("not part of the repo")
    (folder / "tokenizer.json").symlink_to(tmp_path / "secret.txt")
    return [str(folder), "--repo-id", REPO_ID]


def _args(*extra: str) -> Callable[[Path, Path], list[str]]:
    return lambda source, tmp_path: [str(source), *extra]


@pytest.mark.parametrize(
    ("make_args", "message"),
    [
        (_args("--repo-id", "not a repo id"), "not a valid repo id"),
        (_args("--repo-id", "org/../escape"), "not a valid repo id"),
        (_args("--repo-id", "a/b/c"), "not a valid repo id"),
        (_args("--repo-id", REPO_ID, "--revision", "main"), "not a 40-character"),
        (_args("--repo-id", REPO_ID, "--revision", "z" * 40), "not a 40-character"),
        (_args("--repo-id", REPO_ID, "--revision", "abc1234"), "not a 40-character"),
        (_args("--repo-id", REPO_ID, "--revision", "a" * 41), "not a 40-character"),
        (_args("--repo-id", REPO_ID, "--ref", "../main"), "not a valid ref"),
        (_missing, "is not a folder"),
        (_empty, "holds no files"),
        (_link_outside, "links outside"),
    ],
    ids=[
        "spaces",
        "dotdot-id",
        "three-parts",
        "non-hex-revision",
        "z-revision",
        "short-revision",
        "long-revision",
        "ref-escape",
        "missing-folder",
        "empty-folder",
        "link-outside",
    ],
)
def test_bad_input_is_one_clear_line_and_leaves_the_cache_untouched(
    tiny_repo: Path,
    cache: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_args: Callable[[Path, Path], list[str]],
    message: str,
) -> None:
    args = ["cache", "import", *make_args(tiny_repo, tmp_path), "--cache-dir", str(cache)]
    before = state(cache)
    status, out, err = cli(capsys, *args)
    assert (status, out) == (2, "")
    assert err.startswith("hfcourse cache import: error: ") and message in err and err.count("\n") == 1
    assert state(cache) == before


def test_a_bad_repo_type_is_refused_by_the_parser(
    tiny_repo: Path, cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(cache)
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "cache",
                "import",
                str(tiny_repo),
                "--repo-id",
                REPO_ID,
                "--repo-type",
                "weights",
                "--cache-dir",
                str(cache),
            ]
        )
    assert exit_.value.code == 2 and "invalid choice: 'weights'" in capsys.readouterr().err
    assert state(cache) == before


@pytest.mark.parametrize(
    "name",
    [
        "../config.json",
        "sub/../../config.json",
        "/etc/passwd",
        "C:\\config.json",
        "..\\config.json",
        "",
        "./a",
        "a//b",
    ],
)
def test_repo_paths_that_leave_the_repo_folder_are_refused(name: str) -> None:
    with pytest.raises(CacheError, match="outside the repo folder|not a normalised|empty"):
        repo_path(name)


def test_repo_paths_inside_the_repo_are_kept() -> None:
    assert [repo_path(name) for name in ("config.json", "onnx/model.onnx", "a..b/c")] == [
        "config.json",
        "onnx/model.onnx",
        "a..b/c",
    ]


def test_import_refuses_an_escaping_file_name_before_writing(
    tiny_repo: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder walk cannot yield `..`; a listing that did (say, from an archive) must still not write outside."""
    walked = hfcourse.hfcache.writer.source_files(tiny_repo)
    monkeypatch.setattr(
        hfcourse.hfcache.writer,
        "source_files",
        lambda folder: [*walked, ("../../escaped.json", tiny_repo / "config.json")],
    )
    before = state(cache.parent)
    with pytest.raises(CacheError, match="outside the repo folder"):
        import_folder(tiny_repo, REPO_ID, cache, revision="1" * 40)
    assert state(cache.parent) == before


# --- verify ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "kind"), [("config.json", "git blob sha1"), ("model.safetensors", "sha256")])
def test_verify_finds_a_corrupted_blob(cache: Path, capsys: pytest.CaptureFixture[str], file: str, kind: str) -> None:
    blob = (snapshot_dir(cache) / file).resolve()
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte, same size
    blob.write_bytes(bytes(data))
    problems = verify(cache)
    assert len(problems) == 1
    assert f"{REPO_DIR}/blobs/{blob.name} is corrupted: its {kind} is " in problems[0]
    status, out, _ = cli(capsys, "cache", "verify", "--cache-dir", cache)
    assert status == 1 and f"1. {problems[0]}" in out


def test_verify_finds_a_dangling_link(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = snapshot_dir(cache) / "config.json"
    link.resolve().unlink()
    status, out, _ = cli(capsys, "cache", "verify", REPO_ID, "--cache-dir", cache)
    assert status == 1
    assert f"1. {link.relative_to(cache).as_posix()} is a dangling link: its blob {REPO_DIR}/blobs/" in out
    assert out.count("\n") == 2  # the summary line and one problem


def test_verify_finds_a_ref_to_a_missing_snapshot_and_a_ref_with_a_newline(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = cache / REPO_DIR / "refs"
    commit = (refs / "main").read_text()
    (refs / "main").write_text("f" * 40)
    (refs / "v1").write_text(commit + "\n")
    status, out, _ = cli(capsys, "cache", "verify", "--cache-dir", cache)
    assert status == 1
    assert (
        f"1. {REPO_DIR}/refs/main names commit {'f' * 40}, but {REPO_DIR}/snapshots/{'f' * 40} does not exist." in out
    )
    assert f'2. {REPO_DIR}/refs/v1 holds "{commit}\\n": a ref must hold the commit with no newline' in out
    assert "3." not in out


def test_verify_finds_links_out_of_the_repo_and_misnamed_blobs(cache: Path) -> None:
    link = snapshot_dir(cache) / "config.json"
    outside = cache.parent / "elsewhere.json"
    outside.write_bytes(link.read_bytes())
    link.unlink()
    link.symlink_to(os.path.relpath(outside, link.parent))
    (cache / REPO_DIR / "blobs" / "not-a-hash").write_text("?")
    problems = verify(cache)
    assert [problem.split(" ")[0] for problem in problems] == [
        f"{REPO_DIR}/blobs/not-a-hash:",
        link.relative_to(cache).as_posix(),
    ]
    assert "links outside its repo folder" in problems[1]


def test_verify_reports_what_scan_cache_dir_refuses(cache: Path) -> None:
    (cache / "notes.txt").write_text("not a repo")
    problems = verify(cache)
    assert len(problems) == 1 and "scan_cache_dir" in problems[0] and "notes.txt" in problems[0]
    assert verify(cache, REPO_ID) == []  # the repo itself is healthy


def test_a_stray_file_named_like_a_broken_repo_is_still_reported(cache: Path) -> None:
    (cache / REPO_DIR / "refs" / "main").write_text("e" * 40)
    (cache / f"{REPO_DIR}.txt").write_text("not a repo")
    problems = verify(cache)
    assert len(problems) == 2 and "refs/main names commit" in problems[0] and f"{REPO_DIR}.txt" in problems[1]


def test_verify_one_repo_ignores_the_others(tiny_repo: Path, cache: Path) -> None:
    import_folder(tiny_repo, "course/other", cache)
    (cache / "models--course--other" / "refs" / "main").write_text("e" * 40)
    assert verify(cache, REPO_ID) == []
    assert len(verify(cache, "course/other")) == 1 and len(verify(cache)) == 1
    report = check(cache)
    assert (report.repos, report.blobs) == (2, 2 * len(list(tiny_repo.iterdir())))


@pytest.mark.parametrize("command", ["verify", "tree"])
def test_a_missing_repo_or_cache_names_what_is_there(
    cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    status, out, err = cli(capsys, "cache", command, "course/absent", "--cache-dir", cache)
    assert (status, out) == (2, "")
    assert "model repo 'course/absent' is not in the cache" in err and f"it holds {REPO_ID}" in err
    status, _, err = cli(capsys, "cache", command, REPO_ID, "--cache-dir", tmp_path / "nowhere")
    assert status == 2 and "there is no cache folder at" in err


# --- concurrency, copy fallback -------------------------------------------------------------------------------


def _import_repeatedly(source: str, cache: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    for _ in range(3):
        import_folder(Path(source), REPO_ID, Path(cache))


def test_concurrent_imports_of_one_repo_end_healthy(tiny_repo: Path, tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_import_repeatedly, args=(str(tiny_repo), str(tmp_path / "hub"), barrier))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert verify(tmp_path / "hub") == []
    repo = tmp_path / "hub" / REPO_DIR
    assert len(list((repo / "snapshots").iterdir())) == 1
    leftovers = [path.name for path in repo.rglob(".*")]
    assert leftovers == []  # no temporary files left behind


def test_copies_stand_in_for_links_where_symlinks_fail(
    tiny_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import scan_cache_dir

    def no_symlinks(*args: object, **kwargs: object) -> None:
        raise OSError("symbolic links are not available here")

    monkeypatch.setattr(hfcourse.hfcache.writer.os, "symlink", no_symlinks)
    snapshot = import_folder(tiny_repo, REPO_ID, tmp_path / "hub")
    for source in tiny_repo.iterdir():
        copy = snapshot / source.name
        assert not copy.is_symlink() and copy.read_bytes() == source.read_bytes()
    assert verify(tmp_path / "hub") == []
    assert scan_cache_dir(tmp_path / "hub").warnings == []
    assert f"config.json  (copy, {(tiny_repo / 'config.json').stat().st_size} B)" in tree(
        REPO_ID, cache_dir=tmp_path / "hub"
    )


# --- tree -----------------------------------------------------------------------------------------------------


def test_tree_draws_refs_blobs_and_links(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "repo"
    (folder / "onnx").mkdir(parents=True)
    (folder / "config.json").write_text('{"a": 1}\n')
    (folder / "onnx" / "model.onnx").write_bytes(bytes(2500))
    snapshot = import_folder(folder, "course/drawn", tmp_path / "hub", refs=("main", "v1.0"))
    config, onnx = git_blob_sha1(folder / "config.json"), sha256_file(folder / "onnx" / "model.onnx")
    blobs = sorted([(config, "9 B"), (onnx, "2.5 kB")])
    expected = "\n".join(
        [
            "models--course--drawn/",
            "├── blobs/",
            f"│   ├── {blobs[0][0][:10]}…  {blobs[0][1]}",
            f"│   └── {blobs[1][0][:10]}…  {blobs[1][1]}",
            "├── refs/",
            f'│   ├── main  "{snapshot.name}"',
            f'│   └── v1.0  "{snapshot.name}"',
            "└── snapshots/",
            f"    └── {snapshot.name}/",
            f"        ├── config.json -> ../../blobs/{config[:10]}…",
            f"        └── onnx/model.onnx -> ../../../blobs/{onnx[:10]}…",
        ]
    )
    assert tree("course/drawn", cache_dir=tmp_path / "hub") == expected
    assert cli(capsys, "cache", "tree", "course/drawn", "--cache-dir", tmp_path / "hub") == (0, expected + "\n", "")
    whole = tree("course/drawn", cache_dir=tmp_path / "hub", short=False)
    assert f"onnx/model.onnx -> ../../../blobs/{onnx}\n" in whole + "\n" and "…" not in whole


def test_tree_marks_missing_blobs_and_newlines_in_refs(cache: Path) -> None:
    snapshot = snapshot_dir(cache)
    (snapshot / "config.json").resolve().unlink()
    (cache / REPO_DIR / "refs" / "main").write_text(snapshot.name + "\n")
    drawn = tree(REPO_ID, cache_dir=cache)
    assert f"main  {json.dumps(snapshot.name + chr(10))}  (trailing whitespace!)" in drawn
    assert [line for line in drawn.splitlines() if "config.json" in line][0].endswith("…  (missing!)")


# --- the real loaders, offline, in a fresh process --------------------------------------------------------------


def test_import_then_from_pretrained_and_pipeline_offline_by_repo_id(tiny_repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "hub"
    script = Path(sys.executable).with_name("hfcourse")  # the installed console script
    imported = subprocess.run(
        [str(script), "cache", "import", str(tiny_repo), "--repo-id", REPO_ID, "--cache-dir", str(cache)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert imported.returncode == 0, imported.stderr
    snapshot = Path(imported.stdout.strip())
    result = run_python(
        "import torch; from transformers import AutoModel, BertModel, pipeline; from huggingface_hub import "
        "scan_cache_dir\n"
        f"model = AutoModel.from_pretrained({REPO_ID!r})\n"
        f"source = BertModel.from_pretrained({str(tiny_repo)!r})\n"
        "same = all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), source.state_dict().values()))\n"
        f"features = pipeline('feature-extraction', model={REPO_ID!r})('hello world')\n"
        "info = scan_cache_dir()\n"
        "print(type(model).__name__, model.config._commit_hash, same, len(features[0]), len(features[0][0]))\n"
        "print([(r.repo_id, len(r.revisions)) for r in info.repos], info.warnings)",
        {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "error"},
    )
    assert result.returncode == 0, result.stderr
    # [CLS] hello world [SEP]: 4 positions of hidden size 8
    assert result.stdout.splitlines() == [f"BertModel {snapshot.name} True 4 8", f"[('{REPO_ID}', 1)] []"]


def test_the_console_script_prints_no_traceback(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("hfcourse")
    result = subprocess.run(
        [str(script), "cache", "import", str(tmp_path), "--repo-id", "bad id", "--cache-dir", str(tmp_path / "hub")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert (
        result.stderr.count("\n") == 1 and "Traceback" not in result.stderr and "not a valid repo id" in result.stderr
    )
    assert not (tmp_path / "hub").exists()


# --- verify and tree on caches broken in less common ways ------------------------------------------------------


@pytest.mark.parametrize("reach", ["relative", "through-a-link"])
def test_verify_names_a_dangling_link_however_the_cache_path_is_given(
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    reach: str,
) -> None:
    """A relative HF_HUB_CACHE, or a cache under a linked folder (macOS's /tmp), must not crash the label."""
    link = snapshot_dir(cache) / "config.json"
    link.resolve().unlink()
    if reach == "relative":
        monkeypatch.chdir(tmp_path)
        given = Path("hub")
    else:
        given = tmp_path / "linked-hub"
        given.symlink_to(cache)
    status, out, err = cli(capsys, "cache", "verify", "--cache-dir", given)
    assert (status, err) == (1, "")
    assert f"1. {link.relative_to(cache).as_posix()} is a dangling link: its blob {REPO_DIR}/blobs/" in out
    assert out.count("\n") == 2


def test_verify_hashes_a_regular_file_in_a_snapshot_against_the_blobs(cache: Path) -> None:
    snapshot = snapshot_dir(cache)
    copy, changed = snapshot / "config.json", snapshot / "vocab.txt"
    data = copy.read_bytes()
    copy.unlink()
    copy.write_bytes(data)  # a copy, as where links cannot be made: fine
    changed.unlink()
    changed.write_bytes(b"other words\n")
    problems = verify(cache)
    assert len(problems) == 1
    assert problems[0].startswith(f"{changed.relative_to(cache).as_posix()} is a copy that matches no blob in blobs/")


def test_verify_tells_an_import_in_progress_from_one_left_behind(cache: Path) -> None:
    from filelock import FileLock

    leftover = cache / REPO_DIR / "blobs" / ".hfcourse-4242-0123abcd.tmp"
    leftover.write_bytes(b"half a blob")
    (problem,) = verify(cache)
    assert problem.startswith(f"{REPO_DIR}/blobs/{leftover.name} is a temporary file left by an import that stopped")
    assert "delete it, or import the repo again" in problem
    with FileLock(str(cache / ".locks" / f"{REPO_DIR}.import.lock")):
        assert verify(cache) == []  # the import that holds the lock is still writing it


def test_verify_lists_a_link_loop_and_a_ref_that_is_not_utf8_without_a_traceback(
    cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = snapshot_dir(cache) / "config.json"
    loop.unlink()
    loop.symlink_to("config.json")
    (cache / REPO_DIR / "refs" / "latin").write_bytes(b"caf\xe9")
    status, out, err = cli(capsys, "cache", "verify", "--cache-dir", cache)
    assert (status, err) == (1, "")
    assert f"1. {loop.relative_to(cache).as_posix()} is a link that loops (to config.json)" in out
    assert f"2. {REPO_DIR}/refs/latin is not UTF-8 text (b'caf\\xe9')" in out
    assert "3. huggingface_hub's scan_cache_dir fails on the cache (UnicodeDecodeError" in out
    assert out.count("\n") == 4


def test_verify_lists_a_dangling_ref_link_and_checks_the_rest(cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (cache / REPO_DIR / "refs" / "v1").symlink_to("no-such-ref")
    blob = (snapshot_dir(cache) / "config.json").resolve()
    blob.write_bytes(blob.read_bytes() + b" ")
    status, out, _ = cli(capsys, "cache", "verify", "--cache-dir", cache)
    assert status == 1
    assert f"{REPO_DIR}/blobs/{blob.name} is corrupted" in out
    assert f"{REPO_DIR}/refs/v1 is a link to no-such-ref, which does not exist" in out


def test_tree_draws_a_stray_file_as_a_file(cache: Path) -> None:
    (cache / REPO_DIR / "snapshots" / "README").write_text("not a snapshot")
    drawn = tree(REPO_ID, cache_dir=cache)
    assert "README  (not a folder: snapshots/ holds one folder per commit)" in drawn and "README/" not in drawn
    assert f"{REPO_DIR}/snapshots/README is not a folder" in verify(cache)[0]


def test_a_ref_named_dot_is_refused_by_the_command(
    tiny_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = cli(
        capsys, "cache", "import", tiny_repo, "--repo-id", REPO_ID, "--ref", ".", "--cache-dir", tmp_path / "hub"
    )
    assert (status, out) == (2, "")
    assert err.startswith("hfcourse cache import: error: ref '.' is not a valid ref name") and err.count("\n") == 1
    assert not (tmp_path / "hub").exists()


def test_a_source_link_loop_is_one_line_from_the_console_script(tmp_path: Path) -> None:
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    (folder / "loop").symlink_to("loop")
    script = Path(sys.executable).with_name("hfcourse")
    result = subprocess.run(
        [str(script), "cache", "import", str(folder), "--repo-id", REPO_ID, "--cache-dir", str(tmp_path / "hub")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.count("\n") == 1 and "loops back on itself" in result.stderr
