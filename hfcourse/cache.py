"""Lay a folder of files into the standard Hugging Face cache, exactly as huggingface_hub would.

    <cache>/models--ORG--NAME/blobs/<hash>                 file bytes; git blob sha1, or sha256 for LFS files
    <cache>/models--ORG--NAME/snapshots/<commit>/<path>    relative symlink into blobs/ (a copy if symlinks fail)
    <cache>/models--ORG--NAME/refs/<ref>                   the commit, no trailing newline

An import refuses bad input with one sentence before writing anything. Every file is written under a temporary
name (`.hfcourse-<pid>-<hex>.tmp`) and renamed into place; a new snapshot folder is filled under such a name
too, so it appears whole. An import that fails removes its temporary files and new blobs; the next import
sweeps what a killed one left. Imports of one repo hold `.locks/<repo>.import.lock`, which is how `verify`
tells an import in progress from temporary files an interrupted one left behind.
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import io
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

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
_TEMPORARY = re.compile(r"\.hfcourse-[0-9]+-[0-9a-f]{8}\.tmp")
# What git check-ref-format refuses anywhere in a ref name: control characters and space, ~ ^ : ? * [ \, "..", "@{", "//".
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
_SKIPPED = (".git", ".cache")  # git's own files and huggingface_hub's local-dir metadata, not files of the repo
# How os.symlink fails where a system or file system makes no symbolic links (copies stand in for them there).
_NO_SYMLINK_ERRNOS = (None, errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS)
_NO_SYMLINK_WINERROR = 1314  # Windows without Developer Mode: "a required privilege is not held"
_WRITE_ADVICE = {
    errno.ENOSPC: "free some disk space", errno.EDQUOT: "free some space in your disk quota",
    errno.EFBIG: "raise the file-size limit (ulimit -f)", errno.EROFS: "pass a --cache-dir on a writable disk",
    errno.EACCES: "make the cache folder writable, or pass another --cache-dir",
    errno.EPERM: "make the cache folder writable, or pass another --cache-dir",
}
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


def validate_refs(refs: Iterable[str]) -> None:
    """Refuse ref names git would refuse (git check-ref-format, one-level names such as `main` allowed), and two
    refs of which one would be a folder holding the other (`v1` and `v1/rc`)."""
    refs = list(refs)
    for ref in refs:
        if problem := _ref_name_problem(ref):
            raise CacheError(f"ref {ref!r} is not a valid ref name ({problem}): use a branch or tag name such as 'main' or 'v1.0'.")
    for ref in refs:
        if clash := next((other for other in refs if other.startswith(ref + "/")), None):
            raise CacheError(f"refs {ref!r} and {clash!r} cannot both exist: refs/{ref} would be a file and a folder. Drop one of them.")


def _ref_name_problem(ref: str) -> str | None:
    if not ref:
        return "it is empty"
    if not _is_utf8(ref):
        return "it is not UTF-8"
    if ref == "@":
        return "'@' alone means HEAD"
    if ref.startswith("/") or ref.endswith("/") or ref.endswith("."):
        return "it starts or ends with '/', or ends with '.'"
    if forbidden := _REF_FORBIDDEN.search(ref):
        return f"git refuses {forbidden.group()!r} in a ref name"
    if any(part.startswith(".") or part.endswith(".lock") for part in ref.split("/")):
        return "a part of it starts with '.' or ends with '.lock'"
    if any(len(part.encode()) > 255 for part in ref.split("/")):
        return "a part of it is longer than 255 bytes"
    return None


def commit_hash(files: list[CachedFile], message: str) -> str:
    """A real git commit hash over the repo's tree (LFS files as their pointers)."""
    blobs: dict[str, tuple[str, str]] = {}
    for item in files:
        blob_id = git_blob_sha1_bytes(lfs_pointer(item.blob, item.size)) if item.is_lfs else item.blob
        blobs[item.path] = ("100644", blob_id)
    tree = _tree_hash(blobs)
    body = f"tree {tree}\nauthor {_COMMITTER}\ncommitter {_COMMITTER}\n\n{message}\n".encode()
    return hashlib.sha1(f"commit {len(body)}\0".encode() + body).hexdigest()


