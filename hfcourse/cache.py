"""Lay a folder of files into the standard Hugging Face cache, exactly as huggingface_hub would.

    <cache>/models--ORG--NAME/blobs/<hash>                 file bytes; git blob sha1, or sha256 for LFS files
    <cache>/models--ORG--NAME/snapshots/<commit>/<path>    relative symlink into blobs/ (a copy if symlinks fail)
    <cache>/models--ORG--NAME/refs/<ref>                   the commit, no trailing newline
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

REPO_TYPES = ("model", "dataset", "space")
# Files stored with Git LFS on the Hub: the default .gitattributes patterns, plus anything of 10 MiB or more.
LFS_PATTERNS = (
    "*.7z", "*.arrow", "*.bin", "*.bz2", "*.ckpt", "*.ftz", "*.gguf", "*.gz", "*.h5", "*.joblib",
    "*.lfs.*", "*.mlmodel", "*.model", "*.msgpack", "*.npy", "*.npz", "*.onnx", "*.ot", "*.parquet",
    "*.pb", "*.pickle", "*.pkl", "*.pt", "*.pth", "*.rar", "*.safetensors", "*.tar", "*.tflite",
    "*.tgz", "*.wasm", "*.xz", "*.zip", "*.zst", "*tfevents*",
)
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024
_CHUNK = 1024 * 1024
_HEX40 = re.compile(r"[0-9a-f]{40}")
# A fixed identity and date make a commit hash depend on the files alone.
_COMMITTER = "hfcourse <course-hub@hfcourse.invalid> 1700000000 +0000"


class CacheError(ValueError):
    """The input cannot be laid into the cache; the message says what to fix. The cache is untouched."""


@dataclass(frozen=True)
class CachedFile:
    path: str  # path inside the repo, with forward slashes
    blob: str  # the blob's file name in blobs/
    is_lfs: bool
    size: int


def is_lfs(path: str, size: int) -> bool:
    """Whether the Hub stores this file with Git LFS (and names its blob by sha256)."""
    name = PurePosixPath(path).name
    return size >= LFS_SIZE_THRESHOLD or any(fnmatch.fnmatch(name, pattern) for pattern in LFS_PATTERNS)


def git_blob_sha1(data_path: Path) -> str:
    """The git blob hash of a file (sha1 of "blob <size>\\0" + content), streamed."""
    with data_path.open("rb") as stream:
        digest = hashlib.sha1(f"blob {os.fstat(stream.fileno()).st_size}\0".encode())
        return hashlib.file_digest(stream, lambda: digest).hexdigest()


def sha256_file(data_path: Path) -> str:
    """The sha256 of a file (the blob name of an LFS file), streamed."""
    with data_path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The small text file git stores in place of an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def repo_folder_name(repo_id: str, repo_type: str = "model") -> str:
    """`models--org--name`: the folder huggingface_hub uses for a repo."""
    return "--".join([f"{repo_type}s", *repo_id.split("/")])


def validate_repo(repo_id: str, repo_type: str) -> None:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    if repo_type not in REPO_TYPES:
        raise CacheError(f"repo type {repo_type!r} is not one of {', '.join(REPO_TYPES)}.")
    try:
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise CacheError(f"{repo_id!r} is not a valid repo id ({error}). Use ORG/NAME, e.g. google-bert/bert-base-cased.") from None


def commit_hash(files: list[CachedFile], message: str) -> str:
    """A real git commit hash over the repo's tree (LFS files as their pointers)."""
    blobs: dict[str, tuple[str, str]] = {}
    for item in files:
        blob_id = git_blob_sha1_bytes(lfs_pointer(item.blob, item.size)) if item.is_lfs else item.blob
        blobs[item.path] = ("100644", blob_id)
    tree = _tree_hash(blobs)
    body = f"tree {tree}\nauthor {_COMMITTER}\ncommitter {_COMMITTER}\n\n{message}\n".encode()
    return hashlib.sha1(f"commit {len(body)}\0".encode() + body).hexdigest()


