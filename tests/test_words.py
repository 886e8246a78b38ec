"""qca words: lemma frequencies with shares of segments, per group and per category."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import run_cli, snapshot_db
from qca import nlp
from qca.errors import CodingError, InputError
from qca.words import OTHER, TOTAL, word_frequencies


@pytest.fixture(scope="module", autouse=True)
def offline_pipeline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QCA_PIPELINE", "offline")
        nlp._reset_for_tests()
        yield
    nlp._reset_for_tests()


def _words(table, group: str = TOTAL) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {r.lemma: (r.n_segments, r.n_tokens) for r in table.rows[group]}


def test_shares_of_segments_without_stop_words(coded) -> None:  # noqa: F811
    table = word_frequencies(coded, question="herausforderungen")
    assert table.n_group == {TOTAL: 4}  # "-" is not substantive
    words = _words(table)
    assert words["Konflikt"] == (2, 2)
    assert table.rows[TOTAL][0].lemma == "Konflikt"
    assert table.rows[TOTAL][0].share == 0.5
    assert not {"im", "und", "zu", "zwischen"} & {w.casefold() for w in words}


def test_per_group_and_per_category(coded) -> None:  # noqa: F811
    table = word_frequencies(coded, question="chancen", by="amt")
    assert table.groups == ["Ordnung", "Jugend", "Soziales", "total"]
    assert _words(table, "Jugend")["Miteinander"] == (2, 2)
    assert table.n_group["Jugend"] == 2
    by_code = word_frequencies(coded, question="chancen", code="CH_ZUS", coder="anna")
    assert by_code.groups == ["CH_ZUS", OTHER]
    assert by_code.n_group == {"CH_ZUS": 3, OTHER: 2}
    assert _words(by_code, "CH_ZUS")["Miteinander"] == (2, 2)
    assert "Miteinander" not in _words(by_code, OTHER)


def test_top_limits_each_group(coded) -> None:  # noqa: F811
    table = word_frequencies(coded, top=2)
    assert len(table.rows[TOTAL]) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [({"by": "amt", "code": "CH_ZUS"}, InputError, "not both"),
     ({"code": "NOPE", "coder": "anna"}, CodingError, "'NOPE' is not in the codebook"),
     ({"by": "bezirk"}, InputError, "variable 'bezirk'")],
)
def test_bad_input(coded, kwargs, error, message) -> None:  # noqa: F811
    with pytest.raises(error, match=message):
        word_frequencies(coded, **kwargs)


def test_cli(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "words", str(coded_path), "--question", "herausforderungen",
                           "--top", "3")
    lines = out.splitlines()
    assert code == 0 and "total: 4 segments" in lines
    assert lines[lines.index("total: 4 segments") + 2].split() == ["Konflikt", "2", "50%", "2"]
    code, out, _ = run_cli(capsys, "words", str(coded_path), "--format", "json")
    assert json.loads(out)["groups"]["total"]["n_segments"] == 9  # 5 + 4 substantive answers
    before = snapshot_db(coded_path)
    code, out, err = run_cli(capsys, "words", str(coded_path), "--code", "CH_ZUS")
    assert code != 0 and "add --coder NAME" in err and len(err.strip().splitlines()) == 1
    snapshot = snapshot_db(coded_path)
    snapshot.pop("features"), before.pop("features")
    assert snapshot == before
