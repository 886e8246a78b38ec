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
from qca.search import fold_pattern, hit_segments, search, segment_hits


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


# --- pages and totals -------------------------------------------------------------------


def test_a_page_is_the_start_of_every_hit_in_project_order(coded) -> None:  # noqa: F811
    every = search(coded, "Personal")
    assert every.complete and (every.n_hits, every.n_segments) == (3, 2)
    first = search(coded, "Personal", limit=2)
    assert first.hits == every.hits[:2] and not first.complete
    assert (first.n_hits, first.n_segments) == (3, 2)  # the totals, not the page's
    assert search(coded, "Personal", limit=2).hits == first.hits  # stable
    rest = search(coded, "Personal", offset=2, limit=2)
    assert rest.hits == every.hits[2:] and rest.offset == 2
    assert search(coded, "Personal", offset=1).hits == every.hits[1:]
    assert search(coded, "Personal", offset=9, limit=2).hits == []
    order = [coded.segment(h.segment_id).seq for h in every.hits]
    assert order == sorted(order)


def test_a_page_works_with_the_filters(coded) -> None:  # noqa: F811
    page = search(coded, "Miteinander", where=["amt=Jugend"], question="chancen", limit=1)
    assert [h.segment_id for h in page.hits] == ["2#chancen"]
    assert (page.n_hits, page.n_segments) == (2, 2)
    page = search(coded, "Personal", coded=False, limit=1)
    assert (page.n_hits, page.n_segments, len(page.hits)) == (1, 1, 1)


@pytest.mark.parametrize("kwargs", [{}, {"coded": True}, {"question": "chancen"}])
def test_beyond_the_bound_only_segments_are_counted(coded, monkeypatch, kwargs) -> None:  # noqa: F811
    import qca.search

    every = search(coded, "Personal", **kwargs)
    monkeypatch.setattr(qca.search, "COUNT_BOUND", 0)
    page = search(coded, "Personal", limit=1, **kwargs)
    assert page.n_hits is None and page.n_segments == every.n_segments
    assert page.hits == every.hits[:1]
    assert search(coded, "Personal", **kwargs).n_hits == every.n_hits  # no limit: counted


def test_cli_table_shows_a_page_and_says_how_to_see_more(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--limit", "1")
    lines = out.splitlines()
    assert code == 0 and lines[0] == "3 hits in 2 segments for 'Personal' (plain)"
    assert len(lines) == 3 and lines[1].startswith("1#chancen")
    assert lines[2] == "hits 1-1 of 3 shown; --offset 1 for the next page, --all for every hit"
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--offset", "1")
    assert out.splitlines()[-1] == "hits 2-3 of 3 shown"
    assert len(out.splitlines()) == 4
    code, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--limit", "1",
                           "--all")
    assert len(out.splitlines()) == 4 and "shown" not in out


def test_cli_csv_and_json_carry_every_hit_unless_limited(coded_path, capsys) -> None:  # noqa: F811
    _, full, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--format", "csv")
    assert len(full.splitlines()) == 1 + 3
    _, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--format", "csv",
                        "--limit", "2")
    assert out.splitlines() == full.splitlines()[:3]
    _, out, _ = run_cli(capsys, "search", str(coded_path), "Personal", "--format", "json",
                        "--offset", "2")
    data = json.loads(out)
    assert (data["n_hits"], data["offset"], data["complete"], len(data["hits"])) == (3, 2,
                                                                                       False, 1)


# --- regex folded like plain search, and exact matching ----------------------------------


@pytest.mark.parametrize("word", ["Personal", "Baume", "BÄUME", "strasse", "Straße",
                                  "mehr Miteinander", "Konflikt"])
def test_a_literal_regex_finds_what_plain_search_finds(coded, word) -> None:  # noqa: F811
    assert search(coded, word, regex=True).hits == search(coded, word).hits


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [(r"B[aä]ume\b", [("2#chancen", "Bäume")]),
     (r"STRA(SS|ß)E", [("6#chancen", "Straße")]),
     (r"b(ae|ä)ume", [("2#chancen", "Bäume")]),
     (r"\bBÄUM\w*", [("2#chancen", "Bäume"), ("6#chancen", "Baumpflege")])],
)
def test_regex_is_case_and_umlaut_insensitive(coded, pattern, expected) -> None:  # noqa: F811
    assert _found(search(coded, pattern, regex=True)) == expected


