"""Lay a folder of files into the standard Hugging Face cache, exactly as huggingface_hub would."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from hfcourse._files import atomic_write, is_temporary, pump, remove, temporary_path
from hfcourse.hfcache.layout import (
    HEX40,
    CachedFile,
    CacheError,
    commit_hash,
    import_lock_path,
    is_lfs,
    is_utf8,
    repo_folder_name,
    validate_refs,
    validate_repo,
)
from hfcourse.i18n import N_, _

_SKIPPED = (".git", ".cache")  # git's own files and huggingface_hub's local-dir metadata, not files of the repo
# How os.symlink fails where a system or file system makes no symbolic links (copies stand in for them there).
_NO_SYMLINK_ERRNOS = (None, errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS)
_NO_SYMLINK_WINERROR = 1314  # Windows without Developer Mode: "a required privilege is not held"
_WRITE_ADVICE = {
    errno.ENOSPC: N_("free some disk space"),
    errno.EDQUOT: N_("free some space in your disk quota"),
    errno.EFBIG: N_("raise the file-size limit (ulimit -f)"),
    errno.EROFS: N_("pass a --cache-dir on a writable disk"),
    errno.EACCES: N_("make the cache folder writable, or pass another --cache-dir"),
    errno.EPERM: N_("make the cache folder writable, or pass another --cache-dir"),
}


def repo_path(name: str) -> str:
    """`name`, checked to be a plain relative path that stays inside the repo folder."""
    if not name:
        raise CacheError(_("a file name is empty: every file needs a path inside the repo, such as 'config.json'."))
    posix = PurePosixPath(name.replace("\\", "/"))
    if posix.is_absolute() or PureWindowsPath(name).drive or ".." in posix.parts:
        raise CacheError(
            _(
                "file name {name} would land outside the repo folder: use a plain relative path such as 'config.json'."
            ).format(name=repr(name))
        )
    if str(posix) != name.replace("\\", "/"):
        raise CacheError(
            _("file name {name} is not a normalised relative path: write it as {posix}.").format(
                name=repr(name), posix=repr(str(posix))
            )
        )
    return name


def source_files(folder: Path) -> list[tuple[str, Path]]:
    """(repo path, file) for every file under `folder`, sorted; `.git` and `.cache` folders are not part of a repo.

    Refuses, naming the file, whatever would otherwise be left out or break the import: a folder or file that
    cannot be read, a link that leaves `folder`, dangles, loops or names a folder, a FIFO or other special file,
    and a name that is not UTF-8 or holds a backslash or control character.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CacheError(
            _("{folder} is not a folder: pass the folder that holds the downloaded files.").format(folder=folder)
        )
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
                raise CacheError(
                    _("{path} is not a regular file (a FIFO, socket or device): remove it from the folder.").format(
                        path=path
                    )
                )
            _check_readable(path)
            found.append((relative, path))
    if not found:
        raise CacheError(_("{folder} holds no files: nothing to import.").format(folder=folder))
    return sorted(found)


