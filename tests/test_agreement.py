"""Tests for qca.agreement: published values first, then cross-checks and the CSV reader."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qca.agreement import (
    ReliabilityData,
    bootstrap_alpha,
    brennan_prediger,
    category_reports,
    category_tables,
    cohen_kappa,
    confusion,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    masi_distance,
    most_confused,
    n_coders,
    n_pairable,
    n_units,
    percent_agreement,
    report,
    scott_pi,
    to_jsonable,
)
from qca.errors import InputError

N = None

# ---------------------------------------------------------------------------------------------
# published data sets


def k2011() -> ReliabilityData:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
    4 observers, 12 units, missing values. Also irrCAC's ``cac.raw4raters`` (columns reordered)."""
    return ReliabilityData.from_columns(
        {
            "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
            "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
            "C": [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
            "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
        }
    )


# Fleiss (1971), Table 1: 30 patients, 6 diagnoses each; columns Depression, Personality disorder,
# Schizophrenia, Neurosis, Other. Counts of raters per patient and category.
FLEISS_1971 = [
    [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0],
    [2, 0, 4, 0, 0], [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6],
    [1, 0, 0, 5, 0], [1, 1, 0, 4, 0], [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1],
    [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0], [0, 2, 0, 4, 0], [1, 0, 2, 0, 3],
    [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0], [1, 0, 0, 4, 1],
    [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
]  # fmt: skip

# Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories, kappa 0.210.
FLEISS_WIKIPEDIA = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def from_counts(table: list[list[int]]) -> np.ndarray:
    """Raters-by-category counts -> a units x raters object matrix (rater order is irrelevant)."""
    rows = [[k + 1 for k, n in enumerate(r) for _ in range(n)] for r in table]
    width = max(len(r) for r in rows)
    return np.array([r + [None] * (width - len(r)) for r in rows], dtype=object)


def from_contingency(table: list[list[int]]) -> np.ndarray:
    """Two-coder contingency table (rows coder A, columns coder B) -> units x 2 matrix."""
    pairs = [(i + 1, j + 1) for i, row in enumerate(table) for j, n in enumerate(row) for _ in range(n)]
    return np.array(pairs, dtype=float)


def test_fleiss_1971_table_is_complete():
    assert len(FLEISS_1971) == 30
    assert all(sum(r) == 6 for r in FLEISS_1971)
    # column totals of Fleiss' Table 1 (also statsmodels' aggregate_raters test)
    assert np.array(FLEISS_1971).sum(axis=0).tolist() == [26, 26, 30, 55, 43]
    assert all(sum(r) == 14 for r in FLEISS_WIKIPEDIA)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_four_coders_missing(level, published):
    assert round(krippendorff_alpha(k2011(), level), 3) == published


def test_krippendorff_2011_counts():
    d = k2011()
    # 11 pairable units (unit 12 has one value), 40 pairable values (Krippendorff's n..)
    assert (n_units(d), n_pairable(d), n_coders(d)) == (11, 40, 4)
    # Krippendorff's observed agreement A_o = 1 - D_o; D_o = .200 in the paper's computation
    assert percent_agreement(d, weighting="value") == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("coefficient", "published"),
    [
        # irrCAC README (Gwet), cac.raw4raters == Krippendorff's 2011 data
        (lambda d: percent_agreement(d), 0.8181818),
        (lambda d: gwet_ac1(d), 0.77544),
        (lambda d: brennan_prediger(d), 0.77273),
        (lambda d: krippendorff_alpha(d), 0.74342),
        (lambda d: fleiss_kappa(d, include_single=True), 0.76117),
    ],
    ids=["pa", "ac1", "bp", "alpha", "fleiss_irrcac"],
)
def test_irrcac_raw4raters(coefficient, published):
    assert coefficient(k2011()) == pytest.approx(published, abs=5e-6)


def test_fleiss_drops_single_rated_units():
    d = k2011()
    # default: unit 12 (one value) is dropped entirely -> same as removing it from the table
    trimmed = ReliabilityData(d.units[:11], d.coders, d.values[:11])
    assert fleiss_kappa(d) == pytest.approx(fleiss_kappa(trimmed, include_single=True))
    assert fleiss_kappa(d) != pytest.approx(fleiss_kappa(d, include_single=True))


@pytest.mark.parametrize(
    ("table", "published", "places"),
    [(FLEISS_1971, 0.430, 3), (FLEISS_WIKIPEDIA, 0.210, 3)],
    ids=["fleiss1971", "wikipedia"],
)
def test_fleiss_kappa_published(table, published, places):
    assert round(fleiss_kappa(from_counts(table)), places) == published


def test_fleiss_1971_irr_value():
    # R irr::kappam.fleiss(diagnoses) = 0.4302445
    assert fleiss_kappa(from_counts(FLEISS_1971)) == pytest.approx(0.4302445, abs=5e-8)


@pytest.mark.parametrize(
    ("coefficient", "published"),
    [
        (gwet_ac1, 0.4448007),
        (fleiss_kappa, 0.4139265),
        (krippendorff_alpha, 0.4204384),
        (brennan_prediger, 0.4388889),
        (percent_agreement, 0.5511111),
    ],
    ids=["ac1", "fleiss", "alpha", "bp", "pa"],
)
def test_irrcac_distrib_6raters(coefficient, published):
    # irrCAC README: distrib.6raters = the first 15 patients of Fleiss (1971)
    assert coefficient(from_counts(FLEISS_1971[:15])) == pytest.approx(published, abs=5e-8)


ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]  # irrCAC cont3x3abstractors


