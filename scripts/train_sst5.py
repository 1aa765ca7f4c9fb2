"""Fine-tune a 3-label sentiment checkpoint for 5-class SST-5 with a plain PyTorch loop.

The notes' `Classifier` script, rebuilt for today's stack. It runs in one process or, unchanged, in several:

    python scripts/train_sst5.py --epochs 2
    torchrun --standalone --nproc_per_node 2 scripts/train_sst5.py --epochs 2

Under torchrun every process trains a replica on its own shard of each epoch (DistributedSampler) and
DistributedDataParallel averages the gradients, so the replicas stay identical.
"""

from __future__ import annotations

import argparse
import copy  # the notes call copy.deepcopy without importing copy: NameError
import os
from dataclasses import dataclass
from pathlib import Path

import hfcourse
from hfcourse.labels import SST5_LABELS

# Before any Hugging Face import: online, through a mirror, or the offline course hub (one line, from rank 0).
hfcourse.setup(announce=os.environ.get("RANK", "0") == "0")

import evaluate  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402
from datasets import DatasetDict, load_dataset  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from torch.nn.parallel import DistributedDataParallel  # noqa: E402
from torch.utils.data import DataLoader, DistributedSampler, RandomSampler  # noqa: E402
from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, get_scheduler  # noqa: E402


@dataclass(frozen=True)
class Options:
    checkpoint: str
    epochs: int
    batch_size: int
    lr: float
    weight_decay: float
    warmup_ratio: float
    train_rows: int
    eval_rows: int
    max_length: int
    freeze_backbone: bool
    seed: int
    device: str
    output_dir: Path | None
    save_rank_weights: Path | None


