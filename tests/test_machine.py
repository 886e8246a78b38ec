"""The machine as a coder: cross-validated code sets, compared beside a second human coder."""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qca import machine
from qca.agreement import ReliabilityData, cohen_kappa, krippendorff_alpha
from qca.coding import set_coding
from qca.store import Project

from conftest import run_cli as run, snapshot_db
from test_suggest import BLIND_BOOK, FILLER, WORDS, _project, offline_nlp  # noqa: F401

N = 80
FLIPPED = {3, 10, 17, 30, 41, 55, 66, 79}
"""Segments where ben gives the next category instead of the true one."""


def _truth() -> tuple[list[tuple[str, str]], list[str]]:
    rng = random.Random(11)
    texts, truth = [], []
    for i in range(N):
        key = f"K{i % 4 + 1}"
        words = rng.sample(WORDS[key], 2) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        texts.append(("x", " ".join(words)))
        truth.append(key)
    return texts, truth


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[Project]:
    """A perfectly separable corpus (the category's words decide) coded by anna and ben."""
    texts, truth = _truth()
    proj = _project(tmp_path / "toy.qca", BLIND_BOOK, texts)
    for i, key in enumerate(truth):
        set_coding(proj, f"s#{i}", key, "anna", True)
        ben = f"K{int(key[1]) % 4 + 1}" if i in FLIPPED else key
        set_coding(proj, f"s#{i}", ben, "ben", True)
    set_coding(proj, "s#0", "K1", "carl", True)
    set_coding(proj, "s#1", "K2", "carl", True)
    proj.truth = truth  # type: ignore[attr-defined]
    proj.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    yield proj
    proj.close()


def test_separable_corpus_machine_reaches_alpha_one(toy: Project) -> None:
    res = machine.machine_agreement(toy, ["anna", "ben"], folds=4).to_json()
    anna = next(c for c in res["comparisons"] if c["coder"] == "anna")
    assert anna["machine"] == "machine:anna" and anna["second_coder"] == "ben"
    assert anna["n_segments"] == N
    assert anna["overall"]["values"] == "code"
    assert anna["overall"]["machine"]["krippendorff_alpha"] == pytest.approx(1.0)
    assert anna["overall"]["machine"]["cohen_kappa"] == pytest.approx(1.0)
    # the human side is anna vs ben exactly as the coefficients compute it
    truth = toy.truth  # type: ignore[attr-defined]
    ben = [f"K{int(k[1]) % 4 + 1}" if i in FLIPPED else k for i, k in enumerate(truth)]
    data = ReliabilityData([str(i) for i in range(N)], ["a", "b"],
                           [[a, b] for a, b in zip(truth, ben)])
    assert anna["overall"]["human"]["krippendorff_alpha"] == pytest.approx(krippendorff_alpha(data))
    assert anna["overall"]["human"]["cohen_kappa"] == pytest.approx(cohen_kappa(data))
    assert anna["overall"]["human"]["percent_agreement"] == pytest.approx(1 - len(FLIPPED) / N)
    assert anna["overall"]["machine_ge_human"] is True
    for key in ("K1", "K2", "K3", "K4"):
        cat = anna["categories"][key]
        assert cat["machine"]["krippendorff_alpha"] == pytest.approx(1.0)
        assert cat["machine_ge_human"] is True
    # ben's machine learns ben's noise, so it cannot reach alpha 1 against ben
    ben_cmp = next(c for c in res["comparisons"] if c["coder"] == "ben")
    assert ben_cmp["overall"]["machine"]["krippendorff_alpha"] < 1.0
    assert res["mean_set_size"]["anna"] == {"human": 1.0, "machine": 1.0}


