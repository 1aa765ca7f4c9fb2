"""The `hfcourse` command: build and inspect the offline course hub; import, verify and draw a hub cache;
install the course's JupyterLab settings."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from hfcourse.hfcache.layout import REPO_TYPES
from hfcourse.i18n import _, language, language_from_environment
from hfcourse.paths import course_hub_home


def main(argv: list[str] | None = None) -> int:
    """Run the command; it speaks the language the locale variables ask for (LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."""
    with language(language_from_environment()):
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="hfcourse", description="Tools for the hfcourse notebooks.")
    commands = parser.add_subparsers(dest="command", required=True)
    hub = commands.add_parser("hub", help="the offline course hub").add_subparsers(dest="action", required=True)
    build = hub.add_parser("build", help="build the course hub if it is missing or stale")
    build.add_argument("--force", action="store_true", help="rebuild even if it is up to date")
    train = hub.add_parser(
        "train",
        help="(maintainers) train the stand-ins and ship their weights in hfcourse/hub/weights/",
        description="Train stand-ins once, seeded, and store what training made with a sha256 manifest. "
        "The result depends on the CPU: run it deliberately, then commit hfcourse/hub/weights/.",
    )
    train.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="a stand-in to retrain (repeatable; default: all)"
    )
    train.add_argument(
        "--reship",
        action="store_true",
        help="train nothing: ship the shipped stand-ins again, borrowing what the build now derives or shares",
    )
    list_ = hub.add_parser("list", help="what stands in for each repo id")
    hub.add_parser("path", help="print where the course hub lives")
    for sub in (build, list_):
        sub.add_argument("--home", type=Path, default=None, help=f"the hub's folder (default: {course_hub_home()})")
    _add_cache_commands(commands)
    lab_settings = commands.add_parser(
        "lab-settings",
        help="write the course's JupyterLab settings into this environment (make install runs it)",
        description="No news pop-up, and lessons that open unmodified: a JupyterLab settings override and a "
        "Jupyter server setting, written under this Python's prefix so that `jupyter lab` from it uses them.",
    )
    lab_settings.add_argument("--prefix", type=Path, default=None, help=f"where to write them (default: {sys.prefix})")
    args = parser.parse_args(argv)

    if args.command == "cache":
        return run_cache_command(args)
    if args.command == "lab-settings":
        from hfcourse.lab import install_settings

        for path in install_settings(args.prefix):
            print(_("wrote {path}").format(path=path))
        return 0
    if args.action == "train":
        from hfcourse.hub.shipped import ShippedWeightsError
        from hfcourse.hub.train import train_stand_ins

        try:
            train_stand_ins(args.only, log=lambda line: print(line, flush=True), reship=args.reship)
        except ShippedWeightsError as error:
            print(_("hfcourse hub train: error: {error}").format(error=error), file=sys.stderr)
            return 2
    elif args.action == "build":
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


def _add_cache_commands(commands: argparse._SubParsersAction) -> None:
    cache = commands.add_parser("cache", help="lay a folder into a Hugging Face cache, check a cache, draw a repo")
    actions = cache.add_subparsers(dest="action", required=True)
    import_ = actions.add_parser(
        "import", help="lay a downloaded folder into the cache as huggingface_hub would; prints the snapshot"
    )
    import_.add_argument("folder", type=Path, help="the folder that holds the repo's files")
    import_.add_argument("--repo-id", required=True, help="ORG/NAME, the id from_pretrained will be given")
    import_.add_argument(
        "--revision", default=None, help="the 40-hex commit (default: a git commit hash of the files)"
    )
    import_.add_argument(
        "--ref",
        action="append",
        dest="refs",
        default=None,
        metavar="REF",
        help="a ref that names the commit (default: main; repeatable)",
    )
    verify = actions.add_parser(
        "verify", help="hash every blob, resolve every link, read every ref; exit 1 on a problem"
    )
    verify.add_argument("repo", nargs="?", default=None, help="one repo id (default: every repo in the cache)")
    tree = actions.add_parser("tree", help="draw a repo's refs, blobs and snapshots")
    tree.add_argument("repo", help="the repo id, ORG/NAME")
    for sub in (import_, verify, tree):
        sub.add_argument("--repo-type", default="model", choices=REPO_TYPES, help="default: model")
        sub.add_argument(
            "--cache-dir",
            type=Path,
            default=None,
            help="the hub cache folder (default: $HF_HUB_CACHE, else ~/.cache/huggingface/hub)",
        )


def run_cache_command(args: argparse.Namespace) -> int:
    """`hfcourse cache ...`: 0 done (or healthy), 1 problems found by verify, 2 bad input (one line on stderr)."""
    from hfcourse.hfcache import inspect
    from hfcourse.hfcache.layout import CacheError
    from hfcourse.hfcache.writer import import_folder

    try:
        cache_dir = args.cache_dir if args.cache_dir is not None else inspect.default_cache_dir()
        if args.action == "import":
            refs = tuple(args.refs or ("main",))
            print(
                import_folder(
                    args.folder, args.repo_id, cache_dir, repo_type=args.repo_type, revision=args.revision, refs=refs
                )
            )
        elif args.action == "tree":
            print(inspect.tree(args.repo, args.repo_type, cache_dir))
        else:
            report = inspect.check(cache_dir, args.repo, args.repo_type)
            if not report.problems:
                print(_("OK: {repos} repos, {blobs} blobs verified").format(repos=report.repos, blobs=report.blobs))
                return 0
            # One form for every count, as before (English says "1 problems"; a plural form would change it).
            print(
                _("{count} problems in {cache_dir} ({repos} repos, {blobs} blobs checked):").format(
                    count=len(report.problems), cache_dir=cache_dir, repos=report.repos, blobs=report.blobs
                )
            )
            print("\n".join(f"{number}. {problem}" for number, problem in enumerate(report.problems, 1)))
            return 1
    except (CacheError, OSError) as error:
        message = " ".join(str(error).split())
        print(
            _("hfcourse cache {action}: error: {message}").format(action=args.action, message=message), file=sys.stderr
        )
        return 2
    return 0


def describe_hub(manifest: dict) -> str:
    """The manifest as a learner reads it: each repo id and what honestly stands in for it."""

    def wrap(label: str, text: str) -> str:
        return textwrap.fill(text, 100, initial_indent=f"  {label:<10}", subsequent_indent=" " * 12)

    blocks = ["MODELS (stand-ins under the real repo ids; online, the same code gets the real checkpoints)"]
    for model in manifest["models"]:
        names = f"  (also {', '.join(model['aliases'])})" if model["aliases"] else ""
        lines = [
            f"{model['repo_id']}{names}",
            wrap("real:", model["real"]),
            wrap(
                "stand-in:",
                f"{model['architecture']}, {model['parameters'] / 1e6:.1f}M parameters ({model['sizes']})",
            ),
            wrap("source:", model["source"]),
            wrap("license:", model["license"]),
        ]
        if model["score"]:
            lines.append(wrap("measured:", model["score"]))
        blocks.append("\n".join(lines))
    blocks.append("DATASETS")
    for dataset in manifest["datasets"]:
        rows = ", ".join(f"{split} {count}" for split, count in dataset["rows"].items())
        blocks.append(
            "\n".join(
                [
                    f"{' / '.join(dataset['names'])}  config {dataset['config']}",
                    wrap("real:", dataset["real"]),
                    wrap("stand-in:", dataset["source"]),
                    wrap("rows:", rows),
                    wrap("license:", dataset["license"]),
                ]
            )
        )
    blocks.append("METRICS")
    blocks += [f"{metric['name']}: {metric['source']}" for metric in manifest["metrics"]]
    return "\n\n".join(blocks)


if __name__ == "__main__":
    raise SystemExit(main())
