"""Three-way fixed-effects PPML: kzecon, pyfixest and R fixest side by side, idle and with a CPU-bound job running
(run by hand: python benchmarks/gravity.py [a b c dots] [--runs N] [--placebo N] [--conditions idle loaded]).

Panels from tests/references/gravity/gravity_panels.py (a copy of ../shared/bench/gravity_panels.py, seed 12345:
a 69 × 6 years, b 120 × 20 annual, c 170 × 40 annual; ~30% zeros, country sizes spread over orders of magnitude),
``flow ~ rta + bri | ey + iy + pair``; ``dots``: the bundled IMF DOTS world panel 2000–2020 (852,642 pair-years) and
the package's static model, ``flow ~ eaeu + rta + bri_kaz_chn + bri_chn | exporter-year + importer-year + pair``;
errors clustered by pair. Every fit runs in a fresh process, the three
implementations interleaved within each round so that they meet the same machine load. Recorded per fit: the fit
alone (numba's cached kernels loaded untimed for kzecon; fixest's untimed warm-up fit of
``benchmarks/fixest_fit.R``), the whole process's wall time (start, imports, reading the panel, the
fit: what a user waits for), peak RSS, IRLS iterations and the 1-minute load average when the fit started.

``loaded``: one other CPU-bound process (a Python busy loop) runs through the round, as on a shared server.
R fixest runs when ``Rscript`` finds it (``R_LIBS``, default ``~/rlib``; build it from ``../shared/bench/r-fixest``,
README there); otherwise its rows are left out and the script says so.

``--placebo N``: N placebo refits (randomization inference) of each panel in ``--placebo-panels`` (default dots):
on dots the package's own placebo blocs (``kzecon.gravity.inference.bloc_draw``: the customs-union waves assigned to
comparable countries, seed 2026), on a/b/c the rta column permuted. kzecon refits as its randomization inference
does (``PPML.fit(replace=..., se=False)``: sample, fixed-effect structure and the first fit's solution reused);
fixest refits the first ``--fixest-placebo`` of the same columns in a plain loop (``benchmarks/fixest_fit.R``).
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
FIXEST_SCRIPT = ROOT / "benchmarks" / "fixest_fit.R"  # ../shared/bench/r-fixest/fit_fixest.R for any formula
R_LIBS = os.environ.get("R_LIBS", str(Path.home() / "rlib"))

FORMULA = {"dots": "flow ~ eaeu + rta + bri_kaz_chn + bri_chn | ey + iy + pair"}
TERM = {"dots": "eaeu"}  # the coefficient reported (and permuted by the placebo draws); rta on the other panels

CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np, pandas as pd
path, how, placebo, fml, term = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
df = pd.DataFrame(dict(np.load(path)))
def peak_mb():  # VmHWM of this process (ru_maxrss would carry the parent's peak across fork + exec on Linux)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
rss_data = peak_mb()
if how == "pyfixest":
    import pyfixest as pf
    t0 = time.perf_counter()
    m = pf.fepois(fml, data=df, vcov={"CRV1": "pair"}, ssc=pf.ssc(k_adj=False))
    secs = time.perf_counter() - t0
    beta, se, nobs, iters = float(m.coef()[term]), float(m.se()[term]), int(m._N), None
else:  # kzecon; kzecon_cold: no warm-up, the fit timed from the import (what a new process meets)
    t0 = time.perf_counter()
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
    beta, se, nobs, iters = float(r.params[term]), float(r.std_errors[term]), r.nobs, r.stats["iterations"]
out = {"how": how, "rows": len(df), "seconds": secs, "beta": beta, "se": se, "nobs": nobs, "iterations": iters,
       "rss_data_mb": rss_data, "peak_rss_mb": peak_mb()}
if placebo != "-":
    cols = np.load(placebo)["placebo"]
    t0 = time.perf_counter()
    draws = [model.fit(replace={term: cols[:, j]}, se=False) for j in range(cols.shape[1])]
    out["placebo_seconds"] = time.perf_counter() - t0
    out["placebo_iterations"] = float(np.mean([d.stats["iterations"] for d in draws]))
    out["placebo"] = [float(d.params[term]) for d in draws]
print(json.dumps(out))
"""


def write_panel(size: str, folder: Path, placebo: int = 0, fixest_placebo: int = 0) -> Path:
    """The panel as .npz (kzecon, pyfixest) and .csv (fixest); with ``placebo``, its placebo columns too
    (``placebo_SIZE.npz``: all of them; ``placebo_SIZE.csv``: the first ``fixest_placebo``)."""
    rng = np.random.default_rng(2026)
    if size == "dots":
        import pandas as pd

        from kzecon.gravity import inference
        from kzecon.study import eaeu

        frame = eaeu.eaeu_frame()
        df = frame[["flow", "eaeu", "rta", "bri_kaz_chn", "bri_chn"]].copy()
        df["ey"] = pd.factorize(frame["exporter"] + "_" + frame["year"].astype(str))[0]
        df["iy"] = pd.factorize(frame["importer"] + "_" + frame["year"].astype(str))[0]
        df["pair"] = pd.factorize(frame["exporter"] + "_" + frame["importer"])[0]
        draw = inference.bloc_draw(frame, eaeu.comparable_pool(frame), eaeu.EAEU_WAVES)
        make = lambda: draw(rng)[0]  # noqa: E731
    else:
        spec = importlib.util.spec_from_file_location("gp", ROOT / "tests" / "references" / "gravity" /
                                                      "gravity_panels.py")
        gp = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(gp)
        df, _ = gp.generate(*gp.SIZES[size])
        df = df[["flow", "rta", "bri", "ey", "iy", "pair"]]
        make = lambda: rng.permutation(df["rta"].to_numpy())  # noqa: E731
    path = folder / f"panel_{size}.npz"
    np.savez(path, **{c: df[c].to_numpy() for c in df.columns})
    df.to_csv(path.with_suffix(".csv"), index=False)
    if placebo:
        cols = np.column_stack([make() for _ in range(placebo)])
        np.savez(folder / f"placebo_{size}.npz", placebo=cols)
        np.savetxt(folder / f"placebo_{size}.csv", cols[:, :fixest_placebo].astype(np.int8), fmt="%d", delimiter=",",
                   header=",".join(f"p{j}" for j in range(fixest_placebo)), comments="")
    return path


