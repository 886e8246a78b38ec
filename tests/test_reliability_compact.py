"""The agreement's bit masks and its bootstrap, made fast for a million segments, equal the
definitions they replaced: the masks grouped from every coding, the resamples of
``rng.integers`` unit draws."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from mixed_fixtures import build_mixed

from qca.agreement import bootstrap_alpha, krippendorff_alpha
from qca.reliability import _compact, agreement
from qca.store import Project


def _compact_reference(project: Project, question: str | None, include_nonsubstantive: bool):
    """The masks as the query over every coding built them (before one look-up per segment)."""
    conn = project.conn
    cats = [r[0] for r in conn.execute("SELECT DISTINCT category FROM codings ORDER BY 1")]
    coders = [r[0] for r in conn.execute("SELECT DISTINCT coder FROM codings ORDER BY 1")]
    questions = [r[0] for r in conn.execute("SELECT DISTINCT question FROM segments")]
    bits = "CASE c.category " + " ".join(f"WHEN ? THEN {1 << i}" for i in range(len(cats)))
    bits += " ELSE 0 END"
    columns = "".join(f", SUM(CASE WHEN c.coder = ? THEN {bits} ELSE 0 END)" for _ in coders)
    which = "CASE " + " ".join(f"WHEN s.question IS ? THEN {i}" for i in range(len(questions)))
    which += " ELSE -1 END"
    params: list[Any] = [*questions]
    for coder in coders:
        params += [coder, *cats]
    sql = (f"SELECT s.seq, {which}{columns} FROM codings c CROSS JOIN segments s "
           "WHERE s.id = c.segment_id")
    if question is not None:
        sql += " AND s.question = ?"
        params.append(question)
    if not include_nonsubstantive:
        sql += " AND s.substantive = 1"
    table = np.array(conn.execute(sql + " GROUP BY c.segment_id", params).fetchall(),
                     dtype=np.int64)
    table = table[np.argsort(table[:, 0], kind="stable")]
    return coders, cats, questions, table[:, 2:], table[:, 1]


@pytest.mark.parametrize("coders,categories", [(2, 4), (5, 20), (3, 56)])
@pytest.mark.parametrize("question,include", [(None, False), ("chancen", False), (None, True)])
def test_masks_equal_the_grouped_codings(tmp_path: Path, coders: int, categories: int,
                                         question: str | None, include: bool) -> None:
    # 20 categories (24 keys): two coders per 62-bit pack, five coders in three packs;
    # 56 (60 keys): one coder per pack.
    proj = Project.open(build_mixed(tmp_path / "m.qca", coders=coders, categories=categories))
    try:
        got = _compact(proj, question, include)
        assert got is not None
        names, cats, questions, masks, which = _compact_reference(proj, question, include)
        assert (got.coders, got.categories, got.questions) == (names, cats, questions)
        assert got.masks.shape == masks.shape and (got.masks == masks).all()
        assert (got.question == which).all()
        assert (masks != 0).sum(axis=1).min() >= 1 and (masks >> (len(cats) - 1)).any()
    finally:
        proj.close()


def test_agreement_of_many_coders_is_the_same_from_either_path(tmp_path: Path) -> None:
    proj = Project.open(build_mixed(tmp_path / "m.qca", coders=5, categories=20))
    try:
        fast = agreement(proj, by_category=True, n_boot=50)
        from qca.reliability import _agreement_rows

        slow = _agreement_rows(proj, None, None, by_category=True,
                               include_nonsubstantive=False, n_boot=50, seed=0)
        assert fast.to_json() == slow.to_json()
    finally:
        proj.close()


@pytest.mark.parametrize("units,values", [(20_000, 9), (3_000, 3)])
def test_bootstrap_resamples_are_the_unit_draws_of_the_seed(units: int, values: int) -> None:
    # 20,000 units: 209 resamples a chunk, so 450 resamples take three chunks, and 9 values
    # for 3 coders give more than 256 patterns (the 16-bit gather).
    gen = np.random.default_rng(3)
    x = gen.integers(0, values, size=(units, 3)).astype(float)
    x[gen.random(x.shape) < 0.2] = np.nan
    n_boot = 450
    result = bootstrap_alpha(x, "nominal", n_boot=n_boot, seed=11)
    keep = (~np.isnan(x)).sum(axis=1) >= 2
    xp = x[keep]
    assert len(np.unique(np.nan_to_num(xp, nan=-1), axis=0)) > (256 if values == 9 else 0)
    rng = np.random.default_rng(11)
    for b in range(n_boot):
        idx = rng.integers(0, len(xp), size=len(xp))  # the default 64-bit draws, one by one
        if b in (0, 1, 208, 209, 210, 418, 449):
            assert result.samples[b] == pytest.approx(krippendorff_alpha(xp[idx], "nominal"),
                                                      abs=1e-12)
