"""Tests for qca.agreement_report: what `qca agreement` prints, beside the result."""

from __future__ import annotations

import json
import math

import pytest

from qca.agreement_report import agreement_report, coder_list, coefficient_lines
from qca.errors import InputError


def test_coefficient_lines_show_undefined_as_dash() -> None:
    res = {"n_units": 3, "n_pairable": 6, "n_coders": 2, "percent_agreement": 1.0,
           "krippendorff_alpha": math.nan, "cohen_kappa": None}
    lines = coefficient_lines(res, "ordinal")
    assert lines[0] == "3 units coded by 2 or more coders, 6 pairable values, 2 coders"
    assert lines[1].split() == ["percent", "agreement", "(p_a)", "1.000"]
    assert lines[2].endswith("-") and "(ordinal)" in lines[2]
    assert lines[3].endswith("-") and "Cohen" in lines[3]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of them"),
        ({"project": "p.qca", "matrix": "m.csv"}, "exactly one of them"),
        ({"matrix": "m.csv", "question": "q"}, "--question is for a project"),
        ({"project": "p.qca", "level": "interval"}, "--level is for --matrix"),
        ({"project": "p.qca", "confusion": "anna"}, "name exactly two coders"),
        ({"project": "p.qca", "confusion": "a,b", "coders": "a,b"}, "leave out --coders"),
    ],
)
def test_options_that_do_not_fit_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        agreement_report(**kwargs)


def test_coder_list() -> None:
    assert coder_list(None, "--coders") is None
    assert coder_list(" anna, ben ,", "--coders") == ["anna", "ben"]
    with pytest.raises(InputError, match="--coders ','"):
        coder_list(",", "--coders")


def test_matrix_report_formats(tmp_path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("unit,A,B\n1,x,x\n2,y,y\n3,x,y\n", encoding="utf-8")
    table = agreement_report(matrix=str(path))
    assert table.startswith("m.csv: unit ids from column 'unit'; coders A, B (choose with "
                            "--id-column NAME|none)\n3 units coded by 2 or more coders")
    assert json.loads(agreement_report(matrix=str(path), fmt="json"))["n_units"] == 3
    header, row = agreement_report(matrix=str(path), fmt="csv").splitlines()
    assert header.split(",")[0] == "n_units" and row.split(",")[0] == "3"
