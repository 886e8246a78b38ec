from __future__ import annotations

from pathlib import Path

import pytest

from qca.errors import InputError
from qca.importing import import_protocol, import_survey, is_substantive
from qca.store import Project

from conftest import snapshot_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [("k.A.", False), ("-", False), ("weiß nicht", False), ("Weiss nicht.", False),
     ("keine Angabe", False), ("s.o.", False), ("vgl. Frage 1", False),
     ("siehe Antwort oben", False), ("nicht bekannt", False), ("Siehe oben!", False), ("n/a", False), ("...", False),
     ("Keine Zeit für Anträge", True), ("Sprache", True), ("k.A. weil neu im Amt", True)],
)
def test_is_substantive(text: str, expected: bool) -> None:
    assert is_substantive(text) is expected


def test_survey_import(survey_project: Project) -> None:
    segs = survey_project.segments()
    # question-major: all answers to 'chancen' first
    assert [s.id for s in segs] == [
        "1#chancen", "2#chancen", "3#chancen", "4#chancen",
        "1#herausforderungen", "3#herausforderungen", "4#herausforderungen",
    ]
    assert segs[3].text == "- Zusammenhalt\n- neue Ideen"
    assert not survey_project.segment("3#chancen").substantive
    assert not survey_project.segment("4#herausforderungen").substantive
    assert survey_project.source("1").variables == {"amt": "Ordnung"}
    assert survey_project.variable_names() == ["amt"]
    assert survey_project.questions() == ["chancen", "herausforderungen"]


def test_reimport_adds_nothing(survey_project: Project, survey_file: Path) -> None:
    before = snapshot_db(survey_project.path)
    result = import_survey(survey_project, survey_file, text_columns=["chancen", "herausforderungen"],
                           id_column="lfd_nr")
    assert result.segments_added == 0 and result.segments_unchanged == 7
    assert snapshot_db(survey_project.path) == before


def test_second_question_joins_existing_sources(project: Project, survey_file: Path) -> None:
    import_survey(project, survey_file, text_columns=["chancen"], id_column="lfd_nr")
    result = import_survey(project, survey_file, text_columns=["herausforderungen"],
                           id_column="lfd_nr")
    assert result.sources_added == 0 and result.segments_added == 3
    assert project.count("sources") == 4


def test_rows_are_numbered_without_id_column(project: Project, survey_file: Path) -> None:
    import_survey(project, survey_file, text_columns=["chancen"], question="q1")
    assert project.segments()[0].id == "survey-2#q1"


