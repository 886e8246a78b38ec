"""Tests for qca.exporting.names: one naming rule that R, Stata and SPSS all accept."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qca.exporting.names import (
    MAX_NAME,
    R_RESERVED,
    SPSS_RESERVED,
    STATA_RESERVED,
    is_safe,
    mapping_path,
    mapping_rows,
    safe_names,
)

# R's rule (?make.names): letters, digits, "." and "_", starting with a letter or a dot not
# followed by a digit, and not a reserved word. ASCII letters are letters in every locale.
_R_SYNTACTIC = re.compile(r"(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*|\.")


def r_keeps(name: str) -> bool:
    """Whether R's ``make.names`` (which ``read.csv`` applies) returns ``name`` unchanged."""
    return bool(_R_SYNTACTIC.fullmatch(name)) and name not in R_RESERVED


def stata_accepts(name: str) -> bool:
    return (bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name))
            and name not in STATA_RESERVED and not re.fullmatch(r"str[0-9]+", name))


def spss_accepts(name: str) -> bool:
    return (bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9_.]{0,63}", name)) and not name.endswith(".")
            and name.upper() not in SPSS_RESERVED)


@pytest.mark.parametrize(("columns", "expected"), [
    (["amt", "AMT", "Amt"], ["amt", "AMT_2", "Amt_3"]),
    (["Größe (Einw.)"], ["Groesse_Einw"]),
    (["Amt / Fachbereich", "1. Welle"], ["Amt_Fachbereich", "v_1_Welle"]),
    (["1. Welle", "_x", "", "###"], ["v_1_Welle", "x", "v", "v_2"]),
    (["to", "BY", "with"], ["v_to", "v_BY", "v_with"]),  # SPSS, any case
    (["if", "TRUE", "NA", "function", "If"], ["v_if", "v_TRUE", "v_NA", "v_function", "If"]),  # R
    (["byte", "using", "str12", "strL"], ["v_byte", "v_using", "v_str12", "v_strL"]),  # Stata
    (["a" * 80], ["a" * 32]),
    (["a" * 80, "a" * 70], ["a" * 32, "a" * 30 + "_2"]),
    (["Straße.", "name_"], ["Strasse", "name"]),
    (["café", "naïve"], ["cafe", "naive"]),
])
def test_safe_names(columns, expected):
    assert safe_names(columns) == expected


def test_fixed_columns_keep_their_names_and_others_give_way():
    assert safe_names(["TEXT", "text", "Memo"], fixed={"text"}) == ["TEXT_2", "text", "Memo"]


@given(st.lists(st.text(max_size=40), max_size=12))
def test_every_safe_name_is_accepted_by_r_stata_and_spss(columns):
    names = safe_names(columns)
    assert len(names) == len(columns)
    assert len({n.upper() for n in names}) == len(names)  # unique, whatever the case
    for name in names:
        assert is_safe(name) and len(name) <= MAX_NAME
        assert r_keeps(name), name
        assert stata_accepts(name), name
        assert spss_accepts(name), name
    assert safe_names(names) == names  # safe names stay as they are


@pytest.mark.parametrize("name", ["Amt / Fachbereich", "1. Welle", "if", "Größe", "a b"])
def test_the_r_rule_rejects_what_r_would_mangle(name):
    assert not r_keeps(name)  # ASCII letters only: R's other letters depend on the locale
    assert not is_safe(name)


def test_stata_reserved_words_cover_the_pandas_writer():
    stata = pytest.importorskip("pandas.io.stata")
    words = {w for w in stata.StataParser().RESERVED_WORDS if w[0].isalpha() and w != "str#"}
    assert words <= STATA_RESERVED


def test_mapping(tmp_path):
    assert mapping_path(tmp_path / "wide.csv") == tmp_path / "wide.csv.names.csv"
    assert mapping_path(tmp_path / "a.sps") == tmp_path / "a.sps.names.csv"
    assert list(mapping_rows(["Amt / X", "id"], ["Amt_X", "id"])) == [
        ["original", "exported"], ["Amt / X", "Amt_X"], ["id", "id"]]
