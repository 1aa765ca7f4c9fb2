"""MiniLM's real pretrained body in the shape of the real checkpoints: a BERT or a DistilBERT, uncased or cased.

all-MiniLM-L6-v2 is a 6-layer BERT. A DistilBERT is the same computation with other names and no token types,
so MiniLM transplants into it exactly: each layer maps one to one, and the token-type-0 embedding (the only
one a single sentence uses) is added into the position embeddings. A cased checkpoint needs a cased
vocabulary: MiniLM's uncased one, grown with capitalised copies of its words; each copy's embedding row is
its lower-case original's, so the body reads "Paris" as it reads "paris", while the tokenizer keeps the
capitals that the pipelines print.
"""

from __future__ import annotations

import tempfile
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub.assets import minilm_dir

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerFast

MODEL_MAX_LENGTH = 512
ACCENTED_LETTERS = "àáâäãåçèéêëìíîïñòóôöõùúûüýÿ"
DISTILBERT_NAMES = {  # MiniLM (BERT) layer module -> DistilBERT layer module
    "attention.self.query": "attention.q_lin",
    "attention.self.key": "attention.k_lin",
    "attention.self.value": "attention.v_lin",
    "attention.output.dense": "attention.out_lin",
    "attention.output.LayerNorm": "sa_layer_norm",
    "intermediate.dense": "ffn.lin1",
    "output.dense": "ffn.lin2",
    "output.LayerNorm": "output_layer_norm",
}


@cache
def uncased_vocabulary() -> tuple[str, ...]:
    """MiniLM's WordPiece vocabulary (30,522 tokens, lower-cased, accents stripped), in id order."""
    return tuple((minilm_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines())


@cache
def cased_vocabulary() -> tuple[tuple[str, ...], tuple[int, ...]]:
    """MiniLM's vocabulary followed by capitalised copies, and for every token the id of its MiniLM original.

    Copies: each whole-word token with a first letter that has a capital ("paris" -> "Paris"), each of up to
    three letters in capitals too ("bbc" -> "BBC"), each one-letter continuation ("##a" -> "##A", so that
    any word in capitals can be spelt), and accented letters, read as their plain letter. The original ids do
    not move: [PAD] 0, [UNK] 100, [CLS] 101, [SEP] 102 and [MASK] 103, as in the real cased BERT vocabulary.
    """
    tokens = list(uncased_vocabulary())
    sources = list(range(len(tokens)))
    known = set(tokens)
    for index, token in enumerate(uncased_vocabulary()):
        if token.startswith("[") and token.endswith("]"):
            continue
        if token.startswith("##"):
            copies = [f"##{token[2:].upper()}"] if len(token) == 3 and token[2].isalpha() else []
        else:
            copies = [token[:1].upper() + token[1:]] + ([token.upper()] if 1 < len(token) <= 3 else [])
        for copy in copies:
            if copy not in known and len(copy) == len(token):
                known.add(copy)
                tokens.append(copy)
                sources.append(index)
    for letter in ACCENTED_LETTERS + ACCENTED_LETTERS.upper():  # a cased vocabulary keeps accents: café, Zoë
        plain = unicodedata.normalize("NFD", letter)[0].lower()
        for token, original in ((letter, plain), (f"##{letter}", f"##{plain}")):
            if token not in known:
                known.add(token)
                tokens.append(token)
                sources.append(tokens.index(original))
    return tuple(tokens), tuple(sources)


def tokenizer(model_type: str, cased: bool, mask_token: str = "[MASK]") -> PreTrainedTokenizerFast:
    """The fast tokenizer class of `model_type` ("bert" or "distilbert") over MiniLM's vocabulary, or its cased
    growth; `mask_token` renames [MASK] (same id, 103)."""
    from transformers import BertTokenizerFast, DistilBertTokenizerFast

    tokenizer_class = {"bert": BertTokenizerFast, "distilbert": DistilBertTokenizerFast}[model_type]
    lines = list(cased_vocabulary()[0] if cased else uncased_vocabulary())
    lines[lines.index("[MASK]")] = mask_token
    with tempfile.TemporaryDirectory() as folder:
        vocab_file = Path(folder) / "vocab.txt"
        vocab_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return tokenizer_class(
            str(vocab_file), do_lower_case=not cased, mask_token=mask_token, model_max_length=MODEL_MAX_LENGTH
        )


def model_with_body(model_class: type[PreTrainedModel], cased: bool, **config_fields: object) -> PreTrainedModel:
    """A fresh `model_class` (a BERT or DistilBERT class) whose body holds MiniLM's real weights, frozen, in eval
    mode; its word embeddings cover the cased vocabulary when `cased`."""
    from transformers import BertConfig, DistilBertConfig

    minilm = BertConfig.from_pretrained(minilm_dir())
    vocab_size = len(cased_vocabulary()[0]) if cased else minilm.vocab_size
    if model_class.config_class is DistilBertConfig:
        config = DistilBertConfig(
            vocab_size=vocab_size,
            dim=minilm.hidden_size,
            n_layers=minilm.num_hidden_layers,
            n_heads=minilm.num_attention_heads,
            hidden_dim=minilm.intermediate_size,
            max_position_embeddings=minilm.max_position_embeddings,
            activation=minilm.hidden_act,
            pad_token_id=minilm.pad_token_id,
            architectures=[model_class.__name__],
            **config_fields,
        )
    else:
        config = BertConfig.from_pretrained(
            minilm_dir(), vocab_size=vocab_size, architectures=[model_class.__name__], **config_fields
        )
        vars(config).pop("gradient_checkpointing", None)  # a stale key of MiniLM's config
    model = model_class(config)
    body = model.base_model
    weights = body_weights(config.model_type, cased)
    if missing := set(body.state_dict()) - set(weights):
        raise RuntimeError(f"MiniLM does not provide the body weights {sorted(missing)}")
    body.load_state_dict({key: weights[key] for key in body.state_dict()})
    model.tie_weights()
    model.eval()
    model.requires_grad_(False)
    return model


def body_weights(model_type: str, cased: bool) -> dict[str, torch.Tensor]:
    """MiniLM's tensors under the names of a `model_type` body ("bert" or "distilbert")."""
    import torch
    from safetensors.torch import load_file

    minilm = load_file(minilm_dir() / "model.safetensors")
    if cased:
        rows = torch.tensor(cased_vocabulary()[1])
        minilm["embeddings.word_embeddings.weight"] = minilm["embeddings.word_embeddings.weight"][rows]
    if model_type == "bert":
        return minilm
    weights = {
        "embeddings.word_embeddings.weight": minilm["embeddings.word_embeddings.weight"],
        # DistilBERT has no token types: a single sentence's type-0 embedding joins every position's
        "embeddings.position_embeddings.weight": minilm["embeddings.position_embeddings.weight"]
        + minilm["embeddings.token_type_embeddings.weight"][0],
        "embeddings.LayerNorm.weight": minilm["embeddings.LayerNorm.weight"],
        "embeddings.LayerNorm.bias": minilm["embeddings.LayerNorm.bias"],
    }
    layers = 1 + max(int(key.split(".")[2]) for key in minilm if key.startswith("encoder.layer."))
    for layer in range(layers):
        for bert_name, distilbert_name in DISTILBERT_NAMES.items():
            for kind in ("weight", "bias"):
                weights[f"transformer.layer.{layer}.{distilbert_name}.{kind}"] = minilm[
                    f"encoder.layer.{layer}.{bert_name}.{kind}"
                ]
    return weights