@pytest.mark.parametrize(
    ("table", "coefficient", "published", "tol"),
    [
        # Artstein & Poesio (2008), 2x2 example: A_o = .7, kappa = .348, pi = .341
        ([[20, 20], [10, 50]], cohen_kappa, 0.348, 5e-4),
        ([[20, 20], [10, 50]], scott_pi, 0.341, 5e-4),
        ([[20, 20], [10, 50]], percent_agreement, 0.7, 1e-12),
        # irrCAC README, cont3x3abstractors
        (ABSTRACTORS, cohen_kappa, 0.7964094, 5e-8),
        (ABSTRACTORS, scott_pi, 0.7962397, 5e-8),
        (ABSTRACTORS, gwet_ac1, 0.8493305, 5e-8),
        (ABSTRACTORS, brennan_prediger, 0.835, 5e-8),
        (ABSTRACTORS, krippendorff_alpha, 0.7972585, 5e-8),
        (ABSTRACTORS, percent_agreement, 0.89, 1e-12),
        # statsmodels test: SAS PROC FREQ simple kappa for table10
        ([[0, 4, 1], [0, 8, 0], [0, 1, 5]], cohen_kappa, 0.4842, 5e-5),
    ],
)
def test_two_coder_tables(table, coefficient, published, tol):
    assert coefficient(from_contingency(table)) == pytest.approx(published, abs=tol)


def test_artstein_poesio_exact_fractions():
    d = from_contingency([[20, 20], [10, 50]])
    assert cohen_kappa(d) == pytest.approx((0.7 - 0.54) / (1 - 0.54))
    assert scott_pi(d) == pytest.approx((0.7 - 0.545) / (1 - 0.545))


@pytest.mark.parametrize(
    ("a", "b", "level", "published"),
    [
        # Krippendorff (2011) section A: binary data, two observers, no missing data
        ([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0], "nominal", 0.095),
        # Krippendorff (2011) section B: nominal data, two observers, no missing data
        (list("aabbdcccedda"), list("babbbccceddd"), "nominal", 0.692),
    ],
    ids=["binary", "nominal"],
)
def test_krippendorff_2011_two_observers(a, b, level, published):
    d = ReliabilityData.from_columns({"c": a, "k": b})
    assert round(krippendorff_alpha(d, level), 3) == published


