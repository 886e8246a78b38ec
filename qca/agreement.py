"""Intercoder agreement: Krippendorff's alpha, Cohen, Scott, Fleiss, Gwet, Brennan-Prediger.

Pure domain module: numpy and ``qca.errors`` only.

Data model
==========
Reliability data is a *units x coders* table. The unit of analysis is the unit (segment);
a coder who did not code a unit is **missing** there (``None``), which is not a disagreement.

``ReliabilityData(units, coders, values)`` holds it: ``values[u][c]`` is the value coder ``c``
gave unit ``u`` -- a hashable category label, a number (rating variables), a ``frozenset`` of
codes (multi-coded segments, see ``krippendorff_alpha(..., level="masi")``), or ``None``.
Every public function also accepts a plain numpy array of shape (units, coders): a float array
with ``nan`` for missing (fast path for large data) or an object array with ``None``/``nan``.

Definitions (what a methods reviewer should know)
=================================================
Notation: ``m_u`` is the number of values unit ``u`` received; a unit is *pairable* when
``m_u >= 2``; ``r_uk`` is the number of coders who put unit ``u`` into category ``k``.

* ``n_units`` = number of pairable units; ``n_pairable`` = sum of ``m_u`` over pairable units
  (Krippendorff's *n..*); ``n_coders`` = number of coder columns in the table.
* ``percent_agreement`` (default ``weighting="unit"``): for every pairable unit the share of
  agreeing coder pairs, ``sum_k r_uk (r_uk - 1) / (m_u (m_u - 1))``, averaged over pairable units
  with equal weight per unit. This is Fleiss' P-bar and Gwet's (2014) ``p_a`` for missing data
  (irrCAC ``pa.coeff.raw``), i.e. the observed agreement that Fleiss' kappa, AC1 and
  Brennan-Prediger correct for chance. ``weighting="value"`` gives Krippendorff's observed
  agreement ``A_o = sum_c o_cc / n`` instead, which weights unit ``u`` by ``m_u``. Both are the
  same when every pairable unit has the same number of values; with two coders both are the share
  of units coded by both on which they agree.
* ``cohen_kappa`` / ``scott_pi``: exactly two coders; units where either is missing are dropped.
  Chance agreement uses each coder's own marginals (Cohen 1960) or the pooled marginals (Scott 1955).
* ``fleiss_kappa``: units with fewer than 2 values are dropped. Varying numbers of raters per unit
  use the generalisation in Gwet (2014, ch. 2): ``p_a`` as in ``percent_agreement`` and
  ``p_e = sum_k pi_k**2`` with ``pi_k`` = mean over the retained units of ``r_uk / m_u``. With the
  same number of raters for every unit this is exactly Fleiss (1971). irrCAC (Gwet's package)
  also averages ``pi_k`` over units with a single rating; ``include_single=True`` does that.
* ``gwet_ac1``: Gwet (2008, 2014) for any number of raters with missing values:
  ``p_a`` as above, ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)`` with ``pi_k`` = mean over units with at
  least one rating of ``r_uk / m_u`` (as irrCAC ``gwet.ac1.raw``).
* ``brennan_prediger``: ``(p_a - 1/q) / (1 - 1/q)``.
* ``q`` (AC1, Brennan-Prediger) is the number of categories of the codebook when ``categories`` is
  given (values outside it raise ``InputError``), else the number of distinct values observed
  anywhere in the table (also in units with a single value). Take it from the codebook when you can:
  categories nobody used still count as possible choices.
* ``krippendorff_alpha``: Krippendorff (2011) via the coincidence matrix, ``1 - D_o / D_e``, with the
  nominal, ordinal (rank-based, using the pairable marginals), interval, ratio and MASI metrics, or a
  callable ``distance(a, b) -> float``.
* Every coefficient returns ``nan`` where it is undefined: no pairable values (or no units coded by
  both coders), expected disagreement 0 (alpha, e.g. all values identical), chance agreement 1
  (kappa, pi, Fleiss), or ``q < 2`` (AC1, Brennan-Prediger). ``to_jsonable`` turns ``nan`` into
  ``None`` (JSON ``null``).

Multi-coded segments
====================
Values are ``frozenset``s of codes (``None`` = coder did not code the unit; an empty set = coded
the unit but assigned nothing). ``category_tables`` builds one binary presence/absence table per
category (MAXQDA's "code occurrence"), ``category_reports`` the coefficients for each, and
``krippendorff_alpha(data, level="masi")`` alpha over the whole code set with the MASI distance
(Passonneau 2006).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from qca.errors import InputError
from qca.i18n import _

__all__ = [
    "LEVELS",
    "BootstrapResult",
    "ReliabilityData",
    "bootstrap_alpha",
    "brennan_prediger",
    "category_reports",
    "category_tables",
    "cohen_kappa",
    "confusion",
    "encoded",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "masi_distance",
    "most_confused",
    "n_coders",
    "n_pairable",
    "n_units",
    "percent_agreement",
    "report",
    "scott_pi",
    "sorted_domain",
    "to_jsonable",
]

LEVELS = ("nominal", "ordinal", "interval", "ratio", "masi")

Distance = Callable[[Any, Any], float]
Level = Union[str, Distance]


# --------------------------------------------------------------------------------------------
# data


@dataclass(frozen=True)
class ReliabilityData:
    """A units x coders table; ``values[u][c]`` is coder ``c``'s value for unit ``u`` or ``None``."""

    units: list[str]
    coders: list[str]
    values: list[list[object | None]]
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.values) != len(self.units):
            raise ValueError(_("{n} rows of values for {n2} units")
                             .format(n=len(self.values), n2=len(self.units)))
        width = len(self.coders)
        for i, row in enumerate(self.values):
            if len(row) != width:
                raise ValueError(_("row {i} has {n} values for {width} coders")
                                 .format(i=i, n=len(row), width=width))

    @classmethod
    def from_columns(cls, columns: Mapping[str, Sequence[object | None]]) -> ReliabilityData:
        """Build from ``{coder: [value per unit]}`` (units numbered from 1)."""
        coders = list(columns)
        lengths = {len(v) for v in columns.values()}
        if len(lengths) > 1:
            raise ValueError(_("all coders need one value (or None) per unit"))
        n = lengths.pop() if lengths else 0
        values = [[columns[c][u] for c in coders] for u in range(n)]
        return cls([str(u + 1) for u in range(n)], coders, values)


