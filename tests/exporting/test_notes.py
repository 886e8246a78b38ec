"""Tests for qca.exporting.notes: one stored note becomes memo, flag, reason and split rows."""

from __future__ import annotations

import pytest

from qca.coding import set_flag, set_memo
from qca.exporting.notes import KINDS, notes, segment_notes, split_memo
from qca.revise import split


@pytest.mark.parametrize(("memo", "own", "splits"), [
    ("", "", []),
    ("  nur ein Memo ", "nur ein Memo", []),
    ("[A split into B, C: check]", "", ["[A split into B, C: check]"]),
    ("vorher [A split into B, C: check] [B split into D, E: check]", "vorher",
     ["[A split into B, C: check]", "[B split into D, E: check]"]),
    ("[kein Split]", "[kein Split]", []),
])
def test_split_memo(memo, own, splits):
    assert split_memo(memo) == (own, splits)


def test_a_coders_memo_and_a_later_split_are_two_rows(carry):
    set_memo(carry, "3#antwort", "ben", "Bens Memo")
    split(carry, "SONST", [("SONST_A", "A"), ("SONST_B", "B")], author="lea")
    rows = [(n.coder, n.kind, n.text) for n in notes(carry) if n.segment_id == "3#antwort"]
    assert ("anna", "split", "[SONST split into SONST_A, SONST_B: check]") in rows
    assert ("anna", "flag", "") in rows  # the split flags the segment
    assert ("ben", "memo", "Bens Memo") in rows
    assert {kind for _, kind, _ in rows} <= set(KINDS)


def test_filter_by_coder_and_cleared_notes(carry):
    assert {n.coder for n in notes(carry, "ben")} == {"ben"}
    set_flag(carry, "4#antwort", "anna", False)
    assert ("4#antwort", "anna") not in segment_notes(carry)
    assert not [n for n in notes(carry) if n.segment_id == "4#antwort"]
