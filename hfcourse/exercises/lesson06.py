"""Lesson 6's exercises: the warmup schedule, keeping the best weights, how DistributedSampler shards, and gradient
accumulation written by hand."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hfcourse.exercises import checks
from hfcourse.exercises.core import Exercise, Feedback
from hfcourse.i18n import L_, _


def _check_schedule(answer: Any) -> None:
    rates = checks.numbers(answer, _("a list of numbers"))
    if len(rates) != 100:
        raise Feedback(
            _("{rates_count} rates; there should be one per optimizer step, 100 in all.").format(
                rates_count=len(rates)
            )
        )
    if abs(rates[0] - 1e-3) < 1e-12:
        raise Feedback(_("the first step already uses the full rate: there is no warmup. Pass num_warmup_steps=10."))
    if rates[0] != 0.0 or abs(rates[10] - 1e-3) > 1e-12:
        raise Feedback(
            _(
                "the rate should climb from 0 to 1e-3 over the first 10 steps; it is {first:.2g} at step 0 "
                "and {tenth:.2g} at step 10."
            ).format(first=rates[0], tenth=rates[10])
        )
    if abs(rates[55] - 5e-4) > 1e-12:
        raise Feedback(
            _(
                "after the warmup the rate should fall in a straight line to 0 at step 100; at step 55 it "
                "is {rate:.3g}, not 5e-4. Did you pass num_training_steps=100?"
            ).format(rate=rates[55])
        )


def _check_snapshot(answer: Any) -> None:
    import torch

    model = torch.nn.Linear(3, 2)
    snapshot = checks.function(answer, _("a function of the model"))(model)
    if not isinstance(snapshot, dict) or "weight" not in snapshot:
        raise Feedback(_("it should return the model's state_dict (a dict of names to tensors), copied."))
    before = snapshot["weight"].clone()
    with torch.no_grad():
        model.weight.add_(1.0)  # what an optimizer step does: change the parameters in place
    if not torch.equal(snapshot["weight"], before):
        raise Feedback(
            _(
                "the snapshot changed when the model trained: state_dict() returns the model's own "
                "tensors. Copy them with copy.deepcopy."
            )
        )
    if torch.equal(snapshot["weight"], model.weight):
        raise Feedback(_("the snapshot already equals the changed weights: take it before training continues."))


def _check_shard(answer: Any) -> None:
    indices = checks.integers(answer, _("a list of row indices"))
    if indices == [0, 2, 4, 6, 8]:
        raise Feedback(_("those are the rows of rank 0; the task asks for rank 1."))
    if indices == [5, 6, 7, 8, 9]:
        raise Feedback(
            _("DistributedSampler does not cut the data into blocks: it deals rows out in turn, like cards.")
        )
    if sorted(indices) == [1, 3, 5, 7, 9] and indices != [1, 3, 5, 7, 9]:
        raise Feedback(_("the right rows in another order: with shuffle=False the order is kept."))
    if indices != [1, 3, 5, 7, 9]:
        raise Feedback(
            _(
                "{indices} are not the rows rank 1 gets: build DistributedSampler(range(10), "
                "num_replicas=2, rank=1, shuffle=False) and list it."
            ).format(indices=indices)
        )


warmup_schedule = Exercise(
    title=L_("a linear schedule with warmup"),
    task=L_(
        "Store in `answer` the learning rate of each of 100 optimizer steps (a list of 100 "
        "numbers) for AdamW with lr=1e-3 and get_scheduler('linear') with 10 warmup steps. Read "
        "the rate before each step with scheduler.get_last_lr()[0]."
    ),
    check=_check_schedule,
    hint=L_(
        "Make a throwaway optimizer on one parameter: "
        "torch.optim.AdamW([torch.nn.Parameter(torch.zeros(1))], lr=1e-3); in a loop of 100, "
        "record the rate, then optimizer.step() and scheduler.step()."
    ),
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
    title=L_("keep the best weights"),
    task=L_(
        "Store in `answer` a function that takes a model and returns a copy of its state_dict that "
        "stays as it is while the model goes on training (what the loop keeps for the best epoch)."
    ),
    check=_check_snapshot,
    hint=L_(
        "model.state_dict() gives the live tensors, which the optimizer changes in place; the "
        "notes call copy.deepcopy but forget `import copy`."
    ),
    solution="""
    import copy

    def answer(model):
        return copy.deepcopy(model.state_dict())
    """,
)
sampler_shard = Exercise(
    title=L_("which rows does rank 1 train on?"),
    task=L_(
        "Two processes train on a data set of 10 rows. Store in `answer` the list of row indices "
        "that DistributedSampler gives to rank 1 in one epoch, with shuffle=False."
    ),
    check=_check_shard,
    hint=L_(
        "list(DistributedSampler(range(10), num_replicas=2, rank=1, shuffle=False)) works without "
        "starting any process."
    ),
    solution="""
    from torch.utils.data import DistributedSampler
    answer = list(DistributedSampler(range(10), num_replicas=2, rank=1, shuffle=False))
    """,
)


ACCUMULATION_ROWS, MICRO_BATCH = 32, 4  # the check trains on 32 rows in batches of 4


def _tiny_classifier() -> Any:
    """A small RoBERTa classifier without dropout, the same weights every time (the check trains it twice)."""
    import torch
    from transformers import RobertaConfig, RobertaForSequenceClassification

    torch.manual_seed(0)
    config = RobertaConfig(
        vocab_size=64,
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=24,
        type_vocab_size=1,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        num_labels=3,
    )
    return RobertaForSequenceClassification(config)


def _batches(size: int) -> list[dict[str, Any]]:
    """The check's 32 rows (random token ids, 12 per row; random labels) in batches of `size`, in a fixed order."""
    import torch

    generator = torch.Generator().manual_seed(1)
    ids = torch.randint(3, 64, (ACCUMULATION_ROWS, 12), generator=generator)
    labels = torch.randint(0, 3, (ACCUMULATION_ROWS,), generator=generator)
    return [
        {
            "input_ids": ids[i : i + size],
            "attention_mask": torch.ones_like(ids[i : i + size]),
            "labels": labels[i : i + size],
        }
        for i in range(0, ACCUMULATION_ROWS, size)
    ]