def test_krippendorff_wikipedia_three_coders():
    # the krippendorff package's docstring / Wikipedia example (3 coders, 15 units): .691, .811
    nan = np.nan
    data = np.array(
        [
            [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
            [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
            [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
        ]
    ).T
    assert krippendorff_alpha(data, "nominal") == pytest.approx(0.691358, abs=5e-7)
    assert krippendorff_alpha(data, "interval") == pytest.approx(0.810845, abs=5e-7)


# ---------------------------------------------------------------------------------------------
# cross-check against the krippendorff package


krippendorff = pytest.importorskip("krippendorff")


def _random_matrix(rng: np.random.Generator, units: int, coders: int, values: int, missing: float) -> np.ndarray:
    truth = rng.integers(0, values, units)
    x = np.where(rng.random((units, coders)) < 0.6, truth[:, None], rng.integers(0, values, (units, coders)))
    x = x.astype(float)
    x[rng.random((units, coders)) < missing] = np.nan
    return x


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_krippendorff_package_seeded(level, seed):
    rng = np.random.default_rng(seed)
    x = _random_matrix(rng, 500, 2 + seed % 4, 3 + seed, 0.2)
    x[~np.isnan(x)] *= 1.5  # non-integer values: exercises the sorting encoder too
    ours = krippendorff_alpha(x, level)
    theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    units=st.integers(2, 25),
    coders=st.integers(2, 6),
    values=st.integers(1, 7),
    missing=st.floats(0, 0.6),
    level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_alpha_matches_krippendorff_package_hypothesis(seed, units, coders, values, missing, level):
    x = _random_matrix(np.random.default_rng(seed), units, coders, values, missing)
    ours = krippendorff_alpha(x, level)
    pairable = (~np.isnan(x)).sum(axis=1) >= 2
    vals = x[pairable][~np.isnan(x[pairable])]
    if vals.size < 2 or np.unique(vals).size < 2:
        assert math.isnan(ours)  # no pairable values or expected disagreement 0
        return
    with np.errstate(all="ignore"):
        theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_object_and_float_inputs_agree():
    rng = np.random.default_rng(7)
    x = _random_matrix(rng, 200, 3, 4, 0.3)
    obj = [[None if np.isnan(v) else int(v) for v in row] for row in x]
    d = ReliabilityData([str(i) for i in range(200)], ["a", "b", "c"], obj)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(d, level) == pytest.approx(krippendorff_alpha(x, level), abs=1e-12)
    assert report(d) == pytest.approx(report(x), nan_ok=True)


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_sparse_coincidence_path_matches_package(monkeypatch, level):
    # large value domains use np.unique on pair keys instead of a dense bincount; force that path
    import qca.agreement as agreement

    monkeypatch.setattr(agreement, "_DENSE_BINS", 0)
    rng = np.random.default_rng(3)
    x = np.abs(rng.normal(size=(300, 4)) + rng.normal(scale=0.5, size=(300, 1))).round(1)
    x[rng.random(x.shape) < 0.1] = np.nan
    theirs = krippendorff.alpha(reliability_data=x.T, level_of_measurement=level)
    assert krippendorff_alpha(x, level) == pytest.approx(theirs, abs=1e-9)


# ---------------------------------------------------------------------------------------------
# undefined cases and definitions


@pytest.mark.parametrize(
    "values",
    [
        [[1, N], [N, 2]],  # no unit coded by both
        [[1, 1], [1, 1], [1, 1]],  # one category only: expected disagreement 0
        [],
    ],
    ids=["no_pairs", "constant", "empty"],
)
def test_undefined_coefficients_are_nan(values):
    d = ReliabilityData([str(i) for i in range(len(values))], ["a", "b"], values)
    r = report(d)
    for key in ("krippendorff_alpha", "fleiss_kappa", "cohen_kappa", "scott_pi"):
        assert math.isnan(r[key]), key
    assert json.loads(json.dumps(to_jsonable(r)))["krippendorff_alpha"] is None


def test_report_keys():
    three = report(k2011())
    assert set(three) == {
        "n_units", "n_coders", "n_pairable", "percent_agreement", "krippendorff_alpha",
        "fleiss_kappa", "gwet_ac1", "brennan_prediger",
    }  # fmt: skip
    two = report(from_contingency([[20, 20], [10, 50]]))
    assert set(two) == set(three) | {"cohen_kappa", "scott_pi"}
    assert report(k2011(), level="interval")["krippendorff_alpha"] == pytest.approx(0.8491071)


def test_categories_from_codebook_set_q():
    d = from_contingency([[20, 20], [10, 50]])
    # two observed categories -> q = 2; a codebook of 4 categories -> chance 1/4
    assert brennan_prediger(d) == pytest.approx((0.7 - 0.5) / 0.5)
    assert brennan_prediger(d, categories=[1, 2, 3, 4]) == pytest.approx((0.7 - 0.25) / 0.75)
    with pytest.raises(InputError, match="not a category of the codebook"):
        gwet_ac1(d, categories=[1])


def test_percent_agreement_two_coders_ignores_missing():
    d = ReliabilityData.from_columns({"a": [1, 2, 3, N, 1], "b": [1, 2, 1, 4, N]})
    assert percent_agreement(d) == pytest.approx(2 / 3)
    assert percent_agreement(d, weighting="value") == pytest.approx(2 / 3)
    assert cohen_kappa(d) == cohen_kappa(ReliabilityData.from_columns({"a": [1, 2, 3], "b": [1, 2, 1]}))


def test_text_labels_and_level_errors():
    d = ReliabilityData.from_columns({"a": ["x", "y", "x"], "b": ["x", "y", "y"]})
    assert krippendorff_alpha(d) == pytest.approx(krippendorff_alpha(np.array([[0, 0], [1, 1], [0, 1]], float)))
    with pytest.raises(InputError, match="interval alpha needs numbers"):
        krippendorff_alpha(d, "interval")
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(d, "cardinal")
    with pytest.raises(ValueError, match="exactly 2 coders"):
        cohen_kappa(k2011())


# ---------------------------------------------------------------------------------------------
# multi-coded segments


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"A"}, {"A"}, 0.0),  # identical: M = 1, J = 1
        ({"A"}, {"A", "B"}, 1 - (1 / 2) * (2 / 3)),  # subset: M = 2/3
        ({"A", "B", "C"}, {"A"}, 1 - (1 / 3) * (2 / 3)),
        ({"A", "B"}, {"A", "C"}, 1 - (1 / 3) * (1 / 3)),  # overlap, no subset: M = 1/3
        ({"A"}, {"B"}, 1.0),  # disjoint: M = 0
        (set(), set(), 0.0),
    ],
)
def test_masi_distance_passonneau(a, b, expected):
    assert masi_distance(a, b) == pytest.approx(expected)
    assert masi_distance(b, a) == pytest.approx(expected)