def parse_options(argv: list[str] | None = None) -> Options:
    """Every option typed and used (the notes' --lr was a string that never reached the optimizer)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", default="cardiffnlp/twitter-roberta-base-sentiment")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16, help="per process")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--weight-decay", type=float, default=0.0, help="AdamW's (torch's default is 0.01)")
    parser.add_argument("--warmup-ratio", type=float, default=0.1, help="share of the steps spent warming up")
    parser.add_argument("--train-rows", type=int, default=240, help="rows of the train split to use (0: all)")
    parser.add_argument("--eval-rows", type=int, default=200, help="rows of validation and of test to use (0: all)")
    parser.add_argument("--max-length", type=int, default=48)
    parser.add_argument("--freeze-backbone", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--output-dir", type=Path, help="save the best model here (save_pretrained)")
    parser.add_argument("--save-rank-weights", type=Path, help="every process saves its final weights here")
    args = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "lr", "max_length"):
        if getattr(args, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    if args.weight_decay < 0:
        parser.error(f"--weight-decay must be 0 or more, got {args.weight_decay}")
    if not 0 <= args.warmup_ratio < 1:
        parser.error(f"--warmup-ratio must be in [0, 1), got {args.warmup_ratio}")
    return Options(**vars(args))


class Classifier:
    """Data, model, optimizer and schedule for one run; `fit()` trains and keeps the best weights."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
        self.device = self._device()
        if self.distributed:
            dist.init_process_group("nccl" if self.device.type == "cuda" else "gloo")
        self.rank = dist.get_rank() if self.distributed else 0
        torch.manual_seed(options.seed)  # the same fresh head in every process

        self.tokenizer = AutoTokenizer.from_pretrained(options.checkpoint)
        model = AutoModelForSequenceClassification.from_pretrained(
            options.checkpoint,
            num_labels=len(SST5_LABELS),
            id2label=dict(enumerate(SST5_LABELS)),
            label2id={name: i for i, name in enumerate(SST5_LABELS)},
            ignore_mismatched_sizes=True,  # a 3-label head cannot become a 5-label one: it is replaced
        )
        if options.freeze_backbone:  # base_model is the body whatever the architecture (not model.roberta)
            for parameter in model.base_model.parameters():
                parameter.requires_grad_(False)
        self.model = model.to(self.device)
        self.trained = DistributedDataParallel(self.model) if self.distributed else self.model

        data = self._datasets()
        collator = DataCollatorWithPadding(self.tokenizer)
        generator = torch.Generator().manual_seed(options.seed)
        self.sampler = (
            DistributedSampler(data["train"], shuffle=True, seed=options.seed)
            if self.distributed
            else RandomSampler(data["train"], generator=generator)
        )
        self.train_loader = DataLoader(
            data["train"], batch_size=options.batch_size, sampler=self.sampler, collate_fn=collator
        )
        self.eval_loaders = {
            split: DataLoader(data[split], batch_size=64, collate_fn=collator) for split in ("validation", "test")
        }
        self.optimizer = torch.optim.AdamW(
            [p for p in self.model.parameters() if p.requires_grad],
            lr=options.lr,  # the lr actually wired
            weight_decay=options.weight_decay,  # 0.0 by default, as in lesson 6 and the Trainer
        )
        steps = options.epochs * len(self.train_loader)
        self.scheduler = get_scheduler(
            "linear", self.optimizer, num_warmup_steps=int(options.warmup_ratio * steps), num_training_steps=steps
        )

    def _device(self) -> torch.device:
        wanted = self.options.device
        if wanted == "cuda" and not torch.cuda.is_available():
            raise SystemExit("--device cuda was asked for, but torch sees no CUDA device: use --device cpu.")
        if wanted == "cuda" or (wanted == "auto" and torch.cuda.is_available()):
            index = int(os.environ.get("LOCAL_RANK", "0"))
            torch.cuda.set_device(index)
            return torch.device("cuda", index)
        return torch.device("cpu")

    def _datasets(self) -> DatasetDict:
        raw = load_dataset("SetFit/sst5")
        sizes = {
            "train": self.options.train_rows,
            "validation": self.options.eval_rows,
            "test": self.options.eval_rows,
        }
        raw = DatasetDict(
            {
                split: raw[split].select(range(min(n, len(raw[split])) if n else len(raw[split])))
                for split, n in sizes.items()
            }
        )
        tokenized = raw.map(
            lambda batch: self.tokenizer(batch["text"], truncation=True, max_length=self.options.max_length),
            batched=True,
        )
        tokenized = tokenized.remove_columns(["text", "label_text"]).rename_column("label", "labels")
        tokenized.set_format("torch")
        return tokenized

    def train_epoch(self, epoch: int) -> float:
        """One pass over this process's shard; returns the mean training loss."""
        if self.distributed:
            self.sampler.set_epoch(epoch)  # a different shuffle each epoch, the same in every process
        self.trained.train()
        total = 0.0
        for batch in self.train_loader:
            batch = {key: value.to(self.device) for key, value in batch.items()}
            loss = self.trained(**batch).loss  # labels are in the batch, so the model returns a loss
            loss.backward()
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad()
            total += loss.item()
        return total / len(self.train_loader)

    @torch.no_grad()
    def accuracy(self, split: str) -> float:
        """Accuracy on a whole split with `evaluate`, fed batch by batch (every process sees all rows)."""
        metric = evaluate.load("accuracy")
        self.model.eval()
        for batch in self.eval_loaders[split]:
            batch = {key: value.to(self.device) for key, value in batch.items()}
            metric.add_batch(predictions=self.model(**batch).logits.argmax(-1), references=batch["labels"])
        return metric.compute()["accuracy"]

    def fit(self) -> float:
        """Train, validate each epoch, keep the best weights, and return the test accuracy with them."""
        best_accuracy, best_state = -1.0, None
        for epoch in range(self.options.epochs):
            loss = self.train_epoch(epoch)
            accuracy = self.accuracy("validation")
            self.log(f"epoch {epoch + 1}: train loss {loss:.2f}, validation accuracy {accuracy:.2f}")
            if accuracy > best_accuracy:
                best_accuracy, best_state = accuracy, copy.deepcopy(self.model.state_dict())
        self.model.load_state_dict(best_state)
        return self.accuracy("test")

    def log(self, line: str) -> None:
        if self.rank == 0:
            print(line, flush=True)


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    classifier = Classifier(options)
    world = dist.get_world_size() if classifier.distributed else 1
    classifier.log(
        f"{world} process(es) on {classifier.device.type}, {len(classifier.train_loader)} steps per epoch each"
    )
    test_accuracy = classifier.fit()
    classifier.log(f"test accuracy with the best weights: {test_accuracy:.2f}")
    if options.save_rank_weights:
        options.save_rank_weights.mkdir(parents=True, exist_ok=True)
        state = {name: tensor.contiguous() for name, tensor in classifier.model.state_dict().items()}
        save_file(state, options.save_rank_weights / f"rank-{classifier.rank}.safetensors")
    if options.output_dir and classifier.rank == 0:
        classifier.model.save_pretrained(options.output_dir)
        classifier.tokenizer.save_pretrained(options.output_dir)
    if classifier.distributed:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
