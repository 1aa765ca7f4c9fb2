"""Metric scripts placed where `evaluate`'s downloader would have saved them, so `evaluate.load` works offline."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

METRICS_DIR = Path(__file__).parent / "metrics"
METRICS = ("accuracy", "f1", "glue")
EVALUATE_VERSION = "0.4.6"  # evaluate asks for the scripts at its own version's tag
HUB_URL = "https://huggingface.co/spaces/evaluate-metric/{name}/resolve/v{version}/{name}.py"


def script_url(name: str) -> str:
    """The address evaluate.load(name) downloads the metric script from."""
    return HUB_URL.format(name=name, version=EVALUATE_VERSION)


def install_metrics(hf_home: Path) -> list[dict[str, str]]:
    """Copy each metric script to `hf_home/evaluate/downloads/<sha256 of its URL>.py`."""
    downloads = hf_home / "evaluate" / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    facts = []
    for name in METRICS:
        url = script_url(name)
        shutil.copyfile(METRICS_DIR / f"{name}.py", downloads / f"{hashlib.sha256(url.encode()).hexdigest()}.py")
        facts.append(
            {
                "name": name,
                "real": f"evaluate-metric/{name}",
                "source": f"metric script written for the course ({name}.py, scikit-learn)",
            }
        )
    return facts
