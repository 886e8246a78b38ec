"""Project -> reliability data: units, missing codings, multi-coding, per-category tables."""

from __future__ import annotations

import json
import math

import pytest

from qca.coding import set_coding
from qca.errors import CodingError, QcaError
from qca.reliability import agreement, confusion_table, reliability_data
from qca.store import Project

REPORT_KEYS = {"n_units", "n_coders", "n_pairable", "percent_agreement", "krippendorff_alpha",
               "fleiss_kappa", "gwet_ac1", "brennan_prediger", "cohen_kappa", "scott_pi"}


def code(project: Project, rows: list[tuple[str, str, str]]) -> None:
    for seg, coder, cat in rows:
        set_coding(project, seg, cat, coder, True)


@pytest.fixture
def multi(survey_project: Project) -> Project:
    # 1#chancen: anna {REFL, ZUS}, ben {REFL}; 2#chancen: both {REFL}; 4#chancen: both {SONST}
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "anna", "CH_ZUS"),
        ("1#chancen", "ben", "CH_REFL"),
        ("2#chancen", "anna", "CH_REFL"), ("2#chancen", "ben", "CH_REFL"),
        ("4#chancen", "anna", "CH_SONST"), ("4#chancen", "ben", "CH_SONST"),
    ])
    return survey_project


def test_missing_is_not_disagreement(survey_project: Project) -> None:
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_REFL"),
        ("2#chancen", "anna", "CH_ZUS"),  # ben did not code 2#chancen: missing, not 0
        ("4#chancen", "ben", "CH_SONST"),
    ])
    data = reliability_data(survey_project)
    assert data.units == ["1#chancen", "2#chancen", "4#chancen"]
    assert data.values[1] == [frozenset({"CH_ZUS"}), None]
    overall = agreement(survey_project).overall
    assert overall["n_units"] == 1 and overall["n_pairable"] == 2
    assert overall["percent_agreement"] == 1.0
    assert overall["values"] == "code"


def test_nonsubstantive_segments_are_excluded_by_default(survey_project: Project) -> None:
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_REFL"),
        ("3#chancen", "anna", "CH_ZUS"), ("3#chancen", "ben", "CH_SONST"),  # "k.A."
    ])
    assert agreement(survey_project).overall["percent_agreement"] == 1.0
    full = agreement(survey_project, include_nonsubstantive=True).overall
    assert full["n_units"] == 2 and full["percent_agreement"] == 0.5


def test_consensus_is_not_a_coder_by_default(survey_project: Project) -> None:
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_ZUS"),
    ])
    set_coding(survey_project, "1#chancen", "CH_REFL", "consensus", True, origin="consensus")
    assert agreement(survey_project).coders == ["anna", "ben"]
    assert agreement(survey_project, ["anna", "consensus"]).overall["percent_agreement"] == 1.0


def test_single_codes_use_codebook_categories(survey_project: Project) -> None:
    code(survey_project, [
        ("1#chancen", "anna", "CH_REFL"), ("1#chancen", "ben", "CH_REFL"),
        ("2#chancen", "anna", "CH_ZUS"), ("2#chancen", "ben", "CH_SONST"),
    ])
    overall = agreement(survey_project, question="chancen").overall
    # q = 4 codable categories of 'chancen' (CH_REFL, CH_ZUS, CH_SONST, MEMO): BP = (.5 - .25)/.75
    assert overall["brennan_prediger"] == pytest.approx(1 / 3)
    assert overall["krippendorff_alpha_masi"] == pytest.approx(overall["krippendorff_alpha"])


def test_multi_coded_overall_set_equality_and_masi(multi: Project) -> None:
    overall = agreement(multi).overall
    assert overall["values"] == "code_set" and overall["n_multi_coded"] == 1
    assert overall["n_units"] == 3 and overall["n_pairable"] == 6
    assert overall["percent_agreement"] == pytest.approx(2 / 3)
    # by hand: values {R,Z}x1, {R}x3, {S}x2; nominal on sets: D_o = 1/3, D_e = 22/30
    assert overall["krippendorff_alpha"] == pytest.approx(6 / 11)
    # MASI({R,Z},{R}) = 1 - 1/2 * 2/3 = 2/3: D_o = 2/9, D_e = 20/30
    assert overall["krippendorff_alpha_masi"] == pytest.approx(2 / 3)


