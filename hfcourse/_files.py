"""Files hashed, written whole and sized: the low-level helpers the cache writer, hub builder and dev tools share."""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
_TEMPORARY = re.compile(r"\.hfcourse-[0-9]+-[0-9a-f]{8}\.tmp")


def sha256_file(path: Path) -> str:
    """The sha256 of a file (the blob name of an LFS file, the pin of a shipped asset), streamed."""
    with Path(path).open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def pump(stream: io.RawIOBase, digests: Iterable[hashlib._Hash], sink: BinaryIO | None = None) -> int:
    """Read `stream` to its end into every digest (and `sink`); return how many bytes it held."""
    buffer = bytearray(CHUNK)
    view, total = memoryview(buffer), 0
    while count := stream.readinto(buffer):
        for digest in digests:
            digest.update(view[:count])
        if sink is not None:
            sink.write(view[:count])
        total += count
    return total


def is_temporary(name: str) -> bool:
    """Whether a file or folder name is one `temporary_path` gives, written before being renamed into place."""
    return _TEMPORARY.fullmatch(name) is not None


@contextmanager
def temporary_path(folder: Path) -> Iterator[Path]:
    """A fresh name in `folder`, short whatever the final name's length; whatever is left under it is removed."""
    path = folder / f".hfcourse-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        yield path
    finally:
        remove(path)


def remove(path: Path) -> None:
    """Delete a file, link or folder if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def atomic_write(destination: Path, data: bytes) -> None:
    """Write `data` to `destination` (world-readable) through a temporary file and a rename: readers see old or new."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with temporary_path(destination.parent) as temporary:
        with temporary.open("xb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, destination)


def readable_size(n_bytes: int) -> str:
    """Bytes in decimal units with one decimal, as the Hub and file browsers show them: 612 B, 1.2 kB, 91.5 MB."""
    if n_bytes < 0:
        raise ValueError(f"a size cannot be negative: {n_bytes}")
    if n_bytes < 1000:
        return f"{n_bytes} B"
    value = n_bytes / 1000
    for unit in ("kB", "MB", "GB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
