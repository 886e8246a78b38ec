from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qca.coding import set_coding
from qca.importing.codings import import_codings
from qca.errors import ExportError
from qca.exporting.csv import choose_coder, long_rows, wide_rows, write_csv
from qca.store import Project


def parse(rows) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(write_csv(iter(rows), None))))


def test_long_export(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_ZUS", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#chancen", "CH_ZUS", "ben", True)
    rows = parse(long_rows(survey_project))
    assert list(rows[0]) == ["source_id", "segment_id", "question", "position", "heading", "amt",
                             "text", "coder", "code", "code_name", "codebook_version", "origin",
                             "time", "memo", "flagged"]
    assert [(r["coder"], r["code"]) for r in rows] == [
        ("anna", "CH_REFL"), ("anna", "CH_ZUS"), ("ben", "CH_ZUS")]
    assert rows[0]["amt"] == "Ordnung" and rows[0]["code_name"] == "Reflexionsressource"
    assert rows[0]["codebook_version"] == "1" and rows[0]["origin"] == "manual"
    assert len(parse(long_rows(survey_project, "ben"))) == 1


def test_wide_export_missing_is_empty(survey_project: Project) -> None:
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    set_coding(survey_project, "1#herausforderungen", "HE_KONF", "anna", True)
    rows = parse(wide_rows(survey_project, "anna"))
    header = list(rows[0])
    assert header[:10] == ["source_id", "segment_id", "question", "position", "amt", "text", "memo",
                           "flagged", "substantive", "coded"]
    assert header[10:] == ["CH_REFL", "CH_ZUS", "CH_SONST", "HE_SPR", "HE_KONF", "MEMO"]
    first = rows[0]
    assert (first["CH_REFL"], first["CH_ZUS"], first["HE_SPR"], first["MEMO"]) == ("1", "0", "", "0")
    uncoded = rows[1]
    assert uncoded["coded"] == "0" and uncoded["CH_REFL"] == "" and uncoded["MEMO"] == ""
    assert len(rows) == len(survey_project.segments())


def test_variable_name_clash_is_prefixed(project: Project, tmp_path: Path) -> None:
    from qca.importing import import_survey

    path = tmp_path / "s.csv"
    path.write_text("id,coder,chancen\n1,x,Text\n", encoding="utf-8")
    import_survey(project, path, text_columns=["chancen"], id_column="id")
    header = next(long_rows(project))
    assert "var_coder" in header and header.count("coder") == 1


def test_choose_coder(survey_project: Project) -> None:
    with pytest.raises(ExportError, match="none yet"):
        choose_coder(survey_project, None)
    set_coding(survey_project, "1#chancen", "CH_REFL", "anna", True)
    assert choose_coder(survey_project, None) == "anna"
    set_coding(survey_project, "1#chancen", "CH_REFL", "ben", True)
    with pytest.raises(ExportError, match="--coder"):
        choose_coder(survey_project, None)
    with pytest.raises(ExportError, match="coders are: anna, ben"):
        choose_coder(survey_project, "carl")


def test_write_csv_refuses_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        write_csv(iter([["a"]]), tmp_path / "no" / "x.csv")


SEGMENTS = ["1#chancen", "2#chancen", "4#chancen", "1#herausforderungen", "3#herausforderungen"]
CODES = {"chancen": ["CH_REFL", "CH_ZUS", "CH_SONST", "MEMO"],
         "herausforderungen": ["HE_SPR", "HE_KONF", "MEMO"]}
