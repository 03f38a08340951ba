"""Reference estimates for the fast PPML tests: pyfixest.fepois on benchmark panels a and b, and on the Advanced
Guide panel (panel "agtpa": the bundled Yotov et al. 2016 panel at 4-year intervals with symmetric pairs, as
kzecon.gravity.estimation_frame prepares it; `flow ~ rta + rta_lag4 | exp_year + imp_year + pair`, clustered by
`pair_id`), pyfixest left to its own sample rules.

Run once (python tests/references/gravity/make_pyfixest_reference.py); writes pyfixest_panels.csv and
pyfixest_panels.versions.txt. Panels from gravity_panels.py (seed 12345), `flow ~ rta + bri | ey + iy + pair`,
errors clustered by `pair` with ssc(k_adj=False) (G/(G-1) only). pyfixest's tolerances are tightened
(iwls_tol=1e-12, fixef_tol=1e-12): with its default fixef_tol=1e-6 the clustered standard errors carry a relative
error of about 2e-6 (panel a: 0.0568609206 vs 0.0568608885), larger than the 1e-6 the tests ask for.
"""

import importlib.util
import platform
from pathlib import Path

import numpy as np
import pandas as pd
import pyfixest as pf
from pyfixest.demeaners import MapDemeaner

HERE = Path(__file__).parent
spec = importlib.util.spec_from_file_location("gravity_panels", HERE / "gravity_panels.py")
gp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gp)

rows = []
for size in ("a", "b"):
    n, y0, T, step = gp.SIZES[size]
    df, meta = gp.generate(n, y0, T, step)
    m = pf.fepois("flow ~ rta + bri | ey + iy + pair", data=df, vcov={"CRV1": "pair"}, ssc=pf.ssc(k_adj=False),
                  iwls_tol=1e-12, demeaner=MapDemeaner(fixef_tol=1e-12))
    for term in ("rta", "bri"):
        rows.append({"panel": size, "term": term, "estimate": m.coef()[term], "std_error": m.se()[term],
                     "nobs": int(m._N), "rows": len(df), "converged": bool(m.convergence)})
from kzecon import gravity  # noqa: E402
from kzecon.data import load_gravity  # noqa: E402

ag = gravity.estimation_frame(load_gravity("agtpa"), interval=4, pair="symmetric")
m = pf.fepois("flow ~ rta + rta_lag4 | exp_year + imp_year + pair", data=ag, vcov={"CRV1": "pair_id"},
              ssc=pf.ssc(k_adj=False), iwls_tol=1e-12, demeaner=MapDemeaner(fixef_tol=1e-12))
for term in ("rta", "rta_lag4"):
    rows.append({"panel": "agtpa", "term": term, "estimate": m.coef()[term], "std_error": m.se()[term],
                 "nobs": int(m._N), "rows": len(ag), "converged": bool(m.convergence)})
pd.DataFrame(rows).to_csv(HERE / "pyfixest_panels.csv", index=False, float_format="%.15g")
(HERE / "pyfixest_panels.versions.txt").write_text(
    f"pyfixest {pf.__version__}\nnumpy {np.__version__}\npandas {pd.__version__}\npython {platform.python_version()}\n")