def _entries(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except OSError as error:
        raise CacheError(
            _(
                "cannot read the folder {directory} ({strerror}): make it readable (chmod u+rx), or move "
                "it out of the folder you import."
            ).format(directory=directory, strerror=error.strerror)
        ) from None


def _check_file_name(path: Path, name: str) -> None:
    if not is_utf8(name):
        raise CacheError(
            _("the name of {path} is not UTF-8: rename it (the Hub and huggingface_hub need UTF-8 names).").format(
                path=ascii(str(path))
            )
        )
    if "\\" in name:
        raise CacheError(
            _(
                "{path}: a file name with a backslash cannot be stored (Windows reads it as a folder "
                "separator): rename it."
            ).format(path=path)
        )
    if any(ord(character) < 32 or character == "\x7f" for character in name):
        raise CacheError(
            _("{path}: the name holds a control character (a newline, a tab...): rename it.").format(
                path=ascii(str(path))
            )
        )


def _check_link(link: Path, folder: Path, root: Path) -> None:
    """Refuse a link in the source that cannot stand for a file of the repo."""
    try:
        target = Path(os.path.realpath(link, strict=True))
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise CacheError(
                _("{link} is a link that loops back on itself: remove it, or replace it with the file.").format(
                    link=link
                )
            ) from None
        if isinstance(error, (FileNotFoundError, NotADirectoryError)):
            raise CacheError(
                _(
                    "{link} is a dangling link (to {target}, which does not exist): remove it, or copy the file in."
                ).format(link=link, target=os.readlink(link))
            ) from None
        raise CacheError(
            _("cannot follow the link {link} ({strerror}): replace it with the file.").format(
                link=link, strerror=error.strerror
            )
        ) from None
    if not target.is_relative_to(root):
        raise CacheError(
            _("{link} links outside {folder}: copy the file in instead of linking it.").format(
                link=link, folder=folder
            )
        )
    if target.is_dir():
        raise CacheError(_("{link} links to a folder: copy the folder in instead of linking it.").format(link=link))
    if not target.is_file():
        raise CacheError(
            _("{link} links to {target}, which is not a regular file: remove the link.").format(
                link=link, target=target
            )
        )


def _check_readable(path: Path) -> None:
    try:
        os.close(os.open(path, os.O_RDONLY))
    except OSError as error:
        raise CacheError(
            _("cannot read {path} ({strerror}): make it readable (chmod u+r), or move it out of the folder.").format(
                path=path, strerror=error.strerror
            )
        ) from None


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

    Every file is written under a temporary name (`.hfcourse-<pid>-<hex>.tmp`) and renamed into place; a new
    snapshot folder is filled under such a name too, so it appears whole. An import that fails removes its
    temporary files and new blobs; the next import sweeps what a killed one left. Imports of one repo hold
    `.locks/<repo>.import.lock`, which is how `verify` tells an import in progress from temporary files an
    interrupted one left behind.
    """
    from filelock import FileLock

    validate_repo(repo_id, repo_type)
    if revision is not None and not HEX40.fullmatch(revision):
        raise CacheError(
            _("revision {revision} is not a 40-character lowercase hex commit hash.").format(revision=repr(revision))
        )
    validate_refs(refs)
    folder, cache_dir = Path(folder), Path(cache_dir)
    _refuse_cache_inside(folder, cache_dir)
    sources = [(repo_path(relative), path) for relative, path in source_files(folder)]
    repo_dir = cache_dir / repo_folder_name(repo_id, repo_type)
    _refuse_long_paths(repo_dir, [relative for relative, __ in sources])
    lock_path = import_lock_path(cache_dir, repo_dir.name)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(lock_path)):
            return _import_locked(
                sources, repo_dir, revision, refs, message or f"{repo_id}: course hub stand-in", hardlink
            )
    except OSError as error:
        raise CacheError(_write_failure(error)) from None


def _refuse_cache_inside(folder: Path, cache_dir: Path) -> None:
    if cache_dir.exists() and not cache_dir.is_dir():
        raise CacheError(
            _("the cache dir {cache_dir} is a file: pass a folder (or a path that does not exist yet).").format(
                cache_dir=cache_dir
            )
        )
    root, cache = os.path.realpath(folder), os.path.realpath(cache_dir)
    if Path(cache).is_relative_to(root):
        raise CacheError(
            _(
                "the cache dir {cache_dir} is inside {folder}, the folder being imported: pass a "
                "--cache-dir outside it."
            ).format(cache_dir=cache_dir, folder=folder)
        )


def _refuse_long_paths(repo_dir: Path, paths: list[str]) -> None:
    limit = _path_max()
    snapshot = os.path.abspath(repo_dir / "snapshots" / ("0" * 40))
    longest = max(paths, key=lambda path: len(path.encode()))
    if len(os.fsencode(os.path.join(snapshot, longest))) >= limit:
        raise CacheError(
            _(
                "{longest} would have a path longer than the system allows ({limit} bytes) in the cache: "
                "pass a shorter --cache-dir, or shorten the folder names."
            ).format(longest=longest, limit=limit)
        )


def _path_max() -> int:
    try:
        return os.pathconf("/", "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):
        return 4096


def _import_locked(
    sources: list[tuple[str, Path]],
    repo_dir: Path,
    revision: str | None,
    refs: tuple[str, ...],
    message: str,
    hardlink: bool,
) -> Path:
    """The import proper, under the repo's lock: what an earlier import left half-done is swept away first."""
    _sweep_temporaries(repo_dir)
    files = [
        _describe(relative, path) for relative, path in sources
    ]  # hashed now: a change made while waiting is seen
    commit = revision or commit_hash(files, message)
    snapshot = repo_dir / "snapshots" / commit
    _refuse_clashes(snapshot, [item.path for item in files], _("file"), _("pass another --revision"))
    _refuse_clashes(repo_dir / "refs", refs, _("ref"), _("pick another ref name"))
    written: list[Path] = []
    try:
        for item, (__, path) in zip(files, sources, strict=True):
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
        raise CacheError(
            _("cannot read {path} ({strerror}): make it readable (chmod u+r), or move it out of the folder.").format(
                path=path, strerror=error.strerror
            )
        ) from None
    with stream:
        return _hash_stream(relative, stream, path)


def _hash_stream(relative: str, stream: io.RawIOBase, source: Path, sink: BinaryIO | None = None) -> CachedFile:
    """What `stream` holds, named by the rule for `relative` from the bytes read (and written to `sink`) now."""
    size = os.fstat(stream.fileno()).st_size
    lfs = is_lfs(relative, size)
    digest = hashlib.sha256() if lfs else hashlib.sha1(f"blob {size}\0".encode())
    if pump(stream, (digest,), sink) != size:
        raise _changed(source)
    return CachedFile(relative, digest.hexdigest(), lfs, size)


def _changed(source: Path) -> CacheError:
    return CacheError(
        _("{source} changed while it was being imported: import again once nothing writes to it.").format(
            source=source
        )
    )


def _store_blob(source: Path, item: CachedFile, blobs: Path, hardlink: bool) -> Path | None:
    """Put `source` into blobs/ under its hash unless a blob of that name and size is there; the new blob, if any."""
    blob = blobs / item.blob
    if blob.is_file() and not blob.is_symlink() and blob.stat().st_size == item.size:
        return None
    blobs.mkdir(parents=True, exist_ok=True)
    with temporary_path(blobs) as temporary:
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
    """Link every file into the snapshot. A new snapshot is filled under a temporary name, then renamed: it appears
    whole."""
    if snapshot.is_dir():
        _fill_snapshot(snapshot, snapshot, files)
        return
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    with temporary_path(snapshot.parent) as staging:
        staging.mkdir()
        _fill_snapshot(staging, snapshot, files)
        os.rename(staging, snapshot)


def _fill_snapshot(folder: Path, snapshot: Path, files: list[CachedFile]) -> None:
    blobs = snapshot.parent.parent / "blobs"
    for item in files:
        _link(folder / item.path, os.path.relpath(blobs / item.blob, (snapshot / item.path).parent))


def _link(link: Path, target: str) -> None:
    """A relative symlink `link` -> `target`, replaced atomically; a copy of the target where symlinks are
    unavailable."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    link.parent.mkdir(parents=True, exist_ok=True)
    with temporary_path(link.parent) as temporary:
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
        if blocker := next(
            (parent for parent in above if parent.is_symlink() or (parent.exists() and not parent.is_dir())), None
        ):
            raise CacheError(
                _(
                    "{blocker} is a file or a link, so {kind} {name} cannot be written under it: {advice}, or "
                    "delete it."
                ).format(blocker=blocker, kind=kind, name=repr(name), advice=advice)
            )
        if path.is_dir() and not path.is_symlink():
            raise CacheError(
                _("{path} is a folder, so {kind} {name} cannot be written there: {advice}, or delete it.").format(
                    path=path, kind=kind, name=repr(name), advice=advice
                )
            )


def _sweep_temporaries(repo_dir: Path) -> None:
    """Remove temporary files that an interrupted import left (killed, disk full). Callers hold the repo's lock."""
    for folder in (repo_dir / "blobs", repo_dir / "snapshots", repo_dir / "refs"):
        for directory, folders, names in os.walk(folder):
            for name in [*names, *folders]:
                if is_temporary(name):
                    remove(Path(directory) / name)
            folders[:] = [name for name in folders if not is_temporary(name)]


def _write_failure(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    advice = _(_WRITE_ADVICE.get(error.errno or 0, N_("fix that")))
    return _(
        "the import stopped: {reason}{where}. No half-written file was left in the cache; {advice} and import again."
    ).format(reason=error.strerror or error, where=where, advice=advice)
