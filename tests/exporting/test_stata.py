"""Tests for qca.exporting.stata and the .sav of qca.exporting.spss: read back with pandas and
pyreadstat, labels included."""

from __future__ import annotations

import csv
import math

import pytest

from exporting.carry import MEMO, SPLIT_NOTE, TEXTS
from qca.exporting import export
from qca.exporting.labelled import FIXED_LABELS, labelled_wide
from qca.exporting.stata import MAX_LABEL

pd = pytest.importorskip("pandas")


@pytest.fixture
def dta(carry, tmp_path):
    target = tmp_path / "anna.dta"
    export(carry, "stata", target, coder="anna")
    return target


def test_pandas_reads_the_dta_with_names_and_values(carry, dta):
    frame = pd.read_stata(dta, convert_categoricals=False)
    table = labelled_wide(carry, "anna")
    assert list(frame.columns) == table.names
    assert "Amt_Fachbereich" in frame.columns and "v_1_Welle" in frame.columns
    rows = frame.set_index("segment_id")
    assert rows["text"].to_dict() == TEXTS  # umlauts, quotes and the line break intact
    assert rows.loc["1#antwort", "memo"] == MEMO and rows.loc["2#antwort", "memo"] == SPLIT_NOTE
    assert rows.loc["4#antwort", "flagged"] == 1 and rows.loc["4#antwort", "coded"] == 0
    assert math.isnan(rows.loc["4#antwort", "POS"])  # not coded: missing, not 0
    assert rows.loc["1#antwort", "POS"] == 1 and rows.loc["1#antwort", "NEG_A"] == 0
    assert rows["Groesse"].tolist() == [10, 20, 30, 40]  # plain numbers are numbers
    assert rows["v_1_Welle"].tolist() == ["001", "002", "003", "004"]  # leading zeros stay text


def test_pandas_reads_the_german_labels(german, dta):
    with pd.io.stata.StataReader(dta) as reader:
        variable_labels = reader.variable_labels()
        value_labels = reader.value_labels()
    assert variable_labels["POS"] == "Lob für das Amt"
    assert variable_labels["NEG_A"] == "Kritik: Personal"
    assert variable_labels["Amt_Fachbereich"] == "Amt / Fachbereich"
    assert variable_labels["text"] == "Text des Segments"
    assert all(len(label) <= MAX_LABEL for label in variable_labels.values())
    labelled = {v: set(labels.values()) for v, labels in value_labels.items()}
    assert {"nicht genannt", "genannt"} in labelled.values()
    assert {"nicht kodiert", "kodiert"} in labelled.values()
    assert {"nicht markiert", "unsicher markiert"} in labelled.values()
    frame = pd.read_stata(dta)  # categoricals from the value labels
    assert frame.set_index("segment_id").loc["1#antwort", "POS"] == "genannt"


def test_english_labels_in_an_english_interface(dta):
    with pd.io.stata.StataReader(dta) as reader:
        variable_labels = reader.variable_labels()
        value_labels = reader.value_labels()
    assert variable_labels["POS"] == "Lob für das Amt"  # the codebook's own name
    assert variable_labels["text"] == FIXED_LABELS["text"] == "Text of the segment"
    labelled = {v: set(labels.values()) for v, labels in value_labels.items()}
    assert {"not mentioned", "mentioned"} in labelled.values()
    assert {"not flagged", "flagged"} in labelled.values()


def test_the_dta_is_format_118_for_stata_14_and_later(dta):
    assert dta.read_bytes().startswith(b"<stata_dta><header><release>118</release>")


def test_names_mapping_beside_the_dta(dta):
    mapping = list(csv.DictReader((dta.parent / "anna.dta.names.csv").open(encoding="utf-8")))
    assert {"original": "Größe", "exported": "Groesse"} in mapping
    assert {"original": "if", "exported": "v_if"} in mapping


def test_a_long_text_becomes_strl(carry, tmp_path):
    from qca.coding import set_memo

    set_memo(carry, "1#antwort", "anna", "ä" * 3000)
    target = tmp_path / "long.dta"
    export(carry, "stata", target, coder="anna")
    frame = pd.read_stata(target, convert_categoricals=False).set_index("segment_id")
    assert frame.loc["1#antwort", "memo"] == "ä" * 3000


def test_sav_read_back_with_labels(german, carry, tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    target = tmp_path / "anna.sav"
    export(carry, "sav", target, coder="anna")
    frame, meta = pyreadstat.read_sav(str(target), user_missing=True)
    assert list(frame.columns) == labelled_wide(carry, "anna").names
    rows = frame.set_index("segment_id")
    assert rows["text"].to_dict() == TEXTS  # the .sav keeps line breaks
    assert rows.loc["1#antwort", "memo"] == MEMO
    assert meta.column_names_to_labels["POS"] == "Lob für das Amt"
    assert meta.column_names_to_labels["Amt_Fachbereich"] == "Amt / Fachbereich"
    assert meta.variable_value_labels["POS"] == {0: "nicht genannt", 1: "genannt"}
    assert meta.variable_value_labels["flagged"] == {0: "nicht markiert", 1: "unsicher markiert"}
    assert meta.variable_measure["POS"] == "nominal"
    assert meta.variable_measure["position"] == "scale"
