"""Trainer callbacks for the lessons: the Trainer's progress as a bar in JupyterLab."""

from __future__ import annotations

from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from hfcourse.progress import ProgressBar


class TrainingProgress(TrainerCallback):
    """Bars for the optimizer steps (with the last logged loss) and for each evaluation's batches.

    The Trainer's own progress display (`disable_tqdm=False`) saves a table with timings in the notebook; these
    bars are drawn in JupyterLab only and leave nothing in the saved outputs (see `hfcourse.progress`).

    Introduced in lesson 5.
    """

    def __init__(self) -> None:
        self.training: ProgressBar | None = None
        self.evaluating: ProgressBar | None = None

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        self.training = ProgressBar(state.max_steps, "training", unit="steps")

    def on_step_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if self.training is not None:
            self.training.update(state.global_step)

    def on_log(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        logs: dict[str, float] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.training is not None and logs and "loss" in logs:
            self.training.update(state.global_step, note=f"loss {logs['loss']:.3f}")

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if self.training is not None:
            self.training.close()
            self.training = None

    def on_prediction_step(
        self,
        args: TrainingArguments,
        state: TrainerState,
        control: TrainerControl,
        eval_dataloader: Any = None,
        **kwargs: Any,
    ) -> None:
        if self.evaluating is None:
            batches = len(eval_dataloader) if hasattr(eval_dataloader, "__len__") else 0
            self.evaluating = ProgressBar(batches, "evaluating", unit="batches")
        self.evaluating.update(self.evaluating.count + 1)

    def on_evaluate(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        self._close_evaluation()

    def on_predict(self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any) -> None:
        self._close_evaluation()

    def _close_evaluation(self) -> None:
        if self.evaluating is not None:
            self.evaluating.close()
            self.evaluating = None
