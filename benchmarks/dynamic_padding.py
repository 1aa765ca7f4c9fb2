"""Dynamic padding vs fixed-length padding: positions computed and wall time of one epoch of forward passes.

    python benchmarks/dynamic_padding.py [--rows N] [--max-length 128] [--batch-size 16]

Runs in whatever mode hfcourse.setup() picks (HFCOURSE_MODE=offline for the course hub). Prints the table
and the ratios, and records them when $HFCOURSE_RESULTS names a results file (`make measure` does). The
lesson (04_datasets.ipynb) runs the same comparison on a subset.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import hfcourse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=408, help="validation rows to use (MRPC has 408)")
    parser.add_argument("--max-length", type=int, default=128, help="the fixed padding length")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--checkpoint", default="google-bert/bert-base-uncased")
    args = parser.parse_args()

    hfcourse.setup()
    import torch
    from datasets import load_dataset
    from torch.utils.data import DataLoader
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding

    from hfcourse.measured import record
    from hfcourse.padding import epoch_cost_table, forward_epoch

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(args.checkpoint)
    model = AutoModelForSequenceClassification.from_pretrained(args.checkpoint, num_labels=2)
    rows = load_dataset("glue", "mrpc", split="validation").select(range(args.rows))
    columns = ["input_ids", "token_type_ids", "attention_mask"]

    def pairs(padding: str | bool) -> Callable[[dict], dict]:
        def encode(batch: dict) -> dict:
            return tokenizer(
                batch["sentence1"], batch["sentence2"], truncation=True, padding=padding, max_length=args.max_length
            )

        return encode

    fixed = rows.map(pairs("max_length"), batched=True, keep_in_memory=True).with_format("torch", columns=columns)
    dynamic = rows.map(pairs(False), batched=True, keep_in_memory=True).select_columns(columns)
    collator = DataCollatorWithPadding(tokenizer)
    costs = [
        forward_epoch(model, DataLoader(fixed, batch_size=args.batch_size), f"pad to {args.max_length} in map"),
        forward_epoch(model, DataLoader(dynamic, batch_size=args.batch_size, collate_fn=collator), "pad per batch"),
    ]
    print(
        f"{args.rows} MRPC validation pairs, batch size {args.batch_size}, {args.checkpoint}, "
        f"{torch.get_num_threads()} threads"
    )
    print(epoch_cost_table(*costs))
    fixed_cost, dynamic_cost = costs
    record(
        "padding_benchmark",
        {
            "rows": args.rows,
            "fewer_positions": fixed_cost.positions / dynamic_cost.positions,
            "speedup": fixed_cost.seconds / dynamic_cost.seconds,
        },
    )


if __name__ == "__main__":
    main()
