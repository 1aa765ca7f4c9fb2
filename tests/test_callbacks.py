"""TrainingProgress follows the Trainer's events: optimizer steps with the last loss, then evaluation batches."""

from __future__ import annotations

from pathlib import Path

from hfcourse.callbacks import TrainingProgress


def test_the_bars_follow_steps_losses_and_evaluation_batches(tmp_path: Path) -> None:
    from torch.utils.data import DataLoader
    from transformers import TrainerControl, TrainerState, TrainingArguments

    args = TrainingArguments(str(tmp_path), report_to="none", use_cpu=True)
    state, control = TrainerState(max_steps=4), TrainerControl()
    progress = TrainingProgress()
    progress.on_train_begin(args, state, control)
    assert progress.training is not None and progress.training.total == 4
    for step in (1, 2):
        state.global_step = step
        progress.on_step_end(args, state, control)
    progress.on_log(args, state, control, logs={"loss": 0.6931, "learning_rate": 1e-4})
    assert progress.training.count == 2 and progress.training.status().endswith("loss 0.693")

    batches = DataLoader(list(range(6)), batch_size=2)
    for _ in batches:
        progress.on_prediction_step(args, state, control, eval_dataloader=batches)
    assert progress.evaluating is not None and (progress.evaluating.count, progress.evaluating.total) == (3, 3)
    progress.on_evaluate(args, state, control, metrics={"eval_loss": 0.5})
    assert progress.evaluating is None  # closed, and a new one starts at the next evaluation

    progress.on_train_end(args, state, control)
    assert progress.training is None
