"""Tests for qca.importing.survey: reading CSV/TSV/XLSX survey exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from qca.errors import InputError
from qca.importing.survey import read_table


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def error(path: Path, sheet: str | None = None) -> str:
    with pytest.raises(InputError) as info:
        read_table(path, sheet=sheet)
    message = str(info.value)
    assert "\n" not in message
    assert path.name in message
    return message


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        ("id;antwort\n1;Grüße aus Köln\n".encode(), "utf-8"),
        ("\ufeffid;antwort\n1;Grüße aus Köln\n".encode(), "utf-8-sig"),
        ("id;antwort\n1;Grüße aus Köln\n".encode("cp1252"), "cp1252"),
        ("id;antwort\n1;Grüße aus Köln\n".encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(tmp_path: Path, content: bytes, encoding: str) -> None:
    table = read_table(write(tmp_path / "umfrage.csv", content))
    assert table.encoding == encoding
    assert table.columns == ["id", "antwort"]  # no BOM in the first name
    assert table.rows == [{"id": "1", "antwort": "Grüße aus Köln"}]


def test_cp1252_typographic_quotes(tmp_path: Path) -> None:
    # "ß“" is also a valid UTF-8 byte pair; it must not be taken for mixed encodings
    path = write(tmp_path / "a.csv", "id;a\n1;„Straße“ € –\n", "cp1252")
    assert read_table(path).rows[0]["a"] == "„Straße“ € –"


def test_undefined_cp1252_byte(tmp_path: Path) -> None:
    path = write(tmp_path / "kaputt.csv", b"id;a\n1;ok\n2;x\x81y\n")
    message = error(path)
    assert "line 3" in message and "0x81" in message and "byte offset 13" in message
    assert "UTF-8" in message


def test_mixed_encodings(tmp_path: Path) -> None:
    path = write(tmp_path / "gemischt.csv", "id;a\n1;Köln\n".encode() + "2;Köln\n".encode("cp1252"))
    message = error(path)
    assert "line 3" in message and "mixes encodings" in message


def test_binary_file(tmp_path: Path) -> None:
    assert "NUL" in error(write(tmp_path / "b.csv", b"id,a\n1,\x00\x00\n"))


# --------------------------------------------------------------------------- delimiters


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ("id,antwort\n1,gut\n", ","),
        ("id;antwort\n1;gut, sehr gut\n", ";"),
        ("id\tantwort\n1\tgut; ok, ja\n", "\t"),
        ('"id;x",antwort\n1,gut\n', ","),  # ';' inside quotes does not count
        ("id,Antwort (frei; optional)\n1,gut\n2,schlecht\n", ","),  # tie: consistency decides
        ("id;Antwort (a, b)\n1;gut\n2;ja, gut\n", ";"),
    ],
)
def test_delimiter_detection(tmp_path: Path, text: str, delimiter: str) -> None:
    table = read_table(write(tmp_path / "t.csv", text))
    assert table.delimiter == delimiter
    assert len(table.columns) == 2


def test_single_column(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "t.tsv", "antwort\nmehr Radwege\n"))
    assert table.columns == ["antwort"] and table.delimiter == "\t"
    assert table.rows == [{"antwort": "mehr Radwege"}]


# --------------------------------------------------------------------------- quoting, rows


def test_quotes_line_breaks_and_row_numbers(tmp_path: Path) -> None:
    text = 'id;antwort\r\n1;"erste\r\nzweite ""Zeile"""\r\n\r\n2;kurz\r\n3;"a\nb\nc"\n4;x\n'
    table = read_table(write(tmp_path / "t.csv", text))
    assert [r["antwort"] for r in table.rows] == ['erste\nzweite "Zeile"', "kurz", "a\nb\nc", "x"]
    # header is line 1; a record with line breaks counts as its first line
    assert table.row_numbers == [2, 5, 6, 9]


def test_padding_empty_rows_and_trailing_delimiters(tmp_path: Path) -> None:
    text = "id;a;b;\n1;x\n;;;\n2;y;z;\n\n3;;;\n"
    table = read_table(write(tmp_path / "t.csv", text))
    assert table.columns == ["id", "a", "b"]  # unnamed empty column dropped
    assert table.rows == [
        {"id": "1", "a": "x", "b": ""},
        {"id": "2", "a": "y", "b": "z"},
        {"id": "3", "a": "", "b": ""},
    ]
    assert table.row_numbers == [2, 4, 6]


