#!/usr/bin/env python3
"""Generate the qca demo corpora (deterministic, no network).

Writes into qca/data/corpora/ (the package data of the demo; --out DIR writes elsewhere):
  kommunalbefragung.csv          survey export as German Excel writes it
                                 (cp1252, ';', CRLF records, LF inside cells)
  protokoll_dialogtreffen_1.txt  dialogue protocol, looks like PDF-extracted text
  protokoll_dialogtreffen_2.md   dialogue protocol, Markdown
  protokoll_dialogtreffen_3.docx dialogue protocol, Word (needs python-docx)
  codings_demo.csv               reference codings by two coders (anna = gold, ben)

All text is invented for this project. Survey answers are composed from
hand-written phrase variants per category (the category an answer was built
from is the gold code), plus the noise of real exports. The texts (phrase banks,
noise phrases, the three protocols) are data files in banks/; this script holds
the model that combines them. Run:

    python corpora/make_corpus.py
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "qca" / "data" / "corpora"  # the package data the demo is built from
SEED = 20250212

QUESTIONS = [
    "chancen_vielfalt",
    "herausforderungen_vielfalt",
    "gruende_nichtnutzung",
    "beteiligungsformate",
]

# ---------------------------------------------------------------------------
# The survey model: which categories each question has (in this order, which WEIGHTS
# follows), how likely each is per office, and how often a question is answered.
# The texts themselves are data: banks/survey_phrases.json and banks/survey_style.json.
# ---------------------------------------------------------------------------
GROUP_CATS = {
    "chancen_vielfalt": ["CH_REFLEXION", "CH_KONFLIKT", "CH_ZUSAMMENHALT", "CH_SICHERHEIT", "CH_VERWALTUNG", "CH_SONST"],
    "herausforderungen_vielfalt": ["HE_WERTE", "HE_VERUNSICHERUNG", "HE_SEGMENTIERUNG", "HE_KOMMUNIKATION", "HE_SONST"],
    "gruende_nichtnutzung": ["FN_PERSONAL", "FN_ZEIT", "FN_FINANZEN", "FN_FORMAL", "FN_POLITIK", "FN_PASSUNG",
                             "FN_WISSEN", "FN_UMSTRUKT", "FN_SONST"],
    "beteiligungsformate": ["BF_OFFEN", "BF_DIALOG", "BF_INTEGRATION", "BF_DEMOKRATIE", "BF_PLANUNG", "BF_ANALYSE",
                            "BF_RAUM", "BF_SONST"],
}

# Category weights per office (same order as GROUP_CATS).
WEIGHTS = {
    "chancen_vielfalt": {
        "Ordnung": [1, 2, 2, 4, 3, 1.5],
        "Stadtplanung": [1, 2, 3, 3.5, 1, 1.2],
        "Soziales": [2, 3, 3.5, 1.5, 2, 0.6],
        "Jugend": [3, 3, 3, 1, 1.5, 0.6],
        "Integration": [4, 2.5, 3, 1, 3, 0.5],
    },
    "herausforderungen_vielfalt": {
        "Ordnung": [3, 1.5, 4, 3, 0.8],
        "Stadtplanung": [1.5, 2, 4, 2, 0.8],
        "Soziales": [2, 2, 2, 4, 0.7],
        "Jugend": [2.5, 3, 2.5, 3, 0.6],
        "Integration": [2, 4, 1.5, 3, 0.6],
    },
    "gruende_nichtnutzung": {
        "Ordnung": [6, 2.5, 2, 2, 1, 5, 2, 1, 0.8],
        "Stadtplanung": [5, 2.5, 3.5, 2, 1, 3.5, 1, 1.5, 0.8],
        "Soziales": [6, 2.5, 3, 1.5, 1.5, 3.5, 2, 1.5, 0.8],
        "Jugend": [6, 2.5, 2.5, 1.5, 1, 4, 2, 1, 0.8],
        "Integration": [6, 2.5, 2.5, 2, 2.5, 4, 2, 1, 0.8],
    },
    "beteiligungsformate": {
        "Ordnung": [2, 4, 0.8, 0.5, 1, 3, 0.5, 1],
        "Stadtplanung": [4, 2, 0.5, 0.5, 4.5, 2, 1, 0.7],
        "Soziales": [3, 3, 2, 1, 1, 1, 2, 0.7],
        "Jugend": [3, 2.5, 1.5, 3.5, 1, 1, 1.5, 0.7],
        "Integration": [1.5, 2.5, 4.5, 2, 0.5, 1, 1.5, 0.6],
    },
}

# Probability that the respondent answered the question at all.
P_ANSWER = {"chancen_vielfalt": 0.9, "herausforderungen_vielfalt": 0.88,
            "gruende_nichtnutzung": 0.74, "beteiligungsformate": 0.8}
P_NONSUBSTANTIVE = 0.05

OFFICES = {"Ordnung": 32, "Stadtplanung": 20, "Soziales": 24, "Jugend": 21, "Integration": 35}
# Second wave (respondents 133-340), same office mix: 82/52/62/54/90 in all.
OFFICES_WAVE2 = {"Ordnung": 50, "Stadtplanung": 32, "Soziales": 38, "Jugend": 33, "Integration": 55}
MAX_DRAFTS = 80
NEAR_DUPLICATE = 0.8
SIZE_CLASSES = (["20.000-50.000"] * 7 + ["50.000-100.000"] * 6 + [">100.000"] * 7)


# ---------------------------------------------------------------------------
# The texts: phrase banks, noise phrases and protocols, read from banks/*.json.
# ---------------------------------------------------------------------------
BANKS = HERE / "banks"


def _load(name: str):
    return json.loads((BANKS / name).read_text(encoding="utf-8"))


def _phrase_bank(by_question: dict) -> dict[str, dict[str, list[str]]]:
    """``{question: {category: {sentences, items}}}`` as ``{category: {"S": .., "B": ..}}``;
    S = full sentences, B = short list items / keywords. Every variant is written to be
    codeable with exactly its own category."""
    bank = {}
    for question, cats in by_question.items():
        assert list(cats) == [c for c in GROUP_CATS[question] if c in cats], question
        for cat, kinds in cats.items():
            bank[cat] = {"S": kinds["sentences"], "B": kinds["items"]}
    return bank


_PHRASES = _load("survey_phrases.json")
BANK = _phrase_bank(_PHRASES["first_wave"])
# Variants added for respondents 133 and later (the second wave). Respondents 1-132 are
# drawn from BANK alone, so their answers stay byte-identical; from respondent 133 on,
# every deck also holds these variants (drawn first, then cycled with the others).
BANK_EXTRA = _phrase_bank(_PHRASES["second_wave"])
assert list(BANK) == [c for cats in GROUP_CATS.values() for c in cats]

_STYLE = _load("survey_style.json")
NONSUBSTANTIVE: list[str] = _STYLE["non_substantive"]
NONSUB_LATER: list[str] = _STYLE["non_substantive_later"]
OPENERS: dict[str, list[str]] = _STYLE["openers"]
SUFFIXES: dict[str, list[str]] = _STYLE["suffixes"]
CONNECTORS: list[str] = _STYLE["connectors"]
ABBREV = [(long, short) for long, short in _STYLE["abbreviations"]]
# Light paraphrasing so that respondents reusing a variant do not write it verbatim.
SYNONYMS = [(pattern, alts) for pattern, alts in _STYLE["synonyms"]]


def _blocks(name: str) -> list[tuple]:
    """A protocol's blocks as tuples ``(kind, text | items | rows | page[, codes])``."""
    out = []
    for block in _load(name):
        kind = block["kind"]
        body = block["page"] if kind == "page" else block.get("items", block.get("rows", block.get("text")))
        out.append((kind, body, block["codes"]) if "codes" in block else (kind, body))
    return out


