"""BERT stand-ins on the real all-MiniLM-L6-v2 body: the uncased and cased masked LMs, and NER.

The masked LMs keep the body frozen: they run it once over real Rotten Tomatoes text, cache its last-layer
states and fit only an MLM head (`masked_lm.py`). NER fine-tunes the top layers with its head on template
sentences written for the course (`template_texts.py`, `fitting.py`). Each score is measured on data that
training did not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import minilm_bodies
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.fitting import (
    built_head,
    cross_entropy,
    fine_tune_top_layers,
    hidden_states,
    label2id,
    save_with_tokenizer,
)
from hfcourse.hub.masked_lm import masked_language_model
from hfcourse.hub.standins import BuiltModel, seed_everything
from hfcourse.hub.template_texts import HELD_OUT_NAMES, NER_TEMPLATES, TRAIN_NAMES
from hfcourse.hub.templates import Sentence, Span, template_sentences

if TYPE_CHECKING:
    import torch
    from transformers import BertTokenizerFast, PreTrainedModel

IGNORE = -100  # label of tokens that no loss or score counts ([CLS], [SEP])

# NER: CoNLL-2003's label map; IOB1 tags as the real checkpoint predicts them (I-PER, I-ORG, ...)
NER_LABELS = {0: "O", 1: "B-MISC", 2: "I-MISC", 3: "B-PER", 4: "I-PER", 5: "B-ORG", 6: "I-ORG", 7: "B-LOC", 8: "I-LOC"}
NER_TRAIN, NER_HELD_OUT = 3000, 200
NER_LAYERS, NER_EPOCHS, NER_HEAD_RATE, NER_BODY_RATE = 2, 3, 2e-3, 3e-4  # fine-tuning: top layers, epochs, rates
ENTITY_OF_SLOT = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "NAT": "MISC", "EVENT": "MISC"}


def build_bert_mlm(out: Path) -> BuiltModel:
    """BertForMaskedLM, uncased (bert-base-uncased): MiniLM with an MLM head, and MiniLM's pooler kept."""
    from transformers import BertForMaskedLM

    model = minilm_bodies.model_with_body(BertForMaskedLM, cased=False)
    built = masked_language_model(model, minilm_bodies.tokenizer("bert", cased=False), out)
    _add_minilm_pooler(out)
    return built


def build_bert_cased_mlm(out: Path) -> BuiltModel:
    """BertForMaskedLM, cased (bert-base-cased)."""
    from transformers import BertForMaskedLM

    model = minilm_bodies.model_with_body(BertForMaskedLM, cased=True)
    built = masked_language_model(model, minilm_bodies.tokenizer("bert", cased=True), out)
    _add_minilm_pooler(out)
    return built


def _add_minilm_pooler(out: Path) -> None:
    """Put MiniLM's pooler into a saved BertForMaskedLM, as the real BERT checkpoints hold theirs: AutoModel then
    loads the whole body, pooler included, and BertForMaskedLM ignores it."""
    from safetensors.numpy import load_file, save_file

    path = out / "model.safetensors"
    tensors = load_file(path)
    minilm = load_file(minilm_dir() / "model.safetensors")
    for kind in ("weight", "bias"):
        tensors[f"bert.pooler.dense.{kind}"] = minilm[f"pooler.dense.{kind}"]
    save_file(tensors, path, metadata={"format": "pt"})