def test_values_not_stripped(tmp_path: Path) -> None:
    table = read_table(write(tmp_path / "t.csv", "id , antwort \n1, gut \n"))
    assert table.columns == ["id", "antwort"]
    assert table.rows == [{"id": "1", "antwort": " gut "}]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", ["empty"]),
        ("  \n\n", ["empty"]),
        ("id;a\n", ["no data rows", "row 1"]),
        ("id;a\n;\n", ["no data rows"]),
        ("id;a\n1;b\n2;c;d\n", ["row 3", "3 fields", "2 columns", "';'"]),
        ("id,a,id\n1,2,3\n", ["row 1", "column 1 and column 3", "'id'"]),
        ("id;;a\n1;;x\n2;y;z\n", ["row 3", "column 2", "no header name"]),
        ('id,a\n1,"offen\n2,b\n', ["row 2", "never closed"]),
        ('id,a\n1,"zu"viel\n', ["row 2", "closing quote"]),
    ],
)
def test_bad_csv(tmp_path: Path, text: str, parts: list[str]) -> None:
    message = error(write(tmp_path / "umfrage.csv", text))
    for part in parts:
        assert part in message


def test_unsupported_and_missing(tmp_path: Path) -> None:
    for ext in (".xls", ".ods", ".pdf", ""):
        path = write(tmp_path / f"daten{ext}", b"x")
        message = error(path)
        assert ".xlsx" in message and "CSV" in message
    assert "not found" in error(tmp_path / "fehlt.csv")
    assert "sheet" in error(write(tmp_path / "s.csv", "a\n1\n"), sheet="Tabelle1")


def test_large_file_reads_completely(tmp_path: Path) -> None:
    """100,000 rows come back in order with their row numbers (speed: bench/import_bench.py)."""
    path = tmp_path / "gross.csv"
    lines = ["lfd_nr;alter;geschlecht;ort;welle;antwort"]
    lines += [f'{i};{i % 80};w;Köln;2;"Mehr Radwege, weniger Autos {i}"' for i in range(100_000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read_table(path)
    assert len(table.rows) == 100_000 and table.row_numbers[-1] == 100_001
    assert table.rows[-1]["antwort"] == "Mehr Radwege, weniger Autos 99999"


# --------------------------------------------------------------------------- xlsx


def make_xlsx(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Antworten"
    sheet.append(["lfd_nr", " Antwort ", "Datum", "Anteil", None])
    sheet.append([42.0, "gut", dt.datetime(2024, 3, 1), 0.25, None])
    sheet.append([None, None, None, None, None])
    sheet.append([43, "Zeile1\nZeile2", dt.datetime(2024, 3, 1, 14, 30), True, None])
    sheet.append([44, None, dt.date(2024, 5, 2), None, None])
    other = workbook.create_sheet("Codes")
    other.append(["code"])
    other.append(["A1"])
    workbook.create_sheet("Leer")
    workbook.save(path)
    return path


def test_xlsx(tmp_path: Path) -> None:
    table = read_table(make_xlsx(tmp_path / "umfrage.xlsx"))
    assert table.encoding is None and table.delimiter is None
    assert table.columns == ["lfd_nr", "Antwort", "Datum", "Anteil"]
    assert table.rows == [
        {"lfd_nr": "42", "Antwort": "gut", "Datum": "2024-03-01", "Anteil": "0.25"},
        {"lfd_nr": "43", "Antwort": "Zeile1\nZeile2", "Datum": "2024-03-01T14:30:00", "Anteil": "TRUE"},
        {"lfd_nr": "44", "Antwort": "", "Datum": "2024-05-02", "Anteil": ""},
    ]
    assert table.row_numbers == [2, 4, 5]


def test_xlsx_sheets(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "umfrage.xlsx")
    assert read_table(path, sheet="Codes").rows == [{"code": "A1"}]
    message = error(path, sheet="Tabelle1")
    assert "'Tabelle1'" in message and "'Antworten', 'Codes', 'Leer'" in message
    assert "empty" in error(path, sheet="Leer")


def test_xlsx_header_not_in_first_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B3"], sheet["C3"] = "id", "text"
    sheet["B5"], sheet["C5"] = 1, "a"
    workbook.save(tmp_path / "x.xlsx")
    table = read_table(tmp_path / "x.xlsx")
    assert table.columns == ["id", "text"] and table.row_numbers == [5]


def test_xlsx_duplicate_header_uses_letters(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["id", "a", "id"])
    workbook.active.append([1, 2, 3])
    workbook.save(tmp_path / "d.xlsx")
    assert "column A and column C" in error(tmp_path / "d.xlsx")


def test_corrupt_xlsx(tmp_path: Path) -> None:
    message = error(write(tmp_path / "kaputt.xlsx", b"PK\x03\x04 not really"))
    assert "save it again as .xlsx" in message


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/styles.xml"])
def test_damaged_xlsx_part(tmp_path: Path, part: str) -> None:
    import zipfile

    source = make_xlsx(tmp_path / "gut.xlsx")
    damaged = tmp_path / "beschaedigt.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(damaged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            zout.writestr(item, data[: len(data) // 2] if item.filename == part else data)
    assert "save it again as .xlsx" in error(damaged)
