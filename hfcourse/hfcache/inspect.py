"""Check and draw a Hugging Face hub cache: blobs named by their content, links that resolve, refs that name
snapshots."""

from __future__ import annotations

import errno
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hfcourse._files import is_temporary, readable_size, sha256_file
from hfcourse.hfcache.layout import (
    HEX40,
    HEX64,
    CacheError,
    content_hashes,
    git_blob_sha1,
    import_running,
    repo_folder_name,
    validate_repo,
)
from hfcourse.i18n import _

_SHORT = 10  # hex characters `tree` keeps of a blob hash
_Node = tuple[str, list["_Node"]]  # a label and the nodes drawn under it
_PARTS = ("blobs", "refs", "snapshots")  # the folders of a repo in the cache


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
    """The problems in the cache (or in one repo of it), one sentence each naming the file; empty if healthy.

    It hashes every blob (huggingface_hub's `scan_cache_dir` does not) and names each broken file;
    `scan_cache_dir` then has the last word on anything else it would refuse.
    """
    return check(cache_dir, repo_id, repo_type).problems


def check(cache_dir: Path | None = None, repo_id: str | None = None, repo_type: str = "model") -> Report:
    """Hash every blob against its name, resolve every snapshot link, hash every snapshot copy, read every ref.

    Nothing that can be read is left unchecked: an unreadable file or folder is one more problem on the list.
    """
    cache = _existing_cache(cache_dir).absolute()
    repos = [repo_dir(cache, repo_id, repo_type)] if repo_id else _repo_dirs(cache)
    report = Report(repos=len(repos))
    hashed: dict[tuple[int, int], str] = {}  # (device, inode) -> hash: hard-linked blobs are read once
    explained: list[str] = []  # paths already named by a problem
    for repo in repos:
        found = _check_repo(repo, cache, report, hashed, explained)
        report.problems += found
        if found:
            explained.append(os.path.realpath(repo))
    report.problems += _scan_problems(
        cache, [os.path.realpath(repo) for repo in repos] if repo_id else None, explained
    )
    return report


def _scan_problems(cache: Path, scope: list[str] | None, explained: list[str]) -> list[str]:
    """What huggingface_hub's scan_cache_dir refuses that no problem above explains (it stops at a repo's first
    problem and never hashes, but it knows what huggingface_hub refuses)."""
    from huggingface_hub import scan_cache_dir

    try:
        warnings = scan_cache_dir(cache).warnings
    except Exception as error:  # its own reading of a broken cache can raise anything (UnicodeDecodeError on a ref)
        return [
            _(
                "huggingface_hub's scan_cache_dir fails on the cache ({error}: {message}): fix the problems above "
                "and it will read it again."
            ).format(error=type(error).__name__, message=_first_line(error))
        ]
    problems = []
    for warning in warnings:
        text = str(warning)
        if scope is not None and not any(_mentions(text, path) for path in scope):
            continue
        if not any(_mentions(text, path) for path in explained):
            problems.append(
                _("huggingface_hub's scan_cache_dir refuses part of the cache: {first_line}").format(
                    first_line=_first_line(text)
                )
            )
    return problems


def tree(repo_id: str, repo_type: str = "model", cache_dir: Path | None = None, *, short: bool = True) -> str:
    """The repo's folder as a lesson draws it: refs and what they hold, blobs and their sizes, snapshot links.

    With `short`, blob hashes keep their first 10 characters and end in "…"; commits are always whole. A file
    where a folder belongs is drawn without the slash, and a folder that cannot be read says so.

    Introduced in lesson 8.
    """
    repo = repo_dir(_existing_cache(cache_dir), repo_id, repo_type)

    def cut(name: str) -> str:
        return f"{name[:_SHORT]}…" if short and _is_hash(name) else name

    nodes: list[_Node] = []
    for entry in _listing(repo)[0]:
        if not entry.is_dir() or entry.is_symlink():
            nodes.append((entry.name + ("  (not a folder!)" if entry.name in _PARTS else ""), []))
        elif entry.name == "blobs":
            nodes.append(
                _tree_folder(entry, lambda _, blobs: _columns([(cut(blob.name), _blob_size(blob)) for blob in blobs]))
            )
        elif entry.name == "refs":
            nodes.append(
                _tree_folder(entry, lambda root, refs: _columns([(_name(ref, root), _ref_text(ref)) for ref in refs]))
            )
        elif entry.name == "snapshots":
            nodes.append(_tree_snapshots(entry, cut))
        else:
            nodes.append((entry.name + "/", []))
    return "\n".join([f"{repo.name}/", *_draw(nodes)])


