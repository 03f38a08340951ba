"""Three-way fixed-effects PPML: kzecon, pyfixest and R fixest side by side, idle and with a CPU-bound job running
(run by hand: python benchmarks/gravity.py [a b c] [--runs N] [--placebo N] [--conditions idle loaded]).

Panels from tests/references/gravity/gravity_panels.py (a copy of ../shared/bench/gravity_panels.py, seed 12345:
a 69 × 6 years, b 120 × 20 annual, c 170 × 40 annual; ~30% zeros, country sizes spread over orders of magnitude),
``flow ~ rta + bri | ey + iy + pair``, errors clustered by pair. Every fit runs in a fresh process, the three
implementations interleaved within each round so that they meet the same machine load. Recorded per fit: the fit
alone (numba's cached kernels loaded untimed for kzecon; fixest's untimed warm-up fit of
``../shared/bench/r-fixest/fit_fixest.R``), the whole process's wall time (start, imports, reading the panel, the
fit: what a user waits for), peak RSS, IRLS iterations and the 1-minute load average when the fit started.

``loaded``: one other CPU-bound process (a Python busy loop) runs through the round, as on a shared server.
R fixest runs when ``Rscript`` finds it (``R_LIBS``, default ``~/rlib``; build it from ``../shared/bench/r-fixest``,
README there); otherwise its rows are left out and the script says so.

``--placebo N``: N refits of panel b with the rta column randomly permuted (randomization inference), through
``kzecon.gravity.PPML(...).fit(replace=...)``: the sample, the fixed-effect structure and the starting values of the
first fit are reused.
"""

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FIXEST_SCRIPT = ROOT.parent / "shared" / "bench" / "r-fixest" / "fit_fixest.R"
R_LIBS = os.environ.get("R_LIBS", str(Path.home() / "rlib"))

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
    if how == "kzecon":  # an untimed warm-up fit, as fixest's: numba's cached kernels loaded, serial and threaded
        from kzecon import hdfe
        w = df.iloc[: min(len(df), 3000)]
        for rows in (hdfe.PARALLEL_MIN_ROWS, 0):
            hdfe.PARALLEL_MIN_ROWS, keep = rows, hdfe.PARALLEL_MIN_ROWS
            try:
                gravity.PPML(w, "flow ~ rta | ey + iy", cluster=None).fit()
            except Exception:
                pass
            hdfe.PARALLEL_MIN_ROWS = keep
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
    cols = ("flow", "rta", "bri", "ey", "iy", "pair")
    np.savez(path, **{c: df[c].to_numpy() for c in cols})
    df[list(cols)].to_csv(path.with_suffix(".csv"), index=False)
    return path


def fixest_available() -> bool:
    if not shutil.which("Rscript") or not FIXEST_SCRIPT.exists():
        return False
    res = subprocess.run(["Rscript", "-e", "library(fixest)"], capture_output=True, env=os.environ | {"R_LIBS": R_LIBS})
    return res.returncode == 0


def child(path: Path, how: str, placebo: int = 0) -> dict:
    """One fit in a fresh process: its JSON record plus the process's wall time and the load when it started."""
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    if how == "fixest":  # under /usr/bin/time for the R process's peak RSS (its last line on stderr)
        cmd = ["/usr/bin/time", "-f", "%M", "Rscript", str(FIXEST_SCRIPT), str(path.with_suffix(".csv")), "2"]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ | {"R_LIBS": R_LIBS})
        wall = time.perf_counter() - t0
        r = json.loads(res.stdout.strip().splitlines()[-1])
        rec = {"how": "fixest", "rows": r["rows"], "seconds": r["t_fit"], "beta": float(r["coef"]["rta"]),
               "se": float(r["se_adj_false"]["rta"]), "nobs": r["nobs"], "iterations": r["iterations"],
               "peak_rss_mb": int(res.stderr.strip().splitlines()[-1]) / 1024}
    else:  # "kzecon@SRC": kzecon imported from another source tree (an earlier commit's worktree), side by side
        how, _, src = how.partition("@")
        env = os.environ | {"PYTHONPATH": src} if src else None
        cmd = [sys.executable, "-c", CHILD, str(path), how, str(placebo)]
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env)
        wall = time.perf_counter() - t0
        rec = json.loads(res.stdout.strip().splitlines()[-1]) | ({"how": f"{how}@{Path(src).name}"} if src else {})
    return rec | {"process_wall": wall, "load1": load}


