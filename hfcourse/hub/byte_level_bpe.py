"""GPT-2's real byte-level BPE, which RoBERTa and BART use too, from the tokenizer data openai-whisper ships.

openai-whisper ships GPT-2's tokenizer as a tiktoken rank file: every token's bytes and its rank. Ranks 0-255
are the single bytes; the token of rank 256 + i is made by merge i, and its two parts are what byte-level BPE
gives for its bytes with the earlier merges only. All 50,000 merges give the real RoBERTa and BART token
strings ("Ġworld", "ĠSylv" + "ain"); the ids differ from the real checkpoints' (theirs follow a frequency
list that no package ships), and a lesson never relies on them.
"""

from __future__ import annotations

import base64
import json
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.assets import GPT2_BPE_RANKS

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerFast

MERGES = 50_000  # all of GPT-2's merges: the real RoBERTa and BART token strings
ROBERTA_SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")  # ids 0-3, as in the real RoBERTa and BART vocabularies
MASK = "<mask>"  # the last id, as in the real vocabularies
MODEL_MAX_LENGTH = 512


@cache
def _byte_symbols() -> dict[int, str]:
    """GPT-2's printable stand-in for each byte (a space is "Ġ"), as in its vocab.json and merges.txt."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    symbols, extra = {}, 0
    for byte in range(256):
        if byte in printable:
            symbols[byte] = chr(byte)
        else:
            symbols[byte] = chr(256 + extra)
            extra += 1
    return symbols


def _symbols(token: bytes) -> str:
    return "".join(_byte_symbols()[byte] for byte in token)


@cache
def _ranked_tokens() -> tuple[bytes, ...]:
    """GPT-2's tokens in rank order (50,256 of them; <|endoftext|> is not in the file)."""
    ranks = {}
    for line in GPT2_BPE_RANKS.path().read_text(encoding="ascii").splitlines():
        token, rank = line.split()
        ranks[int(rank)] = base64.b64decode(token)
    return tuple(ranks[rank] for rank in range(len(ranks)))


@cache
def merges(count: int = MERGES) -> tuple[tuple[str, str], ...]:
    """GPT-2's first `count` merges, as pairs of symbol strings (the lines of its merges.txt); about 1 s for all."""
    tokens = _ranked_tokens()
    rank_of = {token: rank for rank, token in enumerate(tokens[: 256 + count])}
    pairs = []
    for rank in range(256, 256 + count):
        parts = [bytes([byte]) for byte in tokens[rank]]
        while len(parts) > 2:  # byte-level BPE with the merges before this one: it ends in this merge's parts
            ranked = [(rank_of.get(a + b, rank), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
            best, i = min(ranked)
            if best >= rank:
                raise ValueError(f"GPT-2 token of rank {rank} cannot be built from earlier merges")
            parts[i : i + 2] = [parts[i] + parts[i + 1]]
        pairs.append((_symbols(parts[0]), _symbols(parts[1])))
    return tuple(pairs)


def roberta_vocabulary(count: int = MERGES) -> dict[str, int]:
    """<s> <pad> </s> <unk>, GPT-2's byte symbols and first `count` merged tokens in rank order, then <mask>."""
    tokens = [*ROBERTA_SPECIALS, *(_symbols(token) for token in _ranked_tokens()[: 256 + count]), MASK]
    return {token: index for index, token in enumerate(tokens)}


def roberta_tokenizer(
    tokenizer_class_name: str = "RobertaTokenizerFast", count: int = MERGES
) -> PreTrainedTokenizerFast:
    """A RoBERTa (or BART: "BartTokenizerFast") tokenizer over GPT-2's first `count` merges."""
    import transformers

    tokenizer_class = getattr(transformers, tokenizer_class_name)
    with tempfile.TemporaryDirectory() as folder:
        vocab_file, merges_file = Path(folder) / "vocab.json", Path(folder) / "merges.txt"
        vocab_file.write_text(json.dumps(roberta_vocabulary(count), ensure_ascii=False), encoding="utf-8")
        lines = ["#version: 0.2", *(f"{a} {b}" for a, b in merges(count))]
        merges_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return tokenizer_class(str(vocab_file), str(merges_file), model_max_length=MODEL_MAX_LENGTH)
