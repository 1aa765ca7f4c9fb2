"""Fine-tune a BERT checkpoint on MRPC with the Trainer: lesson 5's training as a script.

The same file runs in one process or in several; the Trainer notices torchrun and uses
DistributedDataParallel by itself:

    python scripts/train_mrpc.py
    torchrun --standalone --nproc_per_node 2 scripts/train_mrpc.py

Under torchrun each process trains a replica on its own share of every batch and DistributedDataParallel
averages the gradients, so the replicas end identical: the script checks it and says so.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile

import hfcourse
from hfcourse.display import approx

# Before any Hugging Face import: online, through a mirror, or the offline course hub (one line, from rank 0).
hfcourse.setup(announce=os.environ.get("RANK", "0") == "0")

import evaluate  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from datasets import load_dataset  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    EvalPrediction,
    PrinterCallback,
    Trainer,
    TrainingArguments,
    set_seed,
)


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", default="google-bert/bert-base-uncased")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=8, help="per device (process)")
    parser.add_argument("--lr", type=float, default=2e-4)
    parser.add_argument("--max-length", type=int, default=64, help="tokens per pair, after truncation")
    parser.add_argument("--train-rows", type=int, default=256, help="rows of the train split to use (0: all)")
    parser.add_argument("--eval-rows", type=int, default=128, help="rows of the validation split to use (0: all)")
    parser.add_argument("--seed", type=int, default=42)
    options = parser.parse_args(argv)
    for name in ("epochs", "batch_size", "lr", "max_length"):
        if getattr(options, name) <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive, got {getattr(options, name)}")
    for name in ("train_rows", "eval_rows"):
        if getattr(options, name) < 0:
            parser.error(f"--{name.replace('_', '-')} must be 0 (all) or more, got {getattr(options, name)}")
    return options


def weights_digest(model: torch.nn.Module) -> str:
    """A sha256 over every tensor of the model: equal digests mean equal weights, bit for bit."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    tokenizer = AutoTokenizer.from_pretrained(options.checkpoint)
    raw = load_dataset("glue", "mrpc")
    train = raw["train"].select(range(options.train_rows or len(raw["train"])))
    validation = raw["validation"].select(range(options.eval_rows or len(raw["validation"])))
    tokenize = lambda batch: tokenizer(  # noqa: E731
        batch["sentence1"], batch["sentence2"], truncation=True, max_length=options.max_length
    )
    metric = evaluate.load("glue", "mrpc")

    def compute_metrics(prediction: EvalPrediction) -> dict[str, float]:
        return metric.compute(predictions=np.argmax(prediction.predictions, axis=-1), references=prediction.label_ids)

    with tempfile.TemporaryDirectory() as output_dir:
        args = TrainingArguments(
            output_dir,
            per_device_train_batch_size=options.batch_size,
            per_device_eval_batch_size=16,
            num_train_epochs=options.epochs,
            learning_rate=options.lr,
            weight_decay=0.01,
            group_by_length=True,
            eval_strategy="no",
            save_strategy="no",
            seed=options.seed,
            report_to="none",
            disable_tqdm=True,
            use_cpu=True,
            ddp_backend="gloo" if distributed else None,  # gloo: the backend that runs on CPUs
            ddp_find_unused_parameters=False,  # every parameter gets a gradient: skip DDP's search for unused ones
        )
        set_seed(options.seed)  # before the new head is created: the Trainer seeds only when it starts
        trainer = Trainer(
            model=AutoModelForSequenceClassification.from_pretrained(options.checkpoint, num_labels=2),
            args=args,
            train_dataset=train.map(tokenize, batched=True),
            eval_dataset=validation.map(tokenize, batched=True),
            data_collator=DataCollatorWithPadding(tokenizer),
            processing_class=tokenizer,
            compute_metrics=compute_metrics,
        )
        trainer.remove_callback(PrinterCallback)  # the log lines hold timings; the summary below says what matters
        result = trainer.train()
        metrics = trainer.evaluate()
        digests = [""] * args.world_size  # one per process, gathered from every replica
        if distributed:
            torch.distributed.all_gather_object(digests, weights_digest(trainer.model))
    if trainer.is_world_process_zero():
        print(
            f"{args.world_size} process(es), {args.per_device_train_batch_size} rows per process per step, "
            f"{result.global_step} optimizer steps"
        )
        if distributed:
            print(f"the {args.world_size} replicas end with identical weights: {len(set(digests)) == 1}")
        print(
            f"validation accuracy {approx(metrics['eval_accuracy'])}, F1 {approx(metrics['eval_f1'])}"
        )  # vary by CPU


if __name__ == "__main__":
    main()
