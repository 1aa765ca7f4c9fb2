"""Task heads on the real all-MiniLM-L6-v2 body (frozen): masked-LM heads for the BERT and DistilBERT base
checkpoints, NER, question answering, and the template data that the zero-shot stand-in (bart.py) learns from.

Each builder runs the body once over its inputs, caches the last-layer hidden states and fits only a small
head on them. The training data is real Rotten Tomatoes text or the small template sets written below;
each score is measured on data the head was not fitted on.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus, minilm_bodies
from hfcourse.hub.assets import minilm_dir
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything
from hfcourse.hub.template_texts import HELD_OUT_NAMES, NER_TEMPLATES, QA_TEMPLATES, TOPIC_SENTENCES, TRAIN_NAMES

if TYPE_CHECKING:
    import torch
    from transformers import BertTokenizerFast, PreTrainedModel

Span = tuple[int, int, str]  # start and end character, and the template slot
Sentence = tuple[str, list[Span]]

BODY = "real pretrained all-MiniLM-L6-v2 body (frozen)"
LICENSE = "Apache-2.0 (all-MiniLM-L6-v2 weights; head made here)"
BATCH_SIZE = 64
IGNORE = -100  # label of tokens that no loss or score counts ([CLS], [SEP])
UNK_ID, MASK_ID = 100, 103

# fill-mask: masked words of real review and plot sentences
MLM_TEXTS, MLM_HELD_OUT_TEXTS, MLM_MAX_TOKENS = 560, 100, 32
MLM_VOCABULARY = 2000  # the head proposes only the corpus's most frequent whole words
MLM_MASK_RATE = 0.2

# NER: CoNLL-2003's label map; IOB1 tags as the real checkpoint predicts them (I-PER, I-ORG, ...)
NER_LABELS = {0: "O", 1: "B-MISC", 2: "I-MISC", 3: "B-PER", 4: "I-PER", 5: "B-ORG", 6: "I-ORG", 7: "B-LOC", 8: "I-LOC"}
NER_TRAIN, NER_HELD_OUT = 480, 200
ENTITY_OF_SLOT = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "NAT": "MISC", "EVENT": "MISC"}

# question answering
QA_CONTEXTS, QA_HELD_OUT_CONTEXTS, QA_MAX_ANSWER_TOKENS = 100, 30, 15  # each context is asked all its questions

# zero-shot: the label map of an MNLI model, the pipeline's default hypothesis
NLI_LABELS = {0: "contradiction", 1: "neutral", 2: "entailment"}
CONTRADICTION, NEUTRAL, ENTAILMENT = 0, 1, 2
HYPOTHESIS = "This example is {}."
TOPIC_HELD_OUT = 3  # the last sentences of each topic are kept out of training
OTHER_TOPICS_PER_SENTENCE = 6

SENTIMENTS = ("negative", "positive")  # hypotheses a factual topic sentence neither entails nor contradicts


def build_bert_mlm(out: Path) -> BuiltModel:
    """BertForMaskedLM, uncased (bert-base-uncased): MiniLM with an MLM head, and MiniLM's pooler kept."""
    from transformers import BertForMaskedLM

    model = minilm_bodies.model_with_body(BertForMaskedLM, cased=False)
    return _masked_language_model(model, minilm_bodies.tokenizer("bert", cased=False), out)


def build_bert_cased_mlm(out: Path) -> BuiltModel:
    """BertForMaskedLM, cased (bert-base-cased)."""
    from transformers import BertForMaskedLM

    model = minilm_bodies.model_with_body(BertForMaskedLM, cased=True)
    return _masked_language_model(model, minilm_bodies.tokenizer("bert", cased=True), out)


def build_distilbert_cased_mlm(out: Path) -> BuiltModel:
    """DistilBertForMaskedLM, cased (distilbert-base-cased): MiniLM transplanted, with an MLM head."""
    from transformers import DistilBertForMaskedLM

    model = minilm_bodies.model_with_body(DistilBertForMaskedLM, cased=True)
    return _masked_language_model(model, minilm_bodies.tokenizer("distilbert", cased=True), out)