Data = Union[ReliabilityData, np.ndarray]


def _is_missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@dataclass(frozen=True)
class _Encoded:
    """Integer codes (units x coders, -1 = missing) and the value domain they index."""

    codes: np.ndarray
    domain: list
    numeric: np.ndarray | None  # domain as float64 when all values are real numbers

    @property
    def n_values(self) -> int:
        return len(self.domain)


def encoded(codes: np.ndarray, domain: list) -> _Encoded:
    """Reliability data already coded as integers: ``codes[u, c]`` indexes ``domain`` (-1 =
    missing). Every coefficient accepts the result; callers that build the table from SQL in
    numpy (:mod:`qca.reliability`) skip a Python list per unit."""
    numeric = None
    if domain and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in domain):
        numeric = np.array(domain, dtype=np.float64)
    return _Encoded(np.asarray(codes, dtype=np.int64), list(domain), numeric)


def sorted_domain(domain: list) -> list:
    """The order in which the coefficients number a table's distinct values."""
    return _sorted_domain(domain)


def _sorted_domain(domain: list) -> list:
    try:
        return sorted(domain)
    except TypeError:
        return sorted(domain, key=lambda v: (type(v).__name__, repr(v)))


def _encode_float(arr: np.ndarray) -> _Encoded:
    arr = np.asarray(arr, dtype=np.float64)
    present = ~np.isnan(arr)
    count = int(np.count_nonzero(present))
    if count == 0:
        return _Encoded(np.full(arr.shape, -1, dtype=np.int64), [], np.zeros(0))
    lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
    if math.isinf(lo) or math.isinf(hi):
        raise InputError(_("reliability data contains an infinite value; use finite numbers or leave the cell empty"))
    span = hi - lo
    small = False
    if span <= 4 * count + 1024:
        # small integer range: O(n) encoding via a lookup table instead of sorting;
        # missing cells go to the sentinel bin span + 1
        shifted = arr - lo
        shifted[~present] = span + 1
        off = shifted.astype(np.int64)
        small = bool(np.array_equal(off, shifted))
    if small:
        seen = np.bincount(off.ravel(), minlength=int(span) + 2)
        seen[-1] = 0
        used = np.flatnonzero(seen)
        lut = np.full(seen.size, -1, dtype=np.int64)
        lut[used] = np.arange(used.size)
        codes = lut[off]
        numeric = used.astype(np.float64) + lo
    else:
        numeric, inverse = np.unique(arr[present], return_inverse=True)
        codes = np.full(arr.shape, -1, dtype=np.int64)
        codes[present] = inverse.reshape(-1)
    domain = [int(v) if float(v).is_integer() else float(v) for v in numeric]
    return _Encoded(codes, domain, numeric)


def _encode_objects(rows: Iterable[Sequence[object | None]], n_units: int, n_coders: int) -> _Encoded:
    index: dict[object, int] = {}
    codes = np.full((n_units, n_coders), -1, dtype=np.int64)
    for u, row in enumerate(rows):
        for c, v in enumerate(row):
            if _is_missing(v):
                continue
            if isinstance(v, (set, list)):
                v = frozenset(v)
            k = index.get(v)
            if k is None:
                k = index[v] = len(index)
            codes[u, c] = k
    raw = list(index)
    domain = _sorted_domain(raw)
    if domain != raw:
        remap = np.array([domain.index(v) for v in raw] if len(raw) < 64 else _remap(raw, domain), dtype=np.int64)
        mask = codes >= 0
        codes[mask] = remap[codes[mask]]
    numeric = None
    if domain and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in domain):
        numeric = np.array(domain, dtype=np.float64)
    return _Encoded(codes, domain, numeric)


