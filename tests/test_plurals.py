from __future__ import annotations

from pathlib import Path

import pytest

from qca.plurals import count_noun

from conftest import run_cli as run


@pytest.mark.parametrize("n, expected", [(0, "0 sources"), (1, "1 source"), (2, "2 sources")])
def test_count_noun(n: int, expected: str) -> None:
    assert count_noun(n, "source") == expected
    assert count_noun(1, "category", "categories") == "1 category"
    assert count_noun(3, "category", "categories") == "3 categories"


def test_one_protocol_is_said_in_the_singular(capsys, tmp_path: Path) -> None:
    path = tmp_path / "p.qca"
    doc = tmp_path / "protokoll.txt"
    doc.write_text("Erster Absatz.\n\nZweiter Absatz.\n", encoding="utf-8")
    assert run(capsys, "init", str(path))[0] == 0
    code, out, err = run(capsys, "import", str(path), str(doc), "--question", "dialog")
    assert code == 0, err
    assert "1 source added" in out and "2 segments added" in out
    code, out, _ = run(capsys, "status", str(path))
    assert "0 survey rows, 1 protocol\n" in out
