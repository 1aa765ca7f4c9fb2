"""Check and draw a Hugging Face hub cache: blobs named by their content, links that resolve, refs that name snapshots.

`verify` hashes every blob (huggingface_hub's `scan_cache_dir` does not) and names each broken file;
`scan_cache_dir` then has the last word on anything else it would refuse. `tree` draws one repo's folder.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from hfcourse.cache import CacheError, git_blob_sha1, repo_folder_name, sha256_file, validate_repo

_HEX40 = re.compile(r"[0-9a-f]{40}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_SHORT = 10  # hex characters `tree` keeps of a blob hash
_Node = tuple[str, list["_Node"]]  # a label and the nodes drawn under it


@dataclass
class Report:
    """What a check looked at and what it found wrong (no problems = a healthy cache)."""

    repos: int = 0
    blobs: int = 0
    problems: list[str] = field(default_factory=list)


def default_cache_dir() -> Path:
    """huggingface_hub's cache folder (`HF_HUB_CACHE`), as the libraries in this process see it."""
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def verify(cache_dir: Path | None = None, repo_id: str | None = None, repo_type: str = "model") -> list[str]:
    """The problems in the cache (or in one repo of it), one sentence each naming the file; empty if healthy."""
    return check(cache_dir, repo_id, repo_type).problems


def check(cache_dir: Path | None = None, repo_id: str | None = None, repo_type: str = "model") -> Report:
    """Hash every blob against its name, resolve every snapshot link, read every ref; count what was checked."""
    from huggingface_hub import scan_cache_dir

    cache = _existing_cache(cache_dir)
    repos = [repo_dir(cache, repo_id, repo_type)] if repo_id else _repo_dirs(cache)
    report = Report(repos=len(repos))
    hashed: dict[tuple[int, int], str] = {}  # (device, inode) -> hash: hard-linked blobs are read once
    explained: list[str] = []  # paths already named by a problem
    for repo in repos:
        found = _check_repo(repo, cache, report, hashed, explained)
        report.problems += found
        if found:
            explained.append(str(repo.resolve()))
    # scan_cache_dir stops at a repo's first problem and never hashes, but it knows what huggingface_hub refuses.
    scope = [str(repo.resolve()) for repo in repos]
    for warning in scan_cache_dir(cache).warnings:
        text = str(warning)
        if repo_id and not any(_mentions(text, path) for path in scope):
            continue
        if not any(_mentions(text, path) for path in explained):
            report.problems.append(f"huggingface_hub's scan_cache_dir refuses part of the cache: {text}")
    return report


def tree(repo_id: str, repo_type: str = "model", cache_dir: Path | None = None, *, short: bool = True) -> str:
    """The repo's folder as a lesson draws it: refs and what they hold, blobs and their sizes, snapshot links.

    With `short`, blob hashes keep their first 10 characters and end in "…"; commits are always whole.
    """
    repo = repo_dir(_existing_cache(cache_dir), repo_id, repo_type)
    cut = (lambda name: f"{name[:_SHORT]}…" if short and _is_hash(name) else name)
    leaves = lambda texts: [(text, []) for text in texts]
    nodes: list[_Node] = []
    for entry in sorted(repo.iterdir(), key=lambda path: path.name):
        if entry.name == "blobs":
            blobs = sorted(_files(entry), key=lambda path: path.name)
            nodes.append(("blobs/", leaves(_columns([(cut(blob.name), _size(blob.stat().st_size)) for blob in blobs]))))
        elif entry.name == "refs":
            refs = sorted(_files(entry), key=lambda path: path.relative_to(entry).as_posix())
            nodes.append(("refs/", leaves(_columns([(ref.relative_to(entry).as_posix(), _ref_text(ref)) for ref in refs]))))
        elif entry.name == "snapshots":
            snapshots = sorted(entry.iterdir(), key=lambda path: path.name)
            nodes.append(("snapshots/", [
                (f"{snapshot.name}/", leaves(_snapshot_line(path, snapshot, cut) for path in
                                             sorted(_files(snapshot), key=lambda path: path.relative_to(snapshot).as_posix())))
                for snapshot in snapshots
            ]))
        else:
            nodes.append((entry.name + ("/" if entry.is_dir() else ""), []))
    return "\n".join([f"{repo.name}/", *_draw(nodes)])