def multi() -> ReliabilityData:
    f = frozenset
    return ReliabilityData(
        ["u1", "u2", "u3", "u4"],
        ["A", "B", "C"],
        [
            [f("x"), f("xy"), N],
            [f("y"), f("y"), f("y")],
            [f(), f("x"), f("x")],  # A coded u3 but assigned no code
            [N, N, f("x")],
        ],
    )


def test_category_tables_presence_absence():
    t = category_tables(multi())
    assert list(t) == ["x", "y"]
    assert t["x"].values == [[1, 1, N], [0, 0, 0], [0, 1, 1], [N, N, 1]]
    assert t["y"].values == [[0, 1, N], [1, 1, 1], [0, 0, 0], [N, N, 0]]


def test_category_reports_hand_computed():
    r = category_reports(multi())
    # x: pairable units u1 (1,1), u2 (0,0,0), u3 (0,1,1): agreeing pair shares 1, 1, 1/3
    assert r["x"]["percent_agreement"] == pytest.approx(7 / 9)
    # coincidences o00 = 3, o11 = 3, o01 = o10 = 1; n0 = n1 = 4, n = 8 -> 1 - 7 * 2 / 32
    assert r["x"]["krippendorff_alpha"] == pytest.approx(1 - 14 / 32)
    assert r["y"]["percent_agreement"] == pytest.approx(2 / 3)
    assert r["x"]["n_units"] == 3 and r["x"]["n_pairable"] == 8