def test_no_segment_is_predicted_by_a_model_that_saw_it(toy: Project, monkeypatch) -> None:
    calls: list[tuple[set[int], set[int]]] = []
    fitted: list[bool] = []
    predict, fit_cv = machine._predict_fold, machine._fit_cv

    def spy_predict(index, train, y, test, vectors=None):
        calls.append((set(train.tolist()), set(test.tolist())))
        assert len(y) == len(train)
        spy_predict.current = (index, train)  # type: ignore[attr-defined]
        return predict(index, train, y, test, vectors)

    def spy_fit_cv(x, y, desc, cold):
        # the model and the threshold's out-of-fold scores see the training rows only
        index, train = spy_predict.current  # type: ignore[attr-defined]
        fitted.append(x.shape == index.x[train].shape and (x != index.x[train]).nnz == 0
                      and np.array_equal(cold, index.cold_rows(train)))
        return fit_cv(x, y, desc, cold)

    monkeypatch.setattr(machine, "_predict_fold", spy_predict)
    monkeypatch.setattr(machine, "_fit_cv", spy_fit_cv)
    codes = machine.cross_validated_sets(toy, "anna", folds=5)
    assert len(calls) == 5 and fitted == [True] * 5
    tested: list[int] = []
    for train, test in calls:
        assert not train & test  # the model never saw the segments it predicts
        tested += sorted(test)
    assert sorted(tested) == list(range(N))  # every coded segment predicted exactly once
    assert set(codes.sets) == {f"s#{i}" for i in range(N)}
    assert all(len(v) >= 1 for v in codes.sets.values())


def test_folds_are_seeded(toy: Project) -> None:
    a = machine.cross_validated_sets(toy, "ben", folds=3, seed=0)
    b = machine.cross_validated_sets(toy, "ben", folds=3, seed=0)
    assert a.sets == b.sets and a.thresholds == b.thresholds
    ids = [f"s#{i}" for i in range(N)]
    assert machine._folds(ids, 3, 0) == machine._folds(list(reversed(ids)), 3, 0)
    assert machine._folds(ids, 3, 0) != machine._folds(ids, 3, 1)
    assert sorted(np.bincount(list(machine._folds(ids, 3, 0).values()))) == [26, 27, 27]


@pytest.mark.parametrize("scores, t, expected", [
    ([0.6, 0.3, 0.1], 0.25, {"A", "B"}),
    ([0.6, 0.3, 0.1], 0.5, {"A"}),
    ([0.2, 0.3, 0.5], 0.9, {"C"}),  # at least one code: the top one
    ([0.34, 0.33, 0.33], 0.3, {"A", "B", "C"}),
])
def test_code_set_is_the_top_code_plus_those_over_the_threshold(scores, t, expected) -> None:
    assert machine._sets_of(np.array([scores]), ("A", "B", "C"), t) == [frozenset(expected)]


def test_threshold_maximises_f1_on_held_out_training_rows() -> None:
    scores = np.array([[0.5, 0.4, 0.1], [0.6, 0.35, 0.05], [0.9, 0.05, 0.05]])
    y = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 0]])
    assert machine._mean_f1(scores, y, 0.3) == pytest.approx(1.0)
    assert machine._mean_f1(scores, y, 0.95) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)
    many = np.repeat(scores, 3, axis=0)
    # the second codes score 0.35 and 0.4, the unwanted ones at most 0.1: ties go to the
    # highest threshold with the best F1, 0.35
    assert machine._fit_threshold(many, np.repeat(y, 3, axis=0)) == pytest.approx(0.35)
    assert machine._fit_threshold(scores, y) == float("inf")  # too few rows: top code only


def test_single_coder_gets_the_machine_side_only(toy: Project) -> None:
    res = machine.machine_agreement(toy, ["anna"], folds=4).to_json()
    (cmp,) = res["comparisons"]
    assert cmp["second_coder"] is None and cmp["n_segments"] == N
    assert cmp["overall"]["human"]["krippendorff_alpha"] is None
    assert cmp["overall"]["machine_ge_human"] is None
    assert "(no second human coder)" in machine.format_table(
        machine.machine_agreement(toy, ["anna"], folds=4))


