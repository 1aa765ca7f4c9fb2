"""Metric scripts (declared in `catalog.py`) placed where `evaluate`'s downloader would have saved them, so
`evaluate.load` works offline."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from hfcourse.hub.catalog import METRICS

METRICS_DIR = Path(__file__).parent / "metrics"
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
    for metric in METRICS:
        url = script_url(metric.name)
        shutil.copyfile(
            METRICS_DIR / f"{metric.name}.py", downloads / f"{hashlib.sha256(url.encode()).hexdigest()}.py"
        )
        facts.append({"name": metric.name, "real": metric.real_metric, "source": metric.source})
    return facts