def fixest_available() -> bool:
    if not shutil.which("Rscript") or not FIXEST_SCRIPT.exists():
        return False
    res = subprocess.run(["Rscript", "-e", "library(fixest)"], capture_output=True, env=os.environ | {"R_LIBS": R_LIBS})
    return res.returncode == 0


def child(path: Path, how: str, panel: str, placebo: Path | None = None) -> dict:
    """One fit in a fresh process (and its placebo refits with ``placebo``, a file of placebo columns): its JSON
    record plus the process's wall time and the load when it started."""
    fml, term = FORMULA.get(panel, "flow ~ rta + bri | ey + iy + pair"), TERM.get(panel, "rta")
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    if how == "fixest":  # under /usr/bin/time for the R process's peak RSS (its last line on stderr)
        cmd = ["/usr/bin/time", "-f", "%M", "Rscript", str(FIXEST_SCRIPT), str(path.with_suffix(".csv")), "2",
               fml, "pair"] + ([str(placebo.with_suffix(".csv")), term] if placebo else [])
        res = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ | {"R_LIBS": R_LIBS})
        wall = time.perf_counter() - t0
        r = json.loads(res.stdout.strip().splitlines()[-1])
        rec = {"how": "fixest", "rows": r["rows"], "seconds": r["t_fit"], "beta": float(r["coef"][term]),
               "se": float(r["se_adj_false"][term]), "nobs": r["nobs"], "iterations": r["iterations"],
               "peak_rss_mb": int(res.stderr.strip().splitlines()[-1]) / 1024}
        if placebo:
            rec |= {"placebo_seconds": r["placebo_seconds"], "placebo": r["placebo"]}
    else:  # "kzecon@SRC": kzecon imported from another source tree (an earlier commit's worktree), side by side
        how, _, src = how.partition("@")
        env = os.environ | {"PYTHONPATH": src} if src else None
        cmd = [sys.executable, "-c", CHILD, str(path), how, str(placebo) if placebo else "-", fml, term]
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
    ap.add_argument("sizes", nargs="*", default=["a", "b", "c", "dots"])
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--placebo", type=int, default=100)
    ap.add_argument("--placebo-panels", nargs="+", default=["dots"])
    ap.add_argument("--fixest-placebo", type=int, default=20, help="how many of the placebo refits fixest runs")
    ap.add_argument("--conditions", nargs="+", default=["idle", "loaded"], choices=["idle", "loaded"])
    ap.add_argument("--impls", nargs="+", default=["fixest", "kzecon", "kzecon_cold", "pyfixest"],
                    help="fixest, kzecon, kzecon_cold (no warm-up fit: the fit timed from `import kzecon.gravity`), "
                         "pyfixest, or kzecon@SRC: kzecon from another source tree (PYTHONPATH=SRC)")
    args = ap.parse_args(argv)
    impls = list(args.impls)
    if "fixest" in impls and not fixest_available():
        print(f"R fixest not found (R_LIBS={R_LIBS}): its rows are left out", file=sys.stderr)
        impls.remove("fixest")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        paths = {size: write_panel(size, Path(tmp), args.placebo if size in args.placebo_panels else 0,
                                   args.fixest_placebo) for size in args.sizes}
        for cond in args.conditions:
            with Background(cond == "loaded"):
                for size in args.sizes:
                    for run in range(args.runs):
                        for how in impls:  # interleaved, so that all meet the same machine load
                            rec = child(paths[size], how, size)
                            rec |= {"panel": size, "run": run, "condition": cond, "impl": how}
                            rows.append(rec)
                            print(f"{cond:6s} {size} {run} {rec['how']:8s} fit {rec['seconds']:6.2f} s  process "
                                  f"{rec['process_wall']:6.2f} s  load {rec['load1']:4.1f}  iters {rec['iterations']}  "
                                  f"{TERM.get(size, 'rta')} {rec['beta']:.10f} ({rec['se']:.8f})  N {rec['nobs']:,}",
                                  flush=True)
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
        for size in [p for p in args.placebo_panels if p in args.sizes] if args.placebo else ():
            for cond in args.conditions:
                with Background(cond == "loaded"):
                    for how in [h for h in impls if h not in ("pyfixest", "kzecon_cold")]:
                        rec = child(paths[size], how, size, Path(tmp) / f"placebo_{size}.npz")
                        n = len(rec["placebo"])
                        each = rec["placebo_seconds"] / n
                        iters = f", {rec['placebo_iterations']:.1f} IRLS iterations on average" if \
                            "placebo_iterations" in rec else ""
                        print(f"\n{cond} (load {rec['load1']:.1f}): {rec['how']}: {n} placebo refits of {size}: "
                              f"{rec['placebo_seconds']:.1f} s ({each:.2f} s each{iters}; 100 refits ≈ "
                              f"{100 * each:.0f} s) after a first fit of {rec['seconds']:.1f} s; s.d. of the placebo "
                              f"{np.std(rec['placebo']):.4f}; first three {np.round(rec['placebo'][:3], 8).tolist()}",
                              flush=True)
    return rows


if __name__ == "__main__":
    main()
