"""The world backtest of the dependence-risk models, timed by model family (run by hand:
python benchmarks/world_backtest.py [--paths 500]).

Rolling origins 1990–2015, horizons 1–5, every economy of the IMF DOTS composition panel with 15 years of
history (about 190 economies a year), 500 paths per forecast: the pooled headline model and its recalibration, the
global model and its recalibration, the
per-series baselines (random walk, drift, five-year mean), the model with drivers (its recalibration and the oracle
with realised drivers), and statsforecast's AutoETS per log-ratio. The simulation is vectorised over economies (one
array per origin: economies × paths × horizons × parts); statsforecast fits one model per economy and log-ratio.
Also timed: one origin's global-model simulation for every economy. ``--busy`` runs the whole measurement a
second time with one CPU-bound background process (a pure-Python loop) beside it; the 1-minute load average is
printed with each table.
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

from kzecon.forecast import world


def _timed(label: str, **kw) -> float:
    t0 = time.perf_counter()
    bt = world.world_backtest(**kw)
    secs = time.perf_counter() - t0
    print(f"| {label} | {secs:.0f} s | {len(bt.records):,} | {len(bt.events):,} |")
    return secs


def _one_origin(n_paths: int) -> None:
    panel = world.world_panel()
    o = 2010
    t = o - int(panel.years[0])
    act = world._active(panel, t)
    z = world._logratios(panel, act)
    win, ok = world._state(z, t)
    comps = [j for j, p in enumerate(panel.parts) if p != "rest"]
    sel = (ok | ~act[:, comps]).all(axis=1) & ~np.isnan(win).all(axis=(1, 2))
    idx = np.flatnonzero(sel)
    params = world.fit_global(panel, t)
    params.scale = params.scale[idx]
    okc = ok[idx] & act[idx][:, comps]
    runs = []
    for r in range(5):
        t0 = time.perf_counter()
        world.simulate_global(params, win[idx], okc, horizon=5, n_paths=n_paths, rng=np.random.default_rng(r))
        runs.append(time.perf_counter() - t0)
    print(f"global-model simulation at origin {o}, {len(idx)} economies × {n_paths} paths × 5 years "
          f"× {len(comps)} log-ratios: {1000 * float(np.median(runs)):.0f} ms (median of 5)")


def _table(n_paths: int, label: str) -> None:
    print(f"\n{label} (1-minute load at the start {os.getloadavg()[0]:.2f})")
    print("| models | wall time | forecast records | events |\n|---|---|---|---|")
    total = _timed("pooled, pooled_cal (median regressions + error pool + simulate + recalibrate)",
                   models=("pooled", "pooled_cal"), statsforecast=False, n_paths=n_paths)
    total += _timed("world, world_cal (fit + simulate + recalibrate)", models=("world", "world_cal"),
                    statsforecast=False, n_paths=n_paths)
    total += _timed("drivers, drivers_cal, drivers_oracle (fit + drivers' paths + simulate + recalibrate)",
                    models=("drivers", "drivers_cal", "drivers_oracle"), statsforecast=False, n_paths=n_paths)
    total += _timed("rw, drift, mean5", models=("rw", "drift", "mean5"), statsforecast=False, n_paths=n_paths)
    total += _timed("statsforecast AutoETS", models=(), statsforecast=True, n_paths=n_paths)
    print(f"all models: {total:.0f} s; 1-minute load at the end {os.getloadavg()[0]:.2f}")
    _one_origin(n_paths)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--paths", type=int, default=500)
    ap.add_argument("--busy", action="store_true", help="also measure beside one CPU-bound background process")
    args = ap.parse_args(argv)
    _table(args.paths, "idle")
    if args.busy:
        job = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            time.sleep(5)
            _table(args.paths, "beside one CPU-bound process")
        finally:
            job.kill()


if __name__ == "__main__":
    main()
