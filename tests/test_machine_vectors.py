"""The machine coder with sentence vectors: the model ``qca suggest`` gives, still honest.

A fake encoder stands in for the real one (``test_suggest_vectors.FakeEncoder``: it knows
which category's made-up words a text holds, as meaning would, while most of those words are
unseen by the TF-IDF features in a few codings).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from qca import machine
from qca.coding import set_coding
from qca.store import Project
from qca.suggest import vectors as V
from qca.suggest.models import _row_hits
from test_suggest import BLIND_BOOK, FILLER, _project
from test_suggest_vectors import POOL, FakeEncoder, fake, offline_nlp  # noqa: F401

N = 80
FLIPPED = {3, 10, 17, 30, 41, 55, 66, 79}


@pytest.fixture
def meaning(tmp_path: Path) -> Iterator[Project]:
    """Four categories told apart by one made-up word each (of 40), coded by anna and ben."""
    rng = random.Random(5)
    texts = []
    for i in range(N):
        words = rng.sample(POOL[f"K{i % 4 + 1}"], 1) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        texts.append(("x", " ".join(words)))
    proj = _project(tmp_path / "meaning.qca", BLIND_BOOK, texts)
    for i in range(N):
        key = f"K{i % 4 + 1}"
        set_coding(proj, f"s#{i}", key, "anna", True)
        set_coding(proj, f"s#{i}", f"K{int(key[1]) % 4 + 1}" if i in FLIPPED else key, "ben",
                   True)
    yield proj
    proj.close()


def _alpha(result: machine.MachineAgreement, coder: str) -> float:
    cmp = next(c for c in result.to_json()["comparisons"] if c["coder"] == coder)
    return cmp["overall"]["machine"]["krippendorff_alpha"]


def test_the_machine_computes_stores_and_uses_the_vectors(meaning: Project,
                                                         fake: FakeEncoder) -> None:
    with V.use_encoder(None):
        plain = machine.machine_agreement(meaning, ["anna", "ben"], folds=4)
    assert plain.vectors is None
    assert meaning.conn.execute("SELECT COUNT(*) FROM segment_vectors").fetchone()[0] == 0
    seen: list[tuple[int, int]] = []
    with_vec = machine.machine_agreement(meaning, ["anna", "ben"], folds=4,
                                         vectors_progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, N) and seen[-1] == (N, N)  # computed first, with progress
    assert meaning.conn.execute("SELECT COUNT(*) FROM segment_vectors").fetchone()[0] == N
    assert with_vec.vectors == "fake@1" and with_vec.to_json()["vectors"] == "fake@1"
    # the words are mostly unseen, their meaning is not: the vectors carry the machine
    assert _alpha(with_vec, "anna") >= 0.8 > _alpha(plain, "anna") + 0.2
    assert "with sentence vectors (fake@1)" in machine.format_table(with_vec)
    assert "without sentence vectors" in machine.format_table(plain)


def test_the_vectors_component_never_sees_the_segments_it_predicts(
        meaning: Project, fake: FakeEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    V.ensure_vectors(meaning)
    folds: list[tuple[set[int], set[int]]] = []
    fitted: list[tuple[set[int], bool]] = []
    mixed: list[set[int]] = []
    predict, fit, mix = machine._predict_fold, machine.fit_component, machine.mixed_oof

    def spy_predict(index, train, y, test, vectors=None):
        assert vectors is not None
        folds.append((set(train.tolist()), set(test.tolist())))
        return predict(index, train, y, test, vectors)

    def spy_fit(vectors, rows, y, oof, hits):
        comp = fit(vectors, rows, y, oof, hits)
        fitted.append((set(np.asarray(rows).tolist()), comp is not None))
        return comp

    def spy_mix(comp, rows, y, oof):
        mixed.append(set(np.asarray(rows).tolist()))
        return mix(comp, rows, y, oof)

    monkeypatch.setattr(machine, "_predict_fold", spy_predict)
    monkeypatch.setattr(machine, "fit_component", spy_fit)
    monkeypatch.setattr(machine, "mixed_oof", spy_mix)
    codes = machine.cross_validated_sets(meaning, "anna", folds=4)
    assert len(folds) == len(fitted) == len(mixed) == 4
    assert all(weighted for _, weighted in fitted)  # the component is in every fold's model
    for (train, test), (rows, _), mix_rows in zip(folds, fitted, mixed):
        assert rows == train == mix_rows and not rows & test
    assert sorted(r for _, test in folds for r in test) == list(range(N))
    assert set(codes.sets) == {f"s#{i}" for i in range(N)}


def test_without_an_encoder_the_machine_is_the_one_without_vectors(
        meaning: Project, fake: FakeEncoder) -> None:
    V.ensure_vectors(meaning)
    stored = machine.cross_validated_sets(meaning, "ben", folds=4)
    none = machine.cross_validated_sets(meaning, "ben", folds=4, vectors={})
    with V.use_encoder(None):  # QCA_VECTORS=off: stored vectors are not read
        off = machine.cross_validated_sets(meaning, "ben", folds=4)
    assert off.sets == none.sets and off.thresholds == none.thresholds
    assert stored.sets != none.sets


def _component(n: int = 90, k: int = 3) -> tuple[V.VectorComponent, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    labels = np.arange(n) % k
    y = np.eye(k, dtype=np.int8)[labels]
    v = np.eye(6, dtype=np.float32)[labels] + rng.normal(0, 0.3, (n, 6)).astype(np.float32)
    have = np.ones(n, dtype=bool)
    have[40] = False  # a training row without a vector keeps the blend's score
    qv = V.QuestionVectors("m", v / np.linalg.norm(v, axis=1, keepdims=True), have)
    oof = rng.random((60, k))
    oof /= oof.sum(axis=1, keepdims=True)
    comp = V.fit_component(qv, np.arange(n), y, oof, _row_hits)
    assert comp is not None
    return comp, y, oof


def test_mixed_out_of_fold_scores_never_see_their_own_codes() -> None:
    comp, y, oof = _component()
    rows = np.arange(len(y))
    out = V.mixed_oof(comp, rows, y, oof)
    assert out is not None and out.shape == oof.shape
    assert np.allclose(out.sum(axis=1), 1.0)
    tail = len(y) - len(oof)
    assert np.array_equal(out[40 - tail], oof[40 - tail])
    assert np.abs(out - oof).max() > 0.05
    for i in (0, 17, 59):  # relabel one held-out row: its own score stays, others move
        flipped = y.copy()
        flipped[tail + i] = np.roll(flipped[tail + i], 1)
        again = V.mixed_oof(comp, rows, flipped, oof)
        assert again is not None
        assert np.allclose(again[i], out[i], rtol=0, atol=1e-6)
        assert np.abs(again - out).max() > 1e-3
    assert V.mixed_oof(None, rows, y, oof) is oof
    assert V.mixed_oof(comp, rows, y, None) is None


def test_cli_names_the_vectors_the_machine_used(meaning: Project, capsys,
                                                fake: FakeEncoder) -> None:
    code, out, err = run_cli(capsys, "agreement", str(meaning.path), "--machine", "--coders",
                             "anna", "--folds", "4")
    assert code == 0, err
    assert out.splitlines()[0].startswith(
        "Machine coders: qca's suggestion model with sentence vectors (fake@1), 4-fold")
