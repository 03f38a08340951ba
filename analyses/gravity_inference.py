"""Which inference holds its size with five bloc members? A simulation shaped like the EAEU design.

200 panels of 30 countries × 21 years (2000–2020) with a bloc of three members from 2010 and two more from 2015,
exporter-year, importer-year and pair effects and pair shocks that persist (AR(1), ρ = 0.7), no bloc effect
(size) and a bloc effect of 0.3 log points (power); for each: PPML with errors clustered by country pair (Wald
p), randomization inference (99 placebo blocs of the same size and timing, members in the pool) and the wild
score bootstrap (Kline & Santos 2012; 999 Webb draws). Writes analyses/output/gravity_inference/size_power.csv.
Run: python analyses/gravity_inference.py [n_panels] [processes]  (panels in parallel processes, one thread each)
"""

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from kzecon import gravity
from kzecon.gravity import inference
from kzecon.gravity.simulate import simulate_bloc_panel
from kzecon.report.output import Output

OUT = Path(__file__).parent / "output" / "gravity_inference"


def one(effect: float, seed: int) -> dict:
    p = simulate_bloc_panel(30, 21, waves=((10, 3), (15, 2)), effect=effect, seed=seed)
    model = gravity.PPML(p, "flow ~ bloc | exp_year + imp_year + pair")
    draw = inference.bloc_draw(p, p.attrs["pool"] + p.attrs["members"], p.attrs["waves"])
    return {"effect": effect, "seed": seed, "p_clustered": float(model.fit().pvalues["bloc"]),
            "p_ri": inference.randomization_inference(model, "bloc", draw, reps=99, seed=seed).p_value,
            "p_score": inference.score_bootstrap(model, "bloc", reps=999, seed=seed).p_value}


def _one(args) -> dict:
    import numba

    numba.set_num_threads(1)  # one thread per process: the processes share the cores
    return one(*args)


def main(n: int = 200, processes: int | None = None) -> pd.DataFrame:
    t0 = time.perf_counter()
    jobs = [(effect, s) for effect in (0.0, 0.3) for s in range(n)]
    with ProcessPoolExecutor(processes or os.cpu_count()) as pool:
        rows = list(pool.map(_one, jobs))
    d = pd.DataFrame(rows)
    out = []
    for effect, g in d.groupby("effect"):
        for m in ("p_clustered", "p_ri", "p_score"):
            r = float(np.mean(g[m] <= 0.05 + 1e-12))
            out.append({"effect": effect, "inference": m.removeprefix("p_"), "rejection_5pct": r,
                        "mc_se": float(np.sqrt(r * (1 - r) / len(g))), "panels": len(g)})
    table = pd.DataFrame(out)
    with Output(OUT) as dest:
        table.to_csv(dest.path("size_power.csv"), index=False)
        d.to_csv(dest.path("draws.csv"), index=False)
        print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
        print(f"{time.perf_counter() - t0:.0f} s")
        return table


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else None)
