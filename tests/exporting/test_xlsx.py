"""Tests for qca.exporting.xlsx: read the workbook back with openpyxl; formulas never sneak in."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from qca.codebook import codebook_from_dict
from qca.coding import set_coding, set_memo
from qca.errors import ExportError
from qca.exporting.csv import long_rows, wide_rows
from qca.revise import replace_codebook
from qca.store import Project
from qca.exporting.xlsx import CODEBOOK_COLUMNS, sheet_title, write_xlsx

DANGEROUS = [
    '=HYPERLINK("http://example.org","klick")',
    "+49 201 1234",
    "-Vorbehalte abbauen",
    "@SUM(A1:A9)",
    "\tTabulator vorne",
    "\rWagenrücklauf vorne",
    "=cmd|' /C calc'!A0",
    "#N/A",  # openpyxl would make this an error cell
]

BOOK = {
    "name": "Excel-Codebook",
    "categories": [
        {"key": "CH", "name": "Chancen", "questions": ["chancen"], "color": "#4C72B0",
         "children": [
             {"key": "CH_REFL", "name": "Reflexion", "shortcut": "1",
              "definition": "=Lernen aus Vielfalt", "anchors": ["-Vorurteile abbauen", "zwei"],
              "rule": "+nur Lernen"},
             {"key": "CH_ZUS", "name": "@Zusammenhalt", "shortcut": "2"},
         ]},
        {"key": "HE", "name": "Herausforderungen", "questions": ["herausforderungen"],
         "children": [{"key": "HE_SPR", "name": "Sprachbarrieren"}]},
    ],
}


@pytest.fixture
def proj(tmp_path: Path):
    project = Project.create(tmp_path / "x.qca")
    replace_codebook(project, codebook_from_dict(BOOK), author="test", note="xlsx")
    with project.transaction():
        project.add_variable_names(["amt", "hinweis"])
        for i, text in enumerate(DANGEROUS, start=1):
            variables = {"amt": "Ordnung" if i % 2 else "Jugend", "hinweis": text}
            project.conn.execute(
                "INSERT INTO sources (id, kind, name, variables) VALUES (?, 'survey', ?, ?)",
                (f"s{i}", f"s{i}", json.dumps(variables)))
            for question in ("chancen", "herausforderungen"):
                project.conn.execute(
                    "INSERT INTO segments (id, seq, source_id, question, position, text, "
                    "substantive) VALUES (?, ?, ?, ?, 1, ?, 1)",
                    (f"s{i}-{question}", project.next_seq(), f"s{i}", question, text))
    set_coding(project, "s1-chancen", "CH_REFL", "anna", True)
    set_memo(project, "s1-chancen", "anna", DANGEROUS[6])
    set_coding(project, "s1-chancen", "CH_ZUS", "anna", True)
    set_coding(project, "s2-chancen", "CH_ZUS", "anna", True)
    set_coding(project, "s1-herausforderungen", "HE_SPR", "ben", True)
    set_coding(project, "s1-chancen", "CH_REFL", "consensus", True, origin="consensus")
    set_coding(project, "s3-chancen", "CH_ZUS", "team/a:b*c?d[e]f-with-a-long-name", True)
    yield project
    project.close()


@pytest.fixture
def book(proj, tmp_path):
    path = write_xlsx(proj, tmp_path / "out.xlsx")
    return openpyxl.load_workbook(path)


def values(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_sheets(book):
    assert book.sheetnames == ["Codebook", "Segments", "Codings", "Wide consensus", "Wide anna",
                               "Wide ben", "Wide team_a_b_c_d_e_f-with-a-lo", "Notes"]


def test_codebook_sheet(book):
    rows = values(book["Codebook"])
    assert rows[0] == CODEBOOK_COLUMNS
    assert [r[0] for r in rows[1:]] == ["CH", "CH_REFL", "CH_ZUS", "HE", "HE_SPR"]
    refl = dict(zip(CODEBOOK_COLUMNS, rows[2]))
    assert refl == {"key": "CH_REFL", "name": "Reflexion", "parent": "CH",
                    "definition": "=Lernen aus Vielfalt", "anchors": "-Vorurteile abbauen\nzwei",
                    "rule": "+nur Lernen", "shortcut": "1", "color": None, "questions": None}
    ch = dict(zip(CODEBOOK_COLUMNS, rows[1]))
    assert ch["color"] == "#4C72B0" and ch["questions"] == "chancen"
    assert book["Codebook"]["H2"].fill.fgColor.rgb.endswith("4C72B0")


def test_codings_and_wide_sheets_match_the_csv_rows(proj, book):
    def blank_to_none(rows):
        return [[None if v == "" else v for v in row] for row in rows]

    expected = blank_to_none(long_rows(proj))
    assert values(book["Codings"]) == expected
    assert values(book["Wide anna"]) == blank_to_none(wide_rows(proj, "anna"))
    assert values(book["Wide consensus"]) == blank_to_none(wide_rows(proj, "consensus"))
    header = values(book["Wide anna"])[0]
    first = dict(zip(header, values(book["Wide anna"])[1]))
    assert (first["CH_REFL"], first["CH_ZUS"], first["HE_SPR"]) == (1, 1, None)
    assert isinstance(first["CH_REFL"], int)


def test_dangerous_text_is_text_not_formula(book, tmp_path):
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in ("=", "+", "-", "@", "\t",
                                                                      "\r", "#"):
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found.append(cell.value)
    for text in DANGEROUS:
        assert text in found  # exact text, no quote prefix
    assert "=Lernen aus Vielfalt" in found and "@Zusammenhalt" in found
    with zipfile.ZipFile(tmp_path / "out.xlsx") as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                xml = zf.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name


def test_header_bold_frozen_filter_widths(book):
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    widths = book["Codebook"].column_dimensions
    assert widths["A"].width >= len("CH_REFL") and widths["D"].width <= 62


def test_control_characters_are_replaced(proj, tmp_path):
    set_coding(proj, "s2-chancen", "CH_REFL", "anna", True)
    set_memo(proj, "s2-chancen", "anna", "vor\x01nach\x0bx")
    path = write_xlsx(proj, tmp_path / "ctl.xlsx")
    rows = values(openpyxl.load_workbook(path)["Codings"])
    memos = [r[rows[0].index("memo")] for r in rows]
    assert "vor\ufffdnach\ufffdx" in memos


def test_atomic_and_errors(proj, tmp_path):
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    write_xlsx(proj, target)
    assert zipfile.is_zipfile(target)
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ExportError, match="does not exist"):
        write_xlsx(proj, tmp_path / "nope" / "a.xlsx")
    with pytest.raises(ExportError, match="is a folder"):
        write_xlsx(proj, tmp_path)
    with pytest.raises(ExportError, match=r"extension \.xlsx"):
        write_xlsx(proj, tmp_path / "a.xls")


@pytest.mark.parametrize(("text", "taken", "expected"), [
    ("Wide anna", [], "Wide anna"),
    ("Wide a/b", [], "Wide a_b"),
    ("Wide " + "x" * 40, [], "Wide " + "x" * 26),
    ("Wide anna", ["wide ANNA"], "Wide anna (2)"),
    ("'quoted'", [], "quoted"),
])
def test_sheet_title(text, taken, expected):
    assert sheet_title(text, taken) == expected


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=20))
def test_any_text_round_trips_as_text(tmp_path_factory, texts):
    from openpyxl import Workbook

    from qca.exporting.xlsx import _fill_sheet

    wb = Workbook()
    _fill_sheet(wb.active, [["text"], *([t] for t in texts)])
    path = tmp_path_factory.mktemp("rt") / "rt.xlsx"
    wb.save(path)
    ws = openpyxl.load_workbook(path).active
    for row, text in enumerate(texts, start=2):
        cell = ws.cell(row=row, column=1)
        expected = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
        if not expected:
            continue
        assert cell.data_type == "s"
        assert cell.value == expected
