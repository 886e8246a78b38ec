"""Tests for qca.exporting.spss: the wide CSV, the syntax that reads it, and the .sav."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from qca.codebook import codebook_from_dict
from qca.coding import set_coding
from qca.errors import ExportError
from qca.exporting.csv import wide_rows
from qca.revise import replace_codebook
from qca.exporting import export
from qca.exporting.names import safe_names
from qca.exporting.spss import spss_string
from qca.store import Project

BOOK = {
    "name": "SPSS-Codebook",
    "categories": [
        {"key": "CH", "name": "Chancen", "questions": ["chancen"], "children": [
            {"key": "CH_REFL", "name": "Vielfalt als 'Reflexionsressource'"},
            {"key": "CH_ZUS", "name": "Stärkung des sozialen Zusammenhalts"},
        ]},
        {"key": "TO_DO", "name": "Nachfassen", "codable": True},
    ],
}
VARIABLES = ["amt", "Größe (Einw.)", "1. Welle", "TO", "bemerkung", "AMT"]


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "Kommunal Befragung.qca")
    replace_codebook(project, codebook_from_dict(BOOK), author="test", note="spss")
    rows = [
        {"amt": "Ordnung", "Größe (Einw.)": "12.5", "1. Welle": "007", "TO": "ja",
         "bemerkung": "zwei\nZeilen, mit \"Zitat\"", "AMT": "x"},
        {"amt": "Jugend", "Größe (Einw.)": "-3", "1. Welle": "1", "TO": "",
         "bemerkung": "Müller's", "AMT": "y"},
    ]
    with project.transaction():
        project.add_variable_names(VARIABLES)
        for i, variables in enumerate(rows, start=1):
            project.conn.execute(
                "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
                (f"{i}", f"{i}", json.dumps(variables, ensure_ascii=False)))
            project.conn.execute(
                "INSERT INTO segments (id, seq, source_id, question, position, text, "
                "substantive) VALUES (?, ?, ?, 'chancen', 1, 'Text', 1)",
                (f"{i}-chancen", project.next_seq(), f"{i}"))
    set_coding(project, "1-chancen", "CH_REFL", "anna", True)
    set_coding(project, "1-chancen", "TO_DO", "anna", True)
    yield project
    project.close()


def write_spss(proj, out, coder, **options):
    return export(proj, "spss", out, coder=coder, **options).written[:2]


@pytest.fixture
def written(proj, tmp_path):
    return write_spss(proj, tmp_path / "spss  it's", "anna")


def _variables_block(sps: str) -> list[tuple[str, str]]:
    block = sps.split("/VARIABLES=", 1)[1].split(".\n", 1)[0]
    return [tuple(line.split()) for line in block.strip().splitlines()]


def test_files_and_names(written, tmp_path):
    csv_path, sps_path = written
    assert csv_path == (tmp_path / "spss  it's" / "Kommunal_Befragung_wide_anna.csv").resolve()
    assert sps_path.suffix == ".sps" and sps_path.stem == csv_path.stem
    raw = sps_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf* Encoding: UTF-8.\n")


def test_csv_is_the_wide_export_on_one_line_per_case(proj, written):
    csv_path, _ = written
    lines = csv_path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) - 2 == 2  # header + 2 cases, one line each
    got = list(csv.reader(csv_path.open(encoding="utf-8", newline="")))
    expected = [[str(v) for v in row] for row in wide_rows(proj, "anna")]
    expected[0] = safe_names(expected[0], {"source_id", "text", "memo"})
    bem = expected[0].index("bemerkung")
    assert got[1][bem] == 'zwei Zeilen, mit "Zitat"'
    expected[1][bem] = got[1][bem]
    assert got == expected


def test_every_column_declared_in_order_with_formats(proj, written):
    csv_path, sps_path = written
    sps = sps_path.read_text(encoding="utf-8-sig")
    header = next(csv.reader(csv_path.open(encoding="utf-8")))
    declared = _variables_block(sps)
    assert [n for n, _ in declared] == header
    original = [str(c) for c in next(wide_rows(proj, "anna"))]
    formats = dict(zip(original, (f for _, f in declared)))
    assert formats["source_id"] == "A1"  # ids stay text even when they look like numbers
    assert formats["segment_id"] == "A9"
    assert formats["position"] == "F1.0"
    assert formats["Größe (Einw.)"] == "F4.1"
    assert formats["1. Welle"] == "A3"  # 007 keeps its zeros
    assert formats["bemerkung"] == "A24"  # 'zwei Zeilen, mit "Zitat"' in bytes
    assert formats["amt"] == "A7"
    for column in ("substantive", "coded", "flagged", "CH_REFL", "CH_ZUS", "TO_DO"):
        assert formats[column] == "F1.0"
    assert formats["text"] == "A4" and formats["memo"] == "A1"
    for column, fmt in formats.items():
        if fmt.startswith("A"):
            longest = max(len(row[original.index(column)].encode()) for row in
                          csv.reader(csv_path.open(encoding="utf-8")) if row[0] != "source_id")
            assert int(fmt[1:]) >= max(longest, 1)


def test_get_data_subcommands(written):
    csv_path, sps_path = written
    sps = sps_path.read_text(encoding="utf-8-sig")
    file_spec = sps.split("/FILE=", 1)[1].split("\n  /", 1)[0]
    pieces = re.findall(r"'((?:[^']|'')*)'", file_spec)
    assert re.fullmatch(r"'[^\n]*'(\n    \+ '[^\n]*')*", file_spec)
    assert "".join(p.replace("''", "'") for p in pieces) == str(csv_path)
    for sub in ("GET DATA", "/TYPE=TXT", "/ENCODING='UTF8'",
                "/DELCASE=LINE", '/DELIMITERS=","', "/QUALIFIER='\"'", "/ARRANGEMENT=DELIMITED",
                "/FIRSTCASE=2"):
        assert sub in sps
    assert sps.rstrip().endswith("EXECUTE.")


def test_labels_present_and_quotes_escaped(german, written):
    sps = written[1].read_text(encoding="utf-8-sig")
    labels = sps.split("VARIABLE LABELS\n", 1)[1].split(".\n", 1)[0]
    assert "  CH_REFL 'Vielfalt als ''Reflexionsressource'''" in labels
    assert "  CH_ZUS 'Stärkung des sozialen Zusammenhalts'" in labels
    assert "  TO_DO 'Nachfassen'" in labels
    assert "  Groesse_Einw 'Größe (Einw.)'" in labels
    value_labels = sps.split("VALUE LABELS\n", 1)[1].split(".\n", 1)[0]
    assert re.search(r"CH_REFL\n  CH_ZUS\n  TO_DO\n    0 'nicht genannt'\n    1 'genannt'",
                     value_labels)
    assert "/substantive" in value_labels and "/coded" in value_labels
    assert "  text 'Text des Segments'" in labels
    # every literal has an even number of quotes: nothing left unescaped
    for line in sps.splitlines():
        if not line.startswith("*"):
            assert line.count("'") % 2 == 0, line


def test_labels_follow_the_interface_language(written):
    """English unless German is asked for; the codebook's names stay as written."""
    sps = written[1].read_text(encoding="utf-8-sig")
    assert "  CH_ZUS 'Stärkung des sozialen Zusammenhalts'" in sps
    assert "  text 'Text of the segment'" in sps
    assert re.search(r"TO_DO\n    0 'not mentioned'\n    1 'mentioned'", sps)
    assert "nicht genannt" not in sps


