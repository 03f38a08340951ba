"""Seeded synthetic structural-gravity panels with known parameters (for tests and benchmarks)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_panel(n_countries: int = 40, n_years: int = 6, *, beta_policy: float = 0.4, beta_dist: float = -0.9,
                   beta_pair_term: float = 0.0, lead_effect: float = 0.0, seed: int = 0,
                   zero_share: float = 0.05, interval: int = 4,
                  noise_shape: float = 10.0) -> pd.DataFrame:
    """A gravity panel: flow ~ Poisson-gamma around exp(exp-year FE + imp-year FE + pair FE + β·policy + …).

    Columns: exporter, importer, year, flow, dist, log_dist, policy (members of a bloc that forms in the middle
    year), pair_term (C000→C001 and back from the middle year). The pair fixed effects include β_dist·log dist,
    so with pair FE the policy effect is identified from within-pair changes. ``zero_share`` of the pairs
    never trade (all-zero pairs: separated observations). Intra-national flows are included. Multiplicative
    noise is gamma with shape ``noise_shape`` (mean one; larger = less overdispersion).

    Parameters
    ----------
    n_countries : int, default 40
        Countries ``C000``, ``C001``, …
    n_years : int, default 6
        Years 2000, 2000 + ``interval``, …
    beta_policy : float, default 0.4
        True effect of ``policy``.
    beta_dist : float, default -0.9
        Distance elasticity inside the pair fixed effects.
    beta_pair_term : float, default 0.0
        True effect of ``pair_term``.
    lead_effect : float, default 0.0
        Effect one ``interval`` before the bloc forms (anticipation; 0: none).
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.
    zero_share : float, default 0.05
        Share of international pairs that never trade.
    interval : int, default 4
        Years between observations.
    noise_shape : float, default 10.0
        Shape of the gamma noise.

    Returns
    -------
    DataFrame
        ``n_countries² × n_years`` rows; ``attrs['truth']`` holds the true parameters.

    Examples
    --------
    >>> from kzecon.gravity.simulate import simulate_panel
    >>> p = simulate_panel(n_countries=10, n_years=4, seed=0)
    >>> p.shape, p.attrs["truth"]["policy"]
    ((400, 8), 0.4)
    """
    rng = np.random.default_rng(seed)
    codes = [f"C{i:03d}" for i in range(n_countries)]
    years = [2000 + interval * t for t in range(n_years)]
    ex, im = np.meshgrid(np.arange(n_countries), np.arange(n_countries), indexing="ij")
    ex, im = ex.ravel(), im.ravel()
    xy = rng.uniform(0, 10, size=(n_countries, 2))
    dist = np.sqrt(((xy[ex] - xy[im]) ** 2).sum(axis=1)) + 0.5
    dist[ex == im] = 0.3
    pair_fe = beta_dist * np.log(dist) + rng.normal(0, 0.5, size=len(ex))
    bloc = rng.random(n_countries) < 0.5
    start = years[n_years // 2]
    dead = (rng.random(len(ex)) < zero_share) & (ex != im)
    rows = []
    for y in years:
        ef = rng.normal(0, 1, n_countries)
        mf = rng.normal(0, 1, n_countries)
        pol = (bloc[ex] & bloc[im] & (ex != im) & (y >= start)).astype(int)
        lead = (bloc[ex] & bloc[im] & (ex != im) & (y + interval >= start) & (y < start)).astype(int)
        pt = (((ex == 0) & (im == 1)) | ((ex == 1) & (im == 0))) & (y >= start)
        mu = np.exp(5 + ef[ex] + mf[im] + pair_fe + beta_policy * pol + lead_effect * lead + beta_pair_term * pt)
        flow = rng.poisson(mu * rng.gamma(noise_shape, 1 / noise_shape, size=len(ex))).astype(float)
        flow[dead] = 0.0
        rows.append(pd.DataFrame({"exporter": np.array(codes)[ex], "importer": np.array(codes)[im], "year": y,
                                  "flow": flow, "dist": dist, "policy": pol, "pair_term": pt.astype(int)}))
    out = pd.concat(rows, ignore_index=True)
    out["log_dist"] = np.log(out["dist"])
    out.attrs["truth"] = {"policy": beta_policy, "log_dist": beta_dist, "pair_term": beta_pair_term,
                          "lead": lead_effect}
    return out


def simulate_bloc_panel(n_countries: int = 30, n_years: int = 12, *, waves=((6, 3), (9, 2)), effect: float = 0.0,
                        pair_shock_sd: float = 0.3, noise_shape: float = 5.0, seed: int = 0) -> pd.DataFrame:
    """A panel shaped like the EAEU design: a bloc whose first members join together (``waves`` = ((year index,
    size), …): three in year 6, two more in year 9 by default) among ``n_countries`` annual countries, with pair
    shocks that persist within each pair (AR(1), ρ = 0.7, s.d. ``pair_shock_sd``) so that few treated pairs make
    clustered errors unreliable. Columns: exporter, importer, year, flow, bloc (1 for flows between two members
    from the later of their entry years); ``attrs['members']`` lists them, ``attrs['pool']`` the other countries.
    The true bloc effect is ``effect``; all other effects are absorbed by exporter-year, importer-year and pair
    fixed effects.

    Parameters
    ----------
    n_countries : int, default 30
        Countries ``C000``, ``C001``, … (no intra-national flows).
    n_years : int, default 12
        Years 2000, 2001, …
    waves : sequence of (int, int), default ((6, 3), (9, 2))
        (year index, number of countries joining).
    effect : float, default 0.0
        True bloc effect.
    pair_shock_sd : float, default 0.3
        Stationary s.d. of the AR(1) pair shocks.
    noise_shape : float, default 5.0
        Shape of the gamma noise (mean one).
    seed : int, default 0
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    DataFrame
        ``n_countries·(n_countries − 1) × n_years`` rows; ``attrs``: members, pool, effect, waves (in years).

    Examples
    --------
    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> p = simulate_bloc_panel(n_countries=15, n_years=12, seed=1)
    >>> p.shape, p.attrs["waves"], len(p.attrs["pool"])
    ((2520, 5), ((2006, 3), (2009, 2)), 10)
    """
    rng = np.random.default_rng(seed)
    codes = np.array([f"C{i:03d}" for i in range(n_countries)])
    ex, im = np.meshgrid(np.arange(n_countries), np.arange(n_countries), indexing="ij")
    off = (ex != im).ravel()
    ex, im = ex.ravel()[off], im.ravel()[off]
    size = rng.normal(0, 1.2, n_countries)
    pair_fe = rng.normal(0, 1.0, len(ex)) + 0.5 * (size[ex] + size[im])
    order = rng.permutation(n_countries)
    join = np.full(n_countries, 10**6)
    k = 0
    for t, n in waves:
        join[order[k:k + n]] = t
        k += n
    members = codes[order[:k]]
    shock = np.zeros(len(ex))
    rows = []
    for t in range(n_years):
        shock = 0.7 * shock + rng.normal(0, pair_shock_sd * np.sqrt(1 - 0.49), len(ex))
        ef, mf = rng.normal(0, 0.3, n_countries), rng.normal(0, 0.3, n_countries)
        bloc = (t >= np.maximum(join[ex], join[im])).astype(int)
        mu = np.exp(3 + size[ex] + size[im] + ef[ex] + mf[im] + pair_fe + shock + effect * bloc)
        flow = rng.poisson(mu * rng.gamma(noise_shape, 1 / noise_shape, len(ex))).astype(float)
        rows.append(pd.DataFrame({"exporter": codes[ex], "importer": codes[im], "year": 2000 + t, "flow": flow,
                                  "bloc": bloc}))
    out = pd.concat(rows, ignore_index=True)
    out.attrs.update(members=tuple(members), pool=tuple(sorted(set(codes) - set(members))), effect=effect,
                     waves=tuple((2000 + t, n) for t, n in waves))
    return out
