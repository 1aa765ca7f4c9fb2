"""The README's measured numbers, rendered from the results file: `python -m hfcourse.dev.results render|check|time`.

- `render`: rewrite the README's "Measured" section from `benchmarks/measured.md` (a template) filled with
  `benchmarks/results.json` (what lessons and benchmarks recorded) and the shipped weights' manifest (what
  `hfcourse hub train` measured).
- `check`: fail if the README's section is not what `render` would write, or if a lesson's stored outputs and the
  results file come from different runs (both refuse to render then).
- `time GROUP NAME -- COMMAND...`: run COMMAND and record its wall time in seconds as GROUP.NAME.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from string import Formatter
from typing import Any

from hfcourse._files import atomic_write, readable_size
from hfcourse.display import APPROXIMATE
from hfcourse.measured import RESULTS_ENV, read_results, record

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
TEMPLATE = REPO / "benchmarks" / "measured.md"
RESULTS = REPO / "benchmarks" / "results.json"
WEIGHTS = REPO / "hfcourse" / "hub" / "weights"
NOTEBOOKS = REPO / "notebooks"
RECAP_HEADER = "Measured in this lesson"  # the first line `hfcourse.measured.recap` prints
BEGIN = "<!-- measured: rendered by `make readme` from benchmarks/results.json; edit benchmarks/measured.md -->"
END = "<!-- end of measured -->"


def hub_training(weights: Path = WEIGHTS) -> dict[str, Any]:
    """What `hfcourse hub train` measured, from the shipped manifest: its time, the shipped size, each score."""
    manifest = json.loads((weights / "manifest.json").read_text(encoding="utf-8"))
    values: dict[str, Any] = {
        "training_seconds": sum(manifest["training_seconds"].values()),
        "shipped_size": readable_size(sum(p.stat().st_size for p in weights.rglob("*") if p.is_file())),
    }
    for name, stand_in in manifest["stand_ins"].items():
        values[f"{name}_score"] = stand_in["facts"]["score"]
    return values


def fields(template: str) -> list[str]:
    """The `{group[name]}` fields a template uses, in order."""
    return [field for _, field, _, _ in Formatter().parse(template) if field]


def rendered_section(template: str, results: dict[str, dict], hub: dict[str, Any]) -> str:
    """The template filled in; a field with no recorded value is an error that names the command to run."""
    groups: dict[str, dict[str, Any]] = {
        group: {**entry["values"], "measured_on": entry["measured_on"]} for group, entry in results.items()
    }
    groups["hub_training"] = hub
    for field in fields(template):
        group, _, rest = field.partition("[")
        name = rest.rstrip("]")
        if name not in groups.get(group, {}):
            raise KeyError(
                f"{TEMPLATE.name} uses {field}, which {RESULTS.name} does not hold: run the lesson or benchmark "
                f"that records group {group!r} (`make measure` runs them all)"
            )
    return template.format_map(groups).strip()


def readme_with(section: str, readme: str) -> str:
    """`readme` with the text between the markers replaced by `section`."""
    try:
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
    except ValueError:
        raise ValueError(f"README.md lacks the markers {BEGIN!r} and {END!r} around its measured numbers") from None
    return f"{head}{BEGIN}\n{section}\n{END}{tail}"


def stored_recap(notebook: Path) -> dict[str, float] | None:
    """What a lesson's stored "What this lesson measured" cell printed, `{name: value}`; None without such a cell."""
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", ""))
            if text.startswith(RECAP_HEADER):
                lines = [line.rsplit(APPROXIMATE, 1) for line in text.splitlines()[1:] if APPROXIMATE in line]
                return {name.strip().replace(" ", "_"): float(value) for name, value in lines}
    return None


def drift(results: dict[str, dict], notebooks: Path = NOTEBOOKS) -> list[str]:
    """Where a lesson's stored outputs and the results file disagree: they come from different runs (a lesson
    executed without recording, or recorded and then executed again), so the README would quote numbers the
    lesson does not show. Empty when every lesson agrees."""
    problems = []
    for notebook in sorted(notebooks.glob("[0-9][0-9]_*.ipynb")):
        group = f"lesson{notebook.name[:2]}"
        printed = stored_recap(notebook)
        recorded = results.get(group, {}).get("values")
        if printed is None or recorded is None:
            if printed is not None:
                problems.append(f"{notebook.name} prints what it measured, but {RESULTS.name} has no group {group}")
            continue
        differing = sorted(
            name
            for name in printed.keys() | recorded.keys()
            if abs(printed.get(name, -1) - recorded.get(name, 1)) > 0.0051
        )
        if differing:
            shown = ", ".join(
                f"{name}: stored {printed.get(name)}, recorded {recorded.get(name)}" for name in differing
            )
            problems.append(f"{notebook.name} and {RESULTS.name} disagree ({shown})")
    return problems


def expected_readme() -> str:
    problems = drift(read_results(RESULTS))
    if problems:
        raise ValueError(
            "; ".join(problems) + ". Re-execute the lesson with its numbers recorded (`make notebooks`), so that the "
            "README quotes what the lesson shows."
        )
    section = rendered_section(TEMPLATE.read_text(encoding="utf-8"), read_results(RESULTS), hub_training())
    return readme_with(section, README.read_text(encoding="utf-8"))


def timed_command(group: str, name: str, command: list[str]) -> int:
    """Run `command`; if it succeeds, record its wall time as `group.name` (in the configured results file)."""
    os.environ.setdefault(RESULTS_ENV, str(RESULTS))
    started = time.perf_counter()
    returncode = subprocess.call(command)
    if returncode == 0:
        record(group, {name: round(time.perf_counter() - started, 1)})
    return returncode


def main(argv: list[str]) -> int:
    if argv[:1] == ["render"]:
        atomic_write(README, expected_readme().encode())
        print(f"rendered the measured numbers into {README.name}")
        return 0
    if argv[:1] == ["check"]:
        try:
            expected = expected_readme()
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
        if expected != README.read_text(encoding="utf-8"):
            print("README.md's measured numbers are not the recorded ones: run `make readme`", file=sys.stderr)
            return 1
        return 0
    if argv[:1] == ["time"] and len(argv) >= 5 and argv[3] == "--":
        return timed_command(argv[1], argv[2], argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
