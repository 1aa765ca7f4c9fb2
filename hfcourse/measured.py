"""What a lesson or a benchmark measured: shown to the learner, and kept in one results file for the README.

The README's "Measured" section is rendered from that file (`make readme`), so its numbers are the ones the
lessons and benchmarks printed, never copied by hand. Nothing is written unless `$HFCOURSE_RESULTS` names the
file: `make notebooks` and `make measure` set it; a learner's run only prints.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from hfcourse._files import atomic_write
from hfcourse.display import approx

RESULTS_ENV = "HFCOURSE_RESULTS"
Number = int | float


def machine() -> str:
    """The machine a number was measured on, as a reader compares machines: CPU model and core count."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def results_file() -> Path | None:
    """The results file that measurements go to, or None when nothing is to be recorded."""
    configured = os.environ.get(RESULTS_ENV)
    return Path(configured) if configured else None


def read_results(path: Path) -> dict[str, dict]:
    """The results file's groups, `{group: {"measured_on": ..., "values": {name: number}}}`; {} if absent."""
    if not path.exists():
        return {}
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}); restore it with `git checkout -- {path}`") from None
    if not isinstance(results, dict):
        raise ValueError(f"{path} should hold a JSON object of groups; restore it with `git checkout -- {path}`")
    return results


def record(group: str, values: Mapping[str, Number]) -> Path | None:
    """Merge `values` into `group` of the results file, if one is configured; return the file written.

    Introduced in lesson 4.
    """
    path = results_file()
    if path is None:
        return None
    if not group.isidentifier() or not all(name.isidentifier() for name in values):
        raise ValueError(f"group and value names must be identifiers (the README template uses them): {group!r}")
    results = read_results(path)
    entry = results.get(group, {"values": {}})
    entry["measured_on"] = machine()
    entry["values"] = {**entry["values"], **{name: round(float(value), 4) for name, value in values.items()}}
    results[group] = entry
    atomic_write(path, (json.dumps(dict(sorted(results.items())), indent=1, sort_keys=True) + "\n").encode())
    return path


def recap(group: str, **values: Number) -> None:
    """Print what a lesson measured, each number as ≈ (it depends on the machine), and record it.

    Introduced in lesson 4.
    """
    width = max(len(name) for name in values)
    print("Measured in this lesson (≈: depends on the machine):")
    for name, value in values.items():
        print(f"  {name.replace('_', ' '):<{width}}  {approx(value)}")
    record(group, values)
