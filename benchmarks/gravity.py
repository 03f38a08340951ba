"""Three-way fixed-effects PPML: kzecon's estimator and pyfixest side by side (run by hand:
python benchmarks/gravity.py [a b c] [--runs N] [--placebo N]).

Panels from tests/references/gravity/gravity_panels.py (a copy of ../shared/bench/gravity_panels.py, seed 12345:
a 69 × 6 years, b 120 × 20 annual, c 170 × 40 annual; ~30% zeros, country sizes spread over orders of magnitude),
``flow ~ rta + bri | ey + iy + pair``, errors clustered by pair. Each fit runs in a fresh process that loads the
panel from a .npz file; the time is the fit alone (import excluded, numba's compiled kernels loaded from their
cache, so the first ever run after installation is slower by the compilation, ~5 s), peak RSS is the process's.
pyfixest is called as a user would, with its defaults (its demeaner tolerance 1e-6); kzecon with its defaults.

``--placebo N``: N refits of panel b with the rta column randomly permuted (randomization inference), through
``kzecon.gravity.PPML(...).fit(replace=...)``: the sample, the fixed-effect structure and the starting values of the
first fit are reused.
"""

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
path, how, placebo = sys.argv[1], sys.argv[2], int(sys.argv[3])
df = pd.DataFrame(dict(np.load(path)))
rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
fml = "flow ~ rta + bri | ey + iy + pair"
if how == "pyfixest":
    import pyfixest as pf
    t0 = time.perf_counter()
    m = pf.fepois(fml, data=df, vcov={"CRV1": "pair"}, ssc=pf.ssc(k_adj=False))
    secs = time.perf_counter() - t0
    beta, se, nobs, iters = float(m.coef()["rta"]), float(m.se()["rta"]), int(m._N), None
else:
    from kzecon import gravity
    from kzecon import hdfe
    from kzecon.gravity import poisson
    small = hdfe.FixedEffects.from_arrays([np.arange(40) % 4, np.arange(40) // 4], ("a", "b"))
    poisson.fit(np.arange(40.0), np.arange(40.0)[:, None] ** 2, small)  # load numba's cached kernels, untimed
    t0 = time.perf_counter()
    model = gravity.PPML(df, fml, cluster="pair")
    r = model.fit()
    secs = time.perf_counter() - t0
    beta, se, nobs, iters = float(r.params["rta"]), float(r.std_errors["rta"]), r.nobs, r.stats["iterations"]
out = {"how": how, "rows": len(df), "seconds": secs, "beta": beta, "se": se, "nobs": nobs, "iterations": iters,
       "rss_data_mb": rss_data, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
if placebo:
    rng = np.random.default_rng(2026)
    rta = df["rta"].to_numpy()
    t0 = time.perf_counter()
    draws = [model.fit(replace={"rta": rng.permutation(rta)}) for _ in range(placebo)]
    out["placebo_seconds"] = time.perf_counter() - t0
    out["placebo_iterations"] = float(np.mean([d.stats["iterations"] for d in draws]))
    out["placebo_sd"] = float(np.std([d.params["rta"] for d in draws]))
print(json.dumps(out))
"""


def write_panel(size: str, folder: Path) -> Path:
    spec = importlib.util.spec_from_file_location("gp", ROOT / "tests" / "references" / "gravity" / "gravity_panels.py")
    gp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gp)
    df, _ = gp.generate(*gp.SIZES[size])
    path = folder / f"panel_{size}.npz"
    np.savez(path, **{c: df[c].to_numpy() for c in ("flow", "rta", "bri", "ey", "iy", "pair")})
    return path


def child(path: Path, how: str, placebo: int = 0) -> dict:
    res = subprocess.run([sys.executable, "-c", CHILD, str(path), how, str(placebo)], capture_output=True, text=True,
                         check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", default=["a", "b", "c"])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--placebo", type=int, default=100)
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = write_panel(size, Path(tmp))
            for run in range(args.runs):
                for how in ("pyfixest", "kzecon"):  # interleaved, so that both meet the same machine load
                    rec = child(path, how) | {"panel": size, "run": run}
                    rows.append(rec)
                    print(f"panel {size} run {run} {how:8s} {rec['seconds']:6.2f} s  peak {rec['peak_rss_mb']:5.0f} MB "
                          f"(data {rec['rss_data_mb']:4.0f})  rta {rec['beta']:.10f} ({rec['se']:.8f})  "
                          f"N {rec['nobs']:,}", flush=True)
        print("\n| panel | rows | pyfixest | kzecon | ratio | peak RSS pyfixest / kzecon | rta (both) |")
        print("|---|---|---|---|---|---|---|")
        for size in args.sizes:
            p = [r for r in rows if r["panel"] == size and r["how"] == "pyfixest"]
            k = [r for r in rows if r["panel"] == size and r["how"] == "kzecon"]
            tp, tk = statistics.median(r["seconds"] for r in p), statistics.median(r["seconds"] for r in k)
            print(f"| {size} | {p[0]['rows']:,} | {tp:.1f} s | {tk:.1f} s | {tp / tk:.1f}× | "
                  f"{max(r['peak_rss_mb'] for r in p):.0f} / {max(r['peak_rss_mb'] for r in k):.0f} MB | "
                  f"{k[0]['beta']:.5f} / {p[0]['beta']:.5f} |")
        if args.placebo and "b" in args.sizes:
            rec = child(Path(tmp) / "panel_b.npz", "kzecon", args.placebo)
            tp = statistics.median(r["seconds"] for r in rows if r["panel"] == "b" and r["how"] == "pyfixest")
            print(f"\n{args.placebo} placebo refits of panel b (rta permuted): {rec['placebo_seconds']:.0f} s "
                  f"({rec['placebo_seconds'] / args.placebo:.2f} s each, {rec['placebo_iterations']:.1f} IRLS "
                  f"iterations on average, after a first fit of {rec['seconds']:.1f} s); pyfixest at its measured "
                  f"{tp:.1f} s a fit: about {args.placebo * tp / 60:.0f} min; s.d. of the placebo estimates "
                  f"{rec['placebo_sd']:.4f}")
    return rows


if __name__ == "__main__":
    main()
