"""The `hfcourse` command: build and inspect the offline course hub."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from hfcourse.paths import course_hub_home


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hfcourse", description="Tools for the hfcourse notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)
    hub = commands.add_parser("hub", help="the offline course hub").add_subparsers(dest="action", required=True)
    build = hub.add_parser("build", help="build the course hub if it is missing or stale")
    build.add_argument("--force", action="store_true", help="rebuild even if it is up to date")
    list_ = hub.add_parser("list", help="what stands in for each repo id")
    hub.add_parser("path", help="print where the course hub lives")
    for sub in (build, list_):
        sub.add_argument("--home", type=Path, default=None, help=f"the hub's folder (default: {course_hub_home()})")
    args = parser.parse_args(argv)

    if args.action == "build":
        from hfcourse.hub.build import build_hub

        build_hub(args.home, force=args.force, log=lambda line: print(line, flush=True))
    elif args.action == "list":
        from hfcourse.hub.build import load_manifest

        try:
            print(describe_hub(load_manifest(args.home)))
        except FileNotFoundError as error:
            print(error, file=sys.stderr)
            return 1
    else:
        print(course_hub_home())
    return 0


def describe_hub(manifest: dict) -> str:
    """The manifest as a learner reads it: each repo id and what honestly stands in for it."""
    wrap = lambda label, text: textwrap.fill(text, 100, initial_indent=f"  {label:<10}", subsequent_indent=" " * 12)
    blocks = ["MODELS (stand-ins under the real repo ids; online, the same code gets the real checkpoints)"]
    for model in manifest["models"]:
        names = f"  (also {', '.join(model['aliases'])})" if model["aliases"] else ""
        lines = [f"{model['repo_id']}{names}", wrap("real:", model["real"]),
                 wrap("stand-in:", f"{model['architecture']}, {model['parameters'] / 1e6:.1f}M parameters"),
                 wrap("source:", model["source"]), wrap("license:", model["license"])]
        if model["score"]:
            lines.append(wrap("measured:", model["score"]))
        blocks.append("\n".join(lines))
    blocks.append("DATASETS")
    for dataset in manifest["datasets"]:
        rows = ", ".join(f"{split} {count}" for split, count in dataset["rows"].items())
        blocks.append("\n".join([
            f"{' / '.join(dataset['names'])}  config {dataset['config']}", wrap("real:", dataset["real"]),
            wrap("stand-in:", dataset["source"]), wrap("rows:", rows), wrap("license:", dataset["license"]),
        ]))
    blocks.append("METRICS")
    blocks += [f"{metric['name']}: {metric['source']}" for metric in manifest["metrics"]]
    return "\n\n".join(blocks)


if __name__ == "__main__":
    raise SystemExit(main())
