"""The Chinese search's word list (jieba's), as the build loads it: the same words as jieba's
own loading gives, read from jieba's cache whole (site/engine.py)."""

from __future__ import annotations

import marshal
import warnings
from pathlib import Path
from typing import Any

import pytest

from generator.site import engine

with warnings.catch_warnings():  # jieba has invalid escapes, which Python warns of compiling
    warnings.simplefilter("ignore", DeprecationWarning)
    import jieba


@pytest.fixture
def fresh_tokenizer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """jieba's default tokenizer, not yet loaded, with its cache in `tmp_path`."""
    tokenizer = jieba.dt
    monkeypatch.setattr(tokenizer, "tmp_dir", str(tmp_path))
    monkeypatch.setattr(tokenizer, "initialized", False)
    monkeypatch.setattr(tokenizer, "FREQ", {})
    monkeypatch.setattr(tokenizer, "total", 0)
    return tokenizer


def test_the_word_list_read_whole_from_the_cache_is_the_one_jieba_made(
    fresh_tokenizer: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine._load_word_list(jieba)  # no cache yet: jieba makes the word list and writes it
    assert (tmp_path / "jieba.cache").is_file()
    made = (dict(fresh_tokenizer.FREQ), fresh_tokenizer.total)
    assert len(made[0]) > 100_000 and made[1] > 0

    reads = []
    whole = engine._WholeFileMarshal.load

    def noted(file: Any) -> Any:
        reads.append(file.name)
        return whole(file)

    monkeypatch.setattr(engine._WholeFileMarshal, "load", staticmethod(noted))
    fresh_tokenizer.initialized = False
    engine._load_word_list(jieba)
    assert reads == [str(tmp_path / "jieba.cache")]
    assert (fresh_tokenizer.FREQ, fresh_tokenizer.total) == made
    assert jieba.marshal is marshal  # given back
    assert "/".join(jieba.cut("语义分割排行榜")) == "语义/分割/排行榜"


def test_jieba_gets_its_marshal_back_when_loading_fails(
    fresh_tokenizer: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fresh_tokenizer, "dictionary", str(tmp_path / "missing.txt"))
    with pytest.raises(OSError):
        engine._load_word_list(jieba)
    assert jieba.marshal is marshal