def _masked_language_model(model: PreTrainedModel, tokenizer: BertTokenizerFast, out: Path) -> BuiltModel:
    """Fit the MLM head of a BERT or DistilBERT masked LM (transform and output bias; the decoder is tied to the
    word embeddings) on masked words of real text, and save it."""
    import torch

    seed_everything()
    embeddings = model.get_input_embeddings().weight
    with torch.no_grad():  # MiniLM never trained its [MASK] row (norm 0.24); the [UNK] row reads as "some word here"
        embeddings[MASK_ID] = embeddings[UNK_ID]
    words = _frequent_whole_words(tokenizer, MLM_VOCABULARY)
    states, targets = _masked_states(model.base_model, tokenizer, _mlm_texts("train", MLM_TEXTS), words)
    transform, bias = _mlm_transform(model)
    with torch.no_grad():
        bias.fill_(-100.0)  # words outside the head's vocabulary are never proposed
        bias[words.ids] = words.log_frequency
    known_embeddings = embeddings.detach()[words.ids]

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        logits = transform(states[batch]) @ known_embeddings.T + bias[words.ids]
        return _cross_entropy(logits, words.index[targets[batch]])

    _fit([*_transform_parameters(model), bias], batch_loss, len(targets), epochs=8, lr=1e-3, weight_decay=0.1)
    held_states, held_targets = _masked_states(
        model.base_model, tokenizer, _mlm_texts("test", MLM_HELD_OUT_TEXTS), words
    )
    with torch.no_grad():
        logits = transform(held_states) @ embeddings.T + bias
    top1, top5, most_frequent = _mlm_accuracy(logits, held_targets, words)
    _save(model, tokenizer, out)
    if model.config.model_type == "bert":
        _add_minilm_pooler(out)
    cased = "cased" if tokenizer.init_kwargs.get("do_lower_case") is False else "uncased"
    transplant = ", transplanted into DistilBERT's layout," if model.config.model_type == "distilbert" else ""
    return _built(
        model,
        f"{BODY}{transplant} {cased}, except its [MASK] embedding row, which MiniLM never trained, set to a copy of "
        f"the [UNK] row; MLM head (transform and output bias; decoder tied to the word embeddings) fitted here on "
        f"{len(targets)} masked words of {MLM_TEXTS} real Rotten Tomatoes review and plot sentences (Pang & Lee "
        f"data); it proposes only the {MLM_VOCABULARY} most frequent whole words of that corpus, in lower case",
        f"held-out top-1 accuracy {top1:.2f} (always the most frequent word: {most_frequent:.2f}), top-5 "
        f"{top5:.2f}, on {len(held_targets)} masked words of Rotten Tomatoes snippets of other movies",
    )


def _mlm_transform(model: PreTrainedModel) -> tuple[Callable[[torch.Tensor], torch.Tensor], torch.nn.Parameter]:
    """What an MLM head computes before the tied decoder, and its output bias: BERT's or DistilBERT's names."""
    import torch

    if model.config.model_type == "distilbert":

        def transform(states: torch.Tensor) -> torch.Tensor:
            return model.vocab_layer_norm(torch.nn.functional.gelu(model.vocab_transform(states)))

        return transform, model.vocab_projector.bias
    return model.cls.predictions.transform, model.cls.predictions.bias


def _transform_parameters(model: PreTrainedModel) -> list[torch.nn.Parameter]:
    if model.config.model_type == "distilbert":
        return [*model.vocab_transform.parameters(), *model.vocab_layer_norm.parameters()]
    return [*model.cls.predictions.transform.parameters()]


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