def test_masi_alpha_hand_computed():
    f = frozenset
    d = ReliabilityData.from_columns({"a": [f("A"), f("AB"), f("B")], "b": [f("A"), f("A"), f("C")]})
    # sum o*delta = 2 * 2/3 + 2 * 1 = 10/3; sum n_c n_k delta = 64/3; n = 6 -> 1 - 5 * 10/64
    assert krippendorff_alpha(d, "masi") == pytest.approx(1 - 50 / 64)
    with pytest.raises(InputError, match="MASI alpha needs sets"):
        krippendorff_alpha(k2011(), "masi")


def test_confusion_single_coded():
    d = ReliabilityData.from_columns({"A": list("aabcc") + [N], "B": list("abacb") + ["a"]})
    assert confusion(d, "A", "B") == {("a", "a"): 1, ("a", "b"): 1, ("b", "a"): 1, ("c", "c"): 1, ("c", "b"): 1}
    assert most_confused(d, "A", "B") == [("a", "b", 2), ("b", "c", 1)]
    assert most_confused(d, 0, 1, top=1) == [("a", "b", 2)]


def test_confusion_sets():
    f = frozenset
    d = ReliabilityData.from_columns(
        {"A": [f("pq"), f("q"), f("p"), N], "B": [f("pr"), f("rs"), f("pt"), f("p")]}
    )
    assert confusion(d, "A", "B") == {("p", "p"): 2, ("q", "r"): 2, ("q", "s"): 1}
    assert most_confused(d, "A", "B") == [("q", "r", 2), ("q", "s", 1)]
    with pytest.raises(ValueError, match="unknown coder"):
        confusion(d, "A", "Z")


# ---------------------------------------------------------------------------------------------
# bootstrap


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_bootstrap_repeatable_and_covers_estimate(level):
    x = _random_matrix(np.random.default_rng(11), 2000, 3, 5, 0.1)
    r1 = bootstrap_alpha(x, level, n_boot=500, seed=42)
    r2 = bootstrap_alpha(x, level, n_boot=500, seed=42)
    assert (r1.low, r1.high) == (r2.low, r2.high)
    assert r1.alpha == pytest.approx(krippendorff_alpha(x, level))
    assert r1.low < r1.alpha < r1.high
    assert r1.high - r1.low < 0.1
    assert r1.n_undefined == 0
    r3 = bootstrap_alpha(x, level, n_boot=500, seed=43)
    assert (r3.low, r3.high) != (r1.low, r1.high)


def test_bootstrap_samples_are_alphas_of_resampled_units():
    x = _random_matrix(np.random.default_rng(5), 60, 3, 4, 0.2)
    for level in ("nominal", "ordinal", "interval"):
        r = bootstrap_alpha(x, level, n_boot=5, seed=9)
        keep = (~np.isnan(x)).sum(axis=1) >= 2
        xp = x[keep]
        rng = np.random.default_rng(9)
        idx = rng.integers(0, len(xp), size=(5, len(xp)))
        for b in range(5):
            assert r.samples[b] == pytest.approx(krippendorff_alpha(xp[idx[b]], level), abs=1e-9)


def test_bootstrap_k2011_and_masi():
    r = bootstrap_alpha(k2011(), "nominal", n_boot=300, seed=1)
    assert r.low <= r.alpha <= r.high
    f = frozenset
    sets = [[f("a"), f("ab")], [f("b"), f("b")], [f("c"), f("c")], [f("a"), f("a")], [f("bc"), f("c")]] * 10
    d = ReliabilityData([str(i) for i in range(50)], ["x", "y"], sets)
    m = bootstrap_alpha(d, "masi", n_boot=200, seed=3)
    assert m.low <= m.alpha <= m.high