@pytest.mark.parametrize(
    ("pattern", "folded"),
    [("Bäume", "baume"), ("B(ä|ae)ume", "b(a|a)ume"), ("Straße\\b", "strasse\\b"),
     ("[A-ZÄÖÜ]\\w+", "[a-zaou]\\w+"), ("(?P<Wort>Ämter)(?P=Wort)", "(?P<Wort>amter)(?P=Wort)"),
     ("(?<=Ä)m{2,3}", "(?<=a)m{2,3}"), ("\\x41E", "\\x41e"), ("(?i)X", "(?i)x"),
     ("\\N{LATIN SMALL LETTER A WITH DIAERESIS}", "\\N{LATIN SMALL LETTER A WITH DIAERESIS}")],
)
def test_fold_pattern_folds_literals_only(pattern, folded) -> None:
    assert fold_pattern(pattern) == folded


@pytest.mark.parametrize(
    ("pattern", "kwargs", "expected"),
    [("Bäume", {}, [("2#chancen", "Bäume")]),
     ("bäume", {}, []),
     ("Baume", {}, []),
     ("Bäume", {"regex": True}, [("2#chancen", "Bäume")]),
     ("B[a]ume", {"regex": True}, []),
     ("bäume", {"regex": True}, []),
     ("Personal", {"word": True}, [("1#chancen", "Personal"), ("6#herausforderungen",
                                                                "Personal")])],
)
def test_exact_search_minds_case_and_umlauts(coded, pattern, kwargs, expected) -> None:  # noqa: F811
    assert _found(search(coded, pattern, exact=True, **kwargs)) == expected


def test_cli_exact_and_a_bad_regex_of_umlauts(coded_path, capsys) -> None:  # noqa: F811
    code, out, _ = run_cli(capsys, "search", str(coded_path), "baume", "--exact")
    assert code == 0 and out.splitlines()[0].startswith("0 hits")
    code, out, err = run_cli(capsys, "search", str(coded_path), "[Ä", "--regex")
    assert code != 0 and out == "" and len(err.strip().splitlines()) == 1
    assert "'[Ä' is not a valid regular expression" in err
    code, _, err = run_cli(capsys, "search", str(coded_path), "Baum", "--lemma", "--exact")
    assert code != 0 and len(err.strip().splitlines()) == 1 and "--exact" in err


def test_hit_segments_lists_the_segments_of_a_plain_search_in_order(coded) -> None:  # noqa: F811
    every = search(coded, "Miteinander", question="chancen")
    assert hit_segments(coded, "Miteinander", question="chancen") == list(
        dict.fromkeys(h.segment_id for h in every.hits))
    assert hit_segments(coded, "zzz") == []
    coded.conn.execute("INSERT INTO sources (id, kind, name) VALUES ('y', 'survey', 'y')")
    coded.conn.execute("INSERT INTO segments (id, seq, source_id, question, position, text) "
                       "VALUES ('y#q', 0, 'y', 'chancen', 1, 'Mehr MITEINANDER')")
    coded.conn.commit()  # outside a transaction: waits in search_pending, found all the same
    assert hit_segments(coded, "miteinander", question="chancen")[0] == "y#q"


def test_every_hit_is_read_whatever_the_chunk_size(coded, monkeypatch) -> None:  # noqa: F811
    import qca.search

    every = search(coded, "e")
    monkeypatch.setattr(qca.search, "_CHUNK", 1)
    assert search(coded, "e").hits == every.hits and len(every.hits) > 3


@pytest.mark.parametrize("pattern", [r"(Bäume|Konflikt)\w*", r"(mehr|viel) Miteinander",
                                     r"Pers(on|ön)al", r"\bim\b", r"[a-z]+decke",
                                     r"(?:Stra(ss|ß)e|Park)", r"e\w?"])
def test_the_index_narrowing_a_regex_loses_no_hit(coded, pattern) -> None:  # noqa: F811
    brute = [(seg.id, seg.text[s:e]) for seg in coded.segments()
             for s, e in segment_hits(seg.text, pattern, regex=True)]
    assert _found(search(coded, pattern, regex=True)) == brute
