"""The lesson scripts train for real, alone and under torchrun; replicas of a DDP run end identical."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from safetensors.torch import load_file

from hfcourse.launch import run_script
from tests.conftest import REPO

TINY = ("--train-rows", "64", "--eval-rows", "32", "--epochs", "1", "--batch-size", "8")


def test_sst5_loop_under_torchrun_ends_with_identical_replicas(tmp_path: Path) -> None:
    output = run_script("scripts/train_sst5.py", *TINY, "--save-rank-weights", str(tmp_path), processes=2)
    assert "2 process(es) on cpu, 4 steps per epoch each" in output
    assert output.count("epoch 1:") == 1, "only rank 0 prints"
    rank0, rank1 = (load_file(tmp_path / f"rank-{rank}.safetensors") for rank in (0, 1))
    assert rank0.keys() == rank1.keys()
    assert all((rank0[name] == rank1[name]).all() for name in rank0)

    from transformers import AutoModelForSequenceClassification

    start = AutoModelForSequenceClassification.from_pretrained("cardiffnlp/twitter-roberta-base-sentiment")
    body, prefix = start.base_model.state_dict(), start.base_model_prefix
    assert all((rank0[f"{prefix}.{name}"] == tensor).all() for name, tensor in body.items()), (
        "the frozen body must not move"
    )
    assert rank0["classifier.out_proj.weight"].shape == (5, start.config.hidden_size), "re-headed for 5 labels"


def test_sst5_loop_in_one_process_learns_and_saves_the_best_model(tmp_path: Path) -> None:
    output = run_script("scripts/train_sst5.py", *TINY, "--output-dir", str(tmp_path))
    assert "1 process(es) on cpu, 8 steps per epoch each" in output
    assert "test accuracy with the best weights:" in output
    assert {"config.json", "model.safetensors"} <= {p.name for p in tmp_path.iterdir()}


def _script_module(name: str) -> ModuleType:
    """A lesson script imported as a module, to call its option parser without starting a run."""
    spec = importlib.util.spec_from_file_location(f"lesson_script_{name}", REPO / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    "script, options, message",
    [
        ("train_sst5", ("--lr", "fast"), "invalid float value: 'fast'"),
        ("train_sst5", ("--epochs", "0"), "--epochs must be positive"),
        ("train_sst5", ("--warmup-ratio", "1.5"), "--warmup-ratio must be in [0, 1)"),
        ("train_sst5", ("--weight-decay", "-0.1"), "--weight-decay must be 0 or more"),
        ("train_sst5", ("--device", "tpu"), "invalid choice: 'tpu'"),
        ("train_mrpc", ("--max-length", "0"), "--max-length must be positive"),
        ("train_mrpc", ("--train-rows", "-1"), "--train-rows must be 0 (all) or more"),
        ("train_mrpc", ("--batch-size", "eight"), "invalid int value: 'eight'"),
    ],
)
def test_scripts_refuse_bad_options_with_a_clear_message(
    script: str, options: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        _script_module(script).parse_options(list(options))
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("script", ["train_sst5", "train_mrpc"])
def test_a_bad_option_on_the_command_line_exits_2_before_training(script: str) -> None:
    result = subprocess.run(
        [sys.executable, f"scripts/{script}.py", "--epochs", "-1"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "--epochs must be positive, got -1" in result.stderr
    assert "Traceback" not in result.stderr


def test_trainer_script_runs_under_torchrun_and_its_replicas_end_identical() -> None:
    output = run_script(
        "scripts/train_mrpc.py", "--train-rows", "64", "--eval-rows", "32", "--batch-size", "8", processes=2
    )
    assert "2 process(es), 8 rows per process per step, 4 optimizer steps" in output
    assert "the 2 replicas end with identical weights: True" in output
    assert "validation accuracy" in output


def test_trainer_script_runs_in_one_process_without_torchrun() -> None:
    output = run_script("scripts/train_mrpc.py", "--train-rows", "32", "--eval-rows", "16", "--batch-size", "8")
    assert "1 process(es), 8 rows per process per step, 4 optimizer steps" in output
    assert "replicas" not in output
    assert "validation accuracy" in output
