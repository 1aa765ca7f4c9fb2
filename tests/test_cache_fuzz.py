"""Seeded random folders imported into a cache: each is laid in whole (verify and scan_cache_dir find nothing,
every file reads back) or refused with one line, leaving the cache byte for byte as it was.

Each tree mixes names (unicode, spaces, leading dots, LFS patterns, up to 255 bytes), depths, sizes up to
3 MB, links inside the folder (relative and absolute, chains), `.git`/`.cache` folders, and with some
probability one thing an import must refuse: a link out, a dangling link, a link loop, a link to a folder, a
FIFO, a name with a backslash or newline, a name that is not UTF-8. The generator knows which of these it
planted, so the test also checks that exactly those trees are refused.
"""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from hfcourse.hfcache.inspect import verify
from hfcourse.hfcache.layout import CacheError
from hfcourse.hfcache.writer import import_folder
from tests.test_cache_cli import state

SEED = 20240616
CASES = 400
REPO_ID = "fuzz/tree"
PIECES = ["config", "model", "données", "名前", "a b", "x", "README", "tok-", "_", "é", "😀", "v1.2", "~", "#", "%20"]
SUFFIXES = ["", ".json", ".txt", ".bin", ".safetensors", ".lfs.x", ".md", ".", ".incomplete"]
REFUSALS = ["link-out", "dangling", "loop", "link-to-folder", "fifo", "backslash", "newline", "not-utf8"]


@dataclass
class Tree:
    """A generated folder and what an import of it must give."""

    root: Path
    expected: dict[str, bytes] = field(default_factory=dict)  # repo path -> bytes, for a tree that imports
    folders: list[str] = field(default_factory=lambda: [""])  # repo paths of the folders made, "" the root
    refusal: str | None = None  # what was planted that must be refused


def random_name(rng: random.Random) -> str:
    if rng.random() < 0.04:  # long names, up to the 255 bytes a file system allows
        return rng.choice(["n", "é", "名"]) * 300
    name = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3))) + rng.choice(SUFFIXES)
    return "." + name if rng.random() < 0.1 else name


def fit(name: str) -> str:
    """`name` cut to at most 255 bytes of UTF-8, on a character boundary."""
    while len(name.encode()) > 255:
        name = name[:-1]
    return name


def fresh(rng: random.Random, tree: Tree, folder: str) -> str:
    """A repo path in `folder` that nothing in the tree uses yet."""
    while True:
        path = f"{folder}/{fit(random_name(rng))}".lstrip("/")
        if path not in tree.expected and path not in tree.folders and not (tree.root / path).exists():
            return path


def make_tree(rng: random.Random, root: Path) -> Tree:
    tree = Tree(root)
    root.mkdir(parents=True)
    for _ in range(rng.randint(0, 4)):
        folder = fresh(rng, tree, rng.choice(tree.folders))
        (root / folder).mkdir()
        tree.folders.append(folder)
    for _ in range(rng.randint(0, 10)):
        path = fresh(rng, tree, rng.choice(tree.folders))
        size = rng.randint(1_000_000, 3_000_000) if rng.random() < 0.04 else rng.choice([0, 1, rng.randint(2, 5000)])
        data = rng.randbytes(size)
        (root / path).write_bytes(data)
        tree.expected[path] = data
    for _ in range(rng.randint(0, 3) if tree.expected else 0):
        add_link_inside(rng, tree)
    if rng.random() < 0.2:
        skipped = root / rng.choice(tree.folders) / rng.choice([".git", ".cache"])
        skipped.mkdir(exist_ok=True)
        (skipped / "HEAD").write_text("not part of the repo\n")
    if rng.random() < 0.35:
        tree.refusal = rng.choice(REFUSALS)
        plant(rng, tree, tree.refusal)
    elif not tree.expected:
        tree.refusal = "no-files"
    return tree


def add_link_inside(rng: random.Random, tree: Tree) -> None:
    """A link to a file of the tree: relative or absolute, possibly to another link."""
    target = rng.choice(sorted(tree.expected))
    link = fresh(rng, tree, rng.choice(tree.folders))
    if rng.random() < 0.3:
        (tree.root / link).symlink_to(tree.root / target)
    else:
        (tree.root / link).symlink_to(os.path.relpath(tree.root / target, (tree.root / link).parent))
    tree.expected[link] = tree.expected[target]


def plant(rng: random.Random, tree: Tree, refusal: str) -> None:
    folder = tree.root / rng.choice(tree.folders)
    if refusal == "link-out":
        outside = tree.root.parent / "outside.txt"
        outside.write_text("not in the folder")
        (folder / "out").symlink_to(os.path.relpath(outside, folder))
    elif refusal == "dangling":
        (folder / "dangling").symlink_to("no-such-file")
    elif refusal == "loop":
        (folder / "loop-a").symlink_to("loop-b")
        (folder / "loop-b").symlink_to("loop-a")
    elif refusal == "link-to-folder":
        (folder / "folder-link").symlink_to(os.path.relpath(tree.root / rng.choice(tree.folders), folder))
    elif refusal == "fifo":
        os.mkfifo(folder / "pipe")
    elif refusal == "backslash":
        (folder / "back\\slash.txt").write_text("x")
    elif refusal == "newline":
        (folder / "new\nline.txt").write_text("x")
    else:
        (folder / os.fsdecode(b"latin-\xe9.txt")).write_text("x")


def snapshot_contents(snapshot: Path) -> dict[str, bytes]:
    return {
        path.relative_to(snapshot).as_posix(): path.read_bytes() for path in snapshot.rglob("*") if not path.is_dir()
    }


@pytest.fixture(scope="module")
def base_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache already holding an earlier revision of the repo: a refused import must leave it exactly so."""
    folder = tmp_path_factory.mktemp("base") / "repo"
    (folder / "sub").mkdir(parents=True)
    (folder / "config.json").write_text('{"revision": 0}\n')
    (folder / "sub" / "weights.bin").write_bytes(bytes(range(256)))
    cache = tmp_path_factory.mktemp("base-cache") / "hub"
    import_folder(folder, REPO_ID, cache, refs=("main", "v0"))
    return cache


def test_random_trees_import_whole_or_are_refused_with_the_cache_unchanged(base_cache: Path, tmp_path: Path) -> None:
    from huggingface_hub import scan_cache_dir

    rng = random.Random(SEED)
    outcomes = {"imported": 0, "refused": 0}
    for case in range(CASES):
        tree = make_tree(rng, tmp_path / f"case-{case}" / "repo")
        cache = tmp_path / f"case-{case}" / "hub"
        shutil.copytree(base_cache, cache, symlinks=True)
        before = state(cache)
        where = f"case {case} (seed {SEED}), planted {tree.refusal}"
        try:
            snapshot = import_folder(tree.root, REPO_ID, cache, hardlink=rng.random() < 0.3)
        except CacheError as error:
            assert tree.refusal is not None, f"{where}: refused: {error}"
            assert "\n" not in str(error), f"{where}: a refusal of more than one line: {error!r}"
            assert state(cache) == before, f"{where}: the refused import changed the cache"
            outcomes["refused"] += 1
        else:
            assert tree.refusal is None, f"{where}: imported"
            assert snapshot_contents(snapshot) == tree.expected, where
            assert verify(cache) == [], where
            assert scan_cache_dir(cache).warnings == [], where
            assert (cache / "models--fuzz--tree" / "refs" / "main").read_text() == snapshot.name, where
            outcomes["imported"] += 1
        shutil.rmtree(tmp_path / f"case-{case}")
    assert min(outcomes.values()) > CASES // 5, outcomes  # both outcomes well exercised