def paraphrase(text: str, rng: random.Random, p: float = 0.45) -> str:
    for pat, alts in SYNONYMS:
        if rng.random() < p:
            text = re.sub(pat, lambda m: rng.choice(alts), text, count=1)
    return text


class Deck:
    """Cycle through the variants of a category in shuffled order."""

    def __init__(self, items: list[str], rng: random.Random) -> None:
        self.items = list(items)
        self.rng = rng
        self.pile: list[str] = []

    def draw(self, avoid: set[str] | None = None) -> str:
        for _ in range(len(self.items) + 1):
            if not self.pile:
                self.pile = list(self.items)
                self.rng.shuffle(self.pile)
            item = self.pile.pop()
            if not avoid or item not in avoid:
                return item
        return item

    def draw_p(self, avoid: set[str] | None = None) -> str:
        return paraphrase(self.draw(avoid), self.rng)


def lose_umlauts(text: str, rng: random.Random) -> str:
    if rng.random() < 0.6:  # transliteration as typed on a keyboard without umlauts
        table = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
    else:  # encoding damage: diacritics stripped, ß lost
        table = {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": ""}
    return "".join(table.get(c, c) for c in text)


def typo(text: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"[A-Za-zäöüÄÖÜß]{6,}", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randrange(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.5:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]  # swap
    elif kind < 0.8:
        w2 = w[:i] + w[i + 1:]  # drop
    else:
        w2 = w[:i] + w[i] + w[i:]  # double
    return text[:m.start()] + w2 + text[m.end():]


def noisify(text: str, rng: random.Random) -> str:
    for long, short in ABBREV:
        p = 0.06 if long == " und " else 0.4
        if long in text and rng.random() < p:
            text = text.replace(long, short, 1)
    if rng.random() < 0.12 and len(text) > 25:
        text = typo(text, rng)
    if rng.random() < 0.1:
        text = lose_umlauts(text, rng)
    if rng.random() < 0.25 and text.endswith("."):
        text = text[:-1]
    if rng.random() < 0.05 and text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    if rng.random() < 0.04:
        text = text.replace(". ", ".  ", 1)
    if rng.random() < 0.03:
        text = text + " "
    return text


def bullet_block(items: list[str], rng: random.Random, opener: str | None) -> str:
    style = rng.choice(["- ", "- ", "- ", "* ", "\u2022 ", "num"])
    lines = []
    for k, it in enumerate(items, 1):
        lines.append(f"{k}) {it}" if style == "num" else style + it)
    if opener:
        lines.insert(0, opener)
    return "\n".join(lines)


def render(question: str, cats: list[str], decks: dict, rng: random.Random) -> str:
    """Compose one answer that is about exactly the categories in `cats`."""
    sonst = any(c.endswith("_SONST") for c in cats)
    opener = rng.choice(OPENERS[question]) if rng.random() < 0.18 and not sonst else None
    if len(cats) == 1:
        c = cats[0]
        r = rng.random()
        if r < 0.55:
            text = decks[c]["S"].draw_p()
        elif r < 0.7:
            a = decks[c]["S"].draw_p()
            text = a + " " + decks[c]["S"].draw_p({a})
        elif r < 0.8:
            a = decks[c]["B"].draw()
            return noisify(bullet_block([a, decks[c]["B"].draw({a})], rng, opener), rng)
        else:
            text = decks[c]["B"].draw()
            text = text[0].upper() + text[1:] if rng.random() < 0.7 else text
            return noisify(text, rng)
    else:
        r = rng.random()
        if r < 0.55:
            parts = [decks[c]["S"].draw_p() for c in cats]
            text = parts[0]
            for p in parts[1:]:
                text += rng.choice(CONNECTORS) + p
        elif r < 0.85:
            return noisify(bullet_block([decks[c]["B"].draw() for c in cats], rng, opener), rng)
        else:
            items = [decks[c]["B"].draw() for c in cats]
            sep = rng.choice([", ", "; ", " / ", ", "])
            text = sep.join(items)
            return noisify(text[0].upper() + text[1:], rng)
    if opener:
        text = opener + (" " if rng.random() < 0.7 else "\n") + text
    if rng.random() < 0.2 and not sonst:
        text = text.rstrip(".") + ". " + rng.choice(SUFFIXES[question])
    return noisify(text, rng)


def pick_categories(question: str, office: str, rng: random.Random) -> list[str]:
    cats = GROUP_CATS[question]
    w = WEIGHTS[question][office]
    first = rng.choices(cats, weights=w)[0]
    out = [first]
    n_extra = 0
    if not first.endswith("_SONST"):
        r = rng.random()
        n_extra = 2 if r < 0.05 else (1 if r < 0.33 else 0)
    for _ in range(n_extra):
        rest = [(c, wi) for c, wi in zip(cats, w) if c not in out and not c.endswith("_SONST")]
        out.append(rng.choices([c for c, _ in rest], weights=[wi for _, wi in rest])[0])
    return out


def word_set(text: str) -> set[str]:
    return set(re.findall(r"[a-zäöüß]+", text.lower()))


def overlap(a: set[str], b: set[str]) -> float:
    """Share of words two answers have in common (relative to the longer one)."""
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def make_survey(rng: random.Random):
    decks = {c: {k: Deck(v, rng) for k, v in b.items()} for c, b in BANK.items()}
    offices = [o for o, n in OFFICES.items() for _ in range(n)]
    rng.shuffle(offices)
    # municipalities: pseudonymised as in published survey data
    labels = [f"Stadt {chr(65 + i)}" for i in range(26)] + [f"Stadt A{chr(65 + i)}" for i in range(26)]
    kommunen = {lab: rng.choice(SIZE_CLASSES) for lab in labels}
    used: dict[str, set[str]] = {lab: set() for lab in labels}
    rows, gold = [], {}
    seen = {q: set() for q in QUESTIONS}
    words: dict[str, list[set[str]]] = {q: [] for q in QUESTIONS}

    def respond(lfd: int, office: str, wave2: bool) -> None:
        candidates = [k for k in labels if office not in used[k]]
        # prefer municipalities that already answered (several offices per town)
        weights = [1 + 2 * len(used[k]) if len(used[k]) < 4 else 0.2 for k in candidates]
        kom = rng.choices(candidates, weights=weights)[0]
        used[kom].add(office)
        row = {"lfd_nr": str(lfd), "kommune": kom, "amt": office, "einwohner_klasse": kommunen[kom]}
        for qi, q in enumerate(QUESTIONS):
            if rng.random() >= P_ANSWER[q]:
                row[q] = ""
                continue
            if rng.random() < P_NONSUBSTANTIVE:
                pool = NONSUBSTANTIVE + (NONSUB_LATER if qi > 0 else [])
                row[q] = rng.choice(pool)
                continue
            if not wave2:
                for _ in range(30):
                    cats = pick_categories(q, office, rng)
                    text = render(q, cats, decks, rng)
                    if text.strip().lower() not in seen[q]:
                        break
            else:
                # Second wave: never identical, and no answer sharing >= 80 % of its
                # words with an earlier answer to the same question (else the least
                # similar of the drafts).
                best = None
                for _ in range(MAX_DRAFTS):
                    cats = pick_categories(q, office, rng)
                    text = render(q, cats, decks, rng)
                    if text.strip().lower() in seen[q]:
                        continue
                    ws = word_set(text)
                    sim = max((overlap(ws, o) for o in words[q]), default=0.0)
                    if best is None or sim < best[0]:
                        best = (sim, cats, text)
                    if sim < NEAR_DUPLICATE:
                        break
                assert best is not None, (lfd, q)
                _, cats, text = best
            seen[q].add(text.strip().lower())
            words[q].append(word_set(text))
            row[q] = text
            gold[(lfd, q)] = cats
        rows.append(row)

    for lfd, office in enumerate(offices, 1):
        respond(lfd, office, wave2=False)

    # Second wave (respondents 133 ..): more variants, more towns, same office mix.
    for c, kinds in BANK_EXTRA.items():
        for k, items in kinds.items():
            new = list(items)
            rng.shuffle(new)
            deck = decks[c][k]
            deck.items += new
            deck.pile += new  # drawn first (pop() takes from the end)
    more = [f"Stadt {a}{chr(65 + i)}" for a in "BCD" for i in range(26)]
    for lab in more:
        kommunen[lab] = rng.choice(SIZE_CLASSES)
        used[lab] = set()
    labels += more
    offices2 = [o for o, n in OFFICES_WAVE2.items() for _ in range(n)]
    rng.shuffle(offices2)
    for lfd, office in enumerate(offices2, len(offices) + 1):
        respond(lfd, office, wave2=True)
    return rows, gold


def write_survey(rows, out: Path) -> None:
    cols = ["lfd_nr", "kommune", "amt", "einwohner_klasse"] + QUESTIONS
    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=cols, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writeheader()
    w.writerows(rows)
    (out / "kommunalbefragung.csv").write_bytes(buf.getvalue().encode("cp1252"))


# ---------------------------------------------------------------------------
# Disagreement model for the second coder.
# ---------------------------------------------------------------------------
NEIGHBOURS = {
    "CH_REFLEXION": ["CH_ZUSAMMENHALT", "CH_VERWALTUNG"], "CH_KONFLIKT": ["CH_ZUSAMMENHALT", "CH_REFLEXION"],
    "CH_ZUSAMMENHALT": ["CH_SICHERHEIT", "CH_REFLEXION"], "CH_SICHERHEIT": ["CH_ZUSAMMENHALT"],
    "CH_VERWALTUNG": ["CH_REFLEXION"], "CH_SONST": ["CH_ZUSAMMENHALT"],
    "HE_WERTE": ["HE_SEGMENTIERUNG", "HE_VERUNSICHERUNG"], "HE_VERUNSICHERUNG": ["HE_WERTE"],
    "HE_SEGMENTIERUNG": ["HE_WERTE"], "HE_KOMMUNIKATION": ["HE_WERTE", "HE_SEGMENTIERUNG"],
    "HE_SONST": ["HE_KOMMUNIKATION"],
    "FN_PERSONAL": ["FN_ZEIT"], "FN_ZEIT": ["FN_PERSONAL", "FN_WISSEN"], "FN_FINANZEN": ["FN_POLITIK", "FN_PASSUNG"],
    "FN_FORMAL": ["FN_PASSUNG"], "FN_POLITIK": ["FN_FINANZEN"], "FN_PASSUNG": ["FN_FORMAL"],
    "FN_WISSEN": ["FN_ZEIT"], "FN_UMSTRUKT": ["FN_PERSONAL"], "FN_SONST": ["FN_PASSUNG"],
    "BF_OFFEN": ["BF_DIALOG", "BF_PLANUNG"], "BF_DIALOG": ["BF_OFFEN", "BF_INTEGRATION"],
    "BF_INTEGRATION": ["BF_DIALOG"], "BF_DEMOKRATIE": ["BF_OFFEN"], "BF_PLANUNG": ["BF_OFFEN"],
    "BF_ANALYSE": ["BF_OFFEN"], "BF_RAUM": ["BF_INTEGRATION", "BF_SONST"], "BF_SONST": ["BF_DIALOG"],
    "TK_GOVERNANCE": ["TK_LEITUNG", "TK_KOOPERATION"], "TK_LEITUNG": ["TK_GOVERNANCE"],
    "TK_SYSTEM": ["TK_WISSEN"], "TK_REFLEXION": ["TK_WISSEN"], "TK_KOOPERATION": ["TK_GOVERNANCE"],
    "TK_WISSEN": ["TK_REFLEXION"], "TK_SONST": ["TK_LEITUNG"],
    "BA_RESSORT": ["BA_KULTUR", "BA_KOORDINATION"], "BA_KULTUR": ["BA_RESSORT"],
    "BA_RESSOURCEN": ["BA_PFLICHT"], "BA_PFLICHT": ["BA_RESSOURCEN"], "BA_WISSEN": ["BA_KULTUR"],
    "BA_KOORDINATION": ["BA_RESSORT"], "BA_LEITUNG": ["BA_KOORDINATION"], "BA_SONST": ["BA_RESSOURCEN"],
}


def second_coder(codes: list[str], rng: random.Random, p: float = 0.15) -> list[str]:
    if rng.random() >= p:
        return list(codes)
    out = list(codes)
    if len(out) > 1 and rng.random() < 0.45:
        out.pop(rng.randrange(len(out)))  # overlooked second aspect
        return out
    i = rng.randrange(len(out))
    alt = [n for n in NEIGHBOURS[out[i]] if n not in out]
    if not alt:
        return out[:-1] if len(out) > 1 else out
    if rng.random() < 0.6:
        out[i] = rng.choice(alt)  # confusable neighbour
    else:
        out.append(rng.choice(alt))  # extra code
    return out


# ---------------------------------------------------------------------------
# Protocols
# ---------------------------------------------------------------------------
# Protocols 1 (.txt) and 2 (.md), block kinds: ("h", text) heading; ("pre", text, codes)
# passage with fixed line breaks; ("p", text, codes) running-text passage; ("page", n)
# page break (txt only). In running text "⏎" forces a line break in the .txt rendering.
# Protocol 3 (.docx): ("title", text), ("h1", text), ("h2", text), ("p", text, codes)
# normal paragraph, ("list", [items], codes) bulleted list (one passage),
# ("table", [[cells], ...], [codes per row]) one passage per row.
PROTOKOLL_1 = _blocks("protokoll_1.json")
PROTOKOLL_2 = _blocks("protokoll_2.json")
PROTOKOLL_3 = _blocks("protokoll_3.json")


VOWELS = set("aeiouyäöüAEIOUYÄÖÜ")
NO_SPLIT = {"ch", "ck", "ph", "th", "qu", "sc"}


def hyphen_points(word: str) -> list[int]:
    """Crude German syllable breaks (V-CV and VC-CV), >= 3 letters each side."""
    pts = []
    for i in range(3, len(word) - 2):
        a, b = word[i - 1], word[i]
        if not (a.isalpha() and b.isalpha() and word[i + 1].isalpha()):
            continue
        if word[i - 1:i + 1].lower() in NO_SPLIT or word[i - 2:i].lower() == "sc":
            continue
        if a in VOWELS and b not in VOWELS and word[i + 1] in VOWELS:
            pts.append(i)
        elif a not in VOWELS and b not in VOWELS and word[i - 2] in VOWELS and word[i + 1] in VOWELS:
            pts.append(i)
    return pts


def wrap_pdf(text: str, width: int = 80) -> list[str]:
    """Hard-wrap like a PDF extraction: hyphenate long words across lines."""
    lines, cur = [], ""
    tokens = re.split(r" +", text.replace("-⏎", "-⏎ ").strip())
    for tok in tokens:
        forced = False
        if tok.startswith("⏎"):
            if cur:
                lines.append(cur)
            cur, tok = "", tok[1:]
        if tok.endswith("⏎"):
            tok, forced = tok[:-1], True
        if not cur:
            cand = tok
        else:
            cand = cur + " " + tok
        if len(cand) <= width:
            cur = cand
        else:
            room = width - len(cur) - 1
            core = re.match(r"^[A-Za-zÄÖÜäöüß]+", tok)
            placed = False
            if "-" in tok[1:-1] and tok.index("-", 1) + 1 <= room:
                k = tok.index("-", 1) + 1  # real compound hyphen at line end
                cur = cur + " " + tok[:k]
                lines.append(cur)
                cur, placed = tok[k:], True
            elif core and len(core.group(0)) >= 7 and room >= 4:
                for p in reversed(hyphen_points(core.group(0))):
                    if p + 1 <= room:
                        lines.append(cur + " " + tok[:p] + "-")
                        cur, placed = tok[p:], True
                        break
            if not placed:
                lines.append(cur)
                cur = tok
        if forced:
            lines.append(cur)
            cur = ""
    if cur:
        lines.append(cur)
    return lines


HEADER_1 = "ISV-Dialogreihe \u201eQuerschnittsaufgaben in der Stadtverwaltung\u201c"


def render_txt(blocks) -> str:
    out = [HEADER_1, ""]
    pages = 1 + sum(1 for b in blocks if b[0] == "page")
    page = 1
    for b in blocks:
        if b[0] == "page":
            out += [f"Seite {page} von {pages}", "", HEADER_1, ""]
            page += 1
        elif b[0] == "h":
            out += [b[1], ""]
        elif b[0] == "pre":
            out += [b[1], ""]
        else:
            out += wrap_pdf(b[1]) + [""]
    out += [f"Seite {page} von {pages}", ""]
    return "\n".join(out)


def render_md(blocks) -> str:
    out = []
    for b in blocks:
        if b[0] == "page":
            continue
        out += [b[1].replace("⏎", ""), ""]
    return "\n".join(out)



DOCX_DATE = (2025, 4, 9, 18, 30, 0)


def render_docx(blocks, path: Path) -> None:
    """Write protocol 3 with python-docx (Title, Heading 1/2, List Bullet, one table).

    The file is made byte-reproducible: fixed core properties and zip timestamps.
    """
    import datetime as dt
    import zipfile

    import docx

    doc = docx.Document()
    for b in blocks:
        kind = b[0]
        if kind == "title":
            doc.add_paragraph(b[1], style="Title")
        elif kind == "h1":
            doc.add_heading(b[1], level=1)
        elif kind == "h2":
            doc.add_heading(b[1], level=2)
        elif kind == "p":
            doc.add_paragraph(b[1])
        elif kind == "list":
            for item in b[1]:
                doc.add_paragraph(item, style="List Bullet")
        elif kind == "table":
            rows = b[1]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for k, text in enumerate(cells):
                    table.cell(r, k).text = text
                    if r == 0:
                        for run in table.cell(r, k).paragraphs[0].runs:
                            run.bold = True
        else:
            raise ValueError(kind)
    when = dt.datetime(*DOCX_DATE)
    props = doc.core_properties
    props.author = props.last_modified_by = "Lena Vogt (ISV)"
    props.title = blocks[0][1]
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=DOCX_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(out.getvalue())


def docx_units(blocks) -> tuple[int, list[tuple[int, list[str]]]]:
    """Passage count and coded passages of a PROTOKOLL_3-style block list."""
    units, n = [], 0
    for b in blocks:
        if b[0] in ("p", "list"):
            n += 1
            if b[2]:
                units.append((n, b[2]))
        elif b[0] == "table":
            for codes in b[2]:
                n += 1
                if codes:
                    units.append((n, codes))
    return n, units


# ---- passage counting (the rule documented in qca/data/corpora/README.md) ----------
TXT_HEADING = re.compile(r"^\d+(\.\d+)*\.?\s+\S")
TXT_FURNITURE = re.compile(r"^(Seite \d+ von \d+|ISV-Dialogreihe .*)$")


def passages(path: Path) -> list[str]:
    """Return the passages (non-heading paragraphs) of a protocol file in order."""
    text = path.read_text(encoding="utf-8")
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text) if b.strip()]
    out = []
    for b in blocks:
        lines = b.split("\n")
        if path.suffix == ".md":
            if len(lines) == 1 and lines[0].startswith("#"):
                continue
        else:
            if len(lines) == 1 and (TXT_HEADING.match(lines[0]) or TXT_FURNITURE.match(lines[0])):
                continue
        out.append(b)
    return out


