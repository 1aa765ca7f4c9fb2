"""Lesson 6's exercises accept their solutions and answer typical mistakes with specific feedback."""

from __future__ import annotations

import pytest

from hfcourse.exercises import Exercise
from hfcourse.exercises import lesson06 as exercises
from tests.conftest import feedback, solve


@pytest.mark.parametrize(
    "exercise",
    [exercises.warmup_schedule, exercises.best_weights, exercises.sampler_shard, exercises.gradient_accumulation],
)
def test_solutions_pass(exercise: Exercise) -> None:
    assert exercise.evaluate(solve(exercise)) == (True, "Correct!")


def test_warmup_schedule_feedback() -> None:
    no_warmup = [1e-3 * (100 - step) / 100 for step in range(100)]
    assert "there is no warmup" in feedback(exercises.warmup_schedule, no_warmup)
    assert "one per optimizer step" in feedback(exercises.warmup_schedule, [0.0] * 99)
    wrong_total = [1e-3 * min(step / 10, (200 - step) / 190) for step in range(100)]
    assert "num_training_steps=100" in feedback(exercises.warmup_schedule, wrong_total)
    assert "list of numbers; you gave a float" in feedback(exercises.warmup_schedule, 1e-3)


def test_best_weights_feedback() -> None:
    assert "copy.deepcopy" in feedback(exercises.best_weights, lambda model: model.state_dict())
    assert "state_dict" in feedback(exercises.best_weights, lambda model: None)
    assert "function of the model; you gave a dict" in feedback(exercises.best_weights, {})


def test_sampler_shard_feedback() -> None:
    assert "rank 0" in feedback(exercises.sampler_shard, [0, 2, 4, 6, 8])
    assert "like cards" in feedback(exercises.sampler_shard, [5, 6, 7, 8, 9])
    assert "order is kept" in feedback(exercises.sampler_shard, [9, 7, 5, 3, 1])
    assert "list of row indices; you gave a str" in feedback(exercises.sampler_shard, "1, 3, 5, 7, 9")


def test_gradient_accumulation_feedback() -> None:
    exercise = exercises.gradient_accumulation

    def one_step_per_batch(model, optimizer, loader, accumulation_steps):
        exercises._plain_loop(model, optimizer, loader)

    def always_two(model, optimizer, loader, accumulation_steps):
        for i, batch in enumerate(loader):
            (model(**batch).loss / 2).backward()
            if (i + 1) % 2 == 0:
                optimizer.step()
                optimizer.zero_grad()

    def last_group_lost(model, optimizer, loader, accumulation_steps):
        batches = list(loader)[:-accumulation_steps]
        for i, batch in enumerate(batches):
            (model(**batch).loss / accumulation_steps).backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()

    def summed_not_averaged(model, optimizer, loader, accumulation_steps):
        for i, batch in enumerate(loader):
            (model(**batch).loss * accumulation_steps).backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()

    assert "took 8" in feedback(exercise, one_step_per_batch)
    assert "divide each batch's loss" in feedback(exercise, exercises._undivided)
    assert "clear the gradients after optimizer.step()" in feedback(exercise, exercises._cleared_every_batch)
    assert "call optimizer.zero_grad() after it" in feedback(exercise, exercises._never_cleared)
    assert "accumulation_steps=4" in feedback(exercise, always_two)
    assert "took 3" in feedback(exercise, last_group_lost)
    assert "the weights differ from one step per batch of 8 rows" in feedback(exercise, summed_not_averaged)
    assert "raised TypeError" in feedback(exercise, lambda model, optimizer, loader: None)
    assert "a function of (model, optimizer, loader, accumulation_steps); you gave an int" in feedback(exercise, 2)