def _mlm_accuracy(logits: torch.Tensor, targets: torch.Tensor, words: _Words) -> tuple[float, float, float]:
    """Top-1 and top-5 accuracy of the head's logits, and the top-1 accuracy of always saying the most frequent
    word."""
    top5 = logits.topk(5).indices
    top1_accuracy = float((top5[:, 0] == targets).float().mean())
    top5_accuracy = float((top5 == targets[:, None]).any(1).float().mean())
    return top1_accuracy, top5_accuracy, float((targets == words.ids[words.log_frequency.argmax()]).float().mean())


class _Words:
    """The MLM head's word list: token ids, log relative frequencies, and token id -> row."""

    def __init__(self, ids: list[int], counts: list[int]) -> None:
        import torch

        self.ids = torch.tensor(ids)
        self.known = set(ids)
        self.log_frequency = torch.log(torch.tensor(counts, dtype=torch.float32))
        self.log_frequency -= torch.logsumexp(self.log_frequency, 0)
        self.index = torch.full((max(ids) + 1,), -1)
        self.index[self.ids] = torch.arange(len(ids))


def _frequent_whole_words(tokenizer: BertTokenizerFast, size: int) -> _Words:
    """The `size` most frequent alphabetic words of the training reviews and plots that are single tokens."""
    vocab = tokenizer.get_vocab()
    counts = Counter(word for text in _corpus_texts("train") for word in re.findall(r"[a-z]+", text.lower()))
    ranked = sorted(((word, n) for word, n in counts.items() if word in vocab), key=lambda item: (-item[1], item[0]))
    ranked = sorted(ranked[:size], key=lambda item: vocab[item[0]])
    return _Words([vocab[word] for word, _ in ranked], [count for _, count in ranked])


def _corpus_texts(split: str) -> list[str]:
    """Review snippets of a split, plus (for "train") the plot summaries cut into sentences."""
    texts = [s.text for s in corpus.reviews(split)]
    if split == "train":
        texts += [sentence for plot in corpus.plots() for sentence in re.split(r"(?<=[.!?])\s+", plot.text)]
    return texts


