"""Tests for qca.importing.decode: the one decoder of a user's text file."""

from __future__ import annotations

import pytest

from qca.errors import InputError
from qca.importing.decode import decode_text, detect_delimiter


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Grüße".encode(), "Grüße", "utf-8"),
        ("\ufeffGrüße".encode(), "Grüße", "utf-8-sig"),
        ("Grüße".encode("utf-16"), "Grüße", "utf-16"),
        ("Grüße“".encode("cp1252"), "Grüße“", "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1252"],
)
def test_decode_text(data: bytes, text: str, encoding: str) -> None:
    assert decode_text(data, "f.csv") == (text, encoding)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a\nb\x81c\n", r"f\.csv, line 2: byte 0x81 at byte offset 3 is neither UTF-8 nor"),
        (b"\xef\xbb\xbfa\n\xff\n", r"f\.csv, line 2: .*UTF-8 mark but byte 0xFF .* is not UTF-8"),
        ("ä\n".encode() + "ä\n".encode("cp1252"), r"f\.csv, line 2: the file mixes encodings"),
        (b"a\x00b", r"f\.csv, line 1: contains NUL bytes"),
    ],
    ids=["undefined-cp1252", "bom-then-latin", "mixed", "binary"],
)
def test_decode_text_refuses(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        decode_text(data, "f.csv", "save it as UTF-8")
    assert "\n" not in str(info.value) and "save it as UTF-8" in str(info.value)


@pytest.mark.parametrize(
    ("text", "ext", "delimiter"),
    [
        ("a;b\n1;2\n", ".csv", ";"),
        ("a,b\n1,2\n", ".csv", ","),
        ("a\tb\n1\t2\n", ".txt", "\t"),
        ("a\n1\n", ".tsv", "\t"),
        ("a\n1\n", ".csv", ","),
        ('"x;y",b\n1,2\n', ".csv", ","),  # a delimiter inside quotes does not count
        ("a;b,c\n1;2,3\n4;5,6\n", ".csv", ";"),  # tie on records: ';' is preferred
        ("a,b,c;d\n1,2,3\n", ".csv", ","),  # the one that fits the records wins
        ("\n\na;b\n1;2\n", ".csv", ";"),  # leading blank lines are skipped
    ],
)
def test_detect_delimiter(text: str, ext: str, delimiter: str) -> None:
    assert detect_delimiter(text, ext) == delimiter