def git_blob_sha1_bytes(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


def _tree_hash(entries: dict[str, tuple[str, str]]) -> str:
    children: dict[str, dict[str, tuple[str, str]]] = {}
    items: list[tuple[str, str, str]] = []  # (name, mode, hex)
    for path, entry in entries.items():
        head, _, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = entry
        else:
            items.append((head, *entry))
    items += [(name, "40000", _tree_hash(sub)) for name, sub in children.items()]
    # git sorts tree entries by name, with directories compared as if they ended in "/".
    items.sort(key=lambda item: item[0] + ("/" if item[1] == "40000" else ""))
    body = b"".join(f"{mode} {name}\0".encode() + bytes.fromhex(hexsha) for name, mode, hexsha in items)
    return hashlib.sha1(f"tree {len(body)}\0".encode() + body).hexdigest()


def repo_path(name: str) -> str:
    """`name`, checked to be a plain relative path that stays inside the repo folder."""
    if not name:
        raise CacheError("a file name is empty: every file needs a path inside the repo, such as 'config.json'.")
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or PureWindowsPath(name).drive or ".." in posix.parts:
        raise CacheError(f"file name {name!r} would land outside the repo folder: use a plain relative path such as 'config.json'.")
    if str(posix) != name.replace("\\", "/"):
        raise CacheError(f"file name {name!r} is not a normalised relative path: write it as {str(posix)!r}.")
    return name


def source_files(folder: Path) -> list[tuple[str, Path]]:
    """(repo path, file) for every file under `folder`, refusing anything that escapes it."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CacheError(f"{folder} is not a folder: pass the folder that holds the downloaded files.")
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if any(part in (".git", ".cache") for part in relative.split("/")):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            raise CacheError(f"{path} links outside {folder}: copy the file in instead of linking it.")
        if path.is_file():
            found.append((relative, path))
    if not found:
        raise CacheError(f"{folder} holds no files: nothing to import.")
    return found


def import_folder(
    folder: Path,
    repo_id: str,
    cache_dir: Path,
    *,
    repo_type: str = "model",
    revision: str | None = None,
    refs: tuple[str, ...] = ("main",),
    message: str = "",
    hardlink: bool = False,
) -> Path:
    """Lay `folder` into `cache_dir` as `repo_id` at `revision` (default: a commit hash of the files).

    Returns the snapshot folder. Blobs and links are written atomically (temp file + rename); running it
    again with the same files changes nothing; imports of one repo are serialised with a file lock.
    `hardlink=True` links blobs to the source files instead of copying them (for sources nobody edits).
    """
    from filelock import FileLock

    validate_repo(repo_id, repo_type)
    if revision is not None and not _HEX40.fullmatch(revision):
        raise CacheError(f"revision {revision!r} is not a 40-character lowercase hex commit hash.")
    for ref in refs:
        if not ref or ref.startswith("/") or ".." in ref.split("/"):
            raise CacheError(f"ref {ref!r} is not a valid ref name.")
    sources = [(repo_path(relative), path) for relative, path in source_files(Path(folder))]
    files = [_describe(relative, path) for relative, path in sources]
    commit = revision or commit_hash(files, message or f"{repo_id}: course hub stand-in")

    repo_dir = Path(cache_dir) / repo_folder_name(repo_id, repo_type)
    lock_path = Path(cache_dir) / ".locks" / f"{repo_folder_name(repo_id, repo_type)}.import.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock_path)):
        snapshot = repo_dir / "snapshots" / commit
        for item, (_, path) in zip(files, sources):
            blob = repo_dir / "blobs" / item.blob
            if not blob.exists():
                _atomic_link(path, blob) if hardlink else _atomic_copy(path, blob)
            _link(snapshot / item.path, blob)
        for ref in refs:
            ref_path = repo_dir / "refs" / ref
            if not ref_path.is_file() or ref_path.read_bytes() != commit.encode():
                atomic_write(ref_path, commit.encode())
    return snapshot


def _describe(relative: str, path: Path) -> CachedFile:
    size = path.stat().st_size
    lfs = is_lfs(relative, size)
    return CachedFile(relative, sha256_file(path) if lfs else git_blob_sha1(path), lfs, size)


def _link(link: Path, target: Path) -> None:
    """A relative symlink `link` -> `target`, replaced atomically; a copy where symlinks are unavailable."""
    link.parent.mkdir(parents=True, exist_ok=True)
    relative = os.path.relpath(target, link.parent)
    if link.is_symlink() and os.readlink(link) == relative:
        return
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    try:
        os.symlink(relative, temporary)
    except OSError:  # e.g. Windows without developer mode: huggingface_hub copies too
        _atomic_copy(target, link)
        return
    os.replace(temporary, link)


def _atomic_copy(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, prefix=f".{destination.name}.", delete=False) as out:
        with source.open("rb") as stream:
            shutil.copyfileobj(stream, out, _CHUNK)
    os.chmod(out.name, 0o644)
    os.replace(out.name, destination)


def _atomic_link(source: Path, destination: Path) -> None:
    """A hard link to `source`, or a copy where hard links are not possible."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
    try:
        os.link(source, temporary)
    except OSError:
        _atomic_copy(source, destination)
        return
    os.chmod(temporary, 0o644)  # blobs are world-readable, as huggingface_hub writes them
    os.replace(temporary, destination)


def atomic_write(destination: Path, data: bytes) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=destination.parent, prefix=f".{destination.name}.", delete=False) as out:
        out.write(data)
    os.chmod(out.name, 0o644)
    os.replace(out.name, destination)