def _remap(raw: list, domain: list) -> list[int]:
    pos = {v: i for i, v in enumerate(domain)}
    return [pos[v] for v in raw]


def _encode(data: Data | _Encoded) -> _Encoded:
    if isinstance(data, _Encoded):
        return data
    if isinstance(data, ReliabilityData):
        enc = data._cache.get("enc")
        if enc is None:
            enc = _encode_objects(data.values, len(data.units), len(data.coders))
            data._cache["enc"] = enc
        return enc
    arr = np.asarray(data)
    if arr.ndim != 2:
        raise ValueError(_("reliability data must be 2-dimensional (units x coders), got shape {shape}")
                         .format(shape=arr.shape))
    if arr.dtype.kind in "fiub":
        return _encode_float(arr)
    return _encode_objects(arr.tolist(), arr.shape[0], arr.shape[1])


# --------------------------------------------------------------------------------------------
# counts


def _unit_counts(enc: _Encoded) -> tuple[np.ndarray, np.ndarray]:
    present = enc.codes >= 0
    return present, present.sum(axis=1)


def n_units(data: Data | _Encoded) -> int:
    """Number of pairable units (units with at least two values)."""
    _, m = _unit_counts(_encode(data))
    return int((m >= 2).sum())


def n_pairable(data: Data | _Encoded) -> int:
    """Number of pairable values: sum of the value counts of the pairable units (Krippendorff's n..)."""
    _, m = _unit_counts(_encode(data))
    return int(m[m >= 2].sum())


def n_coders(data: Data | _Encoded) -> int:
    """Number of coder columns in the table."""
    return int(_encode(data).codes.shape[1])


def _agreeing_pairs(enc: _Encoded) -> np.ndarray:
    """Per unit: number of unordered coder pairs that gave the same value."""
    codes = enc.codes
    n, c = codes.shape
    agree = np.zeros(n, dtype=np.int64)
    for i in range(c):
        ci = codes[:, i]
        for j in range(i + 1, c):
            cj = codes[:, j]
            agree += (ci == cj) & (ci >= 0)
    return agree


def _p_a(enc: _Encoded) -> float:
    """Gwet's p_a: mean over pairable units of the share of agreeing coder pairs."""
    _, m = _unit_counts(enc)
    keep = m >= 2
    if not keep.any():
        return math.nan
    agree = _agreeing_pairs(enc)[keep]
    mk = m[keep]
    return float(np.mean(2.0 * agree / (mk * (mk - 1.0))))


def _pi_k(enc: _Encoded, min_values: int) -> np.ndarray:
    """Mean over units with >= min_values values of r_uk / m_u, per category."""
    present, m = _unit_counts(enc)
    keep = m >= min_values
    n = int(keep.sum())
    if n == 0:
        return np.zeros(enc.n_values)
    sel = present & keep[:, None]
    weights = np.broadcast_to((1.0 / np.maximum(m, 1))[:, None], enc.codes.shape)[sel]
    return np.bincount(enc.codes[sel], weights=weights, minlength=enc.n_values) / n


def _q(enc: _Encoded, categories: Sequence[Hashable] | None) -> int:
    if categories is None:
        return enc.n_values
    cats = set(categories)
    unknown = [v for v in enc.domain if v not in cats]
    if unknown:
        raise InputError(
            _("value {unknown!r} is not a category of the codebook ({n} categories); "
              "add it to the codebook or correct the coding")
            .format(unknown=unknown[0], n=len(cats))
        )
    return len(cats)


# --------------------------------------------------------------------------------------------
# simple coefficients


def percent_agreement(data: Data | _Encoded, *, weighting: str = "unit") -> float:
    """Observed agreement among pairable values (see module doc).

    ``weighting="unit"``: mean over pairable units of the share of agreeing coder pairs (Gwet p_a,
    Fleiss P-bar). ``weighting="value"``: Krippendorff's ``A_o``, units weighted by their values.
    """
    enc = _encode(data)
    if weighting == "unit":
        return _p_a(enc)
    if weighting == "value":
        _counts, m = _unit_counts(enc)
        keep = m >= 2
        if not keep.any():
            return math.nan
        agree = _agreeing_pairs(enc)[keep]
        return float(np.sum(2.0 * agree / (m[keep] - 1.0)) / m[keep].sum())
    raise ValueError(_("weighting must be 'unit' or 'value', not {weighting!r}")
                     .format(weighting=weighting))


