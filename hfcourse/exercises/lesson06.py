"""Lesson 6's exercises: the warmup schedule, keeping the best weights, and how DistributedSampler shards."""

from __future__ import annotations

from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback


def _check_schedule(answer: Any) -> None:
    rates = checks.numbers(answer, "a list of numbers")
    if len(rates) != 100:
        raise Feedback(f"{len(rates)} rates; there should be one per optimizer step, 100 in all.")
    if abs(rates[0] - 1e-3) < 1e-12:
        raise Feedback("the first step already uses the full rate: there is no warmup. Pass num_warmup_steps=10.")
    if rates[0] != 0.0 or abs(rates[10] - 1e-3) > 1e-12:
        raise Feedback(
            f"the rate should climb from 0 to 1e-3 over the first 10 steps; it is {rates[0]:.2g} at step 0 "
            f"and {rates[10]:.2g} at step 10."
        )
    if abs(rates[55] - 5e-4) > 1e-12:
        raise Feedback(
            f"after the warmup the rate should fall in a straight line to 0 at step 100; at step 55 it is "
            f"{rates[55]:.3g}, not 5e-4. Did you pass num_training_steps=100?"
        )


def _check_snapshot(answer: Any) -> None:
    import torch

    model = torch.nn.Linear(3, 2)
    snapshot = checks.function(answer, "a function of the model")(model)
    if not isinstance(snapshot, dict) or "weight" not in snapshot:
        raise Feedback("it should return the model's state_dict (a dict of names to tensors), copied.")
    before = snapshot["weight"].clone()
    with torch.no_grad():
        model.weight.add_(1.0)  # what an optimizer step does: change the parameters in place
    if not torch.equal(snapshot["weight"], before):
        raise Feedback(
            "the snapshot changed when the model trained: state_dict() returns the model's own tensors. "
            "Copy them with copy.deepcopy."
        )
    if torch.equal(snapshot["weight"], model.weight):
        raise Feedback("the snapshot already equals the changed weights: take it before training continues.")


def _check_shard(answer: Any) -> None:
    indices = checks.integers(answer, "a list of row indices")
    if indices == [0, 2, 4, 6, 8]:
        raise Feedback("those are the rows of rank 0; the task asks for rank 1.")
    if indices == [5, 6, 7, 8, 9]:
        raise Feedback("DistributedSampler does not cut the data into blocks: it deals rows out in turn, like cards.")
    if sorted(indices) == [1, 3, 5, 7, 9] and indices != [1, 3, 5, 7, 9]:
        raise Feedback("the right rows in another order: with shuffle=False the order is kept.")
    if indices != [1, 3, 5, 7, 9]:
        raise Feedback(
            f"{indices} are not the rows rank 1 gets: build DistributedSampler(range(10), num_replicas=2, "
            "rank=1, shuffle=False) and list it."
        )


warmup_schedule = Exercise(
    title="a linear schedule with warmup",
    task="Store in `answer` the learning rate of each of 100 optimizer steps (a list of 100 numbers) for AdamW with "
    "lr=1e-3 and get_scheduler('linear') with 10 warmup steps. Read the rate before each step with "
    "scheduler.get_last_lr()[0].",
    check=_check_schedule,
    hint="Make a throwaway optimizer on one parameter: torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], "
    "lr=1e-3); "
    "in a loop of 100, record the rate, then optimizer.step() and scheduler.step().",
    solution="""
    import torch
    from transformers import get_scheduler
    optimizer = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3)
    scheduler = get_scheduler("linear", optimizer, num_warmup_steps=10, num_training_steps=100)
    answer = []
    for _ in range(100):
        answer.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    """,
)
best_weights = Exercise(
    title="keep the best weights",
    task="Store in `answer` a function that takes a model and returns a copy of its state_dict that stays as it is "
    "while the model goes on training (what the loop keeps for the best epoch).",
    check=_check_snapshot,
    hint="model.state_dict() gives the live tensors, which the optimizer changes in place; the notes call "
    "copy.deepcopy but forget `import copy`.",
    solution="""
    import copy

    def answer(model):
        return copy.deepcopy(model.state_dict())
    """,
)
sampler_shard = Exercise(
    title="which rows does rank 1 train on?",
    task="Two processes train on a data set of 10 rows. Store in `answer` the list of row indices that "
    "DistributedSampler gives to rank 1 in one epoch, with shuffle=False.",
    check=_check_shard,
    hint="list(DistributedSampler(range(10), num_replicas=2, rank=1, shuffle=False)) works without starting any "
    "process.",
    solution="""
    from torch.utils.data import DistributedSampler
    answer = list(DistributedSampler(range(10), num_replicas=2, rank=1, shuffle=False))
    """,
)
