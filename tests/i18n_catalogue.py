"""Bring the German catalogue up to date in one step (README "Interface language").

    python tests/i18n_catalogue.py

runs, from the repository root, what README "Interface language" lists: ``pybabel extract``
(with qca's extractor, so click help and ``N_plural`` are found), ``pybabel update``
(no fuzzy matching, obsolete entries dropped) and ``pybabel compile``; then it lists every
message still without German, with the file it comes from, and exits 1 if there is one.
Translate those in ``qca/locale/de/LC_MESSAGES/qca.po`` and run it again (the compile step
makes ``qca.mo`` match). It also prints the findings of ``tests/i18n_scan.py``: strings a
user reads that are not wrapped yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PO = REPO / "qca" / "locale" / "de" / "LC_MESSAGES" / "qca.po"
POT = REPO / "qca" / "locale" / "qca.pot"

STEPS = [
    ["pybabel", "extract", "-F", "babel.cfg", "-o", str(POT.relative_to(REPO)),
     "--no-location", "--sort-output", "."],
    ["pybabel", "update", "-i", str(POT.relative_to(REPO)), "-d", "qca/locale", "-D", "qca",
     "--no-fuzzy-matching", "--ignore-obsolete"],
    ["pybabel", "compile", "-d", "qca/locale", "-D", "qca"],
]


def untranslated() -> list[str]:
    """The msgids of qca.po without a German string (plural forms: any form empty)."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="de")
    missing = []
    for entry in catalog:
        if not entry.id:
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings):
            missing.append(repr(entry.id))
    return missing


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    bindir = Path(sys.executable).parent
    for step in STEPS:
        command = [str(bindir / step[0]) if (bindir / step[0]).exists() else step[0], *step[1:]]
        done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
            return done.returncode
    sys.path.insert(0, str(REPO / "tests"))
    from i18n_scan import scan

    unwrapped = scan()
    for finding in unwrapped:
        print(f"not wrapped: {finding}")
    missing = untranslated()
    for msgid in missing:
        print(f"no German: {msgid}")
    print(f"{len(missing)} messages without German, {len(unwrapped)} strings not wrapped "
          f"({PO.relative_to(REPO)})", file=sys.stderr)
    return 1 if missing or unwrapped else 0


if __name__ == "__main__":
    sys.exit(main())
