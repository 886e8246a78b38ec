"""The README's "A study from start to export" runs as written, from a checkout.

Every command of that block runs in a folder that holds the checkout's ``qca/data``; the
coding screen (``qca code``) is stood in for by two coders' codings brought in with
``import-codings``, so agreement, counts and the exports have something to work on.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

from conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _study_commands() -> list[list[str]]:
    section = README.split("## A study from start to export", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words:
            commands.append(words)
    return commands


def _stand_in_for_the_screen(capsys, folder: Path) -> None:
    from qca.store import Project

    with Project.open(folder / "study.qca") as proj:
        ids = [s.id for s in proj.segments() if s.question == "chancen_vielfalt"][:6]
    rows = ["segment_id,coder,codes"]
    for i, seg in enumerate(ids):
        rows.append(f"{seg},anna,CH_ZUSAMMENHALT")
        rows.append(f"{seg},ben,{'CH_ZUSAMMENHALT' if i % 3 else 'CH_REFLEXION'}")
    sheet = folder / "codings.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, _, err = run_cli(capsys, "import-codings", str(folder / "study.qca"), str(sheet))
    assert code == 0, err


def test_the_study_section_runs_as_written(capsys, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "qca").mkdir()
    (tmp_path / "qca" / "data").symlink_to(ROOT / "qca" / "data")
    monkeypatch.chdir(tmp_path)
    commands = _study_commands()
    assert [c[:2] for c in commands if c[0] == "qca"][:3] == [
        ["qca", "init"], ["qca", "import"], ["qca", "import"]]
    for words in commands:
        if words[:2] == ["qca", "code"]:
            _stand_in_for_the_screen(capsys, tmp_path)
            continue
        if words[0] != "qca":
            subprocess.run(words, check=True)
            continue
        code, _, err = run_cli(capsys, *words[1:])
        assert code == 0, f"{shlex.join(words)}: {err}"
    assert (tmp_path / "exports" / "anna.dta").stat().st_size > 0
