"""The low-level file helpers: sha256 of a file, writes that land whole, byte sizes as people read them."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from hfcourse._files import atomic_write, is_temporary, readable_size, sha256_file, temporary_path


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000
    (tmp_path / "blob").write_bytes(data)
    assert sha256_file(tmp_path / "blob") == hashlib.sha256(data).hexdigest()


def test_atomic_write_replaces_the_file_world_readable_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "file.json"
    atomic_write(target, b"old")
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(path.name for path in target.parent.iterdir()) == ["file.json"]


def test_temporary_names_are_recognised_and_removed(tmp_path: Path) -> None:
    with temporary_path(tmp_path) as temporary:
        temporary.write_bytes(b"half")
        assert is_temporary(temporary.name) and not is_temporary("file.json")
    assert not temporary.exists()


def test_readable_size_uses_decimal_units() -> None:
    assert readable_size(0) == "0 B"
    assert readable_size(612) == "612 B"
    assert readable_size(1_234) == "1.2 kB"
    assert readable_size(999_949) == "999.9 kB"
    assert readable_size(91_489_000) == "91.5 MB"
    assert readable_size(3_200_000_000) == "3.2 GB"
    with pytest.raises(ValueError):
        readable_size(-1)
