"""Benchmark: qca's nominal Krippendorff's alpha against the ``krippendorff`` package (v0.9.0).

    /work/venv/bin/python bench/agreement_bench.py [--units N] [--coders C] [--missing P]
                                                   [--categories K] [--repeat R] [--seed S]

Data: N units x C coders (default 1,000,000 x 4), K nominal categories (default 5), a share P of
cells missing (default 0.05), seeded. Each coder copies a unit's "true" category with probability
0.7, else picks one at random.

What is timed (wall clock, ``time.perf_counter``), R times each, min/median/max reported:
  * qca:          ``qca.agreement.krippendorff_alpha(x, "nominal")`` on the units x coders float64
                  array ``x`` (nan = missing) -- includes encoding the values.
  * krippendorff: ``krippendorff.alpha(reliability_data=xt, level_of_measurement="nominal")`` on
                  ``xt``, the same data as a C-contiguous coders x units float64 array (nan =
                  missing), the layout the package documents. The transposed copy is made once,
                  outside the timed region; it is the package's input format, not part of its work.
Both calls start from the same numbers and do all their own work (value domain, counting,
coincidences) inside the timed region.

Peak memory: each call once more, untimed, under ``tracemalloc`` (numpy reports its buffers to it),
as the peak of memory allocated during the call beyond what existed before it.

Exit status: 0 if both agree to 1e-9, 1 if they do not, 2 if ``krippendorff`` is not installed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Callable

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qca.agreement import krippendorff_alpha  # noqa: E402


def _version(dist: str) -> str:
    try:
        from importlib.metadata import version

        return version(dist)
    except Exception:
        return "?"


def make_data(units: int, coders: int, categories: int, missing: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, categories, units)
    copy = rng.random((units, coders)) < 0.7
    x = np.where(copy, truth[:, None], rng.integers(0, categories, (units, coders))).astype(np.float64)
    x[rng.random((units, coders)) < missing] = np.nan
    return x


def timed(fn: Callable[[], float], repeat: int) -> tuple[list[float], float]:
    times = []
    value = float("nan")
    for _ in range(repeat):
        t0 = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t0)
    return times, value


def peak_memory(fn: Callable[[], float]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base


def fmt_times(times: list[float]) -> str:
    return f"min {min(times):.3f} s  median {statistics.median(times):.3f} s  max {max(times):.3f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1_000_000)
    ap.add_argument("--coders", type=int, default=4)
    ap.add_argument("--categories", type=int, default=5)
    ap.add_argument("--missing", type=float, default=0.05)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=20240501)
    args = ap.parse_args(argv)

    try:
        import krippendorff
    except ImportError:
        print(
            "agreement_bench: the 'krippendorff' package is not installed; "
            "install it (pip install krippendorff==0.9.0) to compare against it",
            file=sys.stderr,
        )
        return 2

    x = make_data(args.units, args.coders, args.categories, args.missing, args.seed)
    xt = np.ascontiguousarray(x.T)  # the package's layout, made outside the timed region
    print(
        f"data: {args.units:,} units x {args.coders} coders, {args.categories} nominal categories, "
        f"{np.isnan(x).mean():.2%} missing, seed {args.seed}; numpy {np.__version__}, "
        f"krippendorff {_version('krippendorff')}"
    )

    def ours() -> float:
        return krippendorff_alpha(x, "nominal")

    def theirs() -> float:
        return float(krippendorff.alpha(reliability_data=xt, level_of_measurement="nominal"))

    ours()  # warm-up (imports, first-touch page faults) for both, untimed
    theirs()
    t_ours, a_ours = timed(ours, args.repeat)
    t_theirs, a_theirs = timed(theirs, args.repeat)
    m_ours = peak_memory(ours)
    m_theirs = peak_memory(theirs)

    diff = abs(a_ours - a_theirs)
    ratio = statistics.median(t_ours) / statistics.median(t_theirs)
    print(f"qca          alpha {a_ours:.12f}  {fmt_times(t_ours)}  peak {m_ours / 2**20:8.1f} MiB")
    print(f"krippendorff alpha {a_theirs:.12f}  {fmt_times(t_theirs)}  peak {m_theirs / 2**20:8.1f} MiB")
    print(f"|difference| {diff:.3e} ({'agree' if diff <= 1e-9 else 'DISAGREE'} to 1e-9)")
    print(f"time ratio qca/krippendorff (medians) {ratio:.3f}  (goal <= 1.0)")
    print(f"memory ratio qca/krippendorff (peaks) {m_ours / m_theirs:.3f}")
    return 0 if diff <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main())
