"""Difference-in-differences and event studies with few-cluster inference (pyfixest + wildboottest).

Treatment is given per entity as the first treated period (``treat_start``; missing or 0 = never treated).

* :func:`did` — two-way fixed-effects DiD; clustered (CRV1) errors beside the wild cluster bootstrap
  (WCR, null imposed, Webb six-point weights by default — with 2 or 5 treated clusters Rademacher weights
  allow only 2^G distinct draws; Cameron, Gelbach & Miller 2008; Webb 2023; MacKinnon, Nielsen & Webb 2023).
* :func:`event_study` — leads and lags around the start (endpoints binned), reference period −1, joint Wald
  test of the leads (pre-trends), wild-bootstrap p-value per coefficient.
* :func:`staggered` — Gardner's (2021) two-stage DiD (pyfixest ``did2s``), robust to effects that differ
  across adoption cohorts, beside the two-way FE event study it corrects.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kzecon.data.validate import require_columns
from kzecon.errors import CoverageError, DataQualityWarning, KzeconError, SchemaError, SpecificationError
from kzecon.results import EstimationResults, dropped_table, pyfixest_attr


def _prepare(data, outcome, entity, time, treat_start, controls):
    require_columns(data, [outcome, entity, time, treat_start, *controls], "DiD data")
    df = data[[outcome, entity, time, treat_start, *controls]].copy()
    if df.duplicated([entity, time]).any():
        dup = df.duplicated([entity, time])
        raise SchemaError(f"duplicate {entity}-{time} key: {df.loc[dup, entity].iloc[0]} {df.loc[dup, time].iloc[0]}")
    start = pd.to_numeric(df[treat_start], errors="coerce").fillna(0)
    if (start.groupby(df[entity]).nunique() > 1).any():
        e = start.groupby(df[entity]).nunique().idxmax()
        raise SchemaError(f"'{treat_start}' must be constant within {entity}; {e} has several values")
    df["_start"] = start
    miss = df[[outcome, *controls]].isna().any(axis=1) | ~np.isfinite(df[[outcome, *controls]].to_numpy(float)).all(1)
    n_miss = int(miss.sum())
    df = df[~miss]
    lo, hi = df[time].min(), df[time].max()
    treated = df.loc[(df["_start"] > lo) & (df["_start"] <= hi), entity].unique()
    always = df.loc[(df["_start"] > 0) & (df["_start"] <= lo), entity].unique()
    if len(treated) == 0:
        raise SpecificationError(f"treatment never switches on inside {lo}–{hi}: no {entity} has '{treat_start}' "
                                 "in the sample period, so the effect is not identified")
    controls_n = df.loc[(df["_start"] == 0) | (df["_start"] > hi), entity].nunique()
    if controls_n == 0 and df.loc[df[entity].isin(treated), "_start"].nunique() == 1:
        raise SpecificationError("every entity is treated at the same time: no never- or not-yet-treated controls")
    if df[entity].nunique() < 2:
        raise SpecificationError(f"a single {entity} (cluster): DiD and clustered errors are undefined")
    if len(always):
        names = ", ".join(map(str, always[:5]))
        warnings.warn(f"{len(always)} {entity}(s) treated before the sample starts ({names}): they serve as "
                      "always-treated units", DataQualityWarning, stacklevel=3)
    df["treat_post"] = ((df["_start"] > 0) & (df[time] >= df["_start"])).astype(int)
    if df["treat_post"].sum() == 0:
        raise CoverageError(f"no treated observations: the treated {entity}s have no usable rows from their start")
    df["_cluster"] = pd.factorize(df[entity])[0]  # integer cluster ids (the bootstrap's compiled code needs them)
    return df, n_miss, list(treated), controls_n


def _wild(m, param, reps, seed, weights):
    """pyfixest's ``Feols.wildboottest(param, reps, seed, weights_type)`` (WCR11, null imposed, both small-sample
    factors, two-tailed), run through wildboottest's own class with one change: the bootstrap denominator is
    computed by :func:`_wild_class`'s subclass (the same arithmetic in the same order), not by a numba function that
    wildboottest 0.3 compiles afresh on every call (~0.5 s each; 11 calls in the brief). Tested equal to
    ``m.wildboottest`` in ``tests/test_panel.py``."""
    y, X, names = pyfixest_attr(m, "_model_matrix_one_hot")()
    R = np.zeros(len(names))
    R[list(names).index(param)] = 1.0
    cv = pyfixest_attr(m, "_clustervar")
    cluster = pyfixest_attr(m, "_data")[cv if isinstance(cv, str) else cv[0]].to_numpy().flatten()
    boot = _wild_class()(X=X, Y=y, cluster=cluster, R=R, B=reps, seed=seed, parallel=False)
    boot.get_scores(bootstrap_type="11", impose_null=True, adj=True, cluster_adj=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boot.get_weights(weights_type=weights)
    boot.get_numer()
    boot.get_denom()
    boot.get_tboot()
    boot.get_vcov()
    boot.get_tstat()
    boot.get_pvalue(pval_type="two-tailed")
    t = np.ravel(np.asarray(boot.t_stat, dtype=np.float64))[0]
    return float(t), float(boot.pvalue)


@functools.cache
def _wild_class():
    """wildboottest's WildboottestCL with the denominator computed without a per-call compilation (built on first
    use: importing wildboottest loads numba)."""
    from wildboottest.wildboottest import WildboottestCL

    class WildCL(WildboottestCL):
        def get_denom(self):
            if self.crv_type != "crv1":  # pragma: no cover - kzecon runs the 11 bootstrap only
                return super().get_denom()
            G = self.G
            H = np.zeros((G, G))
            for ixg in range(G):
                for ixh in range(G):
                    H[ixg, ixh] = self.R @ self.tXXinv @ self.tXgXg_list[ixg] @ self.tXXinv @ self.scores_mat[:, ixh]
            v = np.asarray(self.v, dtype=np.float64)
            vH = np.zeros((G, v.shape[1]))
            for ixh in range(G):  # the compiled loop's order: vH[g] += v[h] * H[g, h], h = 0, 1, ...
                vH += v[ixh][None, :] * H[:, ixh][:, None]
            Z = np.asarray(self.Cg)[:, None] * v - vH
            total = np.zeros(v.shape[1])
            for ixg in range(G):
                total += Z[ixg] * Z[ixg]
            self.denom = self.ssc * total

    return WildCL


def did(data: pd.DataFrame, outcome: str, *, entity: str, time: str, treat_start: str,
        controls: Sequence[str] = (), reps: int = 9999, seed: int = 2026, weights: str = "webb",
        name: str = "did_twfe") -> EstimationResults:
    """Two-way FE DiD: outcome ~ treat_post + controls | entity + time, clustered by entity, with the wild
    cluster bootstrap p-value (``stats['p_wild']``) beside the analytic one.

    Parameters
    ----------
    data : DataFrame
        Long panel data, one row per entity × time.
    outcome : str
        The outcome column (e.g. ``log_trade``).
    entity, time : str
        The entity (also the cluster) and time columns.
    treat_start : str
        The column of each entity's first treated period (constant within entity; 0 or missing: never treated).
    controls : sequence of str, default ()
        Time-varying control columns.
    reps : int, default 9999
        Wild bootstrap replications.
    seed : int, default 2026
        Seed of the bootstrap weights.
    weights : {"webb", "rademacher", "mammen", "norm"}, default "webb"
        Wild bootstrap weights (wildboottest's names); Webb's six-point weights suit few clusters.
    name : str, default "did_twfe"
        The model's name in the results.

    Returns
    -------
    EstimationResults
        ``params`` (``treat_post`` and the controls), CRV1 standard errors (t with G − 1 df); ``stats`` p_wild,
        t_wild, clusters, treated_clusters, control_clusters, reps, seed; ``info`` names the treated entities.

    Raises
    ------
    SchemaError
        A missing column; a duplicate entity-time key; ``treat_start`` not constant within an entity.
    SpecificationError
        Treatment never switches on inside the sample; no never- or not-yet-treated controls; a single entity.
    CoverageError
        The treated entities have no usable rows from their start.

    Warns
    -----
    DataQualityWarning
        Entities treated before the sample starts (kept as always-treated units).

    See Also
    --------
    event_study, staggered : dynamic effects; heterogeneity-robust estimates.

    Examples
    --------
    The customs union (Belarus and Kazakhstan 2010) and trade with Russia, 1995–2014, twelve reporters:

    >>> from kzecon.panel import country_partner_panel, did
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"]
    >>> r = did(rus, "log_trade", entity="reporter", time="year", treat_start="treat_start", reps=99)
    >>> print(round(r.params["treat_post"], 3), round(r.stats["p_wild"], 3), r.stats["treated_clusters"])
    -0.154 0.323 2
    """
    import pyfixest as pf

    df, n_miss, treated, n_ctrl = _prepare(data, outcome, entity, time, treat_start, list(controls))
    rhs = " + ".join(["treat_post", *controls])
    m = pf.feols(f"{outcome} ~ {rhs} | {entity} + {time}", data=df, vcov={"CRV1": "_cluster"})
    t_w, p_w = _wild(m, "treat_post", reps, seed, weights)
    params = pd.Series(np.asarray(m.coef()), index=[str(i) for i in m.coef().index])
    G = df[entity].nunique()
    return EstimationResults(
        model=name, params=params, std_errors=pd.Series(np.asarray(m.se()), index=params.index),
        nobs=int(pyfixest_attr(m, "_N")), df_resid=float(G - 1),
        dropped=dropped_table(("missing or infinite values", n_miss)),
        stats={"p_wild": p_w, "t_wild": t_w, "clusters": G, "treated_clusters": len(treated),
               "control_clusters": n_ctrl, "reps": reps, "seed": seed},
        info={"outcome": outcome, "fixed_effects": f"{entity} + {time}",
              "covariance": f"clustered by {entity} (CRV1, t with G−1 df)",
              "wild_bootstrap": f"WCR, {weights} weights, {reps} replications, seed {seed}",
              "treated": ",".join(map(str, treated))}, backend=m)


def event_study(data: pd.DataFrame, outcome: str, *, entity: str, time: str, treat_start: str,
                window: tuple[int, int] = (-4, 4), reference: int = -1, reps: int = 9999, seed: int = 2026,
                weights: str = "webb", name: str = "event_study_twfe") -> EstimationResults:
    """TWFE event study with relative-period dummies ``rel_m4 … rel_p4`` (endpoints bin everything beyond),
    reference period ``reference`` omitted. ``stats``: joint F test of the leads (pre-trends) and a wild-bootstrap
    p-value per coefficient (``p_wild_<term>``).

    Parameters
    ----------
    data : DataFrame
        Long panel data, one row per entity × time.
    outcome : str
        The outcome column (e.g. ``log_trade``).
    entity, time : str
        The entity (also the cluster) and time columns.
    treat_start : str
        The column of each entity's first treated period (constant within entity; 0 or missing: never treated).
    window : tuple of (int, int), default (-4, 4)
        First and last relative period; periods beyond are binned into the endpoints. Must contain 0 and
        ``reference``.
    reference : int, default -1
        The omitted relative period.
    reps : int, default 9999
        Wild bootstrap replications per coefficient.
    seed : int, default 2026
        Seed of the bootstrap weights.
    weights : {"webb", "rademacher", "mammen", "norm"}, default "webb"
        Wild bootstrap weights.
    name : str, default "event_study_twfe"
        The model's name in the results.

    Returns
    -------
    EstimationResults
        ``params`` ``rel_m<k>`` / ``rel_p<k>`` (periods with no treated observation are left out); ``stats``
        pretrend_F, pretrend_p, pretrend_df (F(q, G − 1) test of the leads), ``p_wild_<term>``, clusters,
        treated_clusters.

    Raises
    ------
    SchemaError
        ``window`` without 0 or ``reference``; a missing column; a duplicate entity-time key; ``treat_start`` not
        constant within an entity.
    SpecificationError
        Treatment never switches on inside the sample; no never- or not-yet-treated controls; a single entity.
    CoverageError
        The treated entities have no usable rows from their start.

    Warns
    -----
    DataQualityWarning
        Entities treated before the sample starts (kept as always-treated units).

    See Also
    --------
    event_table : the coefficients by event time, for a plot.

    Examples
    --------
    >>> from kzecon.panel import country_partner_panel, event_study
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"]
    >>> e = event_study(rus, "log_trade", entity="reporter", time="year", treat_start="treat_start",
    ...                 window=(-3, 3), reps=99)
    >>> list(e.params.index), round(e.stats["pretrend_p"], 3)
    (['rel_m3', 'rel_m2', 'rel_p0', 'rel_p1', 'rel_p2', 'rel_p3'], 0.054)
    """
    import pyfixest as pf

    df, n_miss, treated, _ = _prepare(data, outcome, entity, time, treat_start, [])
    lo, hi = window
    if not lo < reference < hi + 1 or lo >= 0 or hi < 0:
        raise SchemaError(f"window {window} must contain the reference period {reference} and period 0")
    rel = (df[time] - df["_start"]).where(df["_start"] > 0)
    rel = rel.clip(lo, hi)
    terms = []
    for k in range(lo, hi + 1):
        if k == reference:
            continue
        col = f"rel_{'m' if k < 0 else 'p'}{abs(k)}"
        df[col] = (rel == k).astype(int)
        if df[col].sum() > 0:
            terms.append(col)
    m = pf.feols(f"{outcome} ~ {' + '.join(terms)} | {entity} + {time}", data=df, vcov={"CRV1": "_cluster"})
    params = pd.Series(np.asarray(m.coef()), index=[str(i) for i in m.coef().index])
    se = pd.Series(np.asarray(m.se()), index=params.index)
    leads = [t for t in params.index if t.startswith("rel_m")]
    G = df[entity].nunique()
    st = {"clusters": G, "treated_clusters": len(treated)}
    if leads:
        # pyfixest's public wald_test reports W with its own denominator df; the test here is W/q against F(q, G−1)
        # (few clusters), so the covariance is read through the guarded accessor
        at = [list(params.index).index(t) for t in leads]
        V = pyfixest_attr(m, "_vcov")[np.ix_(at, at)]
        b = params[leads].to_numpy()
        F = float(b @ np.linalg.pinv(V) @ b) / len(leads)
        st.update(pretrend_F=F, pretrend_p=float(stats.f.sf(F, len(leads), G - 1)), pretrend_df=len(leads))
    for t in params.index:
        st[f"p_wild_{t}"] = _wild(m, t, reps, seed, weights)[1]
    return EstimationResults(model=name, params=params, std_errors=se, nobs=int(pyfixest_attr(m, "_N")),
                             df_resid=float(G - 1),
                             dropped=dropped_table(("missing or infinite values", n_miss)), stats=st,
                             info={"outcome": outcome, "window": f"{lo}…{hi} (endpoints binned)",
                                   "reference": reference, "covariance": f"clustered by {entity}"}, backend=m)


def event_table(res: EstimationResults, level: float = 0.95) -> pd.DataFrame:
    """event_time, estimate, conf_low, conf_high, p_value, p_wild (reference period included as 0).

    Parameters
    ----------
    res : EstimationResults
        An :func:`event_study` (or :func:`staggered`) result, terms named ``rel_m<k>`` / ``rel_p<k>``.
    level : float, default 0.95
        Confidence level of conf_low and conf_high.

    Returns
    -------
    DataFrame
        ``res.to_frame(level)`` with event_time and p_wild (NaN where the result has none), plus a ``reference``
        row at the reference period with estimate 0; sorted by event time.

    Examples
    --------
    >>> from kzecon.panel import country_partner_panel, event_study, event_table
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"]
    >>> e = event_study(rus, "log_trade", entity="reporter", time="year", treat_start="treat_start",
    ...                 window=(-3, 3), reps=99)
    >>> event_table(e)[["event_time", "estimate"]].round(3)
       event_time  estimate
    0          -3    -0.121
    1          -2     0.120
    2          -1     0.000
    3           0    -0.504
    4           1    -0.470
    5           2     0.018
    6           3    -0.113
    """
    t = res.to_frame(level)
    t["event_time"] = [(-1 if s.startswith("rel_m") else 1) * int(s[5:]) for s in t["term"]]
    t["p_wild"] = [res.stats.get(f"p_wild_{s}", np.nan) for s in t["term"]]
    ref = int(res.info.get("reference", -1))
    t = pd.concat([t, pd.DataFrame({"model": [res.model], "term": ["reference"], "estimate": [0.0],
                                    "conf_low": [0.0], "conf_high": [0.0], "event_time": [ref]})], ignore_index=True)
    return t.sort_values("event_time").reset_index(drop=True)


def staggered(data: pd.DataFrame, outcome: str, *, entity: str, time: str, treat_start: str,
              window: tuple[int, int] = (-4, 4), name: str = "event_study_did2s") -> EstimationResults:
    """Gardner's two-stage DiD event study (pyfixest ``did2s``): unit and period effects estimated on untreated
    observations only, then the relative-period effects — robust to heterogeneous effects across cohorts.

    Parameters
    ----------
    data : DataFrame
        Long panel data, one row per entity × time.
    outcome : str
        The outcome column (e.g. ``log_trade``).
    entity, time : str
        The entity (also the cluster) and time columns.
    treat_start : str
        The column of each entity's first treated period (constant within entity; 0 or missing: never treated).
    window : tuple of (int, int), default (-4, 4)
        First and last relative period; periods beyond are binned into the endpoints.
    name : str, default "event_study_did2s"
        The model's name in the results.

    Returns
    -------
    EstimationResults
        ``params`` ``rel_m<k>`` / ``rel_p<k>`` relative to untreated periods, clustered by entity; ``stats``
        clusters, treated_clusters.

    Raises
    ------
    SchemaError
        A missing column; a duplicate entity-time key; ``treat_start`` not constant within an entity.
    SpecificationError
        Treatment never switches on inside the sample; no never- or not-yet-treated controls; a single entity; a period
        with no untreated observation, or a treated entity with fewer than two untreated periods (the first
        stage cannot estimate its effect); pyfixest's own failure.
    CoverageError
        The treated entities have no usable rows from their start.

    Warns
    -----
    DataQualityWarning
        Entities treated before the sample starts (kept as always-treated units).

    See Also
    --------
    event_study : the two-way FE event study it corrects.

    Examples
    --------
    >>> from kzecon.panel import country_partner_panel, staggered
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"]
    >>> s = staggered(rus, "log_trade", entity="reporter", time="year", treat_start="treat_start", window=(-3, 3))
    >>> s.params.round(3)
    rel_m3   -0.017
    rel_m2    0.185
    rel_m1    0.076
    rel_p0   -0.407
    rel_p1   -0.373
    rel_p2    0.115
    rel_p3   -0.052
    dtype: float64
    """
    import pyfixest as pf

    df, n_miss, treated, _ = _prepare(data, outcome, entity, time, treat_start, [])
    lo, hi = window
    rel = (df[time] - df["_start"]).where(df["_start"] > 0).clip(lo, hi)
    df["rel_time"] = rel.fillna(-1000).astype(int)  # never treated: a level that is always the reference
    df["treat"] = df["treat_post"].astype(bool)
    untreated = df.loc[~df["treat"]]
    no_base = sorted(set(df[time]) - set(untreated[time]))
    if no_base:
        raise SpecificationError(f"two-stage DiD: no untreated observation in {time} {no_base[:5]}: the first stage "
                                 "cannot estimate those period effects (every unit is treated then); shorten the "
                                 "panel or add never-treated units")
    thin = untreated.groupby(entity).size()
    lone = sorted(set(df.loc[df["treat"], entity]) - set(thin.index))
    if lone:
        raise SpecificationError(f"two-stage DiD: {entity} {lone[:5]} {'has' if len(lone) == 1 else 'have'} no "
                                 "untreated period, so the first stage cannot estimate its unit effect; drop it or "
                                 "use the panel from before its treatment")
    one = sorted(thin.index[(thin == 1) & thin.index.isin(df.loc[df["treat"], entity])])
    if one:
        raise SpecificationError(f"two-stage DiD: {entity} {one[:5]} {'has' if len(one) == 1 else 'have'} a single "
                                 "untreated period: a singleton of the first stage, whose unit effect is fitted "
                                 "exactly (pyfixest drops it and fails); drop those units or start the panel earlier")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=FutureWarning)
        try:
            m = pf.did2s(df, yname=outcome, first_stage=f"~ 0 | {entity} + {time}",
                         second_stage="~ i(rel_time, ref=-1000)", treatment="treat", cluster=entity)
        except (ValueError, np.linalg.LinAlgError, KeyError) as err:
            if isinstance(err, KzeconError):
                raise
            raise SpecificationError(f"two-stage DiD could not be estimated on this panel (pyfixest: "
                                     f"{type(err).__name__}: {str(err)[:200]}); each cohort needs untreated periods "
                                     "and each period untreated units") from None
    idx = [str(i) for i in m.coef().index]
    rel_of = [int(s.split("::")[-1].rstrip("]").split(".")[0]) if "::" in s else None for s in idx]
    keep = [i for i, r in enumerate(rel_of) if r is not None and r != -1000]
    names = [f"rel_{'m' if rel_of[i] < 0 else 'p'}{abs(rel_of[i])}" for i in keep]
    params = pd.Series(np.asarray(m.coef())[keep], index=names)
    se = pd.Series(np.asarray(m.se())[keep], index=names)
    return EstimationResults(model=name, params=params, std_errors=se, nobs=int(pyfixest_attr(m, "_N")),
                             dropped=dropped_table(("missing or infinite values", n_miss)),
                             stats={"clusters": int(df[entity].nunique()), "treated_clusters": len(treated)},
                             info={"outcome": outcome, "estimator": "two-stage DiD (Gardner 2021, pyfixest did2s)",
                                   "window": f"{lo}…{hi} (endpoints binned)", "reference": "untreated periods"},
                             backend=m)