def _two_coder_table(enc: _Encoded) -> np.ndarray:
    if enc.codes.shape[1] != 2:
        raise ValueError(_("this coefficient needs exactly 2 coders, the data has {shape}")
                         .format(shape=enc.codes.shape[1]))
    a, b = enc.codes[:, 0], enc.codes[:, 1]
    both = (a >= 0) & (b >= 0)
    v = enc.n_values
    return np.bincount(a[both] * v + b[both], minlength=v * v).reshape(v, v).astype(np.float64)


def _kappa_like(po: float, pe: float) -> float:
    if math.isnan(po) or math.isnan(pe) or pe >= 1.0:
        return math.nan
    return (po - pe) / (1.0 - pe)


def cohen_kappa(data: Data | _Encoded) -> float:
    """Cohen's (1960) kappa for exactly two coders; units missing either coder are dropped."""
    t = _two_coder_table(_encode(data))
    n = t.sum()
    if n == 0:
        return math.nan
    p = t / n
    return _kappa_like(float(np.trace(p)), float(p.sum(axis=1) @ p.sum(axis=0)))


def scott_pi(data: Data | _Encoded) -> float:
    """Scott's (1955) pi for exactly two coders; units missing either coder are dropped."""
    t = _two_coder_table(_encode(data))
    n = t.sum()
    if n == 0:
        return math.nan
    p = t / n
    pooled = (p.sum(axis=1) + p.sum(axis=0)) / 2.0
    return _kappa_like(float(np.trace(p)), float(pooled @ pooled))


def fleiss_kappa(data: Data | _Encoded, *, include_single: bool = False) -> float:
    """Fleiss' (1971) kappa, generalised to varying raters per unit (Gwet 2014; see module doc).

    Units with fewer than 2 values are dropped. ``include_single=True`` lets units with one value
    enter the category proportions ``pi_k`` as irrCAC's ``fleiss.kappa.raw`` does.
    """
    enc = _encode(data)
    pa = _p_a(enc)
    pi = _pi_k(enc, 1 if include_single else 2)
    return _kappa_like(pa, float(pi @ pi))


def gwet_ac1(data: Data | _Encoded, categories: Sequence[Hashable] | None = None) -> float:
    """Gwet's AC1 for any number of raters with missing values (Gwet 2014, as irrCAC)."""
    enc = _encode(data)
    q = _q(enc, categories)
    if q < 2:
        return math.nan
    pi = _pi_k(enc, 1)
    pe = float(np.sum(pi * (1.0 - pi))) / (q - 1)
    return _kappa_like(_p_a(enc), pe)


def brennan_prediger(data: Data | _Encoded, categories: Sequence[Hashable] | None = None) -> float:
    """Brennan & Prediger's (1981) kappa with chance agreement 1/q (q from ``categories`` if given)."""
    enc = _encode(data)
    q = _q(enc, categories)
    if q < 2:
        return math.nan
    return _kappa_like(_p_a(enc), 1.0 / q)


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha


