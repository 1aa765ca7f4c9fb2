"""Every stand-in is faithful where a lesson can see it: the real checkpoint's classes, tokenizer and labels.

REAL is written out from the real checkpoints' config.json and tokenizer files, and from transformers 4.57's
classes (the tokenizer class AutoTokenizer picks, its model_input_names, the model's base_model_prefix). Sizes
may differ (width, depth, vocabulary), and `hfcourse hub list` states them.
"""

from __future__ import annotations

from typing import Any

import pytest

from hfcourse.hub.catalog import MODELS

BERT_SPECIALS = {"cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]", "unk": "[UNK]", "mask": "[MASK]", "bos": None}
ROBERTA_SPECIALS = {"cls": "<s>", "sep": "</s>", "pad": "<pad>", "unk": "<unk>", "mask": "<mask>", "bos": "<s>"}
WITH_TYPES = ["input_ids", "token_type_ids", "attention_mask"]
WITHOUT_TYPES = ["input_ids", "attention_mask"]
CONLL = {0: "O", 1: "B-MISC", 2: "I-MISC", 3: "B-PER", 4: "I-PER", 5: "B-ORG", 6: "I-ORG", 7: "B-LOC", 8: "I-LOC"}


def _real(
    architecture: str,
    model_type: str,
    prefix: str,
    tokenizer: str,
    specials: dict[str, str | None],
    inputs: list[str],
    cased: bool,
    labels: dict[int, str] | None = None,
) -> dict[str, Any]:
    return {
        "architecture": architecture,
        "model_type": model_type,
        "base_model_prefix": prefix,
        "tokenizer": tokenizer,
        "special_tokens": specials,
        "model_input_names": inputs,
        "cased": cased,
        "labels": labels,
    }