def _trained(train: Callable[..., Any], batch_size: int, *args: Any) -> tuple[dict[str, Any], int]:
    """Weights of the tiny classifier after `train(model, optimizer, batches, *args)`, and the optimizer steps taken.

    Plain SGD: Adam divides each step by the gradient's size, which would almost hide a loss that is not divided."""
    import torch

    model = _tiny_classifier()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    steps = 0
    step = optimizer.step

    def counted_step(*step_args: Any, **step_kwargs: Any) -> Any:
        nonlocal steps
        steps += 1
        return step(*step_args, **step_kwargs)

    optimizer.step = counted_step  # type: ignore[method-assign]
    train(model, optimizer, _batches(batch_size), *args)
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}, steps


def _plain_loop(model: Any, optimizer: Any, loader: Iterable[dict[str, Any]]) -> None:
    """One optimizer step per batch: the loop of the lesson."""
    for batch in loader:
        model(**batch).loss.backward()
        optimizer.step()
        optimizer.zero_grad()


def _undivided(model: Any, optimizer: Any, loader: Iterable[dict[str, Any]], accumulation_steps: int) -> None:
    for i, batch in enumerate(loader):
        model(**batch).loss.backward()
        if (i + 1) % accumulation_steps == 0:
            optimizer.step()
            optimizer.zero_grad()


def _cleared_every_batch(
    model: Any, optimizer: Any, loader: Iterable[dict[str, Any]], accumulation_steps: int
) -> None:
    for i, batch in enumerate(loader):
        optimizer.zero_grad()
        (model(**batch).loss / accumulation_steps).backward()
        if (i + 1) % accumulation_steps == 0:
            optimizer.step()


def _never_cleared(model: Any, optimizer: Any, loader: Iterable[dict[str, Any]], accumulation_steps: int) -> None:
    for i, batch in enumerate(loader):
        (model(**batch).loss / accumulation_steps).backward()
        if (i + 1) % accumulation_steps == 0:
            optimizer.step()