def test_long_format_with_question_column(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("id,frage,antwort,amt\n1,chancen,Text eins,Jugend\n1,herausforderungen,"
                    "Text zwei,Jugend\n2,chancen,Text drei,Ordnung\n", encoding="utf-8")
    import_survey(project, path, text_columns=["antwort"], id_column="id",
                  question_column="frage")
    assert {s.id for s in project.segments()} == {"1#chancen", "1#herausforderungen", "2#chancen"}
    assert project.source("1").variables == {"amt": "Jugend"}


def write(tmp_path: Path, text: str, name: str = "s.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("content", "kwargs", "message"),
    [
        ("id,a\n1,x\n1,y\n", {"id_column": "id"}, r"row 3: duplicate id '1'"),
        ("id,a\n1,x\n,y\n", {"id_column": "id"}, r"row 3: empty id"),
        ("id,a\n1,x\n", {"id_column": "nr"}, r"no column 'nr' \(given by --id-column\)"),
        ("id,a\n1,x\n", {"text_columns": ["b"]}, r"no column 'b'"),
        ("id,a\n1,x\n", {"text_columns": []}, r"--text-column"),
        ("id,a,b\n1,x,y\n", {"text_columns": ["a", "b"], "question": "q"}, "one question"),
        ("id,a\n1,x\n", {"var": ["amt"]}, r"no column 'amt' \(given by --var\)"),
    ],
)
def test_bad_survey_input_changes_nothing(project: Project, tmp_path: Path, content, kwargs,
                                          message) -> None:
    path = write(tmp_path, content)
    before = snapshot_db(project.path)
    kwargs = dict(kwargs)
    variables = kwargs.pop("var", None)
    kwargs.setdefault("text_columns", ["a"])
    with pytest.raises(InputError, match=message):
        import_survey(project, path, variables=variables, **kwargs)
    assert snapshot_db(project.path) == before


def test_changed_file_is_refused(survey_project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "lfd_nr;amt;chancen\n1;Ordnung;Ganz anderer Text\n")
    before = snapshot_db(survey_project.path)
    with pytest.raises(InputError, match="other text"):
        import_survey(survey_project, path, text_columns=["chancen"], id_column="lfd_nr")
    assert snapshot_db(survey_project.path) == before


def test_conflicting_variables_are_refused(survey_project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, "lfd_nr;amt;neu\n1;Jugend;Text\n")
    with pytest.raises(InputError, match="amt='Ordnung'"):
        import_survey(survey_project, path, text_columns=["neu"], id_column="lfd_nr")


def test_protocol_import(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "protokoll.txt"
    path.write_text(
        "1. Begrüßung\n\nDie Teilnehmenden aus den Verwal-\ntungen stellten sich vor.\n\n"
        "2. Barrieren\n\nEs fehlt an Personal für den Klima-\nCheck.\n",
        encoding="utf-8",
    )
    result = import_protocol(project, path, variables={"treffen": "1"}, question="dialog")
    assert result.segments_added == 2
    segs = project.segments()
    assert [s.id for s in segs] == ["protokoll#1", "protokoll#2"]
    assert segs[0].text == "Die Teilnehmenden aus den Verwaltungen stellten sich vor."
    assert segs[1].text == "Es fehlt an Personal für den Klima-Check."
    assert segs[1].heading and "Barrieren" in segs[1].heading
    assert project.source("protokoll").kind == "protocol"
    assert import_protocol(project, path, variables={"treffen": "1"}).segments_added == 0


def _kept(project: Project, source_id: str) -> tuple[str | None, dict[str, str]]:
    """A source's kept text and, per segment, the text at its kept span."""
    row = project.conn.execute("SELECT text FROM source_texts WHERE source_id = ?",
                               (source_id,)).fetchone()
    text = row[0] if row else None
    spans = project.conn.execute(
        "SELECT p.segment_id, p.start_position, p.end_position FROM segment_spans p "
        "JOIN segments s ON s.id = p.segment_id WHERE s.source_id = ?", (source_id,))
    return text, {seg: (text or "")[start:end] for seg, start, end in spans}


_PROTOCOL = ("PROTOKOLL\n\n1. Begrüßung\n\nDie Teilnehmenden aus den Verwal-\ntungen stellten "
             "sich vor.\n\n2. Barrieren\n\nEs fehlt an Personal.\n")


def test_protocol_import_keeps_the_document_text(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path, _PROTOCOL, "protokoll.txt")
    import_protocol(project, path)
    text, at_span = _kept(project, "protokoll")
    assert text == ("PROTOKOLL\n\n1. Begrüßung\n\nDie Teilnehmenden aus den Verwaltungen "
                    "stellten sich vor.\n\n2. Barrieren\n\nEs fehlt an Personal.")
    assert at_span == {s.id: s.text for s in project.segments()}
    before = snapshot_db(project.path)
    assert import_protocol(project, path).segments_added == 0
    assert snapshot_db(project.path) == before


def test_survey_import_keeps_no_text(survey_project: Project) -> None:
    assert survey_project.count("source_texts") == survey_project.count("segment_spans") == 0


@pytest.mark.parametrize("kept_before", [True, False], ids=["kept", "from an older qca"])
def test_protocol_grown_by_passages_keeps_the_new_text(project: Project, tmp_path: Path,
                                                       kept_before: bool) -> None:
    path = write(tmp_path, _PROTOCOL, "protokoll.txt")
    import_protocol(project, path)
    if not kept_before:  # imported before migration 0003: no text kept
        with project.transaction():
            project.conn.execute("DELETE FROM segment_spans")
            project.conn.execute("DELETE FROM source_texts")
    write(tmp_path, _PROTOCOL + "\n3. Ausblick\n\nNächstes Treffen im Mai.\n", "protokoll.txt")
    assert import_protocol(project, path).segments_added == 1
    text, at_span = _kept(project, "protokoll")
    assert text is not None
    assert text.endswith("Personal.\n\n3. Ausblick\n\nNächstes Treffen im Mai.")
    assert at_span == {s.id: s.text for s in project.segments()}


def test_protocol_text_is_kept_only_if_it_holds_every_segment(project: Project,
                                                              tmp_path: Path) -> None:
    path = write(tmp_path, "Eins.\n\nZwei.\n", "p.txt")
    import_protocol(project, path, source_id="P")
    with project.transaction():  # a segment this document does not have (e.g. from a .qdpx)
        project.conn.execute("INSERT INTO segments (id, seq, source_id, position, text) "
                             "VALUES ('P#0-4', 99, 'P', 0, 'Eins')")
    kept = _kept(project, "P")
    write(tmp_path, "Eins.\n\nZwei.\n\nDrei.\n", "p.txt")
    assert import_protocol(project, path, source_id="P").segments_added == 1
    assert _kept(project, "P") == kept


# --- streamed in batches: the semantics hold across batch boundaries --------------------


@pytest.fixture
def tiny_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    import qca.importing.sources

    monkeypatch.setattr(qca.importing.sources, "_BATCH", 3)


def _rows(path: Path, lines: list[str]) -> Path:
    path.write_text("nr;a;b;amt\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_batches_keep_question_major_order_and_counts(tiny_batches: None, project: Project,
                                                      tmp_path: Path) -> None:
    lines = [f"{i};Antwort a {i};Antwort b {i};Amt {i % 2}" for i in range(1, 9)]
    result = import_survey(project, _rows(tmp_path / "u.csv", lines), text_columns=["a", "b"],
                           id_column="nr")
    assert (result.sources_added, result.segments_added) == (8, 16)
    segs = project.segments()
    assert [s.id for s in segs] == [f"{i}#a" for i in range(1, 9)] + [f"{i}#b" for i in
                                                                       range(1, 9)]
    assert [s.seq for s in segs] == list(range(1, 17))
    imports = project.conn.execute("SELECT n_sources, n_segments FROM imports").fetchall()
    assert imports == [(8, 16)]
    again = import_survey(project, tmp_path / "u.csv", text_columns=["a", "b"], id_column="nr")
    assert again.segments_added == 0 and again.segments_unchanged == 16
    assert project.count("imports") == 1  # adding nothing leaves no trace


@pytest.mark.parametrize(("last", "message"), [
    ("2;wieder;x;Amt 0", r"row 9: duplicate id '2' in column 'nr' \(first in row 3\)"),
    ("9;;;", None),  # a row without answers is fine: the file imports
    (";leer;x;Amt 0", "row 9: empty id in column 'nr'"),
])
def test_an_error_in_the_last_batch_leaves_the_project_as_it_was(
        tiny_batches: None, survey_project: Project, tmp_path: Path, last: str,
        message: str | None) -> None:
    lines = [f"{i};Antwort {i};B {i};Amt {i % 2}" for i in range(1, 8)] + [last]
    path = _rows(tmp_path / "u.csv", lines)
    before = snapshot_db(survey_project.path)
    if message is None:
        assert import_survey(survey_project, path, text_columns=["a"], id_column="nr",
                             id_prefix="u").segments_added == 7
        return
    with pytest.raises(InputError, match=message):
        import_survey(survey_project, path, text_columns=["a"], id_column="nr", id_prefix="u")
    assert snapshot_db(survey_project.path) == before


def test_long_export_across_batches(tiny_batches: None, project: Project,
                                    tmp_path: Path) -> None:
    path = tmp_path / "lang.csv"
    rows = [f"{i % 3};q{i // 3};Antwort {i};Amt {i % 3}" for i in range(9)]
    path.write_text("nr;frage;a;amt\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = import_survey(project, path, text_columns=["a"], id_column="nr",
                           question_column="frage")
    assert (result.sources_added, result.segments_added) == (3, 9)
    path.write_text(path.read_text(encoding="utf-8") + "1;q0;noch eine;Amt 1\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match=r"row 11: a second answer of 'x1' to question 'q0' "
                                         r"\(first in row 3\)"):
        import_survey(project, path, text_columns=["a"], id_column="nr", id_prefix="x",
                      question_column="frage")
    path.write_text("nr;frage;a;amt\n" + "\n".join(rows) + "\n1;q9;x;Amt 2\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="row 11: id '1' has other variable values than in "
                                         "row 3"):
        import_survey(project, path, text_columns=["a"], id_column="nr", id_prefix="y",
                      question_column="frage")