GPT2 = _real(
    "GPT2LMHeadModel",
    "gpt2",
    "transformer",
    "GPT2TokenizerFast",
    {"cls": None, "sep": None, "pad": None, "unk": "<|endoftext|>", "mask": None, "bos": "<|endoftext|>"},
    WITHOUT_TYPES,
    cased=True,
)
REAL: dict[str, dict[str, Any]] = {
    "distilbert/distilbert-base-uncased-finetuned-sst-2-english": _real(
        "DistilBertForSequenceClassification",
        "distilbert",
        "distilbert",
        "DistilBertTokenizerFast",
        BERT_SPECIALS,
        WITHOUT_TYPES,
        cased=False,
        labels={0: "NEGATIVE", 1: "POSITIVE"},
    ),
    "distilbert/distilroberta-base": _real(
        "RobertaForMaskedLM", "roberta", "roberta", "RobertaTokenizerFast", ROBERTA_SPECIALS, WITHOUT_TYPES, True
    ),
    "dbmdz/bert-large-cased-finetuned-conll03-english": _real(
        "BertForTokenClassification", "bert", "bert", "BertTokenizerFast", BERT_SPECIALS, WITH_TYPES, True, CONLL
    ),
    "distilbert/distilbert-base-cased-distilled-squad": _real(
        "DistilBertForQuestionAnswering",
        "distilbert",
        "distilbert",
        "DistilBertTokenizerFast",
        BERT_SPECIALS,
        WITHOUT_TYPES,
        cased=True,
    ),
    "sshleifer/distilbart-cnn-12-6": _real(
        "BartForConditionalGeneration", "bart", "model", "BartTokenizerFast", ROBERTA_SPECIALS, WITHOUT_TYPES, True
    ),
    "openai-community/gpt2": GPT2,
    "distilbert/distilgpt2": GPT2,  # DistilGPT2 is a smaller GPT-2: same classes and tokenizer
    "google-t5/t5-base": _real(
        "T5ForConditionalGeneration",
        "t5",
        "transformer",
        "T5TokenizerFast",
        {"cls": None, "sep": None, "pad": "<pad>", "unk": "<unk>", "mask": None, "bos": None},
        WITHOUT_TYPES,
        cased=True,
    ),
    "facebook/bart-large-mnli": _real(
        "BartForSequenceClassification",
        "bart",
        "model",
        "BartTokenizerFast",
        ROBERTA_SPECIALS,
        WITHOUT_TYPES,
        cased=True,
        labels={0: "contradiction", 1: "neutral", 2: "entailment"},
    ),
    "distilbert/distilbert-base-cased": _real(
        "DistilBertForMaskedLM",
        "distilbert",
        "distilbert",
        "DistilBertTokenizerFast",
        BERT_SPECIALS,
        WITHOUT_TYPES,
        True,
    ),
    "google-bert/bert-base-uncased": _real(
        "BertForMaskedLM", "bert", "bert", "BertTokenizerFast", BERT_SPECIALS, WITH_TYPES, cased=False
    ),
    "google-bert/bert-base-cased": _real(
        "BertForMaskedLM", "bert", "bert", "BertTokenizerFast", BERT_SPECIALS, WITH_TYPES, cased=True
    ),
    "google-bert/bert-base-chinese": _real(  # tokenizer_config.json: do_lower_case false
        "BertForMaskedLM", "bert", "bert", "BertTokenizerFast", BERT_SPECIALS, WITH_TYPES, cased=True
    ),
    "FacebookAI/roberta-base": _real(
        "RobertaForMaskedLM", "roberta", "roberta", "RobertaTokenizerFast", ROBERTA_SPECIALS, WITHOUT_TYPES, True
    ),
    "cardiffnlp/twitter-roberta-base-sentiment": _real(
        "RobertaForSequenceClassification",
        "roberta",
        "roberta",
        "RobertaTokenizerFast",
        ROBERTA_SPECIALS,
        WITHOUT_TYPES,
        cased=True,
        labels={0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"},
    ),
    "Helsinki-NLP/opus-mt-fr-en": _real(
        "MarianMTModel",
        "marian",
        "model",
        "MarianTokenizer",  # transformers has no fast Marian tokenizer: two SentencePiece models and vocab.json
        {"cls": None, "sep": None, "pad": "<pad>", "unk": "<unk>", "mask": None, "bos": None},
        WITHOUT_TYPES,
        cased=True,
    ),
}


def opus_mt_generation(pad: int) -> dict[str, Any]:
    """What opus-mt-fr-en's generation_config.json says, with its <pad> id (59513 there, the last of vocab.json) as
    `pad`: generation starts from <pad>, never produces it, and ends on </s> (id 0); 4 beams, up to 512 tokens."""
    return {
        "decoder_start_token_id": pad,
        "eos_token_id": 0,
        "forced_eos_token_id": 0,
        "bad_words_ids": [[pad]],
        "num_beams": 4,
        "max_length": 512,
    }


def seen_facts(repo_id: str) -> dict[str, Any]:
    """What a lesson sees of a repo of the course hub, in REAL's terms."""
    import transformers
    from transformers import AutoConfig, AutoTokenizer

    config = AutoConfig.from_pretrained(repo_id)
    tokenizer = AutoTokenizer.from_pretrained(repo_id)
    architecture = config.architectures[0]
    model_class = getattr(transformers, architecture)
    specials = {
        "cls": tokenizer.cls_token,
        "sep": tokenizer.sep_token,
        "pad": tokenizer.pad_token,
        "unk": tokenizer.unk_token,
        "mask": tokenizer.mask_token,
        "bos": tokenizer.bos_token,
    }
    labelled = architecture.endswith(("SequenceClassification", "TokenClassification"))
    return {
        "architecture": architecture,
        "model_type": config.model_type,
        "base_model_prefix": model_class.base_model_prefix,
        "tokenizer": type(tokenizer).__name__,
        "special_tokens": specials,
        "model_input_names": list(tokenizer("one sentence").keys()),
        "cased": tokenizer("Paris")["input_ids"] != tokenizer("paris")["input_ids"],
        "labels": dict(config.id2label) if labelled else None,
    }


def test_the_table_covers_every_repo_of_the_hub() -> None:
    assert set(REAL) == {stand_in.repo_id for stand_in in MODELS}


@pytest.mark.parametrize("repo_id", list(REAL))
def test_the_stand_in_shows_what_the_real_checkpoint_shows(offline_hub, repo_id: str) -> None:
    seen = seen_facts(repo_id)
    differences = {key: (seen[key], want) for key, want in REAL[repo_id].items() if seen[key] != want}
    assert not differences, f"{repo_id}: (stand-in, real) {differences}"


def test_the_marian_stand_in_is_laid_out_and_generates_as_opus_mt(offline_hub) -> None:
    """What the table cannot show: opus-mt's vocab.json order, its config's structure and its generation settings,
    which decide what pipeline("translation", model=...) prints."""
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    repo_id = "Helsinki-NLP/opus-mt-fr-en"
    config, tokenizer = AutoConfig.from_pretrained(repo_id), AutoTokenizer.from_pretrained(repo_id)
    generation = GenerationConfig.from_pretrained(repo_id)
    vocab = tokenizer.get_vocab()
    assert (vocab["</s>"], vocab["<unk>"], vocab["<pad>"]) == (0, 1, len(vocab) - 1)
    assert config.pad_token_id == vocab["<pad>"] and config.vocab_size == len(vocab)
    assert (tokenizer.source_lang, tokenizer.target_lang, tokenizer.separate_vocabs) == ("fr", "en", False)
    assert (config.activation_function, config.scale_embedding, config.share_encoder_decoder_embeddings) == (
        "swish",
        True,
        True,
    )
    want = opus_mt_generation(config.pad_token_id)
    assert {key: getattr(generation, key) for key in want} == want


def test_the_chinese_stand_in_splits_as_bert_base_chinese(offline_hub) -> None:
    """bert-base-chinese's vocabulary layout (vocab.txt): [PAD] 0, [unused1] to [unused99], [UNK] 100, [CLS] 101,
    [SEP] 102, [MASK] 103; one token per Chinese character; a character outside the vocabulary is [UNK]."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained("google-bert/bert-base-chinese")
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in ("[PAD]", "[unused1]", "[unused99]")}
    assert ids == {"[PAD]": 0, "[unused1]": 1, "[unused99]": 99}
    assert tokenizer.all_special_ids == [tokenizer.convert_tokens_to_ids(t) for t in tokenizer.all_special_tokens]
    assert [tokenizer.unk_token_id, tokenizer.cls_token_id, tokenizer.sep_token_id] == [100, 101, 102]
    assert tokenizer.mask_token_id == 103
    assert tokenizer.tokenize("我很喜欢这本书") == list("我很喜欢这本书")
    assert tokenizer.tokenize("𠮷野家") == ["[UNK]", "野", "家"]
    assert tokenizer.tokenize("GPT2") == ["G", "##P", "##T", "##2"]