def _mlm_texts(split: str, count: int) -> list[str]:
    """`count` texts spread evenly over the split, each of 6 to 40 words."""
    texts = [text for text in _corpus_texts(split) if 6 <= len(text.split()) <= 40]
    return texts[:: max(1, len(texts) // count)][:count]


def _masked_states(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, texts: list[str], words: _Words
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask a fifth of each text's whole words that the head knows: the body's states there, and the words."""
    import torch

    generator = torch.Generator().manual_seed(0)
    inputs, positions, targets = [], [], []
    for ids in tokenizer(texts, truncation=True, max_length=MLM_MAX_TOKENS)["input_ids"]:
        pieces = [*tokenizer.convert_ids_to_tokens(ids), "[SEP]"]
        maskable = [i for i, token in enumerate(ids) if token in words.known and not pieces[i + 1].startswith("##")]
        if maskable:
            count = max(1, round(MLM_MASK_RATE * len(maskable)))
            chosen = sorted(maskable[j] for j in torch.randperm(len(maskable), generator=generator)[:count].tolist())
            inputs.append([MASK_ID if i in chosen else token for i, token in enumerate(ids)])
            positions.append(chosen)
            targets += [ids[i] for i in chosen]
    states = _hidden_states(body, inputs)
    return torch.cat([state[chosen] for state, chosen in zip(states, positions)]), torch.tensor(targets)


def build_ner(out: Path) -> BuiltModel:
    """BertForTokenClassification, cased, with CoNLL-2003's labels, the classifier fitted on template sentences."""
    from transformers import BertForTokenClassification

    seed_everything()
    tokenizer = minilm_bodies.tokenizer("bert", cased=True)
    model = minilm_bodies.model_with_body(
        BertForTokenClassification, cased=True, id2label=NER_LABELS, label2id=_inverse(NER_LABELS)
    )
    sentences = _template_sentences(NER_TEMPLATES, TRAIN_NAMES, NER_TRAIN, seed=0)
    states, labels = _ner_tokens(model.base_model, tokenizer, sentences)
    batch_loss = lambda batch: _cross_entropy(model.classifier(states[batch]), labels[batch])  # noqa: E731
    _fit([*model.classifier.parameters()], batch_loss, len(labels), epochs=20, lr=3e-3)
    held_out = _template_sentences(NER_TEMPLATES, HELD_OUT_NAMES, NER_HELD_OUT, seed=1)
    f1 = _entity_f1(model, tokenizer, held_out)
    _save(model, tokenizer, out)
    return _built(
        model,
        f"{BODY}; token-classification head fitted here on {NER_TRAIN} template sentences written for the course "
        f"({len(NER_TEMPLATES)} templates, lists of names, organisations, places, nationalities and events; "
        "not CoNLL-2003); cased tokenizer (MiniLM's vocabulary grown with capitalised copies), but the body reads "
        "capitals as lower case, so they give no hint",
        f"held-out entity F1 {f1:.2f} on {NER_HELD_OUT} template sentences with unseen names",
    )


def _template_sentences(
    templates: Sequence[str], names: Mapping[str, Sequence[str]], count: int, seed: int
) -> list[Sentence]:
    """`count` sentences cycling through the templates, with each slot's character span."""
    pick = _name_picker(names, random.Random(seed))
    return [_fill(templates[i % len(templates)], pick) for i in range(count)]


def _name_picker(names: Mapping[str, Sequence[str]], rng: random.Random) -> Callable[[str], str]:
    """A function giving a random value for a slot; a person is a first name, or first and last name."""

    def pick(slot: str) -> str:
        if slot != "PER":
            return rng.choice(names[slot])
        first = rng.choice(names["FIRST"])
        return first if rng.random() < 0.4 else f"{first} {rng.choice(names['LAST'])}"

    return pick


def _fill(template: str, pick: Callable[[str], str]) -> Sentence:
    """The template with each {SLOT} replaced by pick(SLOT), and the (start, end, slot) of each value."""
    text, spans, copied = "", [], 0
    for match in re.finditer(r"\{([A-Z]+)\}", template):
        text += template[copied : match.start()]
        value = pick(match.group(1))
        spans.append((len(text), len(text) + len(value), match.group(1)))
        text += value
        copied = match.end()
    return text + template[copied:], spans


def _ner_tokens(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, sentences: list[Sentence]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Every real token of the sentences: the body's state and its IOB1 label."""
    import torch

    states, labels = _ner_sentence_states(body, tokenizer, sentences)
    flat_states, flat_labels = torch.cat(states), torch.tensor([label for row in labels for label in row])
    keep = flat_labels != IGNORE
    return flat_states[keep], flat_labels[keep]


def _ner_sentence_states(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, sentences: list[Sentence]
) -> tuple[list[torch.Tensor], list[list[int]]]:
    """Per sentence: the body's token states and the token labels (IGNORE for [CLS] and [SEP])."""
    encodings = tokenizer([text for text, _ in sentences], return_offsets_mapping=True)
    labels = [_token_labels(offsets, spans) for offsets, (_, spans) in zip(encodings["offset_mapping"], sentences)]
    return _hidden_states(body, encodings["input_ids"]), labels


def _token_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[int]:
    """I-<type> for tokens inside an entity span (IOB1: entities here never touch), O elsewhere."""
    label_ids = _inverse(NER_LABELS)
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


def build_question_answering(out: Path) -> BuiltModel:
    """DistilBertForQuestionAnswering, cased: a start/end head fitted on template questions about template contexts."""
    from transformers import DistilBertForQuestionAnswering

    seed_everything()
    tokenizer = minilm_bodies.tokenizer("distilbert", cased=True)
    model = minilm_bodies.model_with_body(DistilBertForQuestionAnswering, cased=True)
    states, context, starts, ends = _qa_examples(model.base_model, tokenizer, TRAIN_NAMES, QA_CONTEXTS, seed=0)

    def batch_loss(batch: torch.Tensor) -> torch.Tensor:
        logits = model.qa_outputs(states[batch]).masked_fill(~context[batch, :, None], -1e4)
        return _cross_entropy(logits[..., 0], starts[batch]) + _cross_entropy(logits[..., 1], ends[batch])

    _fit([*model.qa_outputs.parameters()], batch_loss, len(starts), epochs=100, lr=1e-2)
    held_out = _qa_examples(model.base_model, tokenizer, HELD_OUT_NAMES, QA_HELD_OUT_CONTEXTS, seed=1)
    exact = _qa_exact_match(model, *held_out)
    _save(model, tokenizer, out)
    return _built(
        model,
        f"{BODY}; span head (start/end) fitted here on {len(starts)} template questions (who/where/what/when) about "
        f"{QA_CONTEXTS} template contexts of {len(QA_TEMPLATES)} kinds, written for the course (not SQuAD); a linear "
        "head on frozen states barely uses the question: it mostly picks the most answer-like name in the context",
        f"held-out exact match {exact:.2f} on {len(held_out[2])} template questions with unseen names "
        f"({QA_HELD_OUT_CONTEXTS} contexts, about 3 questions each)",
    )


def _qa_examples(
    body: PreTrainedModel, tokenizer: BertTokenizerFast, names: Mapping[str, Sequence[str]], contexts: int, seed: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded body states [n, length, hidden], the context-token mask, and the answer's first and last token."""
    import torch

    questions, context_texts, answers = _qa_texts(names, contexts, seed)
    encodings = tokenizer(questions, context_texts)
    starts = [encodings.char_to_token(i, start, sequence_index=1) for i, (start, _) in enumerate(answers)]
    ends = [encodings.char_to_token(i, end - 1, sequence_index=1) for i, (_, end) in enumerate(answers)]
    states = _hidden_states(body, encodings["input_ids"], encodings.get("token_type_ids"))
    in_context = [torch.tensor([part == 1 for part in encodings.sequence_ids(i)]) for i in range(len(questions))]
    pad = torch.nn.utils.rnn.pad_sequence
    return pad(states, batch_first=True), pad(in_context, batch_first=True), torch.tensor(starts), torch.tensor(ends)


def _qa_texts(
    names: Mapping[str, Sequence[str]], contexts: int, seed: int
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Questions, contexts and answer character spans; contexts cycle through the templates, all questions asked."""
    pick = _name_picker(names, random.Random(seed))
    questions, context_texts, answers = [], [], []
    for i in range(contexts):
        context_template, asks = QA_TEMPLATES[i % len(QA_TEMPLATES)]
        values = {slot: pick(slot) for slot in re.findall(r"\{([A-Z]+)\}", context_template)}
        context, spans = _fill(context_template, values.__getitem__)
        for question, answer_slot in asks:
            questions.append(question.format(**values))
            context_texts.append(context)
            answers.append(next((start, end) for start, end, slot in spans if slot == answer_slot))
    return questions, context_texts, answers


def _qa_exact_match(
    model: PreTrainedModel, states: torch.Tensor, context: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor
) -> float:
    """How often the best span (start <= end, at most QA_MAX_ANSWER_TOKENS long) is exactly the answer."""
    import torch

    with torch.no_grad():
        logits = model.qa_outputs(states).masked_fill(~context[..., None], -1e4)
    length = logits.shape[1]
    allowed = torch.ones(length, length).triu().tril(QA_MAX_ANSWER_TOKENS - 1).bool()
    pair_scores = (logits[..., 0, None] + logits[..., None, :, 1]).masked_fill(~allowed, -1e9).flatten(1)
    best = pair_scores.argmax(1)
    return float(((best // length == starts) & (best % length == ends)).float().mean())


def _nli_training_pairs() -> tuple[list[tuple[str, str]], list[int]]:
    """(premise, hypothesis) pairs and labels: the true topic entails, other topics contradict, sentiment is
    neutral."""
    rng = random.Random(0)
    topics = sorted(TOPIC_SENTENCES)
    pairs, labels = [], []
    for topic in topics:
        for index, sentence in enumerate(TOPIC_SENTENCES[topic][:-TOPIC_HELD_OUT]):
            others = rng.sample([other for other in topics if other != topic], OTHER_TOPICS_PER_SENTENCE)
            pairs += [(sentence, HYPOTHESIS.format(label)) for label in [topic, *others]]
            labels += [ENTAILMENT] + [CONTRADICTION] * len(others)
            if index % 3 == 0:
                pairs.append((sentence, HYPOTHESIS.format(SENTIMENTS[index % 2])))
                labels.append(NEUTRAL)
    return pairs, labels


def _held_out_topic_sentences(topics: list[str]) -> tuple[list[str], list[int]]:
    """The last TOPIC_HELD_OUT sentences of each topic, and each one's topic index."""
    held_out = [(sentence, i) for i, topic in enumerate(topics) for sentence in _held_out(topic)]
    return [sentence for sentence, _ in held_out], [i for _, i in held_out]


def _held_out(topic: str) -> tuple[str, ...]:
    """The topic's sentences kept out of training."""
    return TOPIC_SENTENCES[topic][-TOPIC_HELD_OUT:]


def _hidden_states(
    body: PreTrainedModel, inputs: Sequence[Sequence[int]], token_types: Sequence[Sequence[int]] | None = None
) -> list[torch.Tensor]:
    """The body's last-layer states of each token-id list ([length, hidden]), run in length-sorted batches."""
    import torch

    order = sorted(range(len(inputs)), key=lambda i: len(inputs[i]))
    states: list[torch.Tensor] = [torch.empty(0)] * len(inputs)
    with torch.inference_mode():
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            lengths = torch.tensor([len(inputs[i]) for i in batch])
            ids, types = torch.zeros(2, len(batch), int(lengths.max()), dtype=torch.long)
            for row, i in enumerate(batch):
                ids[row, : lengths[row]] = torch.tensor(inputs[i])
                types[row, : lengths[row]] = torch.tensor(token_types[i] if token_types else [0] * len(inputs[i]))
            mask = (torch.arange(ids.shape[1])[None] < lengths[:, None]).long()
            typed = {"token_type_ids": types} if body.config.model_type == "bert" else {}
            hidden = body(input_ids=ids, attention_mask=mask, **typed).last_hidden_state
            for row, i in enumerate(batch):
                states[i] = hidden[row, : lengths[row]].clone()
    return states


def _fit(
    parameters: list[torch.nn.Parameter],
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    examples: int,
    epochs: int,
    lr: float,
    weight_decay: float = 0.01,
    batch_size: int = 128,
) -> None:
    """AdamW with a linearly decaying rate over shuffled mini-batches of example indices (fixed shuffle seed)."""
    import torch

    for parameter in parameters:
        parameter.requires_grad_(True)
    optimizer = torch.optim.AdamW(parameters, lr=lr, weight_decay=weight_decay)
    steps = epochs * -(-examples // batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 - step / steps)
    generator = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        order = torch.randperm(examples, generator=generator)
        for start in range(0, examples, batch_size):
            loss = batch_loss(order[start : start + batch_size])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    for parameter in parameters:
        parameter.requires_grad_(False)


def _cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of logits [n, classes] against class indices [n]."""
    import torch

    return torch.nn.functional.cross_entropy(logits, targets)


def _inverse(labels: Mapping[int, str]) -> dict[str, int]:
    """label2id from id2label."""
    return {name: index for index, name in labels.items()}


def _save(model: PreTrainedModel, tokenizer: BertTokenizerFast, out: Path) -> None:
    """save_pretrained the model and its tokenizer into `out`."""
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)


def _built(model: PreTrainedModel, source: str, score: str) -> BuiltModel:
    """The facts of a built stand-in: its architecture and size, where it comes from, its held-out score."""
    return BuiltModel(model.config.architectures[0], parameter_total(model), source, LICENSE, score)
