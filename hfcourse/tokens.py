"""Show tokens as chips: word pieces, special tokens and padding at a glance (HTML, with a text fallback)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

_STYLE = {
    "word": "background:#dbeafe;border:1px solid #93c5fd",
    "piece": "background:#fef3c7;border:1px dashed #f59e0b",
    "special": "background:#ede9fe;border:1px solid #a78bfa;font-weight:bold",
    "padding": "background:#f3f4f6;border:1px dotted #d1d5db;color:#9ca3af",
}
_LEGEND = (
    ("word", "start of a word"),
    ("piece", "word piece (continues a word)"),
    ("special", "special token"),
    ("padding", "padding (mask 0)"),
)


@dataclass(frozen=True)
class Chip:
    token: str
    token_id: int
    kind: str  # "word", "piece", "special" or "padding"


def chips(tokenizer: Any, input_ids: list[int], attention_mask: list[int] | None = None) -> list[Chip]:
    """Classify each id of one sequence as the start of a word, a word piece, a special token or padding."""
    tokens = tokenizer.convert_ids_to_tokens(input_ids)
    special = set(tokenizer.all_special_ids)
    mask = attention_mask if attention_mask is not None else [1] * len(input_ids)
    marks_word_starts = _marks_word_starts(tokenizer)
    result: list[Chip] = []
    for token, token_id, attended in zip(tokens, input_ids, mask):
        if not attended:
            kind = "padding"
        elif token_id in special:
            kind = "special"
        elif marks_word_starts:  # RoBERTa/GPT-2 (Ġ) and SentencePiece (▁) mark where a word starts
            follows_text = bool(result) and result[-1].kind in ("word", "piece")
            kind = "piece" if follows_text and not token.startswith(("Ġ", "▁")) else "word"
        else:  # WordPiece (BERT) marks continuations with ##
            kind = "piece" if token.startswith("##") else "word"
        result.append(Chip(token, int(token_id), kind))
    return result


def _marks_word_starts(tokenizer: Any) -> bool:
    return not any(token.startswith("##") for token in tokenizer.get_vocab())


class TokenView:
    """A batch of token sequences; renders as chips in Jupyter and as aligned text elsewhere.

    Introduced in lesson 2.
    """

    def __init__(self, rows: list[list[Chip]]):
        self.rows = rows

    def _repr_html_(self) -> str:
        def chip(c: Chip) -> str:
            return (
                f'<span title="id {c.token_id} ({c.kind})" style="{_STYLE[c.kind]};border-radius:4px;'
                f'padding:1px 4px;margin:1px;display:inline-block;font-family:monospace">{html.escape(c.token)}</span>'
            )

        legend = " ".join(
            f'<span style="{_STYLE[k]};border-radius:4px;padding:0 4px;font-size:small">{label}</span>'
            for k, label in _LEGEND
        )
        body = "".join(f'<div style="margin:2px 0">{"".join(chip(c) for c in row)}</div>' for row in self.rows)
        return f"<div>{body}<div style='margin-top:4px'>{legend}</div></div>"

    def __repr__(self) -> str:
        marks = {"word": "", "piece": "", "special": "", "padding": "·"}
        return "\n".join(" ".join(f"{marks[c.kind]}{c.token}" for c in row) for row in self.rows)


def show_tokens(tokenizer: Any, encoding: Any) -> TokenView:
    """Chips for every sequence of a tokenizer's output (a BatchEncoding, padded or not).

    Introduced in lesson 2.
    """
    input_ids = encoding["input_ids"]
    input_ids = input_ids.tolist() if hasattr(input_ids, "tolist") else input_ids
    if input_ids and isinstance(input_ids[0], int):
        input_ids = [input_ids]
    masks = encoding.get("attention_mask")
    masks = masks.tolist() if hasattr(masks, "tolist") else masks
    if masks is not None and masks and isinstance(masks[0], int):
        masks = [masks]
    return TokenView(
        [chips(tokenizer, ids, masks[i] if masks is not None else None) for i, ids in enumerate(input_ids)]
    )
