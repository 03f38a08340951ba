"""Sector-by-sector PPML on Dask: groups per minute on a local cluster of 1 and 2 workers, beside the same fits in
one process, and the per-group cost that a BACI-sized run (5,000 HS-6 products) is estimated from (run by hand:
python benchmarks/dask_gravity.py [--groups 40] [--countries 40] [--years 8]).

Each group is a structural-gravity panel from ``kzecon.gravity.simulate.simulate_panel`` (countries² × years rows,
exporter-year + importer-year + pair fixed effects, errors clustered by pair), written as one Parquet file per
year (the layout users keep product panels in) and read by the workers. Cluster start-up (worker processes,
numba's cached kernels loaded) is timed apart from the fitting; every run is in this process, one after another.
"""

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

FORMULA = "flow ~ policy | exp_year + imp_year + pair"


def panel(groups: int, countries: int, years: int) -> pd.DataFrame:
    from kzecon.gravity.simulate import simulate_panel

    return pd.concat([simulate_panel(countries, years, seed=s, interval=1).assign(sector=f"S{s:04d}")
                      for s in range(groups)], ignore_index=True)


def one_process(frame: pd.DataFrame) -> float:
    from kzecon import gravity

    t0 = time.perf_counter()
    for _, g in frame.groupby("sector", sort=True):
        gravity.ppml(g.reset_index(drop=True), FORMULA, cluster="pair")
    return time.perf_counter() - t0


def on_dask(folder: Path, workers: int) -> tuple[float, float, pd.DataFrame]:
    from dask.distributed import Client, LocalCluster

    from kzecon.gravity import distributed

    t0 = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as c:
        c.run(_warm)
        start = time.perf_counter() - t0
        t1 = time.perf_counter()
        res = distributed.ppml_by(folder, FORMULA, by="sector", cluster="pair", client=c)
        fit = time.perf_counter() - t1
    return start, fit, res


def _warm():  # import kzecon and load numba's compiled kernels on a worker, as its first task would
    import numpy as np

    from kzecon import hdfe
    from kzecon.gravity import poisson

    small = hdfe.FixedEffects.from_arrays([np.arange(40) % 4, np.arange(40) // 4], ("a", "b"))
    poisson.fit(np.arange(40.0), np.arange(40.0)[:, None] ** 2, small)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--groups", type=int, default=40)
    ap.add_argument("--countries", type=int, default=40)
    ap.add_argument("--years", type=int, default=8)
    args = ap.parse_args(argv)
    frame = panel(args.groups, args.countries, args.years)
    _warm()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "by_year"
        folder.mkdir()
        for y, g in frame.groupby("year"):
            g.to_parquet(folder / f"panel_{y}.parquet", index=False)
        rows = len(frame) // args.groups
        print(f"{args.groups} groups of {rows:,} rows ({args.countries} countries × {args.years} years), "
              f"{FORMULA}, clustered by pair")
        seq = one_process(frame)
        print(f"| one process, no Dask | — | {seq:.1f} s | {60 * args.groups / seq:.0f} |")
        results = {}
        for w in (1, 2):
            start, fit, res = on_dask(folder, w)
            results[w] = res
            print(f"| Dask, {w} worker{'s' if w > 1 else ''} | {start:.1f} s | {fit:.1f} s | "
                  f"{60 * args.groups / fit:.0f} |")
        a, b = (results[w].set_index(["sector", "term"])["estimate"] for w in (1, 2))
        print(f"1 vs 2 workers: largest difference of an estimate {float((a - b).abs().max()):.1e}; "
              f"groups fitted {int((results[2]['status'] == 'ok').sum())}/{args.groups}")
        per_group = seq / args.groups
        print(f"per-group cost in one process: {per_group:.2f} s")


if __name__ == "__main__":
    main()
