"""What the hub build computes from the pinned assets instead of shipping it: exact, so the same bytes everywhere.

- `roberta_word_embeddings`: an embedding row for each of RoBERTa's 50,261 byte-level BPE tokens, the mean of
  MiniLM's embedding rows of the WordPiece tokens that spell the same text ("Ġworld" -> "world", "ing" ->
  "##ing"). Where both tokenizers cut a sentence the same way, the RoBERTa body then computes exactly what
  MiniLM computes.
- `positions_with_type_zero`: MiniLM's position rows plus its token-type-0 row (one addition per number), for
  bodies that have no token types (DistilBERT, BART).
- the RoBERTa and BART tokenizer files, written by `tokenizers` from GPT-2's merges, and the WordPiece
  tokenizer files of MiniLM's vocabulary, uncased and cased (`minilm_bodies.py`).

The mean is a sum of rows added one after another, then a division: elementwise float32 operations, each
exactly rounded, in an order that does not depend on the CPU or the thread count.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import byte_level_bpe
from hfcourse.hub.assets import minilm_dir

if TYPE_CHECKING:
    import numpy as np
    from transformers import PreTrainedTokenizerFast

PREFIX = "derived:"
WORDPIECE_OF_SPECIAL = {"<s>": "[CLS]", "</s>": "[SEP]", "<pad>": "[PAD]", "<unk>": "[UNK]", "<mask>": "[UNK]"}
TOKENIZER_FILES = ("vocab.json", "merges.txt", "tokenizer.json")  # the big ones; the small configs are shipped


@cache
def wordpiece_spelling() -> tuple[tuple[int, ...], ...]:
    """For each RoBERTa token id, the MiniLM WordPiece ids that spell its text.

    <mask> reads as [UNK]: MiniLM never trained its [MASK] row. A token of partial UTF-8 bytes, or of spaces
    only, is [UNK].
    """
    from transformers import AutoTokenizer

    wordpiece = AutoTokenizer.from_pretrained(minilm_dir())
    known = wordpiece.get_vocab()
    symbol_bytes = {symbol: byte for byte, symbol in byte_level_bpe._byte_symbols().items()}
    tokens = list(byte_level_bpe.roberta_vocabulary())
    texts = [bytes(symbol_bytes[symbol] for symbol in token).decode("utf-8", errors="ignore") for token in tokens]
    spelt = wordpiece([text.strip() for text in texts], add_special_tokens=False)["input_ids"]  # one batched call
    spellings = []
    for token, text, ids in zip(tokens, texts, spelt):
        if token in WORDPIECE_OF_SPECIAL:
            spellings.append((known[WORDPIECE_OF_SPECIAL[token]],))
            continue
        pieces = wordpiece.convert_ids_to_tokens(ids)
        word = text.strip()
        if pieces and not text.startswith(" ") and pieces[0].isalpha() and word.lower() not in known:
            continuation = f"##{pieces[0]}"  # "ing" inside a word is "##ing"
            pieces[0] = continuation if continuation in known else pieces[0]
        spellings.append(tuple(known[piece] for piece in pieces) or (known["[UNK]"],))
    return tuple(spellings)


def roberta_word_embeddings() -> np.ndarray:
    """[50261, 384] float32: each RoBERTa token's row, the mean of its WordPiece spelling's MiniLM rows."""
    import numpy as np
    from safetensors.numpy import load_file

    rows = load_file(minilm_dir() / "model.safetensors")["embeddings.word_embeddings.weight"]
    spellings = wordpiece_spelling()
    total = rows[[spelling[0] for spelling in spellings]].copy()
    for k in range(1, max(len(spelling) for spelling in spellings)):
        longer = [i for i, spelling in enumerate(spellings) if len(spelling) > k]
        total[longer] += rows[[spellings[i][k] for i in longer]]
    counts = np.array([len(spelling) for spelling in spellings], dtype=np.float32)
    return total / counts[:, None]


def positions_with_type_zero() -> np.ndarray:
    """[512, 384] float32: MiniLM's position rows plus its token-type-0 row, for bodies without token types
    (DistilBERT, BART), where a single sentence's type-0 embedding joins every position's."""
    from safetensors.numpy import load_file

    minilm = load_file(minilm_dir() / "model.safetensors")
    return minilm["embeddings.position_embeddings.weight"] + minilm["embeddings.token_type_embeddings.weight"][0]


DERIVED_TENSORS = {
    "roberta_word_embeddings": roberta_word_embeddings,
    "positions_with_type_zero": positions_with_type_zero,
}


@cache
def tensor(name: str) -> np.ndarray:
    """A derived tensor by name (without the "derived:" prefix)."""
    return DERIVED_TENSORS[name]()


@cache
def tokenizer_file(tokenizer_class: str, file: str) -> bytes:
    """A big file of a derived tokenizer, as save_pretrained writes it: the RoBERTa- or BART-style byte-level BPE
    (`tokenizer_class`), or MiniLM's WordPiece vocabulary cased or uncased ("BertTokenizerFast-cased")."""
    with tempfile.TemporaryDirectory() as folder:
        _derived_tokenizer(tokenizer_class).save_pretrained(folder)
        return (Path(folder) / file).read_bytes()


def _derived_tokenizer(tokenizer_class: str) -> PreTrainedTokenizerFast:
    from hfcourse.hub import minilm_bodies

    if tokenizer_class in WORDPIECE_CLASSES:
        return minilm_bodies.tokenizer("bert", cased=tokenizer_class.endswith("-cased"))
    return byte_level_bpe.roberta_tokenizer(tokenizer_class)


TOKENIZER_CLASSES = ("RobertaTokenizerFast", "BartTokenizerFast")
# MiniLM's WordPiece vocabulary grown with capitalised copies, and the fast tokenizer of either vocabulary: the same
# bytes for BERT and DistilBERT (only the small tokenizer_config.json names the class, and it is shipped)
WORDPIECE_CLASSES = {
    "BertTokenizerFast-cased": ("vocab.txt", "tokenizer.json"),
    "BertTokenizerFast-uncased": ("tokenizer.json",),
}


def file_refs() -> list[str]:
    """Every derived file's reference, e.g. "derived:RobertaTokenizerFast/vocab.json"."""
    byte_level = [f"{PREFIX}{cls}/{file}" for cls in TOKENIZER_CLASSES for file in TOKENIZER_FILES]
    return byte_level + [f"{PREFIX}{cls}/{file}" for cls, files in WORDPIECE_CLASSES.items() for file in files]


def file_bytes(ref: str) -> bytes:
    tokenizer_class, _, file = ref.removeprefix(PREFIX).partition("/")
    return tokenizer_file(tokenizer_class, file)
