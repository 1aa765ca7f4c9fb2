"""Run a training script from a lesson, in one process or under torchrun, and show what it printed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_script(script: str, *args: str, processes: int = 1, threads_per_process: int | None = None) -> str:
    """Run `script` (a path inside the repo) with `python`, or with `torchrun` when `processes` > 1.

    Prints the command as one would type it, returns what the script printed on stdout (rank 0 prints,
    the others stay quiet) and raises with the end of stderr when it fails. The child inherits this
    process's environment, so it uses the same mode (online, mirror or the offline course hub).

    Introduced in lesson 5.
    """
    shown = ["torchrun", "--standalone", f"--nproc_per_node={processes}"] if processes > 1 else ["python"]
    launcher = [sys.executable, "-m", "torch.distributed.run", *shown[1:]] if processes > 1 else [sys.executable]
    env = dict(os.environ)
    threads = threads_per_process or max(1, (os.cpu_count() or 1) // processes)
    env["OMP_NUM_THREADS"] = str(threads)  # set it ourselves: torchrun warns when it has to choose
    print("$", shlex.join([*shown, script, *args]), flush=True)
    result = subprocess.run([*launcher, script, *args], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-25:])
        raise RuntimeError(f"{script} failed with exit code {result.returncode}:\n{tail}")
    return result.stdout
