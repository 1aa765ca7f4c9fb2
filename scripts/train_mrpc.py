"""Fine-tune a BERT checkpoint on MRPC with the Trainer: lesson 5's training as a script.

The same file runs in one process or in several; the Trainer notices torchrun and uses
DistributedDataParallel by itself:

    python scripts/train_mrpc.py
    torchrun --standalone --nproc_per_node 2 scripts/train_mrpc.py
"""

from __future__ import annotations

import argparse
import os
import tempfile

import hfcourse

# Before any Hugging Face import: online, through a mirror, or the offline course hub (one line, from rank 0).
hfcourse.setup(announce=os.environ.get("RANK", "0") == "0")

import evaluate  # noqa: E402
import numpy as np  # noqa: E402
from datasets import load_dataset  # noqa: E402
from transformers import (  # noqa: E402
    AutoModelForSequenceClassification,
    AutoTokenizer,
    DataCollatorWithPadding,
    EvalPrediction,
    PrinterCallback,
    Trainer,
    TrainingArguments,
)


def parse_options(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", default="google-bert/bert-base-uncased")
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=16, help="per device (process)")
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--train-rows", type=int, default=480, help="rows of the train split to use (0: all)")
    parser.add_argument("--eval-rows", type=int, default=200, help="rows of the validation split to use (0: all)")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    options = parse_options(argv)
    tokenizer = AutoTokenizer.from_pretrained(options.checkpoint)
    raw = load_dataset("glue", "mrpc")
    train = raw["train"].select(range(options.train_rows or len(raw["train"])))
    validation = raw["validation"].select(range(options.eval_rows or len(raw["validation"])))
    tokenize = lambda batch: tokenizer(batch["sentence1"], batch["sentence2"], truncation=True)  # noqa: E731
    metric = evaluate.load("glue", "mrpc")

    def compute_metrics(prediction: EvalPrediction) -> dict[str, float]:
        return metric.compute(predictions=np.argmax(prediction.predictions, axis=-1), references=prediction.label_ids)

    with tempfile.TemporaryDirectory() as output_dir:
        args = TrainingArguments(
            output_dir,
            per_device_train_batch_size=options.batch_size,
            per_device_eval_batch_size=64,
            num_train_epochs=options.epochs,
            learning_rate=options.lr,
            weight_decay=0.01,
            eval_strategy="no",
            save_strategy="no",
            seed=options.seed,
            report_to="none",
            disable_tqdm=True,
            use_cpu=True,
            ddp_backend="gloo",
        )
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
    if trainer.is_world_process_zero():
        print(f"{args.world_size} process(es), {args.per_device_train_batch_size} rows per process per step, "
              f"{result.global_step} optimizer steps")
        print(f"validation accuracy {metrics['eval_accuracy']:.2f}, F1 {metrics['eval_f1']:.2f}")


if __name__ == "__main__":
    main()