coding_sets = st.sets(
    st.tuples(st.sampled_from(SEGMENTS), st.sampled_from(["anna", "ben", "cem"]),
              st.integers(0, 3)),
    min_size=1, max_size=25,
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(codings=coding_sets)
def test_import_export_import_round_trip(tmp_path_factory, small_codebook, survey_file,
                                         codings) -> None:
    """Codings exported as long CSV and imported into a fresh project come back unchanged."""
    from qca.importing import import_survey
    from qca.revise import replace_codebook

    base = tmp_path_factory.mktemp("rt")

    def fresh(name: str) -> Project:
        proj = Project.create(base / name)
        replace_codebook(proj, small_codebook, author="t", note="t")
        import_survey(proj, survey_file, text_columns=["chancen", "herausforderungen"],
                      id_column="lfd_nr")
        return proj

    first = fresh("a.qca")
    lines = ["segment_id,coder,code"]
    for seg, coder, i in codings:
        options = CODES[seg.split("#")[1]]
        lines.append(f"{seg},{coder},{options[i % len(options)]}")
    source = base / "in.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_codings(first, source)
    exported = base / "out.csv"
    write_csv(long_rows(first), exported)
    second = fresh("b.qca")
    import_codings(second, exported)

    def key(proj: Project) -> set[tuple[str, str, str]]:
        return {(c.segment_id, c.category, c.coder) for c in proj.codings()}

    assert key(first) == key(second)
    assert len(key(first)) == len({(s, c, CODES[s.split('#')[1]][i % len(CODES[s.split('#')[1]])])
                                   for s, c, i in codings})
    first.close()
    second.close()


def _wide_reference(project: Project, coder: str) -> list[list[object]]:
    """The wide rows as the export built them before it streamed: every coding in a dict of
    sets, every source in a dict, then one row per segment."""
    from qca.exporting.csv import WIDE_FIXED, WIDE_NOTE, WIDE_TAIL, _variable_columns
    from qca.exporting.notes import NO_NOTE, segment_notes

    book = project.codebook()
    cats = [c for c in book.walk() if c.is_codable]
    reserved = set(WIDE_FIXED) | set(WIDE_NOTE) | set(WIDE_TAIL) | {c.key for c in cats}
    variables = _variable_columns(project, reserved)
    rows: list[list[object]] = [[*WIDE_FIXED, *(col for _, col in variables), *WIDE_NOTE,
                                 *WIDE_TAIL, *(c.key for c in cats)]]
    sources = {s.id: s.variables for s in project.sources()}
    notes = segment_notes(project, coder)
    assigned: dict[str, set[str]] = {}
    for seg_id, category in project.conn.execute(
            "SELECT segment_id, category FROM codings WHERE coder = ?", (coder,)):
        assigned.setdefault(seg_id, set()).add(category)
    for seg in project.segments():
        offered = {c.key for c in book.for_question(seg.question)}
        codes = assigned.get(seg.id)
        note = notes.get((seg.id, coder), NO_NOTE)
        values = sources.get(seg.source_id, {})
        rows.append([seg.source_id, seg.id, seg.question or "", seg.position,
                     *(values.get(name, "") for name, _ in variables), seg.text, note.memo,
                     int(note.flagged), int(seg.substantive), 1 if codes else 0,
                     *("" if c.key not in offered or codes is None else int(c.key in codes)
                       for c in cats)])
    return rows


def test_streamed_wide_export_is_byte_identical_on_the_demo(tmp_path: Path) -> None:
    """The wide file is written while it is read; on the demo (with memos, flags and a
    multi-coded segment added) it has the bytes of the table built in memory."""
    import csv as csvlib

    from qca.coding import set_coding, set_flag, set_memo
    from qca.demo import build_demo
    from qca.exporting import export

    project = Project.open(build_demo(tmp_path / "demo"))
    try:
        first, second = [r[0] for r in project.conn.execute(
            "SELECT id FROM segments ORDER BY seq LIMIT 2")]
        set_memo(project, first, "anna", 'Zitat: "Vertrauen", zweite Zeile\nmit Komma, ja')
        set_flag(project, second, "anna", True)
        question = project.segment(first).question
        keys = [c.key for c in project.codebook().codable_for_question(question)][:2]
        for key in keys:
            set_coding(project, first, key, "anna", True)
        for names in ("safe", "keep"):
            out = tmp_path / f"wide-{names}.csv"
            result = export(project, "wide", out, coder="anna", names=names)
            reference = io.StringIO()
            expected = _wide_reference(project, "anna")
            csvlib.writer(reference, lineterminator="\n").writerows(expected)
            written = out.read_bytes().split(b"\n", 1)
            wanted = reference.getvalue().encode("utf-8").split(b"\n", 1)
            assert written[1] == wanted[1]  # --names safe may rename the header only
            if names == "keep":
                assert written[0] == wanted[0]
            coded_col = expected[0].index("coded")
            coded = sum(1 for r in expected[1:] if r[coded_col] == 1)
            assert f"{len(expected) - 1:,} segments, {coded:,} coded" in result.summary
        text = export(project, "wide", None, coder="anna", names="keep").text
        assert text == reference.getvalue()
    finally:
        project.close()
