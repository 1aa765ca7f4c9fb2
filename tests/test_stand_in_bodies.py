"""The stand-ins' bodies are MiniLM's real pretrained one, moved exactly into each real checkpoint's layout."""

from __future__ import annotations

import hashlib

import pytest

GPT2_MERGES_SHA256 = "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5"  # GPT-2's merges.txt


def test_the_byte_level_bpe_is_gpt2s_real_one() -> None:
    """The merges recovered from openai-whisper's rank file are, byte for byte, GPT-2's merges.txt (the hash that
    tiktoken pins for it)."""
    from hfcourse.hub import derived

    merges = derived.file_bytes("derived:RobertaTokenizerFast/merges.txt")
    assert hashlib.sha256(merges).hexdigest() == GPT2_MERGES_SHA256


def test_roberta_tokenizer_gives_the_real_token_strings() -> None:
    from hfcourse.hub.byte_level_bpe import roberta_tokenizer

    tokens = roberta_tokenizer().tokenize("Hello world! Sylvain works at Hugging Face in Brooklyn.")
    assert tokens == ["Hello", "Ġworld", "!", "ĠSylv", "ain", "Ġworks", "Ġat", "ĠHug", "ging", "ĠFace", "Ġin"] + [
        "ĠBrooklyn",
        ".",
    ]


def test_a_roberta_embedding_row_is_the_mean_of_its_wordpiece_spelling() -> None:
    import numpy as np

    from hfcourse.hub import byte_level_bpe, derived
    from hfcourse.hub.shipped import minilm_weights

    rows = derived.tensor("roberta_word_embeddings")
    minilm = minilm_weights()["embeddings.word_embeddings.weight"]
    vocab = byte_level_bpe.roberta_vocabulary()
    assert (rows[vocab["Ġworld"]] == minilm[2088]).all()  # "world" in MiniLM's vocabulary
    assert (rows[vocab["<mask>"]] == minilm[100]).all()  # [UNK]: MiniLM never trained its [MASK] row
    spelling = derived.wordpiece_spelling()[vocab["ĠSylv"]]
    assert len(spelling) > 1
    assert np.allclose(rows[vocab["ĠSylv"]], minilm[list(spelling)].mean(0), atol=1e-7)


@pytest.mark.parametrize(
    ("repo_id", "text", "layers_kept"),
    [
        ("distilbert/distilbert-base-cased", "the movie is good and the music is fine.", 6),
        ("distilbert/distilbert-base-cased-distilled-squad", "The movie is good, and Paris is in France.", 4),
        ("google-bert/bert-base-cased", "The movie is good, and Paris is in France.", 6),
    ],
)
def test_bert_and_distilbert_stand_ins_compute_what_minilm_computes(
    offline_hub, repo_id: str, text: str, layers_kept: int
) -> None:
    """DistilBERT is MiniLM transplanted; a cased vocabulary reads "Paris" as MiniLM reads "paris". The layers
    that no training touched (all 6 of a frozen body; the lower 4 where the top 2 were fine-tuned) compute
    exactly what MiniLM's do, and a fine-tuned top does not."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from hfcourse.hub.assets import minilm_dir

    minilm, minilm_tokenizer = AutoModel.from_pretrained(minilm_dir()), AutoTokenizer.from_pretrained(minilm_dir())
    model, tokenizer = AutoModel.from_pretrained(repo_id), AutoTokenizer.from_pretrained(repo_id)
    assert len(tokenizer(text)["input_ids"]) == len(minilm_tokenizer(text)["input_ids"])
    with torch.no_grad():
        ours = model(**tokenizer(text, return_tensors="pt"), output_hidden_states=True).hidden_states
        theirs = minilm(**minilm_tokenizer(text, return_tensors="pt"), output_hidden_states=True).hidden_states
    assert torch.allclose(ours[layers_kept], theirs[layers_kept], atol=1e-4)
    assert torch.allclose(ours[-1], theirs[-1], atol=1e-4) == (layers_kept == len(theirs) - 1)


def test_roberta_stand_in_reads_like_minilm_below_its_adapted_layers(offline_hub) -> None:
    """Where BPE and WordPiece cut a sentence alike, RoBERTa's unadapted lower layers give MiniLM's states."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from hfcourse.hub.assets import minilm_dir
    from hfcourse.hub.roberta import ADAPTED_LAYERS

    text = "the movie is good and the music is fine."
    minilm, minilm_tokenizer = AutoModel.from_pretrained(minilm_dir()), AutoTokenizer.from_pretrained(minilm_dir())
    model, tokenizer = (
        AutoModel.from_pretrained("FacebookAI/roberta-base"),
        AutoTokenizer.from_pretrained("FacebookAI/roberta-base"),
    )
    lower = minilm.config.num_hidden_layers - ADAPTED_LAYERS
    with torch.no_grad():
        ours = model(**tokenizer(text, return_tensors="pt"), output_hidden_states=True).hidden_states[lower]
        theirs = minilm(**minilm_tokenizer(text, return_tensors="pt"), output_hidden_states=True).hidden_states[lower]
    assert ours.shape == theirs.shape
    assert torch.allclose(ours, theirs, atol=1e-4)


def test_cased_tokenizers_keep_capitals_and_accents(offline_hub) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained("dbmdz/bert-large-cased-finetuned-conll03-english")
    assert tokenizer.tokenize("Sylvain works in Brooklyn, at the BBC, in a café.") == [
        "Sy",
        "##lva",
        "##in",
        "works",
        "in",
        "Brooklyn",
        ",",
        "at",
        "the",
        "BBC",
        ",",
        "in",
        "a",
        "caf",
        "##é",
        ".",
    ]
