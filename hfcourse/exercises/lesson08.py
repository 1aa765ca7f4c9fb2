"""Lesson 8's exercises: a file's blob found through refs and snapshots, blob names, and a child process that
downloads through the mirror."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.hfcache.layout import git_blob_sha1, git_blob_sha1_bytes, lfs_pointer
from hfcourse.i18n import L_, _

REPO_ID = "openai-community/gpt2"  # the repo whose blobs the first two exercises name
DOWNLOAD_REPO = "google-t5/t5-base"  # the repo the third exercise downloads through the mirror
OFFLINE_VALUES = ("1", "true", "yes", "on")
MANY_COMMITS_REPO = "course/six-commits"  # the repo of the small cache that the blob_path check builds


def _snapshot() -> Path:
    from hfcourse.hfcache.mirror import course_snapshot

    return course_snapshot(REPO_ID)


def _as_hex(answer: Any, length: int, what: str) -> str:
    if isinstance(answer, Path) or (isinstance(answer, str) and "/" in answer):
        raise Feedback(
            _("give the blob's file name ({length} hex characters), not a path; Path(p).name gives it.").format(
                length=length
            )
        )
    name = checks.text(answer, _("the blob name as a string"))
    if not re.fullmatch(r"[0-9a-f]+", name):
        raise Feedback(_("{what} is written in lowercase hex digits only (use .hexdigest()).").format(what=what))
    return name


def _check_blob_name(answer: Any) -> None:
    path = _snapshot() / "merges.txt"
    data = path.read_bytes()
    name = _as_hex(answer, 40, _("a blob name"))
    if name == hashlib.sha1(data).hexdigest():
        raise Feedback(
            _("that is the sha1 of the bytes alone: git hashes a header first, b'blob <size>\\0', then the bytes.")
        )
    if name == hashlib.sha1(f"blob {len(data)}".encode() + data).hexdigest():
        raise Feedback(_("close: the header ends with a NUL byte, b'blob %d\\0' % len(data)."))
    if name == hashlib.sha256(data).hexdigest():
        raise Feedback(
            _("sha256 names LFS files such as model.safetensors; merges.txt is a regular file: use git's blob sha1.")
        )
    if name == path.parent.name:
        raise Feedback(
            _("that is the commit (the snapshot folder's name, and what refs/main holds), not a blob name.")
        )
    if name != git_blob_sha1(path):
        raise Feedback(_("not the name of merges.txt's blob: sha1 of b'blob <size>\\0' followed by the file's bytes."))


def _check_lfs_blob_name(answer: Any) -> None:
    path = _snapshot() / "model.safetensors"
    data = path.read_bytes()
    name = _as_hex(answer, 64, _("a blob name"))
    digest = hashlib.sha256(data).hexdigest()
    if name == git_blob_sha1(path):
        raise Feedback(
            _(
                "that is the git blob rule, for regular files; weights are LFS files, named by the sha256 "
                "of their bytes."
            )
        )
    if name == git_blob_sha1_bytes(lfs_pointer(digest, len(data))):
        raise Feedback(
            _(
                "that is the git hash of the LFS pointer file (what the git repo stores); the cache names "
                "the blob by the bytes' sha256."
            )
        )
    if name == hashlib.sha256(lfs_pointer(digest, len(data))).hexdigest():
        raise Feedback(_("that is the sha256 of the pointer file; hash the weights' own bytes."))
    if name != digest:
        raise Feedback(
            _("not the blob name of model.safetensors: hashlib.sha256 of the file's bytes, as .hexdigest().")
        )


def _expected_blob(cache_dir: Path, repo_id: str, filename: str) -> Path | None:
    """huggingface_hub's own answer: the cached file `refs/main` leads to, followed to its blob; None if absent."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo_id, filename, cache_dir=cache_dir)
    return Path(found).resolve() if isinstance(found, str) else None