def repo_dir(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    """The repo's folder in `cache`; a clear error listing the cache's repos if it is not there."""
    validate_repo(repo_id, repo_type)
    folder = cache / repo_folder_name(repo_id, repo_type)
    if not folder.is_dir():
        held = [_describe_repo(path.name) for path in _repo_dirs(cache)]
        listing = f"it holds {', '.join(held)}" if held else "it holds no repos"
        raise CacheError(f"{repo_type} repo {repo_id!r} is not in the cache {cache} ({listing}). Import it first, or pass the right cache dir.")
    return folder


def _existing_cache(cache_dir: Path | None) -> Path:
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if not cache.is_dir():
        raise CacheError(f"there is no cache folder at {cache}: pass the folder that holds models--ORG--NAME folders.")
    return cache


def _repo_dirs(cache: Path) -> list[Path]:
    return sorted(path for path in cache.iterdir() if path.is_dir() and "--" in path.name and not path.name.startswith("."))


def _mentions(text: str, path: str) -> bool:
    """Whether `text` names `path` or something inside it (not merely a longer name that starts the same)."""
    return re.search(re.escape(path) + r"(?=[/\\)\s]|\.?$)", text) is not None


def _describe_repo(folder_name: str) -> str:
    kind, _, rest = folder_name.partition("--")
    repo_id = rest.replace("--", "/")
    return repo_id if kind == "models" else f"{repo_id} ({kind.rstrip('s')})"


def _check_repo(repo: Path, cache: Path, report: Report, hashed: dict[tuple[int, int], str], explained: list[str]) -> list[str]:
    """Problems in one repo folder; counts its blobs into `report`."""
    problems: list[str] = []
    label = lambda path: path.relative_to(cache).as_posix()
    blobs, snapshots, refs = repo / "blobs", repo / "snapshots", repo / "refs"
    for blob in sorted(_files(blobs)) if blobs.is_dir() else []:
        if blob.name.endswith(".incomplete"):
            continue  # a download in progress (or abandoned); nothing links to it
        report.blobs += 1
        if problem := _blob_problem(blob, label(blob), hashed):
            problems.append(problem)
    if not snapshots.is_dir():
        problems.append(f"{label(repo)} has no snapshots/ folder: huggingface_hub cannot load any revision of it.")
        return problems
    blobs_root = blobs.resolve()
    for snapshot in sorted(snapshots.iterdir()):
        if not snapshot.is_dir():
            problems.append(f"{label(snapshot)} is a file: snapshots/ must hold one folder per commit.")
            continue
        if not _HEX40.fullmatch(snapshot.name):
            problems.append(f"{label(snapshot)} is not named by a 40-character hex commit hash.")
        for path in sorted(_files(snapshot)):
            if not path.is_symlink():
                continue  # a copy, where the system cannot make links; its blob is checked above
            target = os.readlink(path)
            resolved = (path.parent / target).resolve()
            if not resolved.is_relative_to(repo.resolve()):
                problems.append(f"{label(path)} links outside its repo folder (to {target}): links must point into blobs/.")
                explained.append(str(resolved))
            elif not resolved.is_relative_to(blobs_root):
                problems.append(f"{label(path)} links to {target}, not into blobs/.")
            elif not resolved.exists():
                problems.append(f"{label(path)} is a dangling link: its blob {label(resolved)} is missing. Import or download the repo again.")
    for ref in sorted(_files(refs)) if refs.is_dir() else []:
        text = ref.read_bytes().decode("utf-8", errors="replace")
        commit = text.strip()
        if text != commit:
            problems.append(f"{label(ref)} holds {json.dumps(text)}: a ref must hold the commit with no newline or spaces, "
                            "or from_pretrained cannot resolve it offline.")
        if not _HEX40.fullmatch(commit):
            problems.append(f"{label(ref)} holds {json.dumps(commit[:60])}, not a 40-character hex commit hash.")
        elif not (snapshots / commit).is_dir():
            problems.append(f"{label(ref)} names commit {commit}, but {label(snapshots / commit)} does not exist.")
    return problems


def _blob_problem(blob: Path, label: str, hashed: dict[tuple[int, int], str]) -> str | None:
    if blob.is_symlink() or not blob.is_file():
        return f"{label} is not a regular file: blobs hold the files' bytes."
    if _HEX40.fullmatch(blob.name):
        kind, hash_file = "git blob sha1", git_blob_sha1
    elif _HEX64.fullmatch(blob.name):
        kind, hash_file = "sha256", sha256_file
    else:
        return f"{label}: a blob is named by its content hash (40 hex characters for git sha1, 64 for sha256 of LFS files)."
    stat = blob.stat()
    key = (stat.st_dev, stat.st_ino)
    if key not in hashed or len(hashed[key]) != len(blob.name):
        hashed[key] = hash_file(blob)
    if hashed[key] != blob.name:
        return f"{label} is corrupted: its {kind} is {hashed[key]}, not its name. Delete it and import or download the repo again."
    return None


def _files(folder: Path) -> list[Path]:
    """Files and links under `folder` (links to folders included), not the folders themselves."""
    return [path for path in folder.rglob("*") if path.is_symlink() or not path.is_dir()]


def _is_hash(name: str) -> bool:
    return bool(_HEX40.fullmatch(name) or _HEX64.fullmatch(name))


def _ref_text(ref: Path) -> str:
    text = ref.read_bytes().decode("utf-8", errors="replace")
    return json.dumps(text) + ("" if text == text.strip() else "  (trailing whitespace!)")


def _snapshot_line(path: Path, snapshot: Path, cut: Callable[[str], str]) -> str:
    name = path.relative_to(snapshot).as_posix()
    if not path.is_symlink():
        return f"{name}  (copy, {_size(path.stat().st_size)})"
    target = os.readlink(path)
    head, _, tail = target.rpartition("/")
    shown = f"{head}/{cut(tail)}" if head else cut(tail)
    return f"{name} -> {shown}" + ("" if path.exists() else "  (missing!)")


def _size(size: int) -> str:
    """Bytes in decimal units with one decimal, as the Hub shows them: 612 B, 1.2 MB."""
    if size < 1000:
        return f"{size} B"
    value = size / 1000
    for unit in ("kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"


def _columns(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(left) for left, _ in rows), default=0)
    return [f"{left.ljust(width)}  {right}" for left, right in rows]


def _draw(nodes: list[_Node]) -> list[str]:
    """Box-drawing branches for a list of (label, children) nodes."""
    lines: list[str] = []
    for index, (label, children) in enumerate(nodes):
        last = index == len(nodes) - 1
        lines.append(("└── " if last else "├── ") + label)
        lines += [("    " if last else "│   ") + line for line in _draw(children)]
    return lines
