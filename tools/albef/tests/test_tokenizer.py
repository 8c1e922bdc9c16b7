"""pre_caption and BERT tokenisation as ALBEF does them (spec §1.6); vocabulary builder."""
import io
import json
import subprocess
import sys
from pathlib import Path

from tools.albef.tokenizer import Tokenizer, basic_tokenize, pre_caption, wordpiece
from tools.albef.vocab import SPECIALS, build_vocab, word_counts

ROOT = Path(__file__).resolve().parents[3]


def test_pre_caption_deletes_punctuation_splits_hyphens_and_caps_words():
    assert pre_caption("Men's T-shirt, (blue)!  on/off <person>", 30) == "mens t shirt blue on off person"
    assert pre_caption("  a  b\n", 30) == "a b"
    assert pre_caption(" ".join(str(i) for i in range(40)), 30) == " ".join(str(i) for i in range(30))


def test_basic_tokenizer_cleans_lowercases_strips_accents_and_splits():
    assert basic_tokenize("Héllo\u00a0WORLD\x00\ufffd\x07 a$b") == ["hello", "world", "a", "$", "b"]
    assert basic_tokenize("ab中文cd") == ["ab", "中", "文", "cd"]
    assert basic_tokenize("\tcafé\r\n") == ["cafe"]


def test_wordpiece_is_greedy_longest_match_with_unk_for_unmatchable_or_long_words():
    vocab = {t: i for i, t in enumerate(["[UNK]", "un", "##aff", "##able", "##a", "a"])}
    assert wordpiece("unaffable", vocab) == ["un", "##aff", "##able"]
    assert wordpiece("unx", vocab) == ["[UNK]"]
    assert wordpiece("a" * 101, vocab) == ["[UNK]"]
    assert wordpiece("a" * 100, vocab) == ["a"] + ["##a"] * 99


def _tok(**kw):
    vocab = {t: i for i, t in enumerate(SPECIALS + ["red", "apple", "##s", "a", "##b"])}
    return Tokenizer(vocab, **kw)


def test_encode_puts_cls_first_without_sep_and_truncates_to_max_length():
    tok = _tok(max_length=4)
    assert tok.encode_caption("Red apples!") == [2, 5, 6, 7]
    assert tok.encode_caption("red red red red red") == [2, 5, 5, 5]
    assert _tok(max_length=4, add_sep=True).encode_caption("red red red") == [2, 5, 5, 3]


def test_batch_pads_with_pad_id_and_masks_padding():
    ids, mask = _tok().batch(["red apple", "red"])
    assert ids.tolist() == [[2, 5, 6], [2, 5, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_vocab_starts_with_specials_and_tokenises_every_corpus_word_without_unk():
    texts = ["red apple", "green apple", "apples and pears", "pear-shaped Café"]
    vocab = build_vocab(word_counts(texts), size=60)
    assert vocab[:5] == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    assert len(vocab) == len(set(vocab)) and len(vocab) <= 60
    tok = Tokenizer({t: i for i, t in enumerate(vocab)})
    for t in texts:
        assert 1 not in tok.encode_caption(t)
    assert build_vocab(word_counts(texts), size=60) == vocab  # deterministic


def test_cli_prints_one_json_id_list_per_line(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(SPECIALS + ["red", "apple"]) + "\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "tools.albef.tokenizer", "--vocab", str(vocab), "--max-length", "30"],
        input="Red apple\nblue\n".encode(), capture_output=True, check=True, cwd=ROOT,
    ).stdout.decode()
    assert [json.loads(x) for x in out.splitlines()] == [[2, 5, 6], [2, 1]]