def repo_dir(cache: Path, repo_id: str, repo_type: str = "model") -> Path:
    """The repo's folder in `cache`; a clear error listing the cache's repos if it is not there."""
    validate_repo(repo_id, repo_type)
    folder = cache / repo_folder_name(repo_id, repo_type)
    if not folder.is_dir():
        held = [_describe_repo(path.name) for path in _repo_dirs(cache)]
        listing = _("it holds {repos}").format(repos=", ".join(held)) if held else _("it holds no repos")
        raise CacheError(
            _(
                "{repo_type} repo {repo_id} is not in the cache {cache} ({listing}). Import it first, or "
                "pass the right cache dir."
            ).format(repo_type=repo_type, repo_id=repr(repo_id), cache=cache, listing=listing)
        )
    return folder


def _existing_cache(cache_dir: Path | None) -> Path:
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    if not cache.is_dir():
        raise CacheError(
            _("there is no cache folder at {cache}: pass the folder that holds models--ORG--NAME folders.").format(
                cache=cache
            )
        )
    return cache


def _repo_dirs(cache: Path) -> list[Path]:
    try:
        entries = list(cache.iterdir())
    except OSError as error:
        raise CacheError(
            _("cannot read the cache folder {cache} ({strerror}): make it readable (chmod u+rx).").format(
                cache=cache, strerror=error.strerror
            )
        ) from None
    return sorted(path for path in entries if path.is_dir() and "--" in path.name and not path.name.startswith("."))


def _mentions(text: str, path: str) -> bool:
    """Whether `text` names `path` or something inside it (not merely a longer name that starts the same)."""
    return re.search(re.escape(path) + r"(?=[/\\)\s]|\.?$)", text) is not None


def _describe_repo(folder_name: str) -> str:
    kind, __, rest = folder_name.partition("--")
    repo_id = rest.replace("--", "/")
    return repo_id if kind == "models" else f"{repo_id} ({kind.rstrip('s')})"


class _Repo:
    """One repo folder being checked: where it is, how to name its files, and what was found wrong so far."""

    def __init__(self, repo: Path, cache: Path) -> None:
        self.path = repo
        self.real = Path(os.path.realpath(repo))
        self.blobs, self.snapshots, self.refs = repo / "blobs", repo / "snapshots", repo / "refs"
        self.roots = (cache, Path(os.path.realpath(cache)))
        self.import_running = import_running(cache, repo.name)
        self.problems: list[str] = []

    def label(self, path: Path | str) -> str:
        """`path` relative to the cache (as given, or as resolved), else in full."""
        for root in self.roots:
            if Path(path).is_relative_to(root):
                return Path(path).relative_to(root).as_posix()
        return str(path)

    def files(self, folder: Path) -> list[Path]:
        """Files and links under `folder`, its unreadable folders listed as problems; temporary files set apart."""
        found, unreadable = _walk(folder)
        self.problems += [
            _("{label} cannot be read ({reason}): make it readable (chmod u+rx) so it can be checked.").format(
                label=self.label(path), reason=reason
            )
            for path, reason in unreadable
        ]
        kept = []
        for path in found:
            if not is_temporary(path.name):
                kept.append(path)
            elif not self.import_running:  # while an import runs, its temporary files are work in progress
                self.problems.append(
                    _(
                        "{label} is a temporary file left by an import that stopped (none is running now): delete "
                        "it, or import the repo again, which removes it."
                    ).format(label=self.label(path))
                )
        return kept


def _check_repo(
    repo_path: Path, cache: Path, report: Report, hashed: dict[tuple[int, int], str], explained: list[str]
) -> list[str]:
    """Problems in one repo folder; counts its blobs into `report`."""
    repo = _Repo(repo_path, cache)
    if error := _listing(repo.path)[1]:
        return [
            _("{label} cannot be read ({reason}): make it readable (chmod u+rx) so it can be checked.").format(
                label=repo.label(repo.path), reason=error
            )
        ]
    blob_names = set()
    for blob in repo.files(repo.blobs) if repo.blobs.is_dir() else []:
        if blob.name.endswith(".incomplete"):
            continue  # a download in progress (or abandoned); nothing links to it
        report.blobs += 1
        blob_names.add(blob.name)
        if problem := _blob_problem(blob, repo.label(blob), hashed):
            repo.problems.append(problem)
    if not repo.snapshots.is_dir():
        repo.problems.append(
            _("{label} has no snapshots/ folder: huggingface_hub cannot load any revision of it.").format(
                label=repo.label(repo.path)
            )
        )
        return repo.problems
    for snapshot in _listing(repo.snapshots)[0]:
        _check_snapshot(Path(snapshot.path), repo, blob_names, explained)
    for ref in repo.files(repo.refs) if repo.refs.is_dir() else []:
        repo.problems += _ref_problems(ref, repo)
    return repo.problems