JSON_TOP = {"folds", "seed", "question", "coders", "vectors", "mean_set_size", "comparisons"}
JSON_COMPARISON = {"coder", "machine", "second_coder", "n_segments", "overall", "categories"}
JSON_SIDE = {"n_units", "percent_agreement", "krippendorff_alpha", "cohen_kappa", "gwet_ac1"}


def test_cli_json_keys_are_stable_and_nothing_is_written(capsys, toy: Project) -> None:
    before = snapshot_db(toy.path)
    code, out, err = run(capsys, "agreement", str(toy.path), "--machine", "--coders",
                         "anna,ben", "--folds", "4", "--format", "json")
    assert code == 0, err
    res = json.loads(out)
    assert set(res) == JSON_TOP and res["folds"] == 4 and res["coders"] == ["anna", "ben"]
    assert res["vectors"] is None  # QCA_VECTORS=off in every test
    assert [c["coder"] for c in res["comparisons"]] == ["anna", "ben"]
    for cmp in res["comparisons"]:
        assert set(cmp) == JSON_COMPARISON
        assert set(cmp["overall"]) == {"values", "human", "machine", "machine_ge_human"}
        assert set(cmp["overall"]["machine"]) == JSON_SIDE | {"krippendorff_alpha_masi"}
        assert set(cmp["categories"]) == {"K1", "K2", "K3", "K4"}
        for cat in cmp["categories"].values():
            assert set(cat["human"]) == set(cat["machine"]) == JSON_SIDE
    after = snapshot_db(toy.path)
    after.pop("features"), before.pop("features")  # the lemma cache, as `qca suggest` fills it
    assert after == before


def test_cli_table_and_csv(capsys, toy: Project) -> None:
    code, out, err = run(capsys, "agreement", str(toy.path), "--machine", "--coders",
                         "anna,ben", "--folds", "4")
    assert code == 0, err
    assert "anna vs machine:anna beside anna vs ben, 80 segments" in out
    assert "machine>=human" in out
    overall = next(line for line in out.splitlines() if line.startswith("overall "))
    assert overall.split()[-1] == "yes" and "1.000" in overall
    code, out, err = run(capsys, "agreement", str(toy.path), "--machine", "--coders",
                         "anna,ben", "--folds", "4", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == machine.CSV_HEADER
    assert len(rows) == 2 * (1 + 4)
    assert rows[0]["scope"] == "overall" and rows[0]["machine"] == "machine:anna"
    assert float(rows[0]["machine_krippendorff_alpha"]) == pytest.approx(1.0)
    assert rows[0]["machine_ge_human"] == "True"


def test_cli_help_names_machine_and_folds(capsys) -> None:
    code, out, _ = run(capsys, "agreement", "--help")
    assert code == 0
    assert "--machine" in out and "--folds" in out and "cross-validated" in out


@pytest.mark.parametrize("args, message", [
    (["--machine", "--coders", "zoe"], "coder 'zoe' has no codings in the project"),
    (["--machine", "--coders", "carl", "--folds", "2"],
     "coder 'carl' has 2 coded segments; --folds 2 needs at least 4 (2 per fold)"),
    (["--machine", "--folds", "1"], "--folds 1: cross-validation needs at least 2 folds"),
    (["--folds", "3"], "--folds is for --machine"),
    (["--machine", "--coders", "machine:anna"], "--machine compares human coders"),
    (["--machine", "--confusion", "anna,ben"], "--confusion does not go with --machine"),
    (["--machine", "--hints"], "--hints and --machine are two different reports"),
])
def test_cli_bad_input_is_one_line(capsys, toy: Project, args: list[str], message: str) -> None:
    before = snapshot_db(toy.path)
    code, out, err = run(capsys, "agreement", str(toy.path), *args)
    assert code != 0
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot_db(toy.path) == before
