"""Which offline lemmatizer fits qca's German texts better: simplemma or spaCy's lookup table?

Run: ``python bench/lemma_compare.py``. Scores each strategy, with and without qca's
umlaut/OCR repair step, on the hand-made gold list ``bench/lemma_gold.tsv`` and prints the
share of words whose lemma matches the gold lemma, case-insensitively and after umlaut
folding (which is how qca compares words). The figure chose the default in ``qca.nlp``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from qca.nlp import _lemmatizer, fold


def gold() -> list[tuple[str, str]]:
    rows = []
    for line in (Path(__file__).parent / "lemma_gold.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, lemma = line.split("\t")
            rows.append((word, lemma))
    return rows


def main() -> None:
    pairs = gold()
    print(f"{len(pairs)} gold pairs")
    print(f"{'strategy':<24} {'exact':>6} {'folded':>7}")
    misses: dict[str, list[str]] = {}
    for kind in ("simplemma", "lookup"):
        lem = _lemmatizer(kind)
        for repair in (True, False):
            name = f"{kind}{' + repair' if repair else ''}"
            exact = folded = 0
            for word, lemma in pairs:
                got = lem(word, repair)
                exact += got.casefold() == lemma.casefold()
                ok = fold(got) == fold(lemma)
                folded += ok
                if not ok:
                    misses.setdefault(name, []).append(f"{word}->{got}")
            print(f"{name:<24} {exact / len(pairs):>6.2f} {folded / len(pairs):>7.2f}")
    if "-v" in sys.argv:
        for name, words in misses.items():
            print(f"\n{name} misses: {', '.join(words)}")


if __name__ == "__main__":
    main()