def build_ner(out: Path) -> BuiltModel:
    """BertForTokenClassification, cased, with CoNLL-2003's labels: the top layers and the classifier fine-tuned
    on template sentences."""
    import torch
    from transformers import BertForTokenClassification

    seed_everything()
    tokenizer = minilm_bodies.tokenizer("bert", cased=True)
    model = minilm_bodies.model_with_body(
        BertForTokenClassification, cased=True, id2label=NER_LABELS, label2id=label2id(NER_LABELS)
    )
    sentences = template_sentences(NER_TEMPLATES, TRAIN_NAMES, NER_TRAIN, seed=0)
    encodings = tokenizer([text for text, _ in sentences], return_offsets_mapping=True, padding=True)
    ids, mask = torch.tensor(encodings["input_ids"]), torch.tensor(encodings["attention_mask"])
    labels = torch.tensor(
        [_token_labels(offsets, spans) for offsets, (_, spans) in zip(encodings["offset_mapping"], sentences)]
    )  # padding's offsets are (0, 0): IGNORE, like [CLS] and [SEP]

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        length = int(mask[batch].sum(1).max())
        logits = model(input_ids=ids[batch, :length], attention_mask=mask[batch, :length]).logits
        return cross_entropy(logits.flatten(0, 1), labels[batch, :length].flatten())  # IGNORE is cross_entropy's

    layers = model.bert.encoder.layer[-NER_LAYERS:]
    head = [*model.classifier.parameters()]
    fine_tune_top_layers(
        model,
        layers,
        head,
        batch_loss,
        len(sentences),
        epochs=NER_EPOCHS,
        head_rate=NER_HEAD_RATE,
        body_rate=NER_BODY_RATE,
    )
    held_out = template_sentences(NER_TEMPLATES, HELD_OUT_NAMES, NER_HELD_OUT, seed=1)
    f1 = _entity_f1(model, tokenizer, held_out)
    save_with_tokenizer(model, tokenizer, out)
    return built_head(
        model,
        f"real pretrained all-MiniLM-L6-v2 body, cased (MiniLM's vocabulary grown with capitalised copies, each "
        f"read as its lower-case original); its top {NER_LAYERS} layers and a token-classification head fine-tuned "
        f"here for {NER_EPOCHS} epochs on {NER_TRAIN} template sentences written for the course "
        f"({len(NER_TEMPLATES)} templates, lists of names, organisations, places, nationalities and events; "
        "not CoNLL-2003); it finds entities from their context, as capitals give it no hint",
        f"held-out entity F1 {f1:.2f} on {NER_HELD_OUT} template sentences with unseen names",
    )


def _ner_sentence_states(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, sentences: list[Sentence]
) -> tuple[list[torch.Tensor], list[list[int]]]:
    """Per sentence: the body's token states and the token labels (IGNORE for [CLS] and [SEP])."""
    encodings = tokenizer([text for text, _ in sentences], return_offsets_mapping=True)
    labels = [_token_labels(offsets, spans) for offsets, (_, spans) in zip(encodings["offset_mapping"], sentences)]
    return hidden_states(body, encodings["input_ids"]), labels


def _token_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[int]:
    """I-<type> for tokens inside an entity span (IOB1: entities here never touch), O elsewhere."""
    label_ids = label2id(NER_LABELS)
    labels = []
    for start, end in offsets:
        kinds = [ENTITY_OF_SLOT.get(slot) for first, last, slot in spans if first <= start < last]
        labels.append(IGNORE if start == end else label_ids[f"I-{kinds[0]}"] if kinds and kinds[0] else 0)
    return labels


def _entity_f1(model: PreTrainedModel, tokenizer: BertTokenizerFast, sentences: list[Sentence]) -> float:
    """Entity-level F1 (exact span and type) of the model's token predictions."""
    import torch

    states, labels = _ner_sentence_states(model.base_model, tokenizer, sentences)
    found = expected = correct = 0
    with torch.no_grad():
        for state, gold in zip(states, labels):
            predicted = model.classifier(state[1:-1]).argmax(-1).tolist()
            guessed, truth = _entities(predicted), _entities(gold[1:-1])
            found, expected, correct = found + len(guessed), expected + len(truth), correct + len(guessed & truth)
    return 2 * correct / max(1, found + expected)


def _entities(labels: Sequence[int]) -> set[tuple[int, int, str]]:
    """(first token, last token, type) of each entity in a sequence of IOB1 label ids."""
    found, current = set(), None
    for position, tag in enumerate([*(NER_LABELS[label] for label in labels), "O"]):
        kind = None if tag == "O" else tag[2:]
        if current and (kind != current[1] or tag.startswith("B-")):
            found.add((current[0], position - 1, current[1]))
            current = None
        if kind and current is None:
            current = (position, kind)
    return found