class Background:
    """One CPU-bound process for the length of a ``with`` block (the 'loaded' condition)."""

    def __init__(self, on: bool):
        self.on, self.proc = on, None

    def __enter__(self):
        if self.on:
            self.proc = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(2)
        return self

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()


def fmt(values, unit=" s"):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    lo, hi = min(values), max(values)
    return f"{lo:.2f}{unit}" if abs(hi - lo) < 0.005 else f"{lo:.2f}–{hi:.2f}{unit}"


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("sizes", nargs="*", default=["a", "b", "c"])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--placebo", type=int, default=100)
    ap.add_argument("--conditions", nargs="+", default=["idle", "loaded"], choices=["idle", "loaded"])
    ap.add_argument("--impls", nargs="+", default=["fixest", "kzecon", "pyfixest"],
                    help="fixest, kzecon, pyfixest, or kzecon@SRC: kzecon from another source tree (PYTHONPATH=SRC)")
    args = ap.parse_args(argv)
    impls = list(args.impls)
    if "fixest" in impls and not fixest_available():
        print(f"R fixest not found (R_LIBS={R_LIBS}): its rows are left out", file=sys.stderr)
        impls.remove("fixest")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {size: write_panel(size, Path(tmp)) for size in args.sizes}
        for cond in args.conditions:
            with Background(cond == "loaded"):
                for size in args.sizes:
                    for run in range(args.runs):
                        for how in impls:  # interleaved, so that all meet the same machine load
                            rec = child(paths[size], how) | {"panel": size, "run": run, "condition": cond, "impl": how}
                            rows.append(rec)
                            print(f"{cond:6s} {size} {run} {rec['how']:8s} fit {rec['seconds']:6.2f} s  process "
                                  f"{rec['process_wall']:6.2f} s  load {rec['load1']:4.1f}  iters {rec['iterations']}  "
                                  f"rta {rec['beta']:.10f} ({rec['se']:.8f})  N {rec['nobs']:,}", flush=True)
        print(f"\n{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores\n")
        print("| panel | condition | load (1 min) | implementation | fit | process wall | peak RSS | IRLS iterations |"
              " fit / fixest (same round) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for size in args.sizes:
            for cond in args.conditions:
                sel = [r for r in rows if r["panel"] == size and r["condition"] == cond]
                fx = {r["run"]: r["seconds"] for r in sel if r["impl"] == "fixest"}
                for how in impls:
                    mine = [r for r in sel if r["impl"] == how]
                    ratio = fmt([r["seconds"] / fx[r["run"]] for r in mine if r["run"] in fx], "×") if fx else "—"
                    iters = sorted({r["iterations"] for r in mine if r["iterations"] is not None}) or "—"
                    print(f"| {size} ({mine[0]['rows']:,} rows) | {cond} | {fmt([r['load1'] for r in mine], '')} | "
                          f"{how} | {fmt([r['seconds'] for r in mine])} | {fmt([r['process_wall'] for r in mine])} | "
                          f"{fmt([r['peak_rss_mb'] for r in mine], ' MB')} | {iters} | {ratio} |")
        if args.placebo and "b" in args.sizes:
            for cond in args.conditions:
                with Background(cond == "loaded"):
                    rec = child(paths["b"], "kzecon", args.placebo)
                secs = rec["placebo_seconds"]
                print(f"\n{cond}: {args.placebo} placebo refits of panel b (rta permuted): {secs:.0f} s "
                      f"({rec['placebo_seconds'] / args.placebo:.2f} s each, {rec['placebo_iterations']:.1f} IRLS "
                      f"iterations on average, after a first fit of {rec['seconds']:.1f} s); s.d. of the placebo "
                      f"estimates {rec['placebo_sd']:.4f}")
    return rows


if __name__ == "__main__":
    main()