def _same(weights: dict[str, Any], other: dict[str, Any]) -> bool:
    import torch

    return all(torch.allclose(weights[name], other[name], atol=1e-5) for name in weights)


def _check_accumulation(answer: Any) -> None:
    train = checks.function(answer, _("a function of (model, optimizer, loader, accumulation_steps)"))
    for accumulation_steps in (2, 4):
        batches = ACCUMULATION_ROWS // MICRO_BATCH
        expected_steps = batches // accumulation_steps
        try:
            weights, steps = _trained(train, MICRO_BATCH, accumulation_steps)
        except Exception as error:
            raise Feedback(
                _(
                    "your function raised {type}: {error}. It is called as answer(model, optimizer, loader, "
                    "accumulation_steps), and each batch is a dict for model(**batch)."
                ).format(type=type(error).__name__, error=error)
            ) from error
        if steps != expected_steps:
            raise Feedback(
                _(
                    "with {batches} batches and accumulation_steps={accumulation_steps}, there should be "
                    "{expected_steps} optimizer steps; your function took {steps}. Step only after every "
                    "accumulation_steps batches: if (i + 1) % accumulation_steps == 0."
                ).format(
                    batches=batches, accumulation_steps=accumulation_steps, expected_steps=expected_steps, steps=steps
                )
            )
        large_batches = _trained(_plain_loop, MICRO_BATCH * accumulation_steps)[0]
        if _same(weights, large_batches):
            continue
        for mistake, message in (
            (
                _undivided,
                _("the steps are too large: divide each batch's loss by accumulation_steps before backward()"),
            ),
            (
                _cleared_every_batch,
                _(
                    "only the last batch of each group reached the step: clear the gradients after optimizer.step(), "
                    "not before every backward()"
                ),
            ),
            (
                _never_cleared,
                _("each step also used the gradients of earlier steps: call optimizer.zero_grad() after it"),
            ),
        ):
            if _same(weights, _trained(mistake, MICRO_BATCH, accumulation_steps)[0]):
                raise Feedback(
                    _("{message} (accumulation_steps={accumulation_steps}).").format(
                        message=message, accumulation_steps=accumulation_steps
                    )
                )
        raise Feedback(
            _(
                "with accumulation_steps={accumulation_steps}, the weights differ from one step per batch "
                "of {micro_batch} rows. Add up the gradients of the group (one backward() per batch, loss "
                "divided by accumulation_steps), then step once and clear the gradients."
            ).format(accumulation_steps=accumulation_steps, micro_batch=MICRO_BATCH * accumulation_steps)
        )


gradient_accumulation = Exercise(
    title=L_("gradient accumulation, by hand"),
    task=L_(
        "Store in `answer` a function answer(model, optimizer, loader, accumulation_steps) that "
        "trains `model` for one pass over `loader` with gradient accumulation: for every batch, a "
        "forward pass (model(**batch).loss) and backward(); after every accumulation_steps "
        "batches, one optimizer step, then the gradients cleared. The check trains a small RoBERTa "
        "classifier twice, with your function on batches of 4 and with one step per batch of 4 × "
        "accumulation_steps rows, and compares the weights: they must be equal. It uses plain SGD, "
        "because Adam divides each step by the size of the gradients and would almost hide a loss "
        "that is too large."
    ),
    check=_check_accumulation,
    hint=L_(
        "The loss is a mean over the rows of a batch. A batch of 8 averages 8 rows; two batches of "
        "4 average 4 rows each, so divide each loss by accumulation_steps and let backward() add "
        "the two gradients. Count the batches with enumerate and step when (i + 1) % "
        "accumulation_steps == 0."
    ),
    solution="""
    def answer(model, optimizer, loader, accumulation_steps):
        model.train()
        for i, batch in enumerate(loader):
            loss = model(**batch).loss / accumulation_steps
            loss.backward()
            if (i + 1) % accumulation_steps == 0:
                optimizer.step()
                optimizer.zero_grad()
    """,
)
