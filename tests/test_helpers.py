"""Unit tests of the small helpers the lessons call."""

from __future__ import annotations

from pathlib import Path

import pytest

from hfcourse.display import expect_error, rounded
from hfcourse.padding import EpochCost, epoch_cost_table, forward_epoch
from tests.conftest import REPO


def test_rounded_reaches_into_nested_results() -> None:
    import numpy as np

    value = [{"label": "POSITIVE", "score": 0.98765, "extra": (np.float32(0.12345), 3)}]
    assert rounded(value) == [{"label": "POSITIVE", "score": 0.988, "extra": (0.123, 3)}]


def test_expect_error_prints_the_expected_error_and_refuses_success(capsys: pytest.CaptureFixture[str]) -> None:
    with expect_error(KeyError):
        {}["missing"]
    assert capsys.readouterr().out == "KeyError (as expected): 'missing'\n"
    with pytest.raises(AssertionError, match="ran without error"):
        with expect_error(KeyError):
            pass
    with pytest.raises(ValueError):
        with expect_error(KeyError):
            raise ValueError("another error is not swallowed")


def test_expect_error_shows_every_line_of_the_message_with_short_paths(capsys: pytest.CaptureFixture[str]) -> None:
    site = "/opt/env/lib/python3.11/site-packages/torch/nn/modules/module.py"
    message = (
        f"Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight.\n\n\tSee {site} or {Path.home()}/x."
    )
    with expect_error(RuntimeError):
        raise RuntimeError(message)
    assert capsys.readouterr().out == (
        "RuntimeError (as expected): Error(s) in loading state_dict for Linear:\n"
        "    size mismatch for weight.\n"
        "    See .../site-packages/torch/nn/modules/module.py or ~/x.\n"
    )


def test_a_long_error_message_is_cut_and_says_how_much_was_left_out() -> None:
    from hfcourse.display import readable_error_lines

    lines = readable_error_lines("\n".join(f"line {i}" for i in range(20)), limit=5)
    assert lines == ["line 0", "line 1", "line 2", "line 3", "... (16 more lines)"]


def test_token_chips_mark_pieces_specials_and_padding(offline_hub: Path) -> None:
    from transformers import AutoTokenizer

    from hfcourse.tokens import show_tokens

    tokenizer = AutoTokenizer.from_pretrained("google-bert/bert-base-uncased")
    view = show_tokens(tokenizer, tokenizer(["HuggingFace rocks", "Hi"], padding=True))
    kinds = [[chip.kind for chip in row] for row in view.rows]
    assert kinds[0] == ["special", "word", "piece", "word", "special"]
    assert kinds[1] == ["special", "word", "special", "padding", "padding"]
    assert repr(view).splitlines()[1] == "[CLS] hi [SEP] ·[PAD] ·[PAD]"
    assert view._repr_html_().count("<span title=") == 10


def test_forward_epoch_counts_positions_and_padding_exactly() -> None:
    import torch

    class Recorder(torch.nn.Module):
        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> None:
            self.seen = input_ids.shape

    batches = [
        {
            "input_ids": torch.ones(2, 3),
            "attention_mask": torch.tensor([[1, 1, 1], [1, 0, 0]]),
            "labels": torch.tensor([0, 1]),
        }
    ]
    cost = forward_epoch(Recorder(), batches, "demo")
    assert (cost.batches, cost.positions, cost.padding) == (1, 6, 2)


def test_epoch_cost_table_reports_exact_counts_and_marks_times_as_measured() -> None:
    table = epoch_cost_table(EpochCost("fixed", 2, 1000, 600, 2.0), EpochCost("dynamic", 2, 400, 0, 1.0))
    assert "dynamic: 2.50x fewer positions, 2.0x (measured) faster than fixed" in table
    assert "60%" in table and "s (measured)" in table


def test_plot_log_history_draws_losses_by_optimizer_step() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from hfcourse.curves import plot_log_history

    history = [
        {"loss": 0.7, "step": 5, "epoch": 0.5},
        {"eval_loss": 0.65, "step": 10, "epoch": 1.0},
        {"loss": 0.6, "step": 10, "epoch": 1.0},
        {"eval_loss": 0.55, "step": 20, "epoch": 2.0},
        {"train_runtime": 1.0, "step": 20, "epoch": 2.0},
    ]
    figure = plot_log_history({"run": history})
    train_axis, eval_axis = figure.axes
    assert list(train_axis.lines[0].get_xdata()) == [5, 10] and list(train_axis.lines[0].get_ydata()) == [0.7, 0.6]
    assert list(eval_axis.lines[0].get_xdata()) == [10, 20] and list(eval_axis.lines[0].get_ydata()) == [0.65, 0.55]
    assert eval_axis.get_xlabel() == "optimizer step"
    with pytest.raises(ValueError, match="set logging_steps and eval_strategy"):
        plot_log_history({"empty": [{"train_runtime": 1.0, "step": 20}]})


def test_plot_learning_rates_marks_the_end_of_warmup() -> None:
    import matplotlib

    matplotlib.use("Agg")
    from hfcourse.curves import plot_learning_rates

    figure = plot_learning_rates([0.0, 0.5, 1.0, 0.5, 0.0], warmup_steps=2)
    (axis,) = figure.axes
    rates, warmup_line = axis.lines
    assert list(rates.get_ydata()) == [0.0, 0.5, 1.0, 0.5, 0.0]
    assert list(warmup_line.get_xdata()) == [2, 2]
    assert "step 2" in warmup_line.get_label()


def test_approx_marks_a_machine_dependent_number_that_the_sanitizer_hides() -> None:
    import re

    from nbval.plugin import get_sanitize_patterns

    from hfcourse.display import approx

    shown = f"loss {approx(0.6249)}, accuracy {approx(0.75, 3)}, steps 30"
    assert shown == "loss ≈0.62, accuracy ≈0.750, steps 30"
    rules = get_sanitize_patterns((REPO / "tests" / "sanitize.cfg").read_text(encoding="ascii"))  # as nbval reads it

    def sanitized(text: str) -> str:
        for regex, replace in rules:
            text = re.sub(regex, replace, text)
        return text

    assert sanitized(shown) == sanitized("loss ≈0.59, accuracy ≈0.745, steps 30")
    assert sanitized(shown) != sanitized("loss ≈0.59, accuracy ≈0.745, steps 31")  # plain numbers are compared