def content_hashes(data_path: Path) -> tuple[str, str]:
    """(git blob sha1, sha256) of a file, read once: the two names a blob of these bytes can have."""
    with data_path.open("rb", buffering=0) as stream:
        size = os.fstat(stream.fileno()).st_size
        sha1, sha256 = hashlib.sha1(f"blob {size}\0".encode()), hashlib.sha256()
        _pump(stream, (sha1, sha256))
    return sha1.hexdigest(), sha256.hexdigest()


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
    """(repo path, file) for every file under `folder`, sorted; `.git` and `.cache` folders are not part of a repo.

    Refuses, naming the file, whatever would otherwise be left out or break the import: a folder or file that
    cannot be read, a link that leaves `folder`, dangles, loops or names a folder, a FIFO or other special file,
    and a name that is not UTF-8 or holds a backslash or control character.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CacheError(f"{folder} is not a folder: pass the folder that holds the downloaded files.")
    root = Path(os.path.realpath(folder))
    found: list[tuple[str, Path]] = []
    pending = [(folder, "")]
    while pending:
        directory, prefix = pending.pop()
        for entry in _entries(directory):
            if entry.name in _SKIPPED:
                continue
            path, relative = Path(entry.path), prefix + entry.name
            _check_file_name(path, entry.name)
            if entry.is_dir(follow_symlinks=False):
                pending.append((path, relative + "/"))
                continue
            if entry.is_symlink():
                _check_link(path, folder, root)
            elif not entry.is_file(follow_symlinks=False):
                raise CacheError(f"{path} is not a regular file (a FIFO, socket or device): remove it from the folder.")
            _check_readable(path)
            found.append((relative, path))
    if not found:
        raise CacheError(f"{folder} holds no files: nothing to import.")
    return sorted(found)


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        raise CacheError(f"cannot read the folder {directory} ({error.strerror}): make it readable (chmod u+rx), "
                         "or move it out of the folder you import.") from None


def _check_file_name(path: Path, name: str) -> None:
    if not _is_utf8(name):
        raise CacheError(f"the name of {str(path)!a} is not UTF-8: rename it (the Hub and huggingface_hub need UTF-8 names).")
    if "\\" in name:
        raise CacheError(f"{path}: a file name with a backslash cannot be stored (Windows reads it as a folder separator): rename it.")
    if any(ord(character) < 32 or character == "\x7f" for character in name):
        raise CacheError(f"{str(path)!a}: the name holds a control character (a newline, a tab...): rename it.")


def _check_link(link: Path, folder: Path, root: Path) -> None:
    """Refuse a link in the source that cannot stand for a file of the repo."""
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CacheError(f"{link} is a link that loops back on itself: remove it, or replace it with the file.") from None
        if isinstance(error, (FileNotFoundError, NotADirectoryError)):
            raise CacheError(f"{link} is a dangling link (to {os.readlink(link)}, which does not exist): remove it, or copy the file in.") from None
        raise CacheError(f"cannot follow the link {link} ({error.strerror}): replace it with the file.") from None
    if not target.is_relative_to(root):
        raise CacheError(f"{link} links outside {folder}: copy the file in instead of linking it.")
    if target.is_dir():
        raise CacheError(f"{link} links to a folder: copy the folder in instead of linking it.")
    if not target.is_file():
        raise CacheError(f"{link} links to {target}, which is not a regular file: remove the link.")


def _check_readable(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as error:
        raise CacheError(f"cannot read {path} ({error.strerror}): make it readable (chmod u+r), or move it out of the folder.") from None


def _is_utf8(text: str) -> bool:
    """False for names holding bytes that are not UTF-8 (Python keeps them as lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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


def is_temporary(name: str) -> bool:
    """Whether a file or folder name is one an import writes before renaming it into place."""
    return _TEMPORARY.fullmatch(name) is not None


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

    Returns the snapshot folder. Bad input is refused with a CacheError before anything is written. Files are
    hashed under the lock, and hashed again as they are copied: a file that changes meanwhile is refused, never
    stored under the wrong name. Running it again with the same files changes nothing. `hardlink=True` links
    blobs to the source files instead of copying them (for sources nobody edits; their modes are left alone, and
    a file that not everyone may read is copied instead).
    """
    from filelock import FileLock

    validate_repo(repo_id, repo_type)
    if revision is not None and not _HEX40.fullmatch(revision):
        raise CacheError(f"revision {revision!r} is not a 40-character lowercase hex commit hash.")
    validate_refs(refs)
    folder, cache_dir = Path(folder), Path(cache_dir)
    _refuse_cache_inside(folder, cache_dir)
    sources = [(repo_path(relative), path) for relative, path in source_files(folder)]
    repo_dir = cache_dir / repo_folder_name(repo_id, repo_type)
    _refuse_long_paths(repo_dir, [relative for relative, _ in sources])
    lock_path = import_lock_path(cache_dir, repo_dir.name)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path)):
            return _import_locked(sources, repo_dir, revision, refs, message or f"{repo_id}: course hub stand-in", hardlink)
    except OSError as error:
        raise CacheError(_write_failure(error)) from None


def _refuse_cache_inside(folder: Path, cache_dir: Path) -> None:
    if cache_dir.exists() and not cache_dir.is_dir():
        raise CacheError(f"the cache dir {cache_dir} is a file: pass a folder (or a path that does not exist yet).")
    root, cache = os.path.realpath(folder), os.path.realpath(cache_dir)
    if Path(cache).is_relative_to(root):
        raise CacheError(f"the cache dir {cache_dir} is inside {folder}, the folder being imported: pass a --cache-dir outside it.")


def _refuse_long_paths(repo_dir: Path, paths: list[str]) -> None:
    limit = _path_max()
    snapshot = os.path.abspath(repo_dir / "snapshots" / ("0" * 40))
    longest = max(paths, key=lambda path: len(path.encode()))
    if len(os.fsencode(os.path.join(snapshot, longest))) >= limit:
        raise CacheError(f"{longest} would have a path longer than the system allows ({limit} bytes) in the cache: "
                         "pass a shorter --cache-dir, or shorten the folder names.")


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):
        return 4096


def _import_locked(sources: list[tuple[str, Path]], repo_dir: Path, revision: str | None, refs: tuple[str, ...],
                   message: str, hardlink: bool) -> Path:
    """The import proper, under the repo's lock: what an earlier import left half-done is swept away first."""
    _sweep_temporaries(repo_dir)
    files = [_describe(relative, path) for relative, path in sources]  # hashed now: a change made while waiting is seen
    commit = revision or commit_hash(files, message)
    snapshot = repo_dir / "snapshots" / commit
    _refuse_clashes(snapshot, [item.path for item in files], "file", "pass another --revision")
    _refuse_clashes(repo_dir / "refs", refs, "ref", "pick another ref name")
    written: list[Path] = []
    try:
        for item, (_, path) in zip(files, sources, strict=True):
            if blob := _store_blob(path, item, repo_dir / "blobs", hardlink):
                written.append(blob)
        _store_snapshot(snapshot, files)
    except BaseException:
        for blob in written:  # a failed import leaves no blob of its own behind
            blob.unlink(missing_ok=True)
        raise
    for ref in refs:
        ref_path = repo_dir / "refs" / ref
        if not ref_path.is_file() or ref_path.read_bytes() != commit.encode():
            atomic_write(ref_path, commit.encode())
    return snapshot


def _describe(relative: str, path: Path) -> CachedFile:
    try:
        stream = path.open("rb", buffering=0)
    except OSError as error:
        raise CacheError(f"cannot read {path} ({error.strerror}): make it readable (chmod u+r), or move it out of the folder.") from None
    with stream:
        return _hash_stream(relative, stream, path)


def _hash_stream(relative: str, stream: io.RawIOBase, source: Path, sink: BinaryIO | None = None) -> CachedFile:
    """What `stream` holds, named by the rule for `relative` from the bytes read (and written to `sink`) now."""
    size = os.fstat(stream.fileno()).st_size
    lfs = is_lfs(relative, size)
    digest = hashlib.sha256() if lfs else hashlib.sha1(f"blob {size}\0".encode())
    if _pump(stream, (digest,), sink) != size:
        raise _changed(source)
    return CachedFile(relative, digest.hexdigest(), lfs, size)


def _pump(stream: io.RawIOBase, digests: Iterable[hashlib._Hash], sink: BinaryIO | None = None) -> int:
    """Read `stream` to its end into every digest (and `sink`); return how many bytes it held."""
    buffer = bytearray(_CHUNK)
    view, total = memoryview(buffer), 0
    while count := stream.readinto(buffer):
        for digest in digests:
            digest.update(view[:count])
        if sink is not None:
            sink.write(view[:count])
        total += count
    return total


def _changed(source: Path) -> CacheError:
    return CacheError(f"{source} changed while it was being imported: import again once nothing writes to it.")


def _store_blob(source: Path, item: CachedFile, blobs: Path, hardlink: bool) -> Path | None:
    """Put `source` into blobs/ under its hash unless a blob of that name and size is there; the new blob, if any."""
    blob = blobs / item.blob
    if blob.is_file() and not blob.is_symlink() and blob.stat().st_size == item.size:
        return None
    blobs.mkdir(parents=True, exist_ok=True)
    with _temporary(blobs) as temporary:
        stored = _hard_link(source, temporary, item.path) if hardlink and _world_readable(source) else None
        if stored is None:
            stored = _copy(source, temporary, item.path)
        if stored != item:
            raise _changed(source)
        os.replace(temporary, blob)
    return blob


def _world_readable(path: Path) -> bool:
    return path.stat().st_mode & 0o444 == 0o444


def _hard_link(source: Path, destination: Path, relative: str) -> CachedFile | None:
    """Hard-link `source` to `destination` and hash what it holds; None where hard links are not possible."""
    try:
        os.link(os.path.realpath(source), destination)  # link(2) on Linux would link a symlink itself, not its file
    except OSError:  # another file system, or one without hard links
        return None
    with destination.open("rb", buffering=0) as stream:
        return _hash_stream(relative, stream, source)


def _copy(source: Path, destination: Path, relative: str) -> CachedFile:
    """Copy `source` to the new file `destination`, hashing the bytes as they are copied; world-readable."""
    with source.open("rb", buffering=0) as stream, destination.open("xb") as sink:
        stored = _hash_stream(relative, stream, source, sink)
    os.chmod(destination, 0o644)  # blobs are world-readable, as huggingface_hub writes them
    return stored


def _store_snapshot(snapshot: Path, files: list[CachedFile]) -> None:
    """Link every file into the snapshot. A new snapshot is filled under a temporary name, then renamed: it appears whole."""
    if snapshot.is_dir():
        _fill_snapshot(snapshot, snapshot, files)
        return
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(snapshot.parent) as staging:
        staging.mkdir()
        _fill_snapshot(staging, snapshot, files)
        os.rename(staging, snapshot)


def _fill_snapshot(folder: Path, snapshot: Path, files: list[CachedFile]) -> None:
    blobs = snapshot.parent.parent / "blobs"
    for item in files:
        _link(folder / item.path, os.path.relpath(blobs / item.blob, (snapshot / item.path).parent))


def _link(link: Path, target: str) -> None:
    """A relative symlink `link` -> `target`, replaced atomically; a copy of the target where symlinks are unavailable."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(link.parent) as temporary:
        try:
            os.symlink(target, temporary)
        except OSError as error:  # e.g. Windows without Developer Mode: huggingface_hub copies too
            if error.errno not in _NO_SYMLINK_ERRNOS and getattr(error, "winerror", None) != _NO_SYMLINK_WINERROR:
                raise
            shutil.copyfile(link.parent / target, temporary)
            os.chmod(temporary, 0o644)
        os.replace(temporary, link)


def _refuse_clashes(folder: Path, names: Iterable[str], kind: str, advice: str) -> None:
    """Refuse a name that needs a folder where `folder` holds a file or a link (a link could lead out of the
    cache), or that needs a file where it holds a folder."""
    for name in names:
        path = folder / name
        above = [path.parents[depth] for depth in range(len(PurePosixPath(name).parts) - 1)]
        if blocker := next((parent for parent in above if parent.is_symlink() or (parent.exists() and not parent.is_dir())), None):
            raise CacheError(f"{blocker} is a file or a link, so {kind} {name!r} cannot be written under it: {advice}, or delete it.")
        if path.is_dir() and not path.is_symlink():
            raise CacheError(f"{path} is a folder, so {kind} {name!r} cannot be written there: {advice}, or delete it.")


def _sweep_temporaries(repo_dir: Path) -> None:
    """Remove temporary files that an interrupted import left (killed, disk full). Callers hold the repo's lock."""
    for folder in (repo_dir / "blobs", repo_dir / "snapshots", repo_dir / "refs"):
        for directory, folders, names in os.walk(folder):
            for name in [*names, *folders]:
                if is_temporary(name):
                    _remove(Path(directory) / name)
            folders[:] = [name for name in folders if not is_temporary(name)]


@contextmanager
def _temporary(folder: Path) -> Iterator[Path]:
    """A fresh name in `folder`, short whatever the final name's length; whatever is left under it is removed."""
    path = folder / f".hfcourse-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        yield path
    finally:
        _remove(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_failure(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    advice = _WRITE_ADVICE.get(error.errno or 0, "fix that")
    return f"the import stopped: {error.strerror or error}{where}. No half-written file was left in the cache; {advice} and import again."


def atomic_write(destination: Path, data: bytes) -> None:
    """Write `data` to `destination` (world-readable) through a temporary file and a rename: readers see old or new."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with _temporary(destination.parent) as temporary:
        with temporary.open("xb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)