def _cache_with_six_commits(cache_dir: Path) -> Path:
    """A cache holding six commits of one repo, with `refs/main` on one that no naive pick of a snapshot finds
    (not the first or last listed, not the first or last sorted, not the newest)."""
    from hfcourse.hfcache.writer import import_folder

    commits = []
    for number in range(6):
        folder = cache_dir.parent / f"commit-{number}"
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({"commit_number": number}))
        commits.append(import_folder(folder, MANY_COMMITS_REPO, cache_dir, message=f"commit {number}").name)
    repo_dir = cache_dir / f"models--{MANY_COMMITS_REPO.replace('/', '--')}"
    listed = [path.name for path in (repo_dir / "snapshots").iterdir()]
    naive = {listed[0], listed[-1], min(commits), max(commits), commits[-1]}
    main = next(commit for commit in commits if commit not in naive)
    (repo_dir / "refs" / "main").write_text(main)  # 40 hex characters, no newline, as huggingface_hub writes it
    return repo_dir


def _run_blob_path(function: Callable[..., Any], cache_dir: Path, repo_id: str, filename: str) -> Path | None:
    call = _("your function, given ({repo_id}, {filename}),").format(repo_id=repr(repo_id), filename=repr(filename))
    try:
        result = function(cache_dir, repo_id, filename)
    except Exception as error:
        if _expected_blob(cache_dir, repo_id, filename) is None:
            raise Feedback(
                _(
                    "{call} raised {type}: {error}. When the cache does not hold the file, return None, as "
                    "huggingface_hub's try_to_load_from_cache does."
                ).format(call=call, type=type(error).__name__, error=error)
            ) from None
        raise Feedback(
            _("{call} raised {type}: {error}").format(call=call, type=type(error).__name__, error=error)
        ) from None
    if result is not None and not isinstance(result, str | Path):
        raise Feedback(
            _("{call} returned an object of type {type}: return a Path, or None when it is absent.").format(
                call=call, type=type(result).__name__
            )
        )
    return None if result is None else Path(result)


def _check_blob_path(answer: Any) -> None:
    from hfcourse.paths import course_hub_home

    if not callable(answer):
        raise Feedback(_("store the function itself in `answer` (answer = blob_path, without parentheses)."))
    hub = course_hub_home() / "hub"
    with tempfile.TemporaryDirectory(prefix="hfcourse-six-commits-") as scratch:
        six_commits = _cache_with_six_commits(Path(scratch) / "cache")
        cases = [
            (hub, REPO_ID, "config.json"),
            (hub, REPO_ID, "model.safetensors"),
            (hub, DOWNLOAD_REPO, "tokenizer.json"),
            (six_commits.parent, MANY_COMMITS_REPO, "config.json"),
            (hub, REPO_ID, "no-such-file.json"),
            (hub, "course/not-in-this-cache", "config.json"),
        ]
        for cache_dir, repo_id, filename in cases:
            expected = _expected_blob(cache_dir, repo_id, filename)
            result = _run_blob_path(answer, cache_dir, repo_id, filename)
            if expected is None:
                if result is not None:
                    raise Feedback(
                        _(
                            "the cache holds no {filename} for {repo_id}, yet your function returned a path: return "
                            "None then (check with .exists() or .is_file()), as try_to_load_from_cache does."
                        ).format(filename=filename, repo_id=repo_id)
                    )
                continue
            if result is None:
                raise Feedback(
                    _(
                        "your function found nothing for {repo_id}'s {filename}, which the cache holds. The repo's "
                        "folder is models--ORG--NAME (here {name}); refs/main names the snapshot."
                    ).format(repo_id=repo_id, filename=filename, name=expected.parents[1].name)
                )
            if result.resolve() != expected:
                if repo_id == MANY_COMMITS_REPO and result.resolve().parent == expected.parent:
                    raise Feedback(
                        _(
                            "in a cache with six commits of one repo you returned the blob of another commit: read "
                            "refs/main to know which snapshot folder is current; do not pick one from a listing."
                        )
                    )
                raise Feedback(
                    _("for {repo_id}'s {filename} that is not the blob huggingface_hub finds ({name}).").format(
                        repo_id=repo_id, filename=filename, name=expected.name
                    )
                )
            if result.parent.name != "blobs":
                raise Feedback(
                    _(
                        "that is the link in snapshots/<commit>/; return the blob in blobs/ that it leads to "
                        "(Path.resolve() follows the link)."
                    )
                )