def test_per_category_presence_tables(multi: Project) -> None:
    cats = agreement(multi, question="chancen", by_category=True).categories
    assert list(cats) == ["CH_REFL", "CH_ZUS", "CH_SONST", "MEMO"]  # HE_* not offered
    refl, zus, memo = cats["CH_REFL"], cats["CH_ZUS"], cats["MEMO"]
    assert refl["n_units"] == 3 and refl["percent_agreement"] == 1.0
    assert refl["krippendorff_alpha"] == 1.0
    # CH_ZUS: (1,0), (0,0), (0,0): agreement 2/3, alpha 0, kappa 0
    assert zus["percent_agreement"] == pytest.approx(2 / 3)
    assert zus["krippendorff_alpha"] == pytest.approx(0.0)
    assert zus["cohen_kappa"] == pytest.approx(0.0)
    assert memo["percent_agreement"] == 1.0 and math.isnan(memo["krippendorff_alpha"])


def test_category_tables_only_on_questions_offering_them(multi: Project) -> None:
    code(multi, [("1#herausforderungen", "anna", "HE_SPR"), ("1#herausforderungen", "ben", "HE_KONF")])
    cats = agreement(multi, by_category=True).categories
    assert cats["CH_REFL"]["n_units"] == 3  # not the herausforderungen segment
    assert cats["HE_SPR"]["n_units"] == 1 and cats["MEMO"]["n_units"] == 4


def test_json_shape(multi: Project) -> None:
    out = agreement(multi, by_category=True).to_json()
    assert set(out) == {"overall", "categories"}
    assert REPORT_KEYS | {"krippendorff_alpha_masi", "alpha_ci_low", "alpha_ci_high"} <= set(out["overall"])
    assert set(out["categories"]["CH_ZUS"]) == REPORT_KEYS
    assert out["categories"]["MEMO"]["krippendorff_alpha"] is None
    json.dumps(out, allow_nan=False)


def test_bootstrap_is_deterministic(multi: Project) -> None:
    a = agreement(multi).overall
    b = agreement(multi).overall
    assert (a["alpha_ci_low"], a["alpha_ci_high"]) == (b["alpha_ci_low"], b["alpha_ci_high"])
    assert a["alpha_ci_low"] <= a["krippendorff_alpha"] <= a["alpha_ci_high"]


def test_confusion_pairs_and_unpaired_codes(multi: Project) -> None:
    code(multi, [("2#chancen", "anna", "CH_ZUS")])
    code(multi, [("2#chancen", "ben", "CH_SONST")])
    result = confusion_table(multi, "anna", "ben")
    assert result.n_units == 3
    assert result.table[("CH_REFL", "CH_REFL")] == 2
    assert result.table[("CH_ZUS", "CH_SONST")] == 1
    assert result.most_confused == [("CH_SONST", "CH_ZUS", 1)]
    assert result.only_a == {"CH_ZUS": 1}  # 1#chancen: ben added nothing to pair with


@pytest.mark.parametrize("kwargs, message", [
    ({"coders": ["anna"]}, "at least 2 coders"),
    ({"coders": ["anna", "zoe"]}, "'zoe' has no codings"),
    ({"coders": ["anna", "anna"]}, "named twice"),
    ({"question": "nope"}, "question 'nope' is not in test.qca; questions are: chancen, "),
])
def test_bad_selection(multi: Project, kwargs: dict, message: str) -> None:
    with pytest.raises(QcaError, match=message):
        agreement(multi, **kwargs)


def test_no_second_coder(survey_project: Project) -> None:
    code(survey_project, [("1#chancen", "anna", "CH_REFL")])
    with pytest.raises(CodingError, match="found 1"):
        agreement(survey_project)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("multi_coded", [False, True])
def test_sql_aggregate_path_equals_the_row_path(survey_project: Project, seed: int,
                                                multi_coded: bool) -> None:
    """Random codings by three coders (and consensus): the numpy path built from SQL
    aggregates gives exactly the result of the path over Python rows."""
    import random

    from qca.reliability import _agreement_rows

    rng = random.Random(seed)
    book = survey_project.codebook()
    segments = survey_project.conn.execute("SELECT id, question FROM segments").fetchall()
    for seg, question in segments:
        keys = [c.key for c in book.codable_for_question(question)]
        for coder in ("anna", "ben", "cem", "consensus"):
            if not keys or rng.random() < 0.3:
                continue
            for key in rng.sample(keys, rng.choice([1, 1, 2]) if multi_coded else 1):
                set_coding(survey_project, seg, key, coder, True)
    for coders, question, everything in [(None, None, False), (["ben", "anna"], None, True),
                                         (None, "chancen", False), (["cem", "ben"], None, False)]:
        fast = agreement(survey_project, coders, question, by_category=True,
                         include_nonsubstantive=everything, n_boot=200, seed=seed)
        rows = _agreement_rows(survey_project, coders, question, by_category=True,
                               include_nonsubstantive=everything, n_boot=200, seed=seed)
        assert json.dumps(fast.to_json(), sort_keys=True) == json.dumps(rows.to_json(),
                                                                        sort_keys=True)
        assert fast.coders == rows.coders
