"""qca search: folded, compound-aware plain search through the FTS index, --word, --regex,
--lemma, filters, the index kept in step with the segments, and bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from coded_fixtures import coded, coded_path  # noqa: F401
from conftest import run_cli, snapshot_db
from qca import nlp
from qca.errors import InputError
from qca.folding import fold_text, fold_with_offsets
from qca.search import search, segment_hits


@pytest.fixture(scope="module")
def offline_pipeline() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QCA_PIPELINE", "offline")
        nlp._reset_for_tests()
        yield
    nlp._reset_for_tests()


def _found(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(h.segment_id, h.match) for h in result.hits]


@pytest.mark.parametrize(
    ("pattern", "kwargs", "expected"),
    [
        ("Personal", {}, [("1#chancen", "Personal"), ("1#chancen", "Personal"),
                          ("6#herausforderungen", "Personal")]),
        ("personal", {"word": True}, [("1#chancen", "Personal"),
                                      ("6#herausforderungen", "Personal")]),
        ("Baume", {}, [("2#chancen", "Bäume")]),
        ("BAEUME", {}, [("2#chancen", "Bäume")]),
        ("Baum", {}, [("2#chancen", "Bäum"), ("6#chancen", "Baum")]),
        ("strasse", {}, [("6#chancen", "Straße")]),
        ("mehr Miteinander", {}, [("2#chancen", "mehr Miteinander")]),
        ("Konflikt\\w*", {"regex": True}, [("2#herausforderungen", "Konflikte"),
                                           ("4#herausforderungen", "Konflikte")]),
        ("Miteinander", {"where": ["amt=Jugend"], "question": "chancen"},
         [("2#chancen", "Miteinander"), ("3#chancen", "Miteinander")]),
        ("Personal", {"coded": False}, [("6#herausforderungen", "Personal")]),
        ("Personal", {"coded": True}, [("1#chancen", "Personal"), ("1#chancen", "Personal")]),
        ("im", {}, [("1#herausforderungen", "im"), ("2#chancen", "im"),
                    ("4#chancen", "im")]),
        ("zz", {}, []),
    ],
)
def test_search_hits(coded, pattern, kwargs, expected) -> None:  # noqa: F811
    assert sorted(_found(search(coded, pattern, **kwargs))) == sorted(expected)


def test_hits_carry_context_in_the_original_spelling(coded) -> None:  # noqa: F811
    (hit,) = search(coded, "Baume").hits
    assert (hit.left, hit.match, hit.right) == ("Neue ", "Bäume", " im Park und mehr Miteinander.")
    assert coded.segment("2#chancen").text[hit.start:hit.end] == "Bäume"


def test_lemma_search_uses_stored_lemmas(coded, offline_pipeline) -> None:  # noqa: F811
    assert _found(search(coded, "Baum", lemma=True)) == [("2#chancen", "Bäume")]
    assert coded.count("features") > 0


def test_index_follows_new_changed_and_deleted_segments(coded) -> None:  # noqa: F811
    with coded.transaction():
        coded.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('x', 'survey', 'x')")
        coded.conn.execute("INSERT INTO segments (id, seq, source_id, question, position, text)"
                           " VALUES ('x#q', 99, 'x', 'chancen', 1, 'Übergänge gestalten')")
    assert _found(search(coded, "ubergange")) == [("x#q", "Übergänge")]
    with coded.transaction():
        coded.conn.execute("UPDATE segments SET text = 'Brücken bauen' WHERE id = 'x#q'")
    assert search(coded, "ubergange").hits == []
    assert _found(search(coded, "brucken")) == [("x#q", "Brücken")]
    with coded.transaction():
        coded.conn.execute("DELETE FROM segments WHERE id = 'x#q'")
    assert search(coded, "brucken").hits == []


def test_folding_maps_back_to_the_original() -> None:
    text = "Die STRASSE, die Straße; Aemter und Ämter"
    folded, offsets = fold_with_offsets(text)
    assert folded == "die strasse, die strasse; amter und amter"
    assert fold_text(text) == folded and len(offsets) == len(folded) + 1
    assert [text[s:e] for s, e in segment_hits(text, "amter")] == ["Aemter", "Ämter"]
    assert [text[s:e] for s, e in segment_hits(text, "straße")] == ["STRASSE", "Straße"]


@pytest.mark.parametrize(
    ("pattern", "kwargs", "message"),
    [("x(", {"regex": True}, "not a valid regular expression"),
     ("  ", {}, "pattern is empty"),
     ("x", {"regex": True, "lemma": True}, "choose one of"),
     ("x", {"question": "nix"}, "question 'nix' is not in")],
)
def test_bad_input(coded, pattern, kwargs, message) -> None:  # noqa: F811
    with pytest.raises(InputError, match=message):
        search(coded, pattern, **kwargs)


def test_cli_kwic_table_fits_80_columns(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Personal")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "3 hits in 2 segments for 'Personal' (plain)"
    assert "Die [Personal]decke" in lines[1]
    assert all(len(line) <= 80 for line in lines)


def test_cli_csv_and_json(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Baume", "--format", "csv")
    assert out.splitlines() == ["segment,source,question,start,end,left,match,right",
                                "2#chancen,2,chancen,5,10,Neue ,Bäume, im Park und mehr "
                                "Miteinander."]
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--word",
                           "--format", "json")
    data = json.loads(out)
    assert (data["n_hits"], data["n_segments"], data["mode"]) == (2, 2, "word")


def test_cli_invalid_regex_is_one_line(coded_path, capsys) -> None:  # noqa: F811
    before = snapshot_db(coded_path)
    code, out, err = run_cli(capsys, "search", str(coded_path), "x(", "--regex")
    assert code == 3 and out == "" and len(err.strip().splitlines()) == 1
    assert "not a valid regular expression" in err
    assert snapshot_db(coded_path) == before


def test_a_segment_written_outside_a_transaction_is_found(coded) -> None:  # noqa: F811
    # another tool (the sqlite3 shell) inserts without Project.transaction: the segment waits
    # in search_pending, is still found, and is indexed with the next commit
    coded.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('y', 'survey', 'y')")
    coded.conn.execute("INSERT INTO segments (id, seq, source_id, question, position, text) "
                       "VALUES ('y#q', 98, 'y', 'chancen', 1, 'Grünflächen pflegen')")
    coded.conn.commit()
    assert coded.count("search_pending") == 1
    assert _found(search(coded, "grunflachen")) == [("y#q", "Grünflächen")]
    with coded.transaction():
        pass
    assert coded.count("search_pending") == 0
    assert _found(search(coded, "grunflachen")) == [("y#q", "Grünflächen")]