def _check_snapshot(snapshot: Path, repo: _Repo, blob_names: set[str], explained: list[str]) -> None:
    if is_temporary(snapshot.name):
        if not repo.import_running:
            repo.problems.append(
                _(
                    "{label} is a snapshot an import that stopped left half-made: delete it, or import the "
                    "repo again, which removes it."
                ).format(label=repo.label(snapshot))
            )
        return
    if not snapshot.is_dir() or snapshot.is_symlink():
        repo.problems.append(
            _("{label} is not a folder: snapshots/ must hold one folder per commit.").format(
                label=repo.label(snapshot)
            )
        )
        return
    if not HEX40.fullmatch(snapshot.name):
        repo.problems.append(
            _("{label} is not named by a 40-character hex commit hash.").format(label=repo.label(snapshot))
        )
    for path in repo.files(snapshot):
        if path.is_symlink():
            problem = _link_problem(path, repo, explained)
        elif path.is_file():
            problem = _copy_problem(path, repo.label(path), blob_names)
        else:
            problem = _(
                "{label} is neither a file nor a link: delete it and import or download the repo again."
            ).format(label=repo.label(path))
        if problem:
            repo.problems.append(problem)


def _link_problem(path: Path, repo: _Repo, explained: list[str]) -> str | None:
    label, target = repo.label(path), os.readlink(path)
    try:
        path.stat()
        exists = True
    except OSError as error:
        if error.errno == errno.ELOOP:
            return _(
                "{label} is a link that loops (to {target}): delete it and import or download the repo again."
            ).format(label=label, target=target)
        exists = False
    resolved = Path(os.path.realpath(path))
    if not resolved.is_relative_to(repo.real):
        explained.append(str(resolved))
        return _("{label} links outside its repo folder (to {target}): links must point into blobs/.").format(
            label=label, target=target
        )
    if not resolved.is_relative_to(os.path.realpath(repo.blobs)):
        return _("{label} links to {target}, not into blobs/.").format(label=label, target=target)
    if not exists:
        blob = os.path.normpath(os.path.join(path.parent, target))  # named as the link names it, not as resolved
        return _("{label} is a dangling link: its blob {blob} is missing. Import or download the repo again.").format(
            label=label, blob=repo.label(blob)
        )
    return None


def _copy_problem(path: Path, label: str, blob_names: set[str]) -> str | None:
    """A regular file in a snapshot (where links cannot be made) must hold the bytes of a blob of the repo.

    huggingface_hub without links keeps blobs/ empty, and then there is nothing to compare a copy with.
    """
    if not blob_names:
        return None
    try:
        sha1, sha256 = content_hashes(path)
    except OSError as error:
        return _(
            "{label} cannot be read ({strerror}): make it readable, or delete it and import or "
            "download the repo again."
        ).format(label=label, strerror=error.strerror)
    if sha1 in blob_names or sha256 in blob_names:
        return None
    return _(
        "{label} is a copy that matches no blob in blobs/ (its git blob sha1 is {sha1}): it was "
        "changed. Delete it and import or download the repo again."
    ).format(label=label, sha1=sha1)