def test_renamed_columns_listed(written):
    sps = written[1].read_text(encoding="utf-8-sig")
    assert "*   Groesse_Einw = Größe (Einw.)" in sps
    assert "*   v_1_Welle = 1. Welle" in sps
    assert "*   v_TO = TO" in sps
    assert "*   AMT_2 = AMT" in sps


def test_spss_string_splits_and_cuts():
    assert spss_string("it's") == "'it''s'"
    assert spss_string("a\nb") == "'a b'"
    long = spss_string("x" * 130)
    assert long == "'" + "x" * 60 + "'\n    + '" + "x" * 60 + "'\n    + '" + "x" * 10 + "'"
    assert len(spss_string("ä" * 300).replace("\n    + ", "").encode()) <= 255 + 2 * 3 + 10


def test_errors(proj, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        write_spss(proj, tmp_path / "file", "anna")
    with pytest.raises(ExportError, match="does not exist"):
        write_spss(proj, tmp_path / "a" / "b", "anna")


@pytest.mark.parametrize("name", ["anna.sps", "anna.csv", "Anna.SPS"])
def test_a_sps_or_csv_name_writes_both_files_side_by_side(proj, tmp_path, name):
    csv_path, sps_path = write_spss(proj, tmp_path / name, "anna")
    stem = name.rsplit(".", 1)[0]
    assert (csv_path, sps_path) == ((tmp_path / f"{stem}.csv").resolve(),
                                    (tmp_path / f"{stem}.sps").resolve())
    assert csv_path.is_file() and sps_path.is_file()
    assert f"  /FILE={spss_string(str(csv_path), 32767, squeeze=False)}\n" in \
        sps_path.read_text(encoding="utf-8-sig")
    with pytest.raises(ExportError, match="does not exist"):
        write_spss(proj, tmp_path / "missing" / name, "anna")


def test_missing_values_for_text_variables(written):
    sps = written[1].read_text(encoding="utf-8-sig")
    block = sps.split("MISSING VALUES\n", 1)[1].split(".\n", 1)[0]
    assert block.split() == ["amt", "v_1_Welle", "v_TO", "bemerkung", "AMT_2", "('')"]
    assert "Groesse_Einw" not in block  # numeric: empty is system-missing already


@pytest.mark.skipif(shutil.which("pspp") is None, reason="PSPP is not installed")
def test_pspp_reads_the_files(written, tmp_path):
    csv_path, sps_path = written
    check = tmp_path / "check.sps"
    check.write_text(
        f"INSERT FILE={spss_string(str(sps_path), 32767, squeeze=False)}.\n"
        "LIST /VARIABLES=source_id Groesse_Einw v_1_Welle CH_REFL TO_DO bemerkung.\n"
        "DISPLAY LABELS.\n", encoding="utf-8")
    result = subprocess.run(["pspp", "-O", "format=txt", str(check)], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in output.lower() and "warning" not in output.lower(), output
    assert "Vielfalt als 'Reflexionsressource'" in output
    assert "Größe (Einw.)" in output
    lines = [line for line in output.splitlines() if line.startswith("|1 ")]
    assert lines and "12.5" in lines[0] and "007" in lines[0] and "Zitat" in lines[0]


@pytest.mark.skipif(shutil.which("pspp") is None, reason="PSPP is not installed")
@pytest.mark.parametrize("fmt", ["spss", "sav"])
def test_pspp_reads_the_carry_project(german, carry, tmp_path, fmt):
    target = tmp_path / f"anna.{'sps' if fmt == 'spss' else 'sav'}"
    export(carry, fmt, target, coder="anna")
    check = tmp_path / "check.sps"
    load = (f"INSERT FILE={spss_string(str(target), 32767, squeeze=False)}.\n" if fmt == "spss"
            else f"GET FILE={spss_string(str(target), 32767, squeeze=False)}.\n")
    check.write_text(load + "LIST /VARIABLES=segment_id Amt_Fachbereich flagged POS.\n"
                     "DISPLAY LABELS.\n", encoding="utf-8")
    result = subprocess.run(["pspp", "-O", "format=txt", str(check)], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "error" not in output.lower() and "warning" not in output.lower(), output
    assert "Lob für das Amt" in output and "Amt / Fachbereich" in output
    assert "Text des Segments" in output