def masi_distance(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """MASI distance (Passonneau 2006): ``1 - J * M``.

    ``J`` is the Jaccard coefficient |a & b| / |a | b|; ``M`` is 1 if the sets are identical, 2/3 if
    one is a subset of the other, 1/3 if they overlap otherwise, 0 if disjoint. Two empty sets are
    identical (distance 0).
    """
    a, b = frozenset(a), frozenset(b)
    if a == b:
        return 0.0
    inter = len(a & b)
    if inter == 0:
        return 1.0
    m = 2.0 / 3.0 if (a <= b or b <= a) else 1.0 / 3.0
    return 1.0 - (inter / len(a | b)) * m


@dataclass(frozen=True)
class _Coincidences:
    """Sparse coincidence matrix: entries (ci, ck, o) with o > 0, plus the marginals n_c."""

    ci: np.ndarray
    ck: np.ndarray
    o: np.ndarray
    n_c: np.ndarray

    @property
    def n(self) -> float:
        return float(self.n_c.sum())


_DENSE_BINS = 1 << 22


def _coincidences(enc: _Encoded) -> _Coincidences:
    """Coincidence matrix o_ck = sum_u (number of ordered c-k pairs in u) / (m_u - 1).

    Counts are accumulated as integers per value of m_u (bincount), then divided, so the matrix is
    exact up to one rounding per cell. Memory is O(units + (coders - 1) * values**2) or, for large
    value domains, O(units * coders**2) via a sparse path.
    """
    codes = enc.codes
    n, c = codes.shape
    v = enc.n_values
    present, m = _unit_counts(enc)
    # missing cells and cells of units with a single value go to the extra code v
    ext = np.where(present & (m >= 2)[:, None], codes, v).T.copy()  # (coders, units), rows contiguous
    n_c = np.bincount(ext.ravel(), minlength=v + 1)[:v].astype(np.float64)
    if v == 0 or c < 2:
        z = np.zeros(0, dtype=np.int64)
        return _Coincidences(z, z, np.zeros(0), n_c)
    groups = c - 1  # m_u - 2 ranges over 0 .. c-2
    vv = v * v
    w = v + 1
    if groups * w * w <= _DENSE_BINS:
        # one integer bincount per coder pair; pairs involving code v (missing) land in unused bins
        size = groups * w * w
        base = (np.maximum(m, 2) - 2) * (w * w)
        counts = np.zeros(size, dtype=np.int64)
        for i in range(c - 1):
            pre = base + ext[i] * w
            for j in range(i + 1, c):
                counts += np.bincount(pre + ext[j], minlength=size)
        per_m = counts.reshape(groups, w, w)[:, :v, :v].reshape(groups, vv).astype(np.float64)
        flat_keys = np.arange(vv)
    else:
        base = (np.maximum(m, 2) - 2) * vv
        chunks: list[np.ndarray] = []
        for i in range(c - 1):
            for j in range(i + 1, c):
                both = (ext[i] < v) & (ext[j] < v)
                chunks.append((base + ext[i] * v + ext[j])[both])
        allk = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        uniq, cnt = np.unique(allk, return_counts=True)
        g, flat = np.divmod(uniq, vv)
        flat_keys, inv = np.unique(flat, return_inverse=True)
        per_m = np.zeros((groups, flat_keys.size))
        np.add.at(per_m, (g, inv.reshape(-1)), cnt)
    divisors = 1.0 / np.arange(1, groups + 1, dtype=np.float64)  # 1/(m_u - 1)
    upper = divisors @ per_m  # unordered (i<j) pairs stored as (code_i, code_j)
    a, b = np.divmod(flat_keys, v)
    # symmetrise: o_ab gets pairs (a,b) and (b,a)
    ci = np.concatenate([a, b])
    ck = np.concatenate([b, a])
    o = np.concatenate([upper, upper])
    key = ci * v + ck
    uk, inv = np.unique(key, return_inverse=True)
    osum = np.bincount(inv.reshape(-1), weights=o)
    nz = osum > 0
    ci, ck = np.divmod(uk[nz], v)
    return _Coincidences(ci, ck, osum[nz], n_c)


def _ordinal_delta(n_c: np.ndarray, ci: np.ndarray, ck: np.ndarray) -> np.ndarray:
    lo, hi = np.minimum(ci, ck), np.maximum(ci, ck)
    cum = np.cumsum(n_c)
    between = cum[hi] - cum[lo] + n_c[lo]
    return (between - (n_c[ci] + n_c[ck]) / 2.0) ** 2


def _numeric_domain(enc: _Encoded, level: str) -> np.ndarray:
    if enc.numeric is None:
        sample = next((v for v in enc.domain if not isinstance(v, numbers.Real)), None)
        raise InputError(
            _("{level} alpha needs numbers, but the data contains {sample!r}; "
              "use --level nominal or recode the values as numbers").format(
                level=level, sample=sample)
        )
    return enc.numeric


def _delta_fn(enc: _Encoded, level: Level) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Return delta(ci, ck, n_c) -> squared distance array for index arrays."""
    if level == "nominal":
        return lambda ci, ck, n_c: (ci != ck).astype(np.float64)
    if level == "ordinal":
        _numeric_domain(enc, "ordinal")
        return lambda ci, ck, n_c: _ordinal_delta(n_c, ci, ck)
    if level == "interval":
        x = _numeric_domain(enc, "interval")
        return lambda ci, ck, n_c: (x[ci] - x[ck]) ** 2
    if level == "ratio":
        x = _numeric_domain(enc, "ratio")
        if (x < 0).any():
            raise InputError(_("ratio alpha needs non-negative numbers; use --level interval "
                               "for signed values"))

        def ratio(ci: np.ndarray, ck: np.ndarray, n_c: np.ndarray) -> np.ndarray:
            s = x[ci] + x[ck]
            d = np.divide(x[ci] - x[ck], s, out=np.zeros(s.shape), where=s != 0)
            return d**2

        return ratio
    if level == "masi" or callable(level):
        fn: Distance = masi_distance if level == "masi" else level  # type: ignore[assignment]
        if level == "masi":
            bad = next((v for v in enc.domain if not isinstance(v, frozenset)), None)
            if bad is not None:
                raise InputError(
                    _("MASI alpha needs sets of codes per coder and unit, got {bad!r}; "
                      "give each value as a frozenset of codes").format(bad=bad)
                )
        dom = enc.domain
        v = len(dom)
        table = np.array([[fn(dom[i], dom[k]) for k in range(v)] for i in range(v)], dtype=np.float64)
        return lambda ci, ck, n_c: table[ci, ck]
    raise ValueError(_("level must be one of {levels} or a callable distance, not {level!r}")
                     .format(levels=LEVELS, level=level))


def _expected_disagreement_sum(enc: _Encoded, level: Level, delta, n_c: np.ndarray) -> float:
    """sum_c sum_k n_c n_k delta_ck, in O(V) where a closed form exists, else in row chunks."""
    v = n_c.size
    if level == "nominal":
        n = n_c.sum()
        return float(n * n - n_c @ n_c)
    if level == "interval":
        x = enc.numeric
        n = n_c.sum()
        mean = (n_c @ x) / n
        d = x - mean
        return float(2.0 * n * (n_c @ (d * d)) - 2.0 * (n_c @ d) ** 2)
    total = 0.0
    idx = np.arange(v)
    step = max(1, (1 << 20) // max(v, 1))
    for start in range(0, v, step):
        rows = idx[start : start + step]
        ci = np.repeat(rows, v)
        ck = np.tile(idx, rows.size)
        total += float(np.sum(n_c[ci] * n_c[ck] * delta(ci, ck, n_c)))
    return total


def _alpha_from(enc: _Encoded, co: _Coincidences, level: Level) -> float:
    n = co.n
    if n < 2:
        return math.nan
    delta = _delta_fn(enc, level)
    d_o = float(np.sum(co.o * delta(co.ci, co.ck, co.n_c)))
    d_e = _expected_disagreement_sum(enc, level, delta, co.n_c)
    if d_e <= 0:
        return math.nan
    # alpha = 1 - D_o / D_e with D_o = sum o delta / n and D_e = sum n_c n_k delta / (n (n - 1))
    return 1.0 - (n - 1.0) * d_o / d_e


def krippendorff_alpha(data: Data | _Encoded, level: Level = "nominal") -> float:
    """Krippendorff's alpha (Krippendorff 2011) via the coincidence matrix.

    ``level``: "nominal", "ordinal", "interval", "ratio", "masi" (values are frozensets of codes),
    or a callable ``delta(a, b)`` returning the (squared) distance used in place of the metric.
    Returns ``nan`` with fewer than 2 pairable values or when the expected disagreement is 0.
    """
    enc = _encode(data)
    return _alpha_from(enc, _coincidences(enc), level)


# --------------------------------------------------------------------------------------------
# bootstrap


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile bootstrap interval for alpha by resampling pairable units."""

    alpha: float
    low: float
    high: float
    ci: float
    n_boot: int
    n_undefined: int  # resamples where alpha is undefined (e.g. all values identical)
    samples: np.ndarray = field(repr=False, compare=False)


def _unit_terms(enc: _Encoded, level: Level, keep: np.ndarray, n_c_full: np.ndarray):
    """Per pairable unit: observed-disagreement numerator d_u, value counts, and for ordinal the
    per-unit coincidences (the ordinal metric depends on the resampled marginals)."""
    codes = enc.codes[keep]
    present = codes >= 0
    m = present.sum(axis=1).astype(np.float64)
    nu, c = codes.shape
    v = enc.n_values
    rows = np.repeat(np.arange(nu), c).reshape(nu, c)
    counts = np.zeros((nu, v))
    np.add.at(counts, (rows[present], codes[present]), 1.0)
    delta = _delta_fn(enc, level)
    if level == "ordinal":
        ou = np.zeros((nu, v * v))
        for i in range(c):
            for j in range(c):
                if i == j:
                    continue
                both = present[:, i] & present[:, j]
                np.add.at(ou, (np.flatnonzero(both), codes[both, i] * v + codes[both, j]), 1.0 / (m[both] - 1.0))
        return m, counts, None, ou, delta
    d_u = np.zeros(nu)
    for i in range(c):
        for j in range(i + 1, c):
            both = present[:, i] & present[:, j]
            dd = np.zeros(nu)
            dd[both] = delta(codes[both, i], codes[both, j], n_c_full)
            d_u += 2.0 * dd / np.maximum(m - 1.0, 1.0)
    return m, counts, d_u, None, delta


def _draws(rng: np.random.Generator, nu: int, n_boot: int,
           chunk: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first resample, unit indices) for ``chunk`` resamples at a time, ``rng.integers(0,
    nu, (b, nu))`` in order, so the stream is the one a plain loop would draw.

    A worker thread draws the next chunk while the caller counts the current one (numpy
    releases the GIL for both), so on two cores the draws cost little wall time.
    """
    starts = list(range(0, n_boot, chunk))

    # 32-bit integers are the same draws as numpy's default 64-bit ones below 2**31 (both
    # take one bounded 32-bit number per draw); they are only written faster.
    kind = np.int32 if nu < 2**31 else np.int64

    def draw(start: int) -> np.ndarray:
        return rng.integers(0, nu, size=(min(chunk, n_boot - start), nu), dtype=kind)

    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(draw, starts[0]) if starts else None
        for i, start in enumerate(starts):
            assert pending is not None
            idx = pending.result()
            pending = pool.submit(draw, starts[i + 1]) if i + 1 < len(starts) else None
            yield start, idx


def bootstrap_alpha(
    data: Data | _Encoded,
    level: Level = "nominal",
    n_boot: int = 1000,
    seed: int | None = 0,
    ci: float = 0.95,
) -> BootstrapResult:
    """Percentile bootstrap interval for Krippendorff's alpha by resampling units.

    Pairable units (>= 2 values) are drawn with replacement, as many as there are; units with fewer
    values contribute nothing to alpha and are left out. Same ``seed`` -> same interval. Resamples
    where alpha is undefined are counted in ``n_undefined`` and left out of the percentiles.
    """
    if not 0 < ci < 1:
        raise ValueError(_("ci must be between 0 and 1"))
    enc = _encode(data)
    co = _coincidences(enc)
    estimate = _alpha_from(enc, co, level)
    _counts, m_all = _unit_counts(enc)
    keep = m_all >= 2
    nu = int(keep.sum())
    if nu == 0 or n_boot < 1:
        return BootstrapResult(estimate, math.nan, math.nan, ci, n_boot, n_boot, np.full(max(n_boot, 0), math.nan))
    # Units with the same row of values contribute the same terms, so each resample only
    # needs how often it drew each distinct row ("pattern"): a million units with a few
    # hundred patterns cost a gather and a bincount per resample, not a dense matmul.
    rows, pattern = np.unique(enc.codes[keep], axis=0, return_inverse=True)
    n_pat = rows.shape[0]
    # The smallest integer type that numbers the patterns: the gather below moves fewer bytes.
    small = next(t for t in (np.uint8, np.int16, np.int32, np.int64)
                 if n_pat - 1 <= np.iinfo(t).max)
    pattern = pattern.reshape(-1).astype(small)
    unique = _Encoded(rows, enc.domain, enc.numeric)
    m, counts, d_u, ou, delta = _unit_terms(unique, level, np.ones(n_pat, dtype=bool), co.n_c)
    v = enc.n_values
    out = np.empty(n_boot)
    chunk = max(1, min(n_boot, (1 << 22) // max(nu, 1)))
    buffer = np.empty((chunk, nu), dtype=pattern.dtype)
    for start, idx in _draws(np.random.default_rng(seed), nu, n_boot, chunk):
        b = idx.shape[0]
        drawn = np.take(pattern, idx, out=buffer[:b], mode="clip")  # idx is in range
        w = np.stack([np.bincount(row, minlength=n_pat) for row in drawn]).astype(np.float64)
        n = w @ m
        n_c = w @ counts  # (b, v)
        if level == "ordinal":
            o = (w @ ou).reshape(b, v, v)
            cum = np.cumsum(n_c, axis=1)
            i_ = np.arange(v)
            lo = np.minimum(i_[:, None], i_[None, :])
            hi = np.maximum(i_[:, None], i_[None, :])
            between = cum[:, hi] - cum[:, lo] + n_c[:, lo]
            dlt = (between - (n_c[:, :, None] + n_c[:, None, :]) / 2.0) ** 2
            num_o = np.einsum("bij,bij->b", o, dlt)
            num_e = np.einsum("bi,bij,bj->b", n_c, dlt, n_c)
        else:
            num_o = w @ d_u
            if level == "nominal":
                num_e = n * n - np.einsum("bi,bi->b", n_c, n_c)
            else:
                i_ = np.arange(v)
                dmat = delta(np.repeat(i_, v), np.tile(i_, v), co.n_c).reshape(v, v)
                num_e = np.einsum("bi,ij,bj->b", n_c, dmat, n_c)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = 1.0 - (n - 1.0) * num_o / num_e
        a[~(num_e > 0)] = math.nan
        out[start : start + b] = a
    ok = ~np.isnan(out)
    tail = (1.0 - ci) / 2.0
    if ok.any():
        low, high = np.quantile(out[ok], [tail, 1.0 - tail])
    else:
        low = high = math.nan
    return BootstrapResult(estimate, float(low), float(high), ci, n_boot, int((~ok).sum()), out)


# --------------------------------------------------------------------------------------------
# multi-coded segments


def _as_set(v: object) -> frozenset | None:
    if _is_missing(v):
        return None
    if isinstance(v, (frozenset, set, list, tuple)):
        return frozenset(v)
    return frozenset([v])


def category_tables(
    data: ReliabilityData, categories: Sequence[Hashable] | None = None
) -> dict[Hashable, ReliabilityData]:
    """One binary presence/absence table per category (MAXQDA "code occurrence").

    Cell = 1 if the coder assigned the category to the unit, 0 if the coder coded the unit without
    it, ``None`` if the coder did not code the unit. Values of ``data`` are sets of codes (a single
    label counts as a one-element set). Categories default to all codes used, sorted.
    """
    sets = [[_as_set(v) for v in row] for row in data.values]
    if categories is None:
        used = set().union(*(s for row in sets for s in row if s is not None)) if sets else set()
        categories = _sorted_domain(list(used))
    out: dict[Hashable, ReliabilityData] = {}
    for cat in categories:
        vals: list[list[object | None]] = [
            [None if s is None else int(cat in s) for s in row] for row in sets
        ]
        out[cat] = ReliabilityData(list(data.units), list(data.coders), vals)
    return out


def category_reports(
    data: ReliabilityData, categories: Sequence[Hashable] | None = None
) -> dict[Hashable, dict[str, float | int]]:
    """``report`` (nominal, q = 2: present/absent) for each category's presence/absence table."""
    return {cat: report(t, categories=(0, 1)) for cat, t in category_tables(data, categories).items()}


# --------------------------------------------------------------------------------------------
# confusion


def _coder_index(data: ReliabilityData, coder: str | int) -> int:
    if isinstance(coder, int):
        if not -len(data.coders) <= coder < len(data.coders):
            raise ValueError(_("no coder number {coder}; the data has {n} coders")
                             .format(coder=coder, n=len(data.coders)))
        return coder % len(data.coders)
    try:
        return data.coders.index(coder)
    except ValueError:
        raise ValueError(_("unknown coder {coder!r}; coders are {items}")
                         .format(coder=coder, items=', '.join(map(str, data.coders)))) from None


def confusion(data: ReliabilityData, coder_a: str | int, coder_b: str | int) -> dict[tuple, int]:
    """Counts per (value of A, value of B) over the units both coders coded.

    Single-coded data: one count per unit. Multi-coded data (values are sets): for each unit, every
    code both assigned counts once on the diagonal (c, c), and every code of A not in B is paired with
    every code of B not in A. A code one coder added while the other added none is not paired.
    """
    ia, ib = _coder_index(data, coder_a), _coder_index(data, coder_b)
    out: dict[tuple, int] = {}
    for row in data.values:
        a, b = row[ia], row[ib]
        if _is_missing(a) or _is_missing(b):
            continue
        if isinstance(a, (frozenset, set)) or isinstance(b, (frozenset, set)):
            sa, sb = _as_set(a), _as_set(b)
            assert sa is not None and sb is not None
            pairs = [(c, c) for c in sa & sb] + [(x, y) for x in sa - sb for y in sb - sa]
        else:
            pairs = [(a, b)]
        for p in pairs:
            out[p] = out.get(p, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], repr(kv[0]))))