def _ref_problems(ref: Path, repo: _Repo) -> list[str]:
    label = repo.label(ref)
    try:
        data = ref.read_bytes()
    except OSError as error:
        if ref.is_symlink() and isinstance(error, FileNotFoundError):
            return [
                _(
                    "{label} is a link to {target}, which does not exist: a ref is a file holding a commit hash. "
                    "Delete it."
                ).format(label=label, target=os.readlink(ref))
            ]
        return [
            _(
                "{label} cannot be read ({strerror}): make it readable, or delete it and import or "
                "download the repo again."
            ).format(label=label, strerror=error.strerror)
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return [
            _("{label} is not UTF-8 text ({data}): a ref must hold a 40-character hex commit hash. Delete it.").format(
                label=label, data=repr(data[:60])
            )
        ]
    problems, commit = [], text.strip()
    if text != commit:
        problems.append(
            _(
                "{label} holds {text}: a ref must hold the commit with no newline or spaces, or "
                "from_pretrained cannot resolve it offline."
            ).format(label=label, text=json.dumps(text))
        )
    if not HEX40.fullmatch(commit):
        problems.append(
            _("{label} holds {text}, not a 40-character hex commit hash.").format(
                label=label, text=json.dumps(commit[:60])
            )
        )
    elif not (repo.snapshots / commit).is_dir():
        problems.append(
            _("{label} names commit {commit}, but {snapshot} does not exist.").format(
                label=label, commit=commit, snapshot=repo.label(repo.snapshots / commit)
            )
        )
    return problems


def _blob_problem(blob: Path, label: str, hashed: dict[tuple[int, int], str]) -> str | None:
    if blob.is_symlink() or not blob.is_file():
        return _("{label} is not a regular file: blobs hold the files' bytes.").format(label=label)
    if HEX40.fullmatch(blob.name):
        kind, hash_file = "git blob sha1", git_blob_sha1
    elif HEX64.fullmatch(blob.name):
        kind, hash_file = "sha256", sha256_file
    else:
        return _(
            "{label}: a blob is named by its content hash (40 hex characters for git sha1, 64 for "
            "sha256 of LFS files)."
        ).format(label=label)
    try:
        stat = blob.stat()
        key = (stat.st_dev, stat.st_ino)
        if key not in hashed or len(hashed[key]) != len(blob.name):
            hashed[key] = hash_file(blob)
    except OSError as error:
        return _(
            "{label} cannot be read ({strerror}): make it readable, or delete it and import or "
            "download the repo again."
        ).format(label=label, strerror=error.strerror)
    if hashed[key] != blob.name:
        return _(
            "{label} is corrupted: its {kind} is {hashed}, not its name. Delete it and import or "
            "download the repo again."
        ).format(label=label, kind=kind, hashed=hashed[key])
    return None


def _listing(folder: Path) -> tuple[list[os.DirEntry[str]], str | None]:
    """The entries of `folder` by name, or none and why it cannot be read."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name), None
    except OSError as error:
        return [], error.strerror


def _walk(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files and links under `folder` (links to folders included, never followed), and the folders that cannot be
    read."""
    found: list[Path] = []
    unreadable: list[tuple[Path, str]] = []
    pending = [folder]
    while pending:
        directory = pending.pop()
        entries, error = _listing(directory)
        if error:
            unreadable.append((directory, error))
        for entry in entries:
            if entry.is_dir(follow_symlinks=False) and not is_temporary(entry.name):
                pending.append(Path(entry.path))
            else:
                found.append(Path(entry.path))
    return sorted(found), unreadable


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def _is_hash(name: str) -> bool:
    return bool(HEX40.fullmatch(name) or HEX64.fullmatch(name))


def _name(path: Path, folder: Path) -> str:
    return path.relative_to(folder).as_posix()


def _tree_folder(folder: os.DirEntry[str], lines: Callable[[Path, list[Path]], list[str]]) -> _Node:
    """A folder's node: the lines `lines(folder, files under it sorted by path)`, and one per folder that cannot be
    read."""
    root = Path(folder.path)
    found, unreadable = _walk(root)
    found.sort(key=lambda path: _name(path, root))
    unread = _("(cannot be read: {reason})")
    label = f"{folder.name}/" + "".join(
        f"  {unread.format(reason=reason)}" for path, reason in unreadable if path == root
    )
    notes = [f"{_name(path, root)}/  {unread.format(reason=reason)}" for path, reason in unreadable if path != root]
    return (label, [(text, []) for text in lines(root, found) + notes])


def _tree_snapshots(snapshots: os.DirEntry[str], cut: Callable[[str], str]) -> _Node:
    entries, error = _listing(Path(snapshots.path))
    nodes: list[_Node] = [(_("(cannot be read: {reason})").format(reason=error), [])] if error else []
    for snapshot in entries:
        if not snapshot.is_dir() or snapshot.is_symlink():
            note = _("(not a folder: snapshots/ holds one folder per commit)")
            nodes.append((f"{snapshot.name}  {note}", []))
            continue
        nodes.append(_tree_folder(snapshot, lambda root, paths: [_snapshot_line(path, root, cut) for path in paths]))
    return ("snapshots/", nodes)


def _blob_size(blob: Path) -> str:
    try:
        return readable_size(blob.stat().st_size)
    except OSError as error:
        return _("(cannot be read: {reason})").format(reason=error.strerror)


def _ref_text(ref: Path) -> str:
    try:
        text = ref.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        return _("(cannot be read: {reason})").format(reason=error.strerror)
    return json.dumps(text) + ("" if text == text.strip() else "  (trailing whitespace!)")


def _snapshot_line(path: Path, snapshot: Path, cut: Callable[[str], str]) -> str:
    name = _name(path, snapshot)
    if not path.is_symlink():
        if path.is_file():
            return f"{name}  " + _("(copy, {size})").format(size=_blob_size(path))
        return f"{name}  " + _("(not a file or link!)")
    target = os.readlink(path)
    head, _slash, tail = target.rpartition("/")
    shown = f"{head}/{cut(tail)}" if head else cut(tail)
    return f"{name} -> {shown}{_link_note(path)}"


def _link_note(link: Path) -> str:
    try:
        link.stat()
    except OSError as error:
        return "  " + (_("(loops!)") if error.errno == errno.ELOOP else _("(missing!)"))
    return ""


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
