"""`hfcourse.setup()`: choose where the Hugging Face libraries get models and data from.

The libraries read their settings (endpoint, offline flag, cache folders) once, when
huggingface_hub is first imported, so setup must run before any Hugging Face import.
"""

from __future__ import annotations

import os
import sys
import threading
import urllib.error
import urllib.request
from enum import StrEnum
from pathlib import Path

from hfcourse.i18n import N_, _, set_language
from hfcourse.paths import course_hub_home, manifest_path
from hfcourse.progress import in_jupyter_kernel

MODE_ENV = "HFCOURSE_MODE"
DEFAULT_ENDPOINT = "https://huggingface.co"
PROBE_TIMEOUT_S = 3.0

# Stable output in every mode: no progress bars (but see `download_bars`), no telemetry. Warnings stay at the
# libraries' own default level ("warning"), set here so that every machine shows the same: several lessons are
# about what a warning says.
LESSON_ENV = {
    "TRANSFORMERS_VERBOSITY": "warning",
    "DATASETS_VERBOSITY": "warning",
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}
# The hub build and the mirror server, which teach nothing by their warnings: errors only.
QUIET_ENV = {**LESSON_ENV, "TRANSFORMERS_VERBOSITY": "error", "DATASETS_VERBOSITY": "error"}
OFFLINE_FLAGS = ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_EVALUATE_OFFLINE")
CACHE_VARS = ("HF_HOME", "HF_HUB_CACHE", "HF_DATASETS_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE")


class Mode(StrEnum):
    """Where models, datasets and metrics come from.

    Introduced in lesson 1.
    """

    ONLINE = "online"  # the real Hub
    MIRROR = "mirror"  # the real Hub's files through a mirror endpoint
    OFFLINE = "offline"  # the course hub: stand-ins under the real repo ids, no network

    def __str__(self) -> str:
        return self.value


class SetupError(RuntimeError):
    """setup() cannot do what was asked; the message says what to do instead."""


def setup(
    mode: str | Mode | None = None, endpoint: str | None = None, *, announce: bool = True, lang: str = "en"
) -> Mode:
    """Configure the Hugging Face libraries for this process (and the processes it starts); print how.

    `mode` (or `$HFCOURSE_MODE`) is "online", "mirror" or "offline"; left out, the endpoint
    is probed for at most 3 s and the course hub is used if it does not answer. The choice is exported
    as `$HFCOURSE_MODE`, so a script started from a lesson uses the same mode without probing again.
    `lang` is the language hfcourse prints in from now on: "en" or "zh-CN" (whatever the learner's locale).

    Introduced in lesson 1.
    """
    set_language(lang)
    requested = _requested_mode(mode)
    endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    if requested is None:
        if _reachable(endpoint, PROBE_TIMEOUT_S):
            chosen = Mode.ONLINE if endpoint == DEFAULT_ENDPOINT else Mode.MIRROR
            reason = _("{endpoint} answered").format(endpoint=endpoint)
        else:
            chosen = Mode.OFFLINE
            reason = _("{endpoint} did not answer within {seconds:g} s").format(
                endpoint=endpoint, seconds=PROBE_TIMEOUT_S
            )
    else:
        chosen, reason = requested, _("chosen by {chooser}").format(chooser="setup()" if mode else MODE_ENV)
    if chosen is Mode.MIRROR and endpoint == DEFAULT_ENDPOINT:
        raise SetupError(
            _(
                "Mirror mode needs the mirror's address: setup('mirror', endpoint='https://hf-mirror.com') "
                "or set HF_ENDPOINT before starting Jupyter."
            )
        )
    wanted = environment_for(chosen, endpoint, download_bars=in_jupyter_kernel())
    _refuse_if_configured_too_late(wanted)
    os.environ.update(wanted)
    os.environ[MODE_ENV] = chosen.value
    if announce:
        print(_(_MODE_LINES[chosen]).format(reason=reason, description=_describe(chosen, endpoint)))
    return chosen