def _check_mirror_env(answer: Any) -> None:
    from hfcourse.hfcache.mirror import current, error_line
    from hfcourse.paths import course_hub_home

    env = {str(key): value for key, value in checks.mapping(answer, _("a dict of environment variables")).items()}
    if not all(isinstance(value, str) for value in env.values()):
        raise Feedback(_("every value must be a string, as in os.environ (str(path) for a folder)."))
    if "HF-ENDPOINT" in env:
        raise Feedback(
            _("HF-ENDPOINT is the notes' name, and nothing reads it: the variable is HF_ENDPOINT, with an underscore.")
        )
    mirror = current()
    if mirror is None:
        raise Feedback(
            _(
                "no mirror is running in this kernel: run the cell that starts it (Mirror(...).start()), "
                "then check again."
            )
        )
    if "HF_ENDPOINT" not in env:
        raise Feedback(_("without HF_ENDPOINT the child asks huggingface.co: set it to mirror.url."))
    if env["HF_ENDPOINT"].rstrip("/") != mirror.url:
        raise Feedback(_("HF_ENDPOINT is not the running mirror's address: use mirror.url (http://127.0.0.1:PORT)."))
    if env.get("HF_HUB_OFFLINE", "").strip().lower() in OFFLINE_VALUES:
        raise Feedback(
            _(
                "HF_HUB_OFFLINE=1 (which setup() put in this kernel's environment) stops the child before "
                "it asks the mirror: drop it."
            )
        )
    if env.get("TRANSFORMERS_OFFLINE", "").strip().lower() in OFFLINE_VALUES:
        raise Feedback(
            _("TRANSFORMERS_OFFLINE=1 (also set by setup()) switches huggingface_hub offline as well: drop it too.")
        )
    hub = course_hub_home().resolve()
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if name in env and Path(env[name]).expanduser().resolve().is_relative_to(hub):
            raise Feedback(
                _(
                    "{name} (set by setup() in this kernel) still points at the course hub, and it wins over "
                    "HF_HOME: drop it."
                ).format(name=name)
            )
    if "HF_HOME" not in env:
        raise Feedback(
            _("set HF_HOME to a fresh folder (e.g. str(fresh_home)), so that you can watch that cache fill.")
        )
    home = Path(env["HF_HOME"]).expanduser().resolve()
    if home.is_relative_to(hub) or hub.is_relative_to(home):
        raise Feedback(_("HF_HOME is the course hub: download into a fresh folder, never into the course hub."))
    code = (
        "import json\nfrom huggingface_hub import hf_hub_download\n"
        f"print(json.dumps(hf_hub_download({DOWNLOAD_REPO!r}, 'config.json')))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        last = error_line(done.stderr) or _("exit status {code}").format(code=done.returncode)
        raise Feedback(
            _("a child process with this environment could not download {download_repo}'s config.json: {last}").format(
                download_repo=DOWNLOAD_REPO, last=last
            )
        )
    downloaded = Path(json.loads(done.stdout.strip().splitlines()[-1]))
    cache = Path(env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE") or home / "hub").expanduser().resolve()
    if not downloaded.resolve().is_relative_to(cache):
        raise Feedback(
            _("the file landed outside the cache you meant ({parent}): check HF_HOME and HF_HUB_CACHE.").format(
                parent=downloaded.parent
            )
        )


blob_path = Exercise(
    title=L_("find a file's blob, as huggingface_hub does"),
    task=L_(
        "Write a function blob_path(cache_dir, repo_id, filename) that uses pathlib to find the "
        "blob that holds `filename` of model repo `repo_id` in the cache at `cache_dir` (a Path): "
        "read refs/main, go to that snapshot folder, follow the file's link into blobs/. Return "
        "the blob's Path, or None when the cache does not hold the file. Store the function in "
        "`answer`. The check runs it on the course hub and on a cache with six commits of one "
        "repo, and compares with huggingface_hub's own answer (try_to_load_from_cache)."
    ),
    check=_check_blob_path,
    hint=L_(
        "repo_dir = Path(cache_dir) / ('models--' + repo_id.replace('/', '--')); the commit is "
        "(repo_dir / 'refs' / 'main').read_text(); the link is repo_dir / 'snapshots' / commit / "
        "filename; link.resolve() is the blob."
    ),
    solution="""
    from pathlib import Path


    def blob_path(cache_dir, repo_id, filename):
        repo_dir = Path(cache_dir) / ("models--" + repo_id.replace("/", "--"))
        ref = repo_dir / "refs" / "main"
        if not ref.is_file():
            return None
        link = repo_dir / "snapshots" / ref.read_text() / filename
        return link.resolve() if link.exists() else None


    answer = blob_path
    """,
)
blob_name = Exercise(
    title=L_("a blob's name, by the git rule"),
    task=L_(
        "With hashlib, compute the name under which the cache keeps {repo_id}'s merges.txt in "
        "blobs/ (a regular file, so git's blob hash) and store it in `answer` as a 40-character "
        "hex string. Check it against the link in the snapshot folder.",
        repo_id=REPO_ID,
    ),
    check=_check_blob_name,
    hint=L_(
        "git hashes a header and the bytes: data = path.read_bytes(); hashlib.sha1(b'blob %d\\0' % "
        "len(data) + data).hexdigest()."
    ),
    solution="""
    import hashlib
    data = (snapshot / "merges.txt").read_bytes()
    answer = hashlib.sha1(b"blob %d\\0" % len(data) + data).hexdigest()
    print(answer == os.path.basename(os.readlink(snapshot / "merges.txt")))
    """,
    uses=("snapshot", "os"),
)
lfs_blob_name = Exercise(
    title=L_("an LFS blob's name"),
    task=L_(
        "Store in `answer` the name of the blob that holds {repo_id}'s model.safetensors (an LFS "
        "file), computed from the file's bytes.",
        repo_id=REPO_ID,
    ),
    check=_check_lfs_blob_name,
    hint=L_("LFS files are named by the sha256 of their content: hashlib.sha256(path.read_bytes()).hexdigest()."),
    solution="""
    import hashlib
    answer = hashlib.sha256((snapshot / "model.safetensors").read_bytes()).hexdigest()
    """,
    uses=("snapshot",),
)
mirror_env = Exercise(
    title=L_("a child process that downloads through the mirror"),
    task=L_(
        "Build `answer`, the environment (a dict of strings) for a child Python that downloads "
        "{download_repo} through the running mirror into the empty folder `fresh_home`. Start from "
        "this kernel's os.environ, which setup() filled with offline settings. The check runs a "
        "child with exactly your dict.",
        download_repo=DOWNLOAD_REPO,
    ),
    check=_check_mirror_env,
    hint=L_(
        "copy os.environ without the variables that start with HF_, and without "
        "HUGGINGFACE_HUB_CACHE and TRANSFORMERS_OFFLINE (older names huggingface_hub still reads); "
        "then set HF_ENDPOINT=mirror.url and HF_HOME=str(fresh_home)."
    ),
    solution="""
    stale = ("HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_OFFLINE")
    answer = {k: v for k, v in os.environ.items() if not k.startswith("HF_") and k not in stale}
    answer.update(HF_ENDPOINT=mirror.url, HF_HOME=str(fresh_home))
    """,
    uses=("os", "mirror", "fresh_home"),
)
