"""Codebook revision hints: where two coders' reading of the categories parts.

Material for sharpening a coding rule (Mayring's revision loop), read from the codings and
never written back: the codebook stays as it is.

For two coders A and B (``qca agreement --hints --coders a,b``):

Confused pairs
    The category pairs the coders confuse most (off-diagonal counts of the confusion table,
    both directions summed, as ``qca agreement --confusion``), most frequent first, each
    pair in codebook order. For each pair X / Y:

    - the *disputed* segments: one coder gave X (not Y), the other Y (not X);
    - both categories' definitions and coding rules side by side;
    - the *separating words*: lemmas (:mod:`qca.words` rules: stop words out, folded) that
      are much more common (share of segments) in the segments both coders gave X than in
      those both gave Y, and the other way round; and for the words of the disputed
      segments, on which agreed side they are more common.

Weak categories
    Categories whose per-category Krippendorff's alpha (presence / absence, as
    ``qca agreement --by-category``) is below 0.667, the threshold below which Krippendorff
    advises against even tentative conclusions.

Categories that split
    Categories whose segments (given by either coder, at least :data:`SPLIT_MIN_SEGMENTS`
    with words) fall into two groups by their words: their lemma sets (TF-IDF) are cut in
    two by k-means (k = 2, seeded), and the category is listed when the cut is clear, a
    cosine silhouette of at least :data:`SPLIT_SILHOUETTE`, and the smaller group has at
    least :data:`SPLIT_MIN_GROUP` segments; with each group's size, its most typical words
    and a few segment ids. The thresholds are rules of thumb, not a test: on the demo's
    short answers silhouettes run from 0.02 to 0.16, and 0.1 lists the "Sonstiges"
    categories that hold a second theme (material for a new category). A listed category
    is worth reading, perhaps splitting.
"""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qca.errors import CodingError
from qca.i18n import _, ngettext
from qca.store import Project

__all__ = ["ALPHA_THRESHOLD", "SPLIT_MIN_GROUP", "SPLIT_MIN_SEGMENTS", "SPLIT_SILHOUETTE",
           "Disputed", "Hints", "PairHint", "Split", "format_hints", "revision_hints", "to_json"]

ALPHA_THRESHOLD = 0.667
SPLIT_MIN_SEGMENTS = 8
SPLIT_MIN_GROUP = 3
SPLIT_SILHOUETTE = 0.1
_WORDS = 6


@dataclass(frozen=True)
class Disputed:
    """A segment where one coder gave X and the other Y."""

    segment_id: str
    text: str
    codes_a: tuple[str, ...]
    codes_b: tuple[str, ...]


@dataclass
class PairHint:
    """One confused pair X / Y with its material."""

    x: str
    y: str
    n: int
    disputed: list[Disputed]
    agreed_x: int
    agreed_y: int
    words_x: list[tuple[str, float, float]]  # lemma, share in agreed X, share in agreed Y
    words_y: list[tuple[str, float, float]]
    disputed_words: list[tuple[str, str]]  # lemma, the side it leans to (x, y or "-")


@dataclass(frozen=True)
class Split:
    """A category whose segments fall into two groups by their words."""

    category: str
    n_segments: int
    silhouette: float
    groups: tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...]  # size, words, ids


@dataclass
class Hints:
    coder_a: str
    coder_b: str
    question: str | None
    pairs: list[PairHint] = field(default_factory=list)
    weak: list[tuple[str, float, int]] = field(default_factory=list)  # key, alpha, units
    splits: list[Split] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> definition, rule


def _two_coders(project: Project, coders: Sequence[str] | None,
                question: str | None) -> tuple[str, str]:
    from qca.reliability import coded_sets, default_coders

    chosen = list(coders) if coders else default_coders(coded_sets(project, question))
    if len(chosen) != 2:
        listed = ", ".join(chosen) or _("none")
        raise CodingError(_("--hints compares two coders, found {n} ({listed}); "
                            "name them with --coders a,b").format(n=len(chosen), listed=listed))
    return chosen[0], chosen[1]


