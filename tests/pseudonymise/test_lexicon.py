"""The word table: built once from the installed tables into the cache folder, then read
word by word; in memory when the folder cannot be written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from qca.pseudonymise import lexicon as lx

_CLUSTERS = {"Seidel": 0b101000, "Auenfeld": 0b110000, "Polizei": 0b000111, "seidel": 0b1000}
_LEMMAS = {"Köche": "Koch", "Kochs": "Koch", "Seidels": "Seidel", "lange": "lang"}


def _clear() -> None:
    lx._lookup.cache_clear()
    lx._bits.cache_clear()


@pytest.fixture
def small_tables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Tiny stand-ins for spaCy's clusters and lemma table, and a cache folder in tmp."""
    forms: dict[str, frozenset[str]] = {}
    for form, lemma in _LEMMAS.items():
        forms[lemma] = forms.get(lemma, frozenset()) | {form}
    monkeypatch.setattr(lx, "_clusters", lambda: _CLUSTERS)
    monkeypatch.setattr(lx, "_lemma_table", lambda: (_LEMMAS, forms))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _clear()
    yield tmp_path
    _clear()


def _answers() -> dict[str, object]:
    return {
        "kinds": [lx.cluster_kind(w) for w in ("Seidel", "Auenfeld", "Polizei", "Nowhere")],
        "other": [lx.is_other_word(w) for w in ("Polizei", "Seidel", "Nowhere")],
        "common": [lx.is_common_word(w) for w in ("Koch", "Seidel", "Lange", "LANGE")],
        "stop": [lx.is_stop_word(w) for w in ("Aber", "Seidel")],
    }


_EXPECTED = {
    "kinds": ["person", "place", None, None],
    "other": [True, False, False],
    "common": [True, False, True, True],
    "stop": [True, False],
}


def test_the_first_use_writes_the_cache_and_later_ones_read_only_it(
        small_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _answers() == _EXPECTED
    files = list((small_tables / "qca").glob("lexicon-*.tsv"))
    assert len(files) == 1
    assert list((small_tables / "qca").glob("*.tmp")) == []

    def unreadable() -> dict[str, int]:
        raise AssertionError("the tables were read although the cache exists")

    monkeypatch.setattr(lx, "_clusters", unreadable)
    _clear()
    assert _answers() == _EXPECTED


def test_a_cache_folder_that_cannot_be_written_keeps_the_table_in_memory(
        small_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = small_tables / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    _clear()
    assert _answers() == _EXPECTED
    assert blocked.read_text() == ""


def test_the_cache_is_named_after_the_tables_versions(small_tables: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = lx._cache_file()
    monkeypatch.setattr(lx, "_version", lambda dist: "99.0")
    assert lx._cache_file() != before
    assert lx._cache_file().parent == small_tables / "qca"
