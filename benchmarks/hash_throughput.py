"""Blob hashing speed: hfcourse's streamed hashes against coreutils' sha256sum and sha1sum on one file.

    python benchmarks/hash_throughput.py [--mib 1024] [--repeats 3] [--dir /tmp]

Writes a file of random bytes (deleted at the end), reads it once so every tool finds it in the page cache,
then times each hash (best of --repeats) and prints MB/s, the ratio to the coreutils tool and the process's
peak resident memory before and after hashing: streaming keeps it flat whatever the file's size.
Exits 1 if a hash runs below 0.9x its coreutils counterpart.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from hfcourse._files import sha256_file
from hfcourse.hfcache.layout import git_blob_sha1
from hfcourse.measured import record

MIB = 1024 * 1024
THRESHOLD = 0.9


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_time(run: Callable[[], str], repeats: int) -> tuple[float, str]:
    """The fastest of `repeats` runs, and the digest it printed."""
    times, digest = [], ""
    for _ in range(repeats):
        started = time.perf_counter()
        digest = run()
        times.append(time.perf_counter() - started)
    return min(times), digest


def coreutils(tool: str, path: Path) -> Callable[[], str]:
    return lambda: subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout.split()[0]


def write_random_file(path: Path, mib: int) -> None:
    with path.open("wb") as out:
        for _ in range(mib):
            out.write(os.urandom(MIB))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB (default 1024 = 1 GiB)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each hash; the best counts")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()), help="where the temporary file goes")
    args = parser.parse_args()

    handle, name = tempfile.mkstemp(prefix="hash-throughput-", suffix=".bin", dir=args.dir)
    os.close(handle)
    path = Path(name)
    try:
        write_random_file(path, args.mib)
        coreutils("sha256sum", path)()  # warm the page cache: every run below reads from memory
        rss_before = peak_rss_mib()
        pairs = [
            ("sha256", coreutils("sha256sum", path), lambda: sha256_file(path)),
            ("sha1", coreutils("sha1sum", path), lambda: git_blob_sha1(path)),
        ]
        rows, slow, ratios = [], False, {}
        for kind, tool, ours in pairs:
            tool_time, tool_digest = best_time(tool, args.repeats)
            our_time, our_digest = best_time(ours, args.repeats)
            if kind == "sha256" and our_digest != tool_digest:
                raise SystemExit(f"sha256_file gave {our_digest}, sha256sum {tool_digest}: the hashes disagree")
            ratio = tool_time / our_time
            slow |= ratio < THRESHOLD
            ratios[f"{kind}_vs_{kind}sum"] = ratio
            name_tool, name_ours = f"{kind}sum", "sha256_file" if kind == "sha256" else "git_blob_sha1"
            rows.append((name_tool, path.stat().st_size / tool_time / 1e6, ""))
            rows.append(
                (
                    f"hfcourse {name_ours}",
                    path.stat().st_size / our_time / 1e6,
                    f"{ratio:.2f}x (measured) of {name_tool}",
                )
            )
        rss_after = peak_rss_mib()
    finally:
        path.unlink(missing_ok=True)

    print(
        f"{args.mib} MiB of random bytes in {args.dir}, best of {args.repeats} runs, page cache warm, "
        f"{os.cpu_count()} CPUs"
    )
    for label, rate, note in rows:
        print(f"  {label:<24} {rate:8.0f} MB/s (measured)  {note}")
    print(
        f"peak RSS {rss_before:.0f} MiB before hashing, {rss_after:.0f} MiB after hashing {args.mib} MiB"
        f" ({rss_after - rss_before:+.0f} MiB): memory stays flat"
    )
    print(f"{'FAIL: below' if slow else 'OK: every hash at or above'} {THRESHOLD}x of coreutils")
    record("hash_benchmark", {**ratios, "file_mib": args.mib, "rss_growth_mib": rss_after - rss_before})
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
