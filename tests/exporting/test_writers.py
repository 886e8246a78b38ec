"""Tests for qca.exporting.writers: every format carries texts, memos, flags, reasons and
split notes; names; nothing is overwritten; the summary names coder and counts."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporting.carry import INJECTED, MEMO, REASON, SPLIT_NOTE, TEXTS
from qca.errors import ExportError, InputError
from qca.exporting import export, format_for
from qca.exporting.names import mapping_path

QDA = "{urn:QDA-XML:project:1.0}"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def by(rows, **match):
    return [r for r in rows if all(r[k] == v for k, v in match.items())]


# --- what every format carries ---------------------------------------------------------------


def test_long_carries_text_heading_memo_flag_reason_and_split(carry, tmp_path):
    target = tmp_path / "long.csv"
    export(carry, "long", target)
    rows = read_csv(target)
    assert {r["segment_id"]: r["text"] for r in rows} == {
        s: t for s, t in TEXTS.items() if s != "4#antwort"}  # 4 is flagged, never coded
    anna = by(rows, segment_id="1#antwort", coder="anna")[0]
    assert anna["memo"] == MEMO and anna["flagged"] == "1" and anna["heading"] == ""
    assert by(rows, segment_id="1#antwort", coder="consensus")[0]["memo"] == REASON
    split_row = by(rows, segment_id="2#antwort", coder="ben")[0]
    assert split_row["memo"] == SPLIT_NOTE and split_row["flagged"] == "1"
    assert by(rows, segment_id="3#antwort", coder="anna")[0]["flagged"] == "0"


def test_wide_carries_text_memo_and_flag_before_the_categories(carry, tmp_path):
    target = tmp_path / "wide.csv"
    export(carry, "wide", target, coder="anna")
    header = next(csv.reader(target.open(encoding="utf-8")))
    at = header.index("text")
    assert header[at:at + 5] == ["text", "memo", "flagged", "substantive", "coded"]
    assert header[at + 5:] == ["POS", "NEG_A", "NEG_B", "SONST"]
    rows = {r["segment_id"]: r for r in read_csv(target)}
    assert {s: r["text"] for s, r in rows.items()} == TEXTS  # every segment, coded or not
    assert rows["1#antwort"]["memo"] == MEMO and rows["1#antwort"]["flagged"] == "1"
    assert rows["2#antwort"]["memo"] == SPLIT_NOTE
    assert rows["4#antwort"]["flagged"] == "1" and rows["4#antwort"]["coded"] == "0"
    assert rows["4#antwort"]["POS"] == ""  # not coded is missing
    consensus = tmp_path / "consensus.csv"
    export(carry, "wide", consensus, coder="consensus")
    assert {r["segment_id"]: r["memo"] for r in read_csv(consensus)}["1#antwort"] == REASON


def test_notes_lists_every_memo_flag_reason_and_split_note(carry, tmp_path):
    target = tmp_path / "notes.csv"
    result = export(carry, "notes", target)
    rows = read_csv(target)
    assert list(rows[0]) == ["source_id", "segment_id", "question", "coder", "kind", "text",
                             "time"]
    got = {(r["segment_id"], r["coder"], r["kind"], r["text"]) for r in rows}
    assert got == {
        ("1#antwort", "anna", "memo", MEMO),
        ("1#antwort", "anna", "flag", ""),
        ("1#antwort", "consensus", "reason", REASON),
        ("1#antwort", "ben", "split", SPLIT_NOTE),  # ben had coded NEG there too
        ("1#antwort", "ben", "flag", ""),
        ("2#antwort", "anna", "split", SPLIT_NOTE),
        ("2#antwort", "anna", "flag", ""),
        ("2#antwort", "ben", "split", SPLIT_NOTE),
        ("2#antwort", "ben", "flag", ""),
        ("3#antwort", "anna", "memo", INJECTED),
        ("4#antwort", "anna", "flag", ""),
    }
    assert all(re.match(r"\d{4}-\d\d-\d\dT", r["time"]) for r in rows)
    assert result.summary.endswith("coders anna, ben, consensus, 11 notes (2 memos, 5 flags, "
                                   "1 reason, 3 split notes)")


def test_xlsx_carries_segments_notes_and_wide_text(carry, tmp_path):
    target = tmp_path / "book.xlsx"
    export(carry, "xlsx", target)
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Codebook", "Segments", "Codings", "Wide consensus", "Wide anna",
                               "Wide ben", "Notes"]

    def records(title):
        rows = [[c.value for c in row] for row in book[title].iter_rows()]
        return [dict(zip(rows[0], r)) for r in rows[1:]]

    segments = records("Segments")
    assert {r["segment_id"]: r["text"] for r in segments} == TEXTS
    assert {r["substantive"] for r in segments} == {1}
    codings = records("Codings")
    assert {r["segment_id"]: r["text"] for r in codings} == {
        s: t for s, t in TEXTS.items() if s != "4#antwort"}
    assert [r["memo"] for r in codings if r["coder"] == "consensus"] == [REASON]
    wide = {r["segment_id"]: r for r in records("Wide anna")}
    assert {s: r["text"] for s, r in wide.items()} == TEXTS
    assert wide["1#antwort"]["memo"] == MEMO and wide["4#antwort"]["flagged"] == 1
    assert wide["2#antwort"]["memo"] == SPLIT_NOTE
    kinds = {(r["coder"], r["kind"], r["text"]) for r in records("Notes")}
    assert {("anna", "memo", MEMO), ("consensus", "reason", REASON),
            ("ben", "split", SPLIT_NOTE), ("anna", "flag", None)} <= kinds
    text_column = book["Wide anna"].column_dimensions
    header = [c.value for c in book["Wide anna"][1]]
    letter = openpyxl.utils.get_column_letter(header.index("text") + 1)
    assert text_column[letter].width <= 62
    assert book["Wide anna"][f"{letter}4"].alignment.wrap_text


def test_injected_formula_is_text_in_every_sheet(carry, tmp_path):
    target = tmp_path / "book.xlsx"
    export(carry, "xlsx", target)
    book = openpyxl.load_workbook(target)
    for ws in book.worksheets:
        if ws.title == "Codebook":
            continue
        cells = [c for row in ws.iter_rows() for c in row if c.value == INJECTED]
        assert cells, f"{ws.title} lacks the injected answer"
        assert all(c.data_type == "s" for c in cells), ws.title
    with zipfile.ZipFile(target) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in zf.read(name).decode("utf-8"), name


def test_qdpx_carries_notes_with_refs(carry, tmp_path):
    target = tmp_path / "p.qdpx"
    result = export(carry, "qdpx", target)
    with zipfile.ZipFile(target) as zf:
        root = ElementTree.fromstring(zf.read("project.qde"))
    notes = {n.get("guid"): (n.get("name"), n.findtext(f"{QDA}PlainTextContent"))
             for n in root.iter(f"{QDA}Note")}
    texts = {text for _, text in notes.values()}
    assert {MEMO, REASON, SPLIT_NOTE, INJECTED} <= texts
    assert ("flag by anna", "flagged for another look") in notes.values()
    users = {u.get("name") for u in root.iter(f"{QDA}User")}
    assert users == {"anna", "ben", "consensus"}
    selection = next(s for s in root.iter(f"{QDA}PlainTextSelection")
                     if s.get("name") == "1#antwort")
    refs = [r.get("targetGUID") for r in selection.iter(f"{QDA}NoteRef")]
    assert {notes[g][1] for g in refs} == {MEMO, REASON, SPLIT_NOTE, "flagged for another look"}
    assert "11 notes" in result.summary


# --- names -----------------------------------------------------------------------------------


def test_safe_names_round_trip_through_the_mapping(carry, tmp_path):
    safe, keep = tmp_path / "safe.csv", tmp_path / "keep.csv"
    export(carry, "wide", safe, coder="anna")
    export(carry, "wide", keep, coder="anna", names="keep")
    assert not mapping_path(keep).exists()
    original = next(csv.reader(keep.open(encoding="utf-8")))
    exported = next(csv.reader(safe.open(encoding="utf-8")))
    assert "Amt / Fachbereich" in original and "Amt_Fachbereich" in exported
    mapping = read_csv(mapping_path(safe))
    assert [m["exported"] for m in mapping] == exported
    back = {m["exported"]: m["original"] for m in mapping}
    assert [back[name] for name in exported] == original
    assert list(csv.reader(safe.open(encoding="utf-8")))[1:] == \
        list(csv.reader(keep.open(encoding="utf-8")))[1:]


def test_wide_to_stdout_says_names_changed_without_a_mapping(carry):
    result = export(carry, "wide", None, coder="anna")
    assert result.text is not None and result.text.startswith("source_id,segment_id")
    assert result.summary == "exported to standard output: coder anna, 4 segments, 3 coded"
    assert "column names changed" in result.more[0] and "-o FILE" in result.more[0]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_r_read_csv_keeps_every_column_name(carry, tmp_path):
    target = tmp_path / "wide.csv"
    export(carry, "wide", target, coder="anna")
    header = next(csv.reader(target.open(encoding="utf-8")))
    script = (f'd <- read.csv("{target}", fileEncoding = "UTF-8"); '
              'cat(nrow(d), "\\n"); cat(names(d), sep = "\\n")')
    result = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].strip() == str(len(TEXTS))  # the quoted line break stays in its cell
    assert lines[1:] == header
    # the same file with the original names is what R would mangle: the test can fail
    keep = tmp_path / "keep.csv"
    export(carry, "wide", keep, coder="anna", names="keep")
    result = subprocess.run(["Rscript", "-e", script.replace(str(target), str(keep))],
                            capture_output=True, text=True, timeout=120)
    assert "Amt...Fachbereich" in result.stdout.splitlines()


# --- never overwrite -------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name", "options"), [
    ("long", "x.csv", {}), ("wide", "x.csv", {"coder": "anna"}), ("notes", "x.csv", {}),
    ("xlsx", "x.xlsx", {}), ("qdpx", "x.qdpx", {}), ("stata", "x.dta", {"coder": "anna"}),
    ("sav", "x.sav", {"coder": "anna"}), ("spss", "x.sps", {"coder": "anna"}),
])
def test_an_existing_target_is_refused_unless_force(carry, tmp_path, fmt, name, options):
    target = tmp_path / name
    target.write_bytes(b"precious")
    with pytest.raises(ExportError, match=re.escape(f"{target}: exists already")):
        export(carry, fmt, target, **options)
    assert target.read_bytes() == b"precious"
    result = export(carry, fmt, target, force=True, **options)
    assert target.read_bytes() != b"precious" and target in [p for p in result.written]


def test_the_csv_beside_an_sps_is_refused(carry, tmp_path):
    beside = tmp_path / "inj.csv"
    beside.write_text("the user's input file", encoding="utf-8")
    with pytest.raises(ExportError, match=re.escape(str(beside.resolve()))):
        export(carry, "spss", tmp_path / "inj.sps", coder="anna")
    assert beside.read_text(encoding="utf-8") == "the user's input file"
    assert not (tmp_path / "inj.sps").exists()


def test_an_existing_mapping_file_is_refused(carry, tmp_path):
    mapping_path(tmp_path / "w.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError, match=r"w\.csv\.names\.csv: exists already"):
        export(carry, "wide", tmp_path / "w.csv", coder="anna")
    assert not (tmp_path / "w.csv").exists()


# --- choosing the writer, options, summaries ------------------------------------------------


@pytest.mark.parametrize(("fmt", "output", "expected"), [
    (None, None, "long"), (None, "a.csv", "long"), (None, "a.XLSX", "xlsx"),
    (None, "a.sps", "spss"), (None, "a.sav", "sav"), (None, "a.dta", "stata"),
    (None, "a.qdpx", "qdpx"), ("wide", "a.csv", "wide"), ("notes", None, "notes"),
])
def test_format_for(fmt, output, expected):
    assert format_for(fmt, output) == expected


@pytest.mark.parametrize(("fmt", "output", "options", "message"), [
    ("xlsx", None, {}, "writes files; name the target with -o"),
    ("xlsx", "a.xlsx", {"coder": "anna"}, "holds every coder"),
    ("notes", None, {"names": "safe"}, "--names applies to"),
    ("stata", "a.dta", {"names": "keep", "coder": "anna"}, "needs names it accepts"),
])
def test_options_that_do_not_fit_are_refused(carry, tmp_path, fmt, output, options, message):
    with pytest.raises(InputError, match=re.escape(message)):
        export(carry, fmt, tmp_path / output if output else None, **options)


def test_a_wrong_extension_is_refused(carry, tmp_path):
    with pytest.raises(ExportError, match=r"writes a \.dta file; name the target x\.dta"):
        export(carry, "stata", tmp_path / "x.csv", coder="anna")


def test_first_summary_line_names_coder_and_counts(carry, tmp_path):
    wide = export(carry, "wide", tmp_path / "w.csv", coder="anna")
    assert wide.summary == f"wrote {tmp_path / 'w.csv'}: coder anna, 4 segments, 3 coded"
    long = export(carry, "long", tmp_path / "l.csv")
    assert long.summary == (f"wrote {tmp_path / 'l.csv'}: coders anna, ben, consensus, "
                            "6 codings of 3 segments")
    one = export(carry, "long", tmp_path / "b.csv", coder="ben")
    assert one.summary.endswith(": coder ben, 2 codings of 2 segments")
    spss = export(carry, "spss", tmp_path / "s.sps", coder="consensus")
    assert spss.summary.endswith("s.sps: coder consensus, 4 segments, 1 coded")
    assert spss.more == [f"also wrote {(tmp_path / 's.sps.names.csv').resolve()}: 4 of 18 column "
                         "names changed for R, Stata and SPSS"]


def test_cli_export_prints_the_summary_on_stderr(carry, tmp_path, capsys):
    from qca.cli import main

    carry.close()
    target = tmp_path / "wide.csv"
    main(["export", str(carry.path), "--format", "wide", "--coder", "anna", "-o", str(target)])
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"wrote {target}: coder anna, 4 segments, 3 coded"
    with pytest.raises(SystemExit) as exit_info:
        main(["export", str(carry.path), "-o", str(target)])
    assert exit_info.value.code != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{target}: exists already" in err and "--force" in err


def test_long_to_stdout_is_the_csv(carry):
    result = export(carry, None, None)
    rows = list(csv.DictReader(io.StringIO(result.text or "")))
    assert len(rows) == 6 and result.written == []


def _project_schema():
    xmlschema = pytest.importorskip("xmlschema")
    tests = Path(__file__).resolve().parents[1]
    found = sorted(tests.glob("data/**/Project.xsd")) + sorted(
        tests.parent.parent.glob("shared/refi-qda/Project.xsd"))
    if not found:
        pytest.skip("REFI-QDA Project.xsd is not available")
    return xmlschema.XMLSchema(str(found[0]))


def test_qdpx_with_notes_validates_and_imports(carry, tmp_path):
    from qca.refi import import_qdpx
    from qca.store import Project

    target = tmp_path / "p.qdpx"
    export(carry, "qdpx", target)
    schema = _project_schema()
    with zipfile.ZipFile(target) as zf:
        (tmp_path / "project.qde").write_bytes(zf.read("project.qde"))
    schema.validate(str(tmp_path / "project.qde"))
    with Project.create(tmp_path / "other.qca") as other:
        done = import_qdpx(other, target)
        assert done.segments_added == len(TEXTS) and done.codings_added == 6


def test_spss_with_names_keep_keeps_the_csv_header_and_declares_safe_names(carry, tmp_path):
    csv_path, sps_path = export(carry, "spss", tmp_path / "k.sps", coder="anna",
                                names="keep").written[:2]
    header = next(csv.reader(csv_path.open(encoding="utf-8")))
    assert "Amt / Fachbereich" in header and "1. Welle" in header
    sps = sps_path.read_text(encoding="utf-8-sig")
    assert "    Amt_Fachbereich A7\n" in sps and "*   Amt_Fachbereich = Amt / Fachbereich" in sps


def test_long_with_names_safe_renames_the_variables(carry, tmp_path):
    target = tmp_path / "l.csv"
    result = export(carry, "long", target, names="safe")
    header = next(csv.reader(target.open(encoding="utf-8")))
    assert header[5:9] == ["Amt_Fachbereich", "v_1_Welle", "Groesse", "v_if"]
    assert mapping_path(target) in result.written


def test_an_unknown_coder_is_an_error_not_an_empty_file(carry, tmp_path):
    with pytest.raises(ExportError, match="no codings by coder 'carl'; coders are: anna, ben"):
        export(carry, "long", tmp_path / "l.csv", coder="carl")
    assert not (tmp_path / "l.csv").exists()


def test_cli_help_lists_every_format_and_option(capsys):
    from qca.cli import main

    main(["export", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for word in ("long", "wide", "notes", "xlsx", "spss", "sav", "stata", "qdpx", "--names",
                 "safe", "keep", "--force", "FILE.names.csv"):
        assert word in out, word


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                min_size=1, max_size=60).filter(lambda t: t.strip() == t and t)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT, memo=_TEXT)
def test_any_text_and_memo_round_trip_through_long_and_wide(carry, tmp_path, text, memo):
    from qca.coding import set_memo

    carry.conn.execute("UPDATE segments SET text = ? WHERE id = '1#antwort'", (text,))
    set_memo(carry, "1#antwort", "anna", memo)
    for fmt in ("long", "wide"):
        result = export(carry, fmt, None, coder="anna")
        rows = list(csv.DictReader(io.StringIO(result.text or "", newline="")))
        row = next(r for r in rows if r["segment_id"] == "1#antwort")
        assert (row["text"], row["memo"]) == (text, memo)


def test_a_failure_half_way_writes_none_of_the_files(carry, tmp_path, monkeypatch):
    import qca.exporting.spss as spss

    def full_disk(path, text, encoding="utf-8"):
        raise ExportError(f"{path}: cannot write (No space left on device); check free space "
                          "and permissions")

    monkeypatch.setattr(spss, "write_text", full_disk)
    with pytest.raises(ExportError) as info:
        export(carry, "spss", tmp_path / "anna.sps", coder="anna")
    assert str(info.value).startswith(f"{(tmp_path / 'anna.sps').resolve()}: cannot write")
    left = {p.name for p in tmp_path.iterdir()}  # no CSV, syntax, mapping or staged file
    assert left <= {"carry.qca", "carry.qca-wal", "carry.qca-shm"}, left
