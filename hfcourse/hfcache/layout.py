"""How the Hugging Face cache names things: repo folders, blobs (git sha1 or LFS sha256), commits, refs and locks."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hfcourse._files import pump
from hfcourse.i18n import _

# <cache>/models--ORG--NAME/blobs/<hash>                 file bytes; git blob sha1, or sha256 for LFS files
# <cache>/models--ORG--NAME/snapshots/<commit>/<path>    relative symlink into blobs/ (a copy if symlinks fail)
# <cache>/models--ORG--NAME/refs/<ref>                   the commit, no trailing newline
REPO_TYPES = ("model", "dataset", "space")
# Files stored with Git LFS on the Hub: the default .gitattributes patterns, plus anything of 10 MiB or more.
LFS_PATTERNS = (
    "*.7z",
    "*.arrow",
    "*.bin",
    "*.bz2",
    "*.ckpt",
    "*.ftz",
    "*.gguf",
    "*.gz",
    "*.h5",
    "*.joblib",
    "*.lfs.*",
    "*.mlmodel",
    "*.model",
    "*.msgpack",
    "*.npy",
    "*.npz",
    "*.onnx",
    "*.ot",
    "*.parquet",
    "*.pb",
    "*.pickle",
    "*.pkl",
    "*.pt",
    "*.pth",
    "*.rar",
    "*.safetensors",
    "*.tar",
    "*.tflite",
    "*.tgz",
    "*.wasm",
    "*.xz",
    "*.zip",
    "*.zst",
    "*tfevents*",
)
LFS_SIZE_THRESHOLD = 10 * 1024 * 1024
HEX40 = re.compile(r"[0-9a-f]{40}")  # a commit hash, or a git blob sha1
HEX64 = re.compile(r"[0-9a-f]{64}")  # a sha256: the blob name of an LFS file
# What git check-ref-format refuses anywhere in a ref name:
# control characters and space, ~ ^ : ? * [ \, "..", "@{", "//".
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
# A fixed identity and date make a commit hash depend on the files alone.
_COMMITTER = "hfcourse <course-hub@hfcourse.invalid> 1700000000 +0000"


class CacheError(ValueError):
    """The input cannot be laid into the cache; the message says what to fix. No half-written file is left."""


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


def git_blob_sha1_bytes(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


def content_hashes(data_path: Path) -> tuple[str, str]:
    """(git blob sha1, sha256) of a file, read once: the two names a blob of these bytes can have."""
    with data_path.open("rb", buffering=0) as stream:
        size = os.fstat(stream.fileno()).st_size
        sha1, sha256 = hashlib.sha1(f"blob {size}\0".encode()), hashlib.sha256()
        pump(stream, (sha1, sha256))
    return sha1.hexdigest(), sha256.hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    """The small text file git stores in place of an LFS file."""
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


def repo_folder_name(repo_id: str, repo_type: str = "model") -> str:
    """`models--org--name`: the folder huggingface_hub uses for a repo."""
    return "--".join([f"{repo_type}s", *repo_id.split("/")])


def validate_repo(repo_id: str, repo_type: str) -> None:
    from huggingface_hub.utils import HFValidationError, validate_repo_id

    if repo_type not in REPO_TYPES:
        raise CacheError(
            _("repo type {repo_type} is not one of {repo_types}.").format(
                repo_type=repr(repo_type), repo_types=", ".join(REPO_TYPES)
            )
        )
    try:
        validate_repo_id(repo_id)
    except HFValidationError as error:
        raise CacheError(
            _("{repo_id} is not a valid repo id ({error}). Use ORG/NAME, e.g. google-bert/bert-base-cased.").format(
                repo_id=repr(repo_id), error=error
            )
        ) from None


def validate_refs(refs: Iterable[str]) -> None:
    """Refuse ref names git would refuse (git check-ref-format, one-level names such as `main` allowed), and two
    refs of which one would be a folder holding the other (`v1` and `v1/rc`)."""
    refs = list(refs)
    for ref in refs:
        if problem := _ref_name_problem(ref):
            raise CacheError(
                _(
                    "ref {ref} is not a valid ref name ({problem}): use a branch or tag name such as 'main' or 'v1.0'."
                ).format(ref=repr(ref), problem=problem)
            )
    for ref in refs:
        if clash := next((other for other in refs if other.startswith(ref + "/")), None):
            raise CacheError(
                _(
                    "refs {ref} and {clash} cannot both exist: refs/{ref_name} would be a file and a folder. Drop "
                    "one of them."
                ).format(ref=repr(ref), clash=repr(clash), ref_name=ref)
            )


def _ref_name_problem(ref: str) -> str | None:
    if not ref:
        return _("it is empty")
    if not is_utf8(ref):
        return _("it is not UTF-8")
    if ref == "@":
        return _("'@' alone means HEAD")
    if ref.startswith("/") or ref.endswith("/") or ref.endswith("."):
        return _("it starts or ends with '/', or ends with '.'")
    if forbidden := _REF_FORBIDDEN.search(ref):
        return _("git refuses {group} in a ref name").format(group=repr(forbidden.group()))
    if any(part.startswith(".") or part.endswith(".lock") for part in ref.split("/")):
        return _("a part of it starts with '.' or ends with '.lock'")
    if any(len(part.encode()) > 255 for part in ref.split("/")):
        return _("a part of it is longer than 255 bytes")
    return None


def is_utf8(text: str) -> bool:
    """False for names holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def commit_hash(files: list[CachedFile], message: str) -> str:
    """A real git commit hash over the repo's tree (LFS files as their pointers)."""
    blobs: dict[str, tuple[str, str]] = {}
    for item in files:
        blob_id = git_blob_sha1_bytes(lfs_pointer(item.blob, item.size)) if item.is_lfs else item.blob
        blobs[item.path] = ("100644", blob_id)
    tree = _tree_hash(blobs)
    body = f"tree {tree}\nauthor {_COMMITTER}\ncommitter {_COMMITTER}\n\n{message}\n".encode()
    return hashlib.sha1(f"commit {len(body)}\0".encode() + body).hexdigest()


def _tree_hash(entries: dict[str, tuple[str, str]]) -> str:
    children: dict[str, dict[str, tuple[str, str]]] = {}
    items: list[tuple[str, str, str]] = []  # (name, mode, hex)
    for path, entry in entries.items():
        head, __, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = entry
        else:
            items.append((head, *entry))
    items += [(name, "40000", _tree_hash(sub)) for name, sub in children.items()]
    # git sorts tree entries by name, with directories compared as if they ended in "/".
    items.sort(key=lambda item: item[0] + ("/" if item[1] == "40000" else ""))
    body = b"".join(f"{mode} {name}\0".encode() + bytes.fromhex(hexsha) for name, mode, hexsha in items)
    return hashlib.sha1(f"tree {len(body)}\0".encode() + body).hexdigest()


def import_lock_path(cache_dir: Path, repo_folder: str) -> Path:
    """The lock every import of a repo holds while it writes."""
    return Path(cache_dir) / ".locks" / f"{repo_folder}.import.lock"


def import_running(cache_dir: Path, repo_folder: str) -> bool:
    """Whether an import of the repo holds its lock now. Without flock (Windows) it cannot tell, and says False."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        descriptor = os.open(import_lock_path(cache_dir, repo_folder), os.O_RDONLY)
    except OSError:
        return False  # no lock file: no import has run, so none runs now
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)  # also releases the shared lock, if it was taken
    return False