def environment_for(mode: Mode, endpoint: str = DEFAULT_ENDPOINT, *, download_bars: bool = False) -> dict[str, str]:
    """The environment variables that put the Hugging Face libraries into `mode`.

    `download_bars` shows huggingface_hub's progress bars while it downloads (online and mirror modes; setup()
    asks for them in a Jupyter kernel, where they are widgets): a download can take minutes.
    """
    env = dict(LESSON_ENV)
    if mode is Mode.OFFLINE:
        home = _built_course_hub()
        env.update({flag: "1" for flag in OFFLINE_FLAGS})
        env.update(
            HF_HOME=str(home),
            HF_HUB_CACHE=str(home / "hub"),
            HUGGINGFACE_HUB_CACHE=str(home / "hub"),
            HF_DATASETS_CACHE=str(home / "datasets"),
        )
    else:
        env.update({flag: "0" for flag in OFFLINE_FLAGS})
        env["HF_ENDPOINT"] = endpoint
        if download_bars:
            env["HF_HUB_DISABLE_PROGRESS_BARS"] = "0"
    return env


def _requested_mode(mode: str | Mode | None) -> Mode | None:
    raw = mode if mode is not None else os.environ.get(MODE_ENV, "")
    raw = str(raw).strip().lower()
    if not raw or raw == "auto":
        return None
    try:
        return Mode(raw)
    except ValueError:
        choices = ", ".join(m.value for m in Mode)
        raise SetupError(
            _("Unknown mode {mode}: use one of {choices}, or leave {variable} unset to probe.").format(
                mode=repr(raw), choices=choices, variable=MODE_ENV
            )
        ) from None


def _built_course_hub() -> Path:
    home = course_hub_home()
    if not manifest_path(home).is_file():
        raise SetupError(
            _(
                "The offline course hub is not built at {home}. Build it with `hfcourse hub build` "
                "(or `make lab`), then run this cell again."
            ).format(home=home)
        )
    return home


def _reachable(endpoint: str, timeout: float) -> bool:
    """True when `endpoint` gives any HTTP answer within `timeout` seconds (DNS included)."""
    answered = threading.Event()

    def probe() -> None:
        try:
            urllib.request.urlopen(urllib.request.Request(endpoint, method="HEAD"), timeout=timeout)
            answered.set()
        except urllib.error.HTTPError:
            answered.set()  # an HTTP error status is still an answer
        except (OSError, ValueError):
            pass

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return answered.is_set()


def _refuse_if_configured_too_late(wanted: dict[str, str]) -> None:
    """Stop when huggingface_hub was imported with other settings: it never reads them again."""
    if "huggingface_hub" not in sys.modules:
        return
    from huggingface_hub import constants

    now = {
        "HF_ENDPOINT": constants.ENDPOINT.rstrip("/"),
        "HF_HUB_OFFLINE": "1" if constants.HF_HUB_OFFLINE else "0",
        "HF_HUB_CACHE": str(Path(constants.HF_HUB_CACHE).resolve()) if "HF_HUB_CACHE" in wanted else None,
    }
    differing = [
        _("{name}={value} (wanted {wanted})").format(name=name, value=now[name], wanted=wanted[name])
        for name in now
        if name in wanted and now[name] is not None and now[name] != wanted[name]
    ]
    if differing:
        raise SetupError(
            _(
                "huggingface_hub was imported before hfcourse.setup() and read its settings then: {settings}. "
                "Restart the kernel (Kernel > Restart) and run hfcourse.setup() first, before any "
                "transformers, datasets, evaluate or huggingface_hub import."
            ).format(settings=", ".join(differing))
        )


# The setup line, one per mode (so that a translation can say each its own way).
_MODE_LINES = {
    Mode.ONLINE: N_("hfcourse: online mode ({reason}): {description}"),
    Mode.MIRROR: N_("hfcourse: mirror mode ({reason}): {description}"),
    Mode.OFFLINE: N_("hfcourse: offline mode ({reason}): {description}"),
}


def _describe(mode: Mode, endpoint: str) -> str:
    if mode is Mode.OFFLINE:
        return _("the course hub, stand-ins under the real repo ids (see `hfcourse hub list`)")
    if mode is Mode.MIRROR:
        return _("the Hub's real checkpoints through {endpoint}").format(endpoint=endpoint)
    return _("the real checkpoints from {endpoint}").format(endpoint=endpoint)
