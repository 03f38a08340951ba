#!/usr/bin/env python
"""Synthetic structural-gravity panel with known true parameters.

Copied unchanged (but for this note) from ../shared/bench/gravity_panels.py, the project's benchmark-panel
generator, so that the tests and benchmarks can make panels a and b without ../shared beside the checkout.

Rows: every ordered pair (i, j) of N countries, including domestic flows
(i == j), for T years (annual, or every `step`-th year).

DGP (PPML-consistent):
    eta_ijt = pi_it + chi_jt + mu_ij + b_rta * RTA_ijt + b_bri * BRI_ijt
    mu_ij   = b_dist * ln_dist_ij + b_contig * contig_ij + b_home * home_ij + u_ij
    flow_ijt = Poisson(exp(eta_ijt) * g_ijt),  g_ijt ~ Gamma(k, 1/k)  (mean 1)
so E[flow | X, FE] = exp(eta) and PPML with exporter-year, importer-year and
pair fixed effects is consistent for (b_rta, b_bri).  The common intercept is
calibrated by bisection so that the expected share of zero flows hits
`--zero-share` (default 0.30).

RTA: symmetric; assigned to non-domestic pairs with a probability that falls
with distance (so it is correlated with mu_ij: pair FE matter); start years
are spread over (and slightly before) the sample, so some switch on
mid-sample.  BRI: a subset of member countries; BRI_ijt = 1 for i != j, both
members, year >= bri_year.

Outputs <out>.parquet, <out>.csv (for R) and <out>.json (true parameters).
Columns: exp, imp, year, flow, ln_dist, contig, home, rta, bri,
         ey (exporter-year id), iy (importer-year id), pair (pair id).
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

TRUE = {
    "rta": 0.35,
    "bri": 0.10,
    "ln_dist": -0.85,
    "contig": 0.45,
    "home": 2.0,
}

SIZES = {
    # name: (N countries, first year, number of years, step)
    "a": (69, 1986, 6, 4),     # 69*69*6   = 28,566 rows
    "b": (120, 2000, 20, 1),   # 120*120*20 = 288,000 rows
    "c": (170, 1980, 40, 1),   # 170*170*40 = 1,156,000 rows
}


def zero_share(c: float, eta: np.ndarray, k: float) -> float:
    """Expected share of zeros for a Poisson-gamma (NB) draw with mean exp(c+eta)."""
    mu = np.exp(c + eta)
    return float(np.mean((k / (k + mu)) ** k))


def generate(n: int, year0: int, n_years: int, step: int, seed: int = 12345,
             target_zero: float = 0.30, k: float = 2.0) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    years = year0 + step * np.arange(n_years)
    T = n_years

    # --- geography -----------------------------------------------------
    xy = rng.uniform(0.0, 100.0, size=(n, 2))
    area = rng.lognormal(0.0, 0.8, size=n)
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    internal = 0.4 * np.sqrt(area)                 # internal distance
    d[np.arange(n), np.arange(n)] = internal
    d = np.maximum(d, 0.05)
    ln_dist = np.log(d)
    off = ~np.eye(n, dtype=bool)
    contig = ((d < np.quantile(d[off], 0.04)) & off).astype(np.int8)
    contig = np.maximum(contig, contig.T)
    home = np.eye(n, dtype=np.int8)

    # --- pair effect ---------------------------------------------------
    u = rng.normal(0.0, 0.6, size=(n, n))
    mu_pair = (TRUE["ln_dist"] * ln_dist + TRUE["contig"] * contig
               + TRUE["home"] * home + u)

    # --- RTA (symmetric, more likely for close pairs) ---------------------
    iu, ju = np.triu_indices(n, 1)
    z = (ln_dist[iu, ju] - ln_dist[off].mean()) / ln_dist[off].std()
    p_rta = 1.0 / (1.0 + np.exp(-(-0.6 - 1.2 * z)))
    has_rta = rng.uniform(size=iu.size) < p_rta
    # start index in [-T/3, T): negative => in force the whole sample
    start = rng.integers(-max(1, T // 3), T, size=iu.size)
    rta_start = np.full((n, n), T + 1, dtype=np.int64)   # never
    rta_start[iu[has_rta], ju[has_rta]] = start[has_rta]
    rta_start[ju[has_rta], iu[has_rta]] = start[has_rta]

    # --- BRI -------------------------------------------------------------
    bri_member = rng.uniform(size=n) < 0.45
    bri_member[0] = True                                  # the hub
    bri_from = T // 2                                     # index of switch-on year
    bri_pair = np.outer(bri_member, bri_member) & off

    # --- exporter-year, importer-year effects -----------------------------
    size_i = rng.normal(0.0, 1.5, size=n)
    growth_i = rng.normal(0.02, 0.02, size=n)
    tt = np.arange(T)
    pi = (size_i[:, None] + growth_i[:, None] * tt[None, :] * step
          + rng.normal(0.0, 0.1, size=(n, T)))
    chi = (0.8 * size_i[:, None] + rng.normal(0.0, 0.5, size=n)[:, None]
           + 0.01 * tt[None, :] * step + rng.normal(0.0, 0.1, size=(n, T)))

    # --- long panel: order (year, exp, imp) -------------------------------
    I = np.tile(np.repeat(np.arange(n), n), T)
    J = np.tile(np.tile(np.arange(n), n), T)
    Y = np.repeat(tt, n * n)
    rta = (Y >= rta_start[I, J]).astype(np.int8)
    bri = (bri_pair[I, J] & (Y >= bri_from)).astype(np.int8)
    eta = (pi[I, Y] + chi[J, Y] + mu_pair[I, J]
           + TRUE["rta"] * rta + TRUE["bri"] * bri)

    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if zero_share(mid, eta, k) > target_zero:
            lo = mid
        else:
            hi = mid
    const = 0.5 * (lo + hi)
    mean = np.exp(const + eta)
    g = rng.gamma(k, 1.0 / k, size=mean.size)
    flow = rng.poisson(mean * g).astype(np.float64)

    df = pd.DataFrame({
        "exp": I.astype(np.int32),
        "imp": J.astype(np.int32),
        "year": years[Y].astype(np.int32),
        "flow": flow,
        "ln_dist": ln_dist[I, J],
        "contig": contig[I, J],
        "home": home[I, J],
        "rta": rta,
        "bri": bri,
        "ey": (I * T + Y).astype(np.int32),
        "iy": (J * T + Y).astype(np.int32),
        "pair": (I * n + J).astype(np.int32),
    })
    meta = {
        "n_countries": n, "years": years.tolist(), "rows": len(df), "seed": seed,
        "true": TRUE, "gamma_shape_k": k, "intercept": const,
        "target_zero_share": target_zero,
        "zero_share": float((flow == 0).mean()),
        "share_rta": float(rta.mean()), "share_bri": float(bri.mean()),
        "bri_year": int(years[bri_from]), "n_bri_members": int(bri_member.sum()),
        "share_pairs_rta_switch_in_sample": float(
            ((rta_start > 0) & (rta_start < T) & off).sum() / off.sum()),
    }
    return df, meta


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("size", choices=sorted(SIZES))
    ap.add_argument("--out", default=None)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--zero-share", type=float, default=0.30)
    ap.add_argument("--no-csv", action="store_true")
    a = ap.parse_args()
    n, y0, T, step = SIZES[a.size]
    out = a.out or f"gravity_{a.size}"
    t0 = time.perf_counter()
    df, meta = generate(n, y0, T, step, seed=a.seed, target_zero=a.zero_share)
    t1 = time.perf_counter()
    try:
        df.to_parquet(out + ".parquet", index=False)
    except ImportError:  # no parquet engine installed: CSV only
        pass
    if not a.no_csv:
        df.to_csv(out + ".csv", index=False)
    meta["gen_seconds"] = round(t1 - t0, 3)
    with open(out + ".json", "w") as f:
        json.dump(meta, f, indent=1)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
