from __future__ import annotations

from pathlib import Path

import pytest

from qca.errors import ExportError
from qca.fileio import atomic_path, write_bytes, write_text


def test_failed_write_leaves_the_target_unchanged(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_write_replaces(tmp_path: Path) -> None:
    write_text(tmp_path / "a.txt", "ä\n")
    write_bytes(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "ä\n"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"


@pytest.mark.parametrize(("name", "message"), [("missing/x.csv", "does not exist"),
                                               (".", "is a folder")])
def test_bad_targets(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        write_text(tmp_path / name, "x")


def test_disk_full_becomes_one_line(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with pytest.raises(ExportError, match=r"cannot write \(No space left on device\)"):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            raise OSError(28, "No space left on device")
    assert not target.exists() and not list(tmp_path.iterdir())


def test_all_or_none_moves_every_file_or_none(tmp_path):
    from qca.fileio import all_or_none

    a, b = tmp_path / "a.csv", tmp_path / "b.sps"
    a.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), all_or_none([a, b]) as staged:
        staged[0].write_text("new", encoding="utf-8")
        raise RuntimeError("half-way")
    assert a.read_text(encoding="utf-8") == "old" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]
    with all_or_none([a, b]) as staged:
        staged[0].write_text("new", encoding="utf-8")
        staged[1].write_text("syntax", encoding="utf-8")
    assert a.read_text(encoding="utf-8") == "new" and b.read_text(encoding="utf-8") == "syntax"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.sps"]