def _lemma_sets(project: Project, ids: set[str]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Per segment its folded lemmas (stop words out), and each lemma's usual spelling."""
    from qca.nlp import ensure_features, fold, stop_words

    segments = [s for s in project.segments() if s.id in ids]
    features = ensure_features(project, segments)
    stop = stop_words()
    out = {}
    spell: dict[str, Counter[str]] = {}
    for seg in segments:
        feats = features.get(seg.id)
        keep = set()
        for lemma in feats.lemmas if feats else ():
            key = fold(lemma)
            if len(lemma) > 1 and any(c.isalpha() for c in lemma) and key not in stop:
                keep.add(key)
                spell.setdefault(key, Counter())[lemma] += 1
        out[seg.id] = keep
    return out, {k: c.most_common(1)[0][0] for k, c in spell.items()}


def _shares(groups: list[set[str]]) -> dict[str, float]:
    """Each word's share of the groups (segments) that use it."""
    counts: Counter[str] = Counter()
    for words in groups:
        counts.update(words)
    return {k: v / len(groups) for k, v in counts.items()} if groups else {}


def _separating(first: dict[str, float], second: dict[str, float],
                spelling: dict[str, str]) -> list[tuple[str, float, float]]:
    ranked = sorted(first, key=lambda w: (-(first[w] - second.get(w, 0.0)), w))
    return [(spelling.get(w, w), first[w], second.get(w, 0.0)) for w in ranked
            if first[w] - second.get(w, 0.0) > 0][:_WORDS]


def revision_hints(project: Project, coders: Sequence[str] | None = None,
                   question: str | None = None, *, top: int = 5) -> Hints:
    """Collect the hints for two coders (definitions: module docstring); writes nothing
    except cached lemmas."""
    from qca.reliability import agreement, coded_sets, confusion_table

    a, b = _two_coders(project, coders, question)
    conf = confusion_table(project, a, b, question)
    book = project.codebook()
    order = {k: i for i, k in enumerate(book.keys())}
    sets = coded_sets(project, question)
    both = [seg for seg in dict.fromkeys(s for s, _ in sets)
            if (seg, a) in sets and (seg, b) in sets]
    pair_list = []
    for x, y, n in conf.most_confused[:top]:
        if order.get(str(y), 0) < order.get(str(x), 0):
            x, y = y, x
        pair_list.append((str(x), str(y), n))
    texts = {seg.id: seg.text for seg in project.segments(question)}
    lemma_ids = {seg for seg, coder in sets if coder in (a, b)}
    lemmas, spelling = _lemma_sets(project, lemma_ids) if lemma_ids else ({}, {})
    hints = Hints(a, b, question)
    for x, y, n in pair_list:
        disputed = [Disputed(s, texts.get(s, ""), _sorted(sets[(s, a)], order),
                             _sorted(sets[(s, b)], order))
                    for s in both if _disputes(sets[(s, a)], sets[(s, b)], x, y)]
        agreed_x = [lemmas.get(s, set()) for s in both if x in sets[(s, a)] & sets[(s, b)]]
        agreed_y = [lemmas.get(s, set()) for s in both if y in sets[(s, a)] & sets[(s, b)]]
        share_x, share_y = _shares(agreed_x), _shares(agreed_y)
        in_disputed = _shares([lemmas.get(d.segment_id, set()) for d in disputed])
        leaning = []
        for word in sorted(in_disputed, key=lambda w: (-in_disputed[w], w))[:_WORDS]:
            sx, sy = share_x.get(word, 0.0), share_y.get(word, 0.0)
            leaning.append((spelling.get(word, word), x if sx > sy else y if sy > sx else "-"))
        hints.pairs.append(PairHint(x, y, n, disputed, len(agreed_x), len(agreed_y),
                                    _separating(share_x, share_y, spelling),
                                    _separating(share_y, share_x, spelling), leaning))
        for key in (x, y):
            cat = book.get(key)
            hints.names[key] = cat.name if cat else key
            hints.texts[key] = (cat.definition, cat.rule) if cat else ("", "")
    hints.splits = _splits(sets, (a, b), lemmas, spelling, order,
                           {sid: i for i, sid in enumerate(texts)})
    for split in hints.splits:
        cat = book.get(split.category)
        hints.names.setdefault(split.category, cat.name if cat else split.category)
    result = agreement(project, [a, b], question, by_category=True, n_boot=0)
    for key, res in result.categories.items():
        alpha = res.get("krippendorff_alpha")
        if isinstance(alpha, float) and alpha == alpha and alpha < ALPHA_THRESHOLD:
            hints.weak.append((key, alpha, int(res.get("n_units", 0))))
            cat = book.get(key)
            hints.names.setdefault(key, cat.name if cat else key)
    return hints


def _splits(sets: dict[tuple[str, str], frozenset[str]], coders: tuple[str, str],
            lemmas: dict[str, set[str]], spelling: dict[str, str],
            order: dict[str, int], seq: dict[str, int]) -> list[Split]:
    """The categories whose segments fall into two groups (rules: module docstring)."""
    import numpy as np
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import silhouette_score

    by_category: dict[str, set[str]] = {}
    for (seg, coder), codes in sets.items():
        if coder in coders:
            for code in codes:
                by_category.setdefault(code, set()).add(seg)
    found = []
    for key in sorted(by_category, key=lambda k: (order.get(k, len(order)), k)):
        segs = sorted((s for s in by_category[key] if lemmas.get(s)),
                      key=lambda sid: seq.get(sid, len(seq)))
        if len(segs) < SPLIT_MIN_SEGMENTS:
            continue
        vectorizer = TfidfVectorizer(analyzer=lambda words: words)
        matrix = vectorizer.fit_transform([sorted(lemmas[s]) for s in segs])
        labels = KMeans(n_clusters=2, n_init=10, random_state=0).fit_predict(matrix)
        sizes = np.bincount(labels, minlength=2)
        if sizes.min() < SPLIT_MIN_GROUP:
            continue
        silhouette = float(silhouette_score(matrix, labels, metric="cosine"))
        if silhouette < SPLIT_SILHOUETTE:
            continue
        vocabulary = vectorizer.get_feature_names_out()
        means = [np.asarray(matrix[labels == g].mean(axis=0)).ravel() for g in (0, 1)]
        groups = []
        for g in (0, 1):
            typical = np.argsort(-(means[g] - means[1 - g]))[:4]
            words = tuple(spelling.get(str(vocabulary[i]), str(vocabulary[i])) for i in typical
                          if means[g][i] > means[1 - g][i])
            ids = tuple(s for s, label in zip(segs, labels) if label == g)[:3]
            groups.append((int(sizes[g]), words, ids))
        groups.sort(key=lambda grp: -grp[0])
        found.append(Split(key, len(segs), silhouette, tuple(groups)))
    return found


def _disputes(codes_a: frozenset[str], codes_b: frozenset[str], x: str, y: str) -> bool:
    return ((x in codes_a and y not in codes_a and y in codes_b and x not in codes_b)
            or (y in codes_a and x not in codes_a and x in codes_b and y not in codes_b))


def _sorted(codes: frozenset[str], order: dict[str, int]) -> tuple[str, ...]:
    return tuple(sorted(codes, key=lambda k: (order.get(k, len(order)), k)))


# --- formatting --------------------------------------------------------------------------


def _side_by_side(left: str, right: str, width: int = 80) -> list[str]:
    col = (width - 4) // 2
    lw = textwrap.wrap(left, col) or ["-"]
    rw = textwrap.wrap(right, col) or ["-"]
    rows = max(len(lw), len(rw))
    lw += [""] * (rows - len(lw))
    rw += [""] * (rows - len(rw))
    return [f"  {a:<{col}}  {b}".rstrip() for a, b in zip(lw, rw)]


def _words(items: list[tuple[str, float, float]]) -> str:
    return ", ".join(f"{w} ({s:.0%}/{o:.0%})" for w, s, o in items) or _("none")


def format_hints(hints: Hints, *, width: int = 80, show: int = 5) -> list[str]:
    """The hints as text at ``width`` columns (80 by default)."""
    scope = (_("question {question}").format(question=hints.question) if hints.question
             else _("all questions"))
    lines = textwrap.wrap(_("Codebook revision hints: {a} and {b} ({scope}); the codebook is "
                            "not changed").format(a=hints.coder_a, b=hints.coder_b, scope=scope),
                          width)
    if not hints.pairs:
        lines += ["", _("No category pair is confused.")]
    for number, p in enumerate(hints.pairs, start=1):
        lines += ["", "=" * width,
                  ngettext("{number}. {x} / {y}: confused {n} time",
                           "{number}. {x} / {y}: confused {n} times", p.n).format(
                      number=number, x=p.x, y=p.y, n=p.n)]
        col = (width - 4) // 2
        lines += _side_by_side(f"{p.x}: {hints.names.get(p.x, '')}",
                               f"{p.y}: {hints.names.get(p.y, '')}", width)
        lines.append(f"  {'-' * col}  {'-' * col}")
        dx, rx = hints.texts.get(p.x, ("", ""))
        dy, ry = hints.texts.get(p.y, ("", ""))
        definition, rule = _("Definition: {text}"), _("Rule: {text}")
        lines += _side_by_side(definition.format(text=dx or "-"),
                               definition.format(text=dy or "-"), width)
        lines += _side_by_side(rule.format(text=rx or "-"), rule.format(text=ry or "-"), width)
        lines.append("")
        lines.append("  " + _("Disputed segments ({n}):").format(n=len(p.disputed)))
        for d in p.disputed[:show]:
            who = f"{hints.coder_a}: {' '.join(d.codes_a)}; {hints.coder_b}: {' '.join(d.codes_b)}"
            lines += textwrap.wrap(f"{d.segment_id}  ({who})", width, initial_indent="  ",
                                   subsequent_indent="      ")
            lines += textwrap.wrap(" ".join(d.text.split()), width, initial_indent="    | ",
                                   subsequent_indent="    | ", max_lines=3, placeholder=" …")
        if len(p.disputed) > show:
            lines.append("    " + _("… {n} more: qca segments PROJECT --code {x}+{y}").format(
                n=len(p.disputed) - show, x=p.x, y=p.y))
        lines.append("")
        lines += textwrap.wrap(_("Separating words (share of agreed segments, {x} {agreed_x} / "
                                 "{y} {agreed_y}):").format(x=p.x, agreed_x=p.agreed_x, y=p.y,
                                                            agreed_y=p.agreed_y), width,
                               initial_indent="  ", subsequent_indent="  ")
        more_in = _("more in {category}: {words}")
        lines += textwrap.wrap(more_in.format(category=p.x, words=_words(p.words_x)), width,
                               initial_indent="    ", subsequent_indent="      ")
        lines += textwrap.wrap(more_in.format(category=p.y, words=_words(p.words_y)), width,
                               initial_indent="    ", subsequent_indent="      ")
        leaning = ", ".join(f"{w} ({side})" for w, side in p.disputed_words) or _("none")
        lines += textwrap.wrap(_("in the disputed segments (leaning to): {words}").format(
                                   words=leaning), width,
                               initial_indent="    ", subsequent_indent="      ")
    lines += ["", "=" * width,
              _("Categories with Krippendorff's alpha below {threshold} (present/absent per "
                "segment):").format(threshold=ALPHA_THRESHOLD)]
    if not hints.weak:
        lines.append("  " + _("none"))
    for key, alpha, units in hints.weak:
        lines.append(("  " + _("{key:<20} alpha {alpha:6.3f}  {units:>4} segments  {name}").format(
            key=key, alpha=alpha, units=units, name=hints.names.get(key, "")))[:width].rstrip())
    lines += ["", _("Categories that split into two groups by their words (silhouette >= "
                    "{threshold}):").format(threshold=SPLIT_SILHOUETTE)]
    if not hints.splits:
        lines.append("  " + _("none"))
    for split in hints.splits:
        lines.append(("  " + _("{category} ({n} segments, silhouette {silhouette:.2f}) {name}")
                      .format(category=split.category, n=split.n_segments,
                              silhouette=split.silhouette,
                              name=hints.names.get(split.category, "")))[:width])
        for size, words, ids in split.groups:
            lines += textwrap.wrap(_("{n} segments: {words} (e.g. {ids})").format(
                                       n=size, words=", ".join(words) or "-",
                                       ids=", ".join(ids)), width,
                                   initial_indent="    ", subsequent_indent="      ")
    return lines


def to_json(hints: Hints) -> dict[str, Any]:
    """The hints as JSON-ready data."""
    return {
        "coders": [hints.coder_a, hints.coder_b], "question": hints.question,
        "pairs": [{"a": p.x, "b": p.y, "n": p.n,
                   "definitions": {k: hints.texts.get(k, ("", ""))[0] for k in (p.x, p.y)},
                   "rules": {k: hints.texts.get(k, ("", ""))[1] for k in (p.x, p.y)},
                   "disputed": [{"segment": d.segment_id, hints.coder_a: list(d.codes_a),
                                 hints.coder_b: list(d.codes_b), "text": d.text}
                                for d in p.disputed],
                   "separating_words": {p.x: [w for w, _, _ in p.words_x],
                                        p.y: [w for w, _, _ in p.words_y]},
                   "disputed_words": [{"lemma": w, "leans_to": s} for w, s in p.disputed_words]}
                  for p in hints.pairs],
        "weak_categories": [{"category": k, "krippendorff_alpha": round(a, 4), "n_units": n}
                            for k, a, n in hints.weak],
        "splitting_categories": [
            {"category": sp.category, "n_segments": sp.n_segments,
             "silhouette": round(sp.silhouette, 4),
             "groups": [{"n_segments": size, "words": list(words), "examples": list(ids)}
                        for size, words, ids in sp.groups]}
            for sp in hints.splits],
    }