def protocol_units(blocks) -> list[tuple[int, list[str]]]:
    units, n = [], 0
    for b in blocks:
        if b[0] in ("pre", "p"):
            n += 1
            if b[2]:
                units.append((n, b[2]))
    return units


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the qca demo corpus files.")
    parser.add_argument("--out", type=Path, default=OUT,
                        help=f"folder to write them to (default: {OUT.relative_to(HERE.parent)})")
    folder: Path = parser.parse_args(argv).out
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    rows, gold = make_survey(rng)
    write_survey(rows, folder)

    p1 = folder / "protokoll_dialogtreffen_1.txt"
    p2 = folder / "protokoll_dialogtreffen_2.md"
    p3 = folder / "protokoll_dialogtreffen_3.docx"
    p1.write_text(render_txt(PROTOKOLL_1), encoding="utf-8", newline="\n")
    p2.write_text(render_md(PROTOKOLL_2), encoding="utf-8", newline="\n")
    render_docx(PROTOKOLL_3, p3)

    rng_b = random.Random(SEED + 1)
    out = [["segment_id", "source_id", "question", "passage", "coder", "codes"]]
    for (lfd, q) in sorted(gold, key=lambda k: (k[0], QUESTIONS.index(k[1]))):
        codes = gold[(lfd, q)]
        out.append([f"{lfd}#{q}", str(lfd), q, "", "anna", ";".join(codes)])
        out.append([f"{lfd}#{q}", str(lfd), q, "", "ben", ";".join(second_coder(codes, rng_b))])
    units_by_file = []
    for path, blocks in ((p1, PROTOKOLL_1), (p2, PROTOKOLL_2)):
        n_pass = len(passages(path))
        n_src = sum(1 for b in blocks if b[0] in ("pre", "p"))
        assert n_pass == n_src, (path.name, n_pass, n_src)
        units_by_file.append((path, protocol_units(blocks)))
    units_by_file.append((p3, docx_units(PROTOKOLL_3)[1]))
    for path, units in units_by_file:
        for idx, codes in units:
            out.append([f"{path.stem}#{idx}", path.stem, "dialogprotokoll", str(idx), "anna", ";".join(codes)])
            out.append([f"{path.stem}#{idx}", path.stem, "dialogprotokoll", str(idx), "ben", ";".join(second_coder(codes, rng_b))])
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(out)
    (folder / "codings_demo.csv").write_text(buf.getvalue(), encoding="utf-8", newline="")

if __name__ == "__main__":
    main()
