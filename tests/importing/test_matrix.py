"""Tests for qca.importing.matrix: reading an agreement matrix coded elsewhere."""

from __future__ import annotations

import pytest

from qca.agreement import ReliabilityData, krippendorff_alpha
from qca.errors import InputError
from qca.importing.matrix import read_matrix_csv

N = None


def k2011() -> ReliabilityData:
    """Krippendorff (2011), section C: 4 observers, 12 units, missing values."""
    return ReliabilityData.from_columns(
        {
            "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
            "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        }
    )


def _write(tmp_path, content: bytes | str, name: str = "m.csv"):
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


@pytest.mark.parametrize(
    ("content", "units", "coders", "values"),
    [
        ("unit,A,B\nu1,1,2\nu2,,3\n", ["u1", "u2"], ["A", "B"], [[1, 2], [N, 3]]),
        (",A,B\r\nx,a,b\r\ny,c,\r\n", ["x", "y"], ["A", "B"], [["a", "b"], ["c", N]]),
        ("A\tB\tC\n1\t1\t\n2\t2\t2\n", ["1", "2"], ["A", "B", "C"], [[1, 1, N], [2, 2, 2]]),
        ("ID;Müller;Özdemir\n1;2,5;3\n2;1,0;\n", ["1", "2"], ["Müller", "Özdemir"], [[2.5, 3], [1.0, N]]),
        ("\ufeffSegment;A;B\ns1;x y;NA\n", ["s1"], ["A", "B"], [["x y", "NA"]]),
        ("unit,A,B\nu1,1.5,2\n\nu2,\"a,b\",c\n", ["u1", "u2"], ["A", "B"], [[1.5, 2], ["a,b", "c"]]),
        ("A,B,\n1,2,\n3,4\n", ["1", "2"], ["A", "B"], [[1, 2], [3, 4]]),  # trailing delimiter
    ],
    ids=["comma_units", "empty_first_header", "tab_numbered", "semicolon_decimal_comma", "bom", "quoted", "trailing"],
)
def test_read_matrix_csv_good(tmp_path, content, units, coders, values):
    d = read_matrix_csv(_write(tmp_path, content))
    assert (d.units, d.coders, d.values) == (units, coders, values)


def test_read_matrix_csv_cp1252(tmp_path):
    p = _write(tmp_path, "unit;Jürgen;Zoë\n1;Ärger;Ärger\n".encode("cp1252"))
    d = read_matrix_csv(p)
    assert d.coders == ["Jürgen", "Zoë"] and d.values == [["Ärger", "Ärger"]]


def test_read_matrix_csv_k2011_roundtrip(tmp_path):
    rows = ["unit,A,B,C,D"] + [
        ",".join([str(i + 1)] + ["" if v is None else str(v) for v in row]) for i, row in enumerate(k2011().values)
    ]
    d = read_matrix_csv(_write(tmp_path, "\n".join(rows) + "\n"))
    assert round(krippendorff_alpha(d, "ordinal"), 3) == 0.815


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", r"m\.csv: the file is empty"),
        (b"  \n\n", r"m\.csv: the file is empty"),
        (b"unit\n1\n2\n", r"m\.csv, row 1: no coder columns"),
        (b"unit,A\n1,x\n", r"m\.csv, row 1: only 1 coder column \('A'\).*at least 2 coders"),
        (b"A,B\n1,2\n1,2,3\n", r"m\.csv, row 3: 3 cells but the header has 2; give every row one cell per column"),
        (b"A,B\n1,2\n1\n", r"m\.csv, row 3: 1 cells but the header has 2"),
        (b"unit,A,B\n1,\x81,2\n", r"m\.csv, line 2: byte 0x81 .*neither UTF-8 nor Windows-1252; save the file as UTF-8 CSV"),
        (b"\xef\xbb\xbfA,B\n\xff,1\n", r"m\.csv, line 2: .*UTF-8 mark but byte 0xFF .*not UTF-8; save the file as UTF-8 CSV"),
        (b"unit,A,A\n1,x,y\n", r"m\.csv, row 1: coder 'A' appears twice"),
        (b"unit,A,,B\n1,x,y,z\n", r"m\.csv, row 1: column 3 has no coder name"),
        (b"unit,A,B\n1,x,y\n1,x,x\n", r"m\.csv, row 3: unit id '1' already used in row 2"),
    ],
    ids=["empty", "blank", "no_coders", "one_coder", "ragged_long", "ragged_short", "undecodable", "bad_bom",
         "duplicate_coder", "unnamed_coder", "duplicate_unit"],
)  # fmt: skip
def test_read_matrix_csv_bad(tmp_path, content, message):
    with pytest.raises(InputError, match=message) as info:
        read_matrix_csv(_write(tmp_path, content))
    assert "\n" not in str(info.value)


def test_read_matrix_csv_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found; check the path and spelling"):
        read_matrix_csv(tmp_path / "nope.csv")
