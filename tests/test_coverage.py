"""Coverage, the coders and status's progress from SQL equal their set-based definitions."""

from __future__ import annotations

from pathlib import Path

import pytest
from mixed_fixtures import build_mixed, coverage_reference, status_coded_reference

from qca.coders import CONSENSUS
from qca.coverage import choose_coder, coverage
from qca.errors import ExportError
from qca.status import project_status
from qca.store import Project


@pytest.fixture(params=[(1, 5), (3, 6), (5, 20)], ids=["one-coder", "three", "five"])
def mixed(request, tmp_path: Path):
    coders, categories = request.param
    proj = Project.open(build_mixed(tmp_path / "mixed.qca", coders=coders,
                                    categories=categories))
    yield proj
    proj.close()


def test_coverage_equals_the_set_definition(mixed: Project) -> None:
    expected = coverage_reference(mixed)
    assert [(c.coder, c.covered, c.total) for c in coverage(mixed)] == expected
    assert expected[0][0] == CONSENSUS  # the fixture has consensus codings and decisions
    assert "only_ka" not in [c for c, _, _ in expected]  # codes only a "k.A." segment


def test_coverage_of_consensus_decided_by_notes_only(tmp_path: Path) -> None:
    proj = Project.open(build_mixed(tmp_path / "m.qca"))
    try:
        with proj.transaction():
            proj.conn.execute("DELETE FROM codings WHERE coder = ?", (CONSENSUS,))
        reach = coverage(proj)
        assert [(c.coder, c.covered, c.total) for c in reach] == coverage_reference(proj)
        assert reach[0].coder == CONSENSUS and 0 < reach[0].covered < reach[0].total
    finally:
        proj.close()


def test_coverage_of_an_empty_project(project: Project) -> None:
    assert coverage(project) == [] == coverage_reference(project)


def test_coders_are_those_with_codings_and_those_registered(mixed: Project) -> None:
    with mixed.transaction():
        mixed.conn.execute("INSERT INTO coders (name, updated_at) VALUES ('aaron', 'now')")
    old = [r[0] for r in mixed.conn.execute(
        "SELECT coder FROM codings UNION SELECT name FROM coders ORDER BY 1")]
    assert mixed.coders() == old
    assert mixed.coding_coders() == [r[0] for r in mixed.conn.execute(
        "SELECT DISTINCT coder FROM codings ORDER BY 1")]
    assert "aaron" in mixed.coders() and "aaron" not in mixed.coding_coders()


def test_a_named_coder_is_checked_without_coverage(mixed: Project) -> None:
    assert choose_coder(mixed, "only_ka") == "only_ka"
    with pytest.raises(ExportError, match="no codings by coder 'nobody'"):
        choose_coder(mixed, "nobody")


def test_status_progress_equals_the_distinct_count(mixed: Project) -> None:
    expected = status_coded_reference(mixed)
    st = project_status(mixed)
    got = {(p.coder, p.question): p.coded for p in st.progress if p.coded}
    assert got == expected
    assert any(q == "(none)" for _, q in expected)  # segments without a question count too
