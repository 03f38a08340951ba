"""Where pyfixest's time goes in a three-way PPML fit (run by hand: python benchmarks/profile_pyfixest.py [a|b|c]).

Times every call of pyfixest's demeaner inside ``fepois`` (wrapping ``dispatch_demean`` as ``fepois_`` imported it),
the IRLS iterations and the rest, on a benchmark panel (tests/references/gravity/gravity_panels.py, a copy of
../shared/bench/gravity_panels.py). To see what a warm start would save, the same weighted demeaning problems
(working variable and regressors, with the weights of each IRLS iteration) are then solved by kzecon's demeaner
twice: from zero, as pyfixest does, and from the previous iteration's solution; the number of sweeps is printed.
"""

import importlib.util
import sys
import time
import warnings
from pathlib import Path

warnings.simplefilter("ignore")
ROOT = Path(__file__).resolve().parents[1]


def panel(size: str):
    spec = importlib.util.spec_from_file_location("gp", ROOT / "tests" / "references" / "gravity" / "gravity_panels.py")
    gp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gp)
    return gp.generate(*gp.SIZES[size])[0]


def main(size: str = "b") -> None:
    import pyfixest as pf
    from pyfixest.estimation.models import fepois_

    df = panel(size)
    calls = []
    orig = fepois_.dispatch_demean

    def timed(**kw):
        t = time.perf_counter()
        out = orig(**kw)
        calls.append({"seconds": time.perf_counter() - t, "x": kw["x"].copy(), "w": kw["weights"].copy(),
                      "fe": kw["flist"]})
        return out

    fepois_.dispatch_demean = timed
    t0 = time.perf_counter()
    m = pf.fepois("flow ~ rta + bri | ey + iy + pair", data=df, vcov={"CRV1": "pair"}, ssc=pf.ssc(k_adj=False))
    total = time.perf_counter() - t0
    fepois_.dispatch_demean = orig
    dm = sum(c["seconds"] for c in calls)
    print(f"panel {size}: {len(df):,} rows, N used {m._N:,}; pyfixest {pf.__version__} fepois {total:.1f} s")
    print(f"IRLS iterations: {len(calls)}; demeaning {dm:.1f} s ({100 * dm / total:.0f}%), "
          f"{dm / len(calls):.2f} s per iteration, each from zero; the rest {total - dm:.1f} s")
    print("per iteration (s): " + ", ".join(f"{c['seconds']:.2f}" for c in calls))

    from kzecon import hdfe

    fe = hdfe.FixedEffects.from_arrays([calls[0]["fe"][:, q] for q in range(calls[0]["fe"].shape[1])],
                                       ("ey", "iy", "pair"))
    cold, warm, alpha = [], [], None
    for c in calls:
        d = hdfe.Demeaner(fe, c["w"])
        cold.append(d.demean(c["x"], None, tol=1e-8)[2])
        _, alpha, n, _ = d.demean(c["x"], alpha, tol=1e-8)
        warm.append(n)
    print(f"the same {len(calls)} demeaning problems to 1e-8 with kzecon's demeaner: from zero {sum(cold)} sweeps "
          f"({', '.join(map(str, cold))}); warm-started {sum(warm)} ({', '.join(map(str, warm))})")


if __name__ == "__main__":
    main(*sys.argv[1:])