def most_confused(
    data: ReliabilityData, coder_a: str | int, coder_b: str | int, top: int | None = None
) -> list[tuple[Hashable, Hashable, int]]:
    """Category pairs most often confused: off-diagonal counts of ``confusion`` summed over both
    directions, sorted by count (descending), then by labels. Returns ``(x, y, count)``."""
    sym: dict[tuple, int] = {}
    for (x, y), n in confusion(data, coder_a, coder_b).items():
        if x == y:
            continue
        key = tuple(_sorted_domain([x, y]))
        sym[key] = sym.get(key, 0) + n
    ranked = sorted(sym.items(), key=lambda kv: (-kv[1], repr(kv[0])))
    pairs = [(k[0], k[1], n) for k, n in ranked]
    return pairs if top is None else pairs[:top]


# --------------------------------------------------------------------------------------------
# report


def report(data: Data | _Encoded, level: Level = "nominal", categories: Sequence[Hashable] | None = None) -> dict:
    """All coefficients in one dict (JSON keys fixed; floats may be nan -> see ``to_jsonable``).

    ``level`` applies to Krippendorff's alpha only; ``categories`` (the codebook) sets q for AC1 and
    Brennan-Prediger. With exactly two coder columns also ``cohen_kappa`` and ``scott_pi``.
    """
    enc = _encode(data)
    out: dict[str, float | int] = {
        "n_units": n_units(enc),
        "n_coders": n_coders(enc),
        "n_pairable": n_pairable(enc),
        "percent_agreement": percent_agreement(enc),
        "krippendorff_alpha": krippendorff_alpha(enc, level),
        "fleiss_kappa": fleiss_kappa(enc),
        "gwet_ac1": gwet_ac1(enc, categories),
        "brennan_prediger": brennan_prediger(enc, categories),
    }
    if enc.codes.shape[1] == 2:
        out["cohen_kappa"] = cohen_kappa(enc)
        out["scott_pi"] = scott_pi(enc)
    return out


def to_jsonable(obj: Any) -> Any:
    """Copy with nan/inf floats as ``None`` and numpy scalars as Python numbers (for ``json.dumps``)."""
    if isinstance(obj, Mapping):
        return {(k if isinstance(k, str) else str(k)): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (frozenset, set)):
        return sorted(to_jsonable(v) for v in obj)
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
