"""Three-way fixed-effects PPML on synthetic structural-gravity panels (run by hand: python benchmarks/gravity.py).

For about 30k, 300k and 1.2M rows (countries² × 6 years, seeded generator with known effects:
kzecon.gravity.simulate.simulate_panel, policy β = 0.4, log distance inside the pair effects) it times
(a) pyfixest.fepois called directly and (b) kzecon.gravity.ppml (validation, separation and absorbed-regressor
checks, dropped-row accounting, results object), each in a fresh process, and records wall time, peak resident
memory and the estimate of β. Usage: python benchmarks/gravity.py [sizes…] (default 30000 300000 1200000).
"""

import json
import subprocess
import sys

SIZES = {30_000: 71, 300_000: 224, 1_200_000: 447}  # rows ≈ n_countries² × 6 years

CHILD = r"""
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
from kzecon import gravity
from kzecon.gravity.simulate import simulate_panel
n, how = int(sys.argv[1]), sys.argv[2]
panel = simulate_panel(n, 6, beta_policy=0.4, seed=2026)
f = gravity.estimation_frame(panel, intra_pair="own")
t0 = time.perf_counter()
if how == "direct":
    import pyfixest as pf
    d = f[f.groupby("pair")["flow"].transform("sum") > 0]
    m = pf.fepois("flow ~ policy | exp_year + imp_year + pair", data=d, vcov={"CRV1": "pair_id"},
                  ssc=pf.ssc(k_adj=False), separation_check=["fe"])
    beta, nobs = float(m.coef().iloc[0]), int(m._N)
else:
    r = gravity.ppml(f, ["policy"])
    beta, nobs = float(r.params["policy"]), r.nobs
secs = time.perf_counter() - t0
print(json.dumps({"rows": len(f), "how": how, "seconds": secs, "beta": beta, "nobs": nobs,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main(sizes):
    out = []
    for size in sizes:
        n = SIZES[size]
        for how in ("direct", "kzecon"):
            res = subprocess.run([sys.executable, "-c", CHILD, str(n), how], capture_output=True, text=True, check=True)
            rec = json.loads(res.stdout.strip().splitlines()[-1])
            out.append(rec)
            print(f"{rec['rows']:>9,d} rows  {how:7s} {rec['seconds']:7.1f} s  peak {rec['peak_rss_mb']:7.0f} MB  "
                  f"beta {rec['beta']:.4f} (true 0.4)  N {rec['nobs']:,d}", flush=True)
    for size in sizes:
        d = [r for r in out if abs(r["rows"] - size) / size < 0.01]
        if len(d) == 2:
            a, b = (r["seconds"] for r in sorted(d, key=lambda r: r["how"]))  # direct, kzecon
            print(f"{d[0]['rows']:>9,d} rows  kzecon overhead {100 * (b / a - 1):+.1f}%")
    return out


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or list(SIZES))
