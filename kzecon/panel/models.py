"""Panel estimators on linearmodels, with covariance choice as a parameter and kzecon's results shape.

``fit(data, dependent, exog, model=…, cov=…)`` runs pooled OLS, fixed effects (entity, time, two-way), random
effects, first differences or between estimation; ``cov`` is ``"unadjusted"``, ``"robust"``, ``"clustered"``
(``cluster="entity" | "time" | "both"``) or ``"driscoll-kraay"`` (Bartlett kernel, ``bandwidth``). Singleton
entities are dropped before fixed-effects estimation and reported; unbalanced panels are allowed and their gaps
reported. :func:`hausman` compares FE and RE. :func:`absorbing` handles high-dimensional fixed effects
(linearmodels ``AbsorbingLS``). Checked against R ``plm`` on the Grunfeld data (tests/references/panel).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kzecon.data.validate import require_columns
from kzecon.errors import CoverageError, DataQualityWarning, SchemaError, SpecificationError
from kzecon.results import EstimationResults, TestResult, dropped_table

MODELS = ("pooled", "fe", "time_fe", "twoway", "re", "re_twoway", "fd", "between")
COVS = ("unadjusted", "robust", "clustered", "driscoll-kraay")
SMALL_SAMPLE = ("hc1", "none", "fixest")
"""Small-sample factor of clustered errors in fixed-effects models. ``"hc1"`` (default): n/(n − k) with k the slopes
only — fixed effects are swept out, not counted, so effects nested in the clusters cost nothing (R ``plm``'s
``vcovHC(type="HC1", cluster="group")``); ``"none"``: no factor (plm's HC0); ``"fixest"``: G/(G − 1)·(n − 1)/(n − k)
with k the slopes plus the fixed effects *not* nested in the clusters (fixest's and Stata's convention)."""


def make_panel(data: pd.DataFrame, *, entity: str, time: str, columns: Sequence[str]) -> tuple[pd.DataFrame, dict]:
    """Validate and index a panel: no duplicate entity-time keys, numeric finite columns; returns the
    (entity, time)-indexed frame and a report: rows in, rows with missing values (dropped, reported), entities,
    periods, balanced, gaps (entity → missing periods inside its span).

    Parameters
    ----------
    data : DataFrame
        Long panel data.
    entity, time : str
        The entity and time columns (one row per entity × time).
    columns : sequence of str
        The model's columns, converted to numbers.

    Returns
    -------
    tuple of (DataFrame, dict)
        The frame of ``columns`` indexed by (entity, time), sorted, rows with missing values removed; the report:
        rows_in, missing, entities, periods, balanced, gaps.

    Raises
    ------
    SchemaError
        A missing column, a duplicate entity-time key, a non-numeric or infinite value.
    CoverageError
        No rows left after removing missing values.

    Examples
    --------
    >>> from kzecon.panel import country_partner_panel, make_panel
    >>> p = country_partner_panel()
    >>> df, report = make_panel(p[p["partner"] == "CHN"], entity="reporter", time="year", columns=["log_trade"])
    >>> df.shape, report["missing"], report["balanced"], report["gaps"]
    ((237, 1), 3, False, {})

    Three reporter-years with no recorded trade with China (log undefined) are removed and counted; they open
    their reporters' spans, so the panel is unbalanced without gaps.
    """
    require_columns(data, [entity, time, *columns], "panel data")
    df = data[[entity, time, *columns]].copy()
    dup = df.duplicated([entity, time])
    if dup.any():
        e, t = df.loc[dup, entity].iloc[0], df.loc[dup, time].iloc[0]
        raise SchemaError(f"duplicate {entity}-{time} key: {e} {t} appears more than once")
    for c in columns:
        v = pd.to_numeric(df[c], errors="coerce")
        bad = v.isna() & df[c].notna()
        if bad.any():
            row = df[bad].iloc[0]
            raise SchemaError(f"column '{c}' is not numeric ({row[c]!r} for {row[entity]} {row[time]})")
        if np.isinf(v).any():
            row = df[np.isinf(v)].iloc[0]
            raise SchemaError(f"column '{c}' is infinite for {row[entity]} {row[time]}")
        df[c] = v
    miss = df[list(columns)].isna().any(axis=1)
    report = {"rows_in": len(df), "missing": int(miss.sum())}
    df = df[~miss]
    if df.empty:
        raise CoverageError("panel is empty after removing rows with missing values")
    periods = sorted(df[time].unique())
    gaps = {}
    for e, g in df.groupby(entity):
        span = [p for p in periods if g[time].min() <= p <= g[time].max()]
        miss_p = [p.item() if hasattr(p, "item") else p for p in sorted(set(span) - set(g[time]))]
        if miss_p:
            gaps[e] = miss_p
    report.update(entities=int(df[entity].nunique()), periods=len(periods),
                  balanced=bool(len(df) == df[entity].nunique() * len(periods)), gaps=gaps)
    return df.set_index([entity, time]).sort_index(), report


def fit(data: pd.DataFrame, dependent: str, exog: Sequence[str], *, entity: str, time: str, model: str = "fe",
        cov: str = "clustered", cluster: str = "entity", bandwidth: int | None = None,
        constant: bool = True, name: str | None = None, small_sample: str = "hc1") -> EstimationResults:
    """Estimate a linear panel model with linearmodels; returns kzecon's results shape.

    ``model``: pooled | fe (entity effects) | time_fe | twoway | re | re_twoway (two-way random effects, balanced
    panels, Swamy–Arora) | fd | between. ``constant`` adds an intercept where the model has one (pooled, re,
    between; for fd, a linear trend in levels — an intercept in differences, as R ``plm``'s "fd" model).

    Clustered errors of the fixed-effects models (fe, time_fe, twoway) are computed here from linearmodels'
    estimates — the sandwich of the within-transformed regressors and residuals, one- or two-way clustered
    (Cameron, Gelbach & Miller 2011) — with the small-sample factor ``small_sample`` (:data:`SMALL_SAMPLE`):
    linearmodels counts the time effects of a two-way model in its correction even where R plm and fixest do
    not (3–4% larger errors on plm's Produc data), so its clustered errors are not used for these models.

    Parameters
    ----------
    data : DataFrame
        Long panel data, one row per entity × time.
    dependent : str
        The outcome column.
    exog : sequence of str
        The regressors (no constant: see ``constant``).
    entity, time : str
        The entity and time columns.
    model : str, default "fe"
        ``"pooled"``, ``"fe"``, ``"time_fe"``, ``"twoway"``, ``"re"``, ``"re_twoway"``, ``"fd"``, ``"between"``.
    cov : str, default "clustered"
        ``"unadjusted"``, ``"robust"``, ``"clustered"``, ``"driscoll-kraay"``; ``re_twoway`` takes
        ``"unadjusted"`` only.
    cluster : {"entity", "time", "both"}, default "entity"
        Cluster dimension(s) when ``cov="clustered"``.
    bandwidth : int, optional
        Bartlett bandwidth of Driscoll–Kraay errors. Default None: linearmodels' automatic choice.
    constant : bool, default True
        Add an intercept (pooled, re, between) or a linear trend (fd).
    name : str, optional
        The model's name in the results. Default None: the ``model`` value.
    small_sample : {"hc1", "none", "fixest"}, default "hc1"
        Small-sample factor of clustered errors in fe, time_fe and twoway models (:data:`SMALL_SAMPLE`).

    Returns
    -------
    EstimationResults
        ``params``, ``std_errors``, ``vcov``; ``dropped`` (missing values, singleton entities); ``stats`` r2,
        r2_within, entities, periods, balanced; ``info`` dependent, model, covariance, entity, time, rows_in.

    Raises
    ------
    SchemaError
        Unknown ``model``, ``cov``, ``small_sample`` or ``cluster``; Driscoll–Kraay errors for the between
        estimator; two-way RE with other than unadjusted errors; the data problems of :func:`make_panel`.
    SpecificationError
        A single entity; a constant regressor; regressors collinear or absorbed by the effects; two-way RE on an
        unbalanced panel.
    CoverageError
        No rows left after removing missing values.

    Warns
    -----
    DataQualityWarning
        An unbalanced panel with gaps inside entities' spans.

    See Also
    --------
    hausman : FE against RE.
    absorbing : many fixed effects.

    Examples
    --------
    Trade with Russia against the reporter's total trade, within reporters, clustered by reporter:

    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]),
    ...                                       trend=lambda d: d["year"] - 1995)
    >>> r = fit(rus, "log_trade", ["log_total"], entity="reporter", time="year", model="fe")
    >>> print(round(r.params["log_total"], 3), round(r.std_errors["log_total"], 3))
    0.776 0.044
    >>> r.info["covariance"]
    'clustered by entity (hc1 small-sample factor)'
    """
    from linearmodels.panel import BetweenOLS, FirstDifferenceOLS, PanelOLS, PooledOLS, RandomEffects

    if model not in MODELS:
        raise SchemaError(f"model must be one of {', '.join(MODELS)}, got {model!r}")
    if cov not in COVS:
        raise SchemaError(f"cov must be one of {', '.join(COVS)}, got {cov!r}")
    if small_sample not in SMALL_SAMPLE:
        raise SchemaError(f"small_sample must be one of {', '.join(SMALL_SAMPLE)}, got {small_sample!r}")
    if model == "re_twoway":
        return _re_twoway(data, dependent, exog, entity=entity, time=time, cov=cov, name=name)
    df, rep = make_panel(data, entity=entity, time=time, columns=[dependent, *exog])
    drops = [("missing values", rep["missing"])]
    if model in ("fe", "twoway", "fd"):
        counts = df.groupby(level=0).size()
        single = counts[counts == 1].index
        if len(single):
            drops.append((f"singleton {entity} (one period: no within variation)", int(len(single))))
            df = df[~df.index.get_level_values(0).isin(single)]
    if df.index.get_level_values(0).nunique() < 2:
        raise SpecificationError(f"panel has a single {entity}: entity effects and clustered errors are undefined")
    if rep["gaps"]:
        first = next(iter(rep["gaps"].items()))
        warnings.warn(f"unbalanced panel: {len(rep['gaps'])} {entity}(s) have gaps (e.g. {first[0]}: {first[1][:5]})",
                      DataQualityWarning, stacklevel=2)
    y = df[dependent]
    X = df[list(exog)].copy()
    for c in X.columns:
        if X[c].nunique() <= 1:
            raise SpecificationError(f"regressor '{c}' is constant: its effect is not identified")
    if constant and model in ("pooled", "re", "between"):
        X.insert(0, "const", 1.0)
    if constant and model == "fd":
        X["trend"] = (df.index.get_level_values(1) - df.index.get_level_values(1).min()).astype(float)
    cls = {"pooled": PooledOLS, "re": RandomEffects, "fd": FirstDifferenceOLS, "between": BetweenOLS}
    if model == "re" and not rep["balanced"]:  # plm's Swamy-Arora components for unbalanced panels (see below)
        y, X = _swar_unbalanced(y, X)
        model_cls = PooledOLS
    else:
        model_cls = cls.get(model)
    try:
        if model_cls is not None:
            mod = model_cls(y, X)
        else:
            mod = PanelOLS(y, X, entity_effects=model in ("fe", "twoway"), time_effects=model in ("time_fe", "twoway"),
                           drop_absorbed=False)
        kw = _cov_kwargs(cov, cluster, bandwidth, model)
        res = mod.fit(**kw)
    except ValueError as err:
        msg = str(err)
        if "rank" in msg.lower() or "absorb" in msg.lower() or "collinear" in msg.lower():
            raise SpecificationError(f"{dependent} ~ {' + '.join(exog)} ({model}): regressors are collinear or "
                                     f"absorbed by the effects ({msg.splitlines()[0]})") from err
        raise
    se = res.std_errors
    V = pd.DataFrame(res.cov)
    cov_label = _cov_label(cov, cluster, bandwidth)
    if cov == "clustered" and model in ("fe", "time_fe", "twoway"):
        V = clustered_within_cov(df, dependent, list(exog), res.params, model=model, cluster=cluster,
                                 small_sample=small_sample)
        se = pd.Series(np.sqrt(np.diag(V)), index=res.params.index)
        V = pd.DataFrame(V, index=res.params.index, columns=res.params.index)
        cov_label += f" ({small_sample} small-sample factor)"
    return EstimationResults(
        model=name or f"{model}", params=res.params, std_errors=se, nobs=int(res.nobs),
        df_resid=float(res.df_resid), dropped=dropped_table(*drops),
        stats={"r2": float(res.rsquared), "r2_within": float(getattr(res, "rsquared_within", np.nan)),
               "entities": int(res.entity_info["total"]), "periods": int(res.time_info["total"]),
               "balanced": rep["balanced"]},
        info={"dependent": dependent, "model": model, "covariance": cov_label,
              "entity": entity, "time": time, "rows_in": rep["rows_in"]}, vcov=V, backend=res)


def _swar_unbalanced(y: pd.Series, X: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame]:
    """Random effects on an unbalanced panel as R plm's ``model = "random"`` (Swamy–Arora, ``dfcor = 3``, the
    quadratic forms of the within and the (observation-weighted) Between estimators; plm's ``ercomp``): σ²_ν from the
    within residuals / (O − N − K), σ²_η from Σᵢ Tᵢ ēᵢ² of the Between residuals, corrected by trace terms; the
    data quasi-demeaned by θᵢ = 1 − √(σ²_ν / (Tᵢσ²_η + σ²_ν)). Returns the transformed (y, X) for OLS.
    Why by hand: linearmodels' RandomEffects estimates the components otherwise on unbalanced panels (its estimates
    differ from plm's by 0.03–0.14% on EmplUK); equal to plm to 1e-13 there (tests/references/panel)."""
    codes = pd.factorize(y.index.get_level_values(0))[0]
    N, n_obs = codes.max() + 1, len(y)
    T = np.bincount(codes).astype(float)

    def means(a: np.ndarray) -> np.ndarray:
        a = a.reshape(n_obs, -1)
        return (np.column_stack([np.bincount(codes, a[:, j], N) for j in range(a.shape[1])]) / T[:, None])[codes]

    Z = X.to_numpy(dtype=float)
    yv = y.to_numpy(dtype=float)
    slopes = [j for j, c in enumerate(X.columns) if c != "const"]
    Xs = Z[:, slopes]
    xw, yw = Xs - means(Xs), yv - means(yv)[:, 0]
    q1 = float(np.sum((yw - xw @ np.linalg.lstsq(xw, yw, rcond=None)[0]) ** 2))
    zb, yb = means(Z), means(yv)[:, 0]
    e = yv - Z @ np.linalg.lstsq(zb, yb, rcond=None)[0]
    q2 = float(np.sum(means(e)[:, 0] ** 2))
    K = len(slopes)
    m_eta = n_obs - np.trace(np.linalg.solve(zb.T @ zb, (zb * T[codes][:, None]).T @ Z))
    s2nu = q1 / (n_obs - N - K)
    s2eta = max((q2 - (N - K - 1) * s2nu) / m_eta, 0.0)
    theta = (1 - np.sqrt(s2nu / (T * s2eta + s2nu)))[codes]
    ys = pd.Series(yv - theta * yb, index=y.index, name=y.name)
    Xt = pd.DataFrame(Z - theta[:, None] * zb, index=X.index, columns=X.columns)
    return ys, Xt


def clustered_within_cov(df: pd.DataFrame, dependent: str, exog: Sequence[str], params: pd.Series, *, model: str,
                         cluster: str, small_sample: str = "hc1") -> np.ndarray:
    """Clustered covariance of a fixed-effects panel model's slopes: V = c · (X̃'X̃)⁻¹ M (X̃'X̃)⁻¹ with X̃ the within-
    transformed regressors (exact for unbalanced panels: :func:`kzecon.hdfe.within`), M the sum over clusters of
    the outer products of X̃'û (for ``cluster="both"``: entity + time − entity×time, Cameron, Gelbach & Miller
    2011) and c the factor of ``small_sample``. ``df`` is indexed by (entity, time).

    Parameters
    ----------
    df : DataFrame
        The estimation sample, indexed by (entity, time) as :func:`make_panel` returns it.
    dependent : str
        The outcome column.
    exog : sequence of str
        The regressors (the slopes of ``params``).
    params : Series
        The estimated slopes, indexed by name.
    model : {"fe", "time_fe", "twoway"}
        Which effects are swept out.
    cluster : {"entity", "time", "both"}
        Cluster dimension(s).
    small_sample : {"hc1", "none", "fixest"}, default "hc1"
        The factor c (:data:`SMALL_SAMPLE`).

    Returns
    -------
    ndarray
        K × K covariance of the slopes.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]),
    ...                                       trend=lambda d: d["year"] - 1995)
    >>> from kzecon.panel.models import clustered_within_cov, make_panel
    >>> r = fit(rus, "log_trade", ["log_total"], entity="reporter", time="year", model="fe")
    >>> df, _ = make_panel(rus, entity="reporter", time="year", columns=["log_trade", "log_total"])
    >>> V = clustered_within_cov(df, "log_trade", ["log_total"], r.params, model="fe", cluster="entity")
    >>> print(round(float(np.sqrt(V[0, 0])), 3))
    0.044
    """
    from kzecon import hdfe

    ent = df.index.get_level_values(0)
    tim = df.index.get_level_values(1)
    fes = {"fe": [ent], "time_fe": [tim], "twoway": [ent, tim]}[model]
    names = {"fe": ["entity"], "time_fe": ["time"], "twoway": ["entity", "time"]}[model]
    structure = hdfe.FixedEffects.from_arrays([np.asarray(f) for f in fes], names)
    Xt = hdfe.within(df[list(exog)].to_numpy(dtype=float), structure)
    yt = hdfe.within(df[dependent].to_numpy(dtype=float), structure)
    u = yt - Xt @ params[list(exog)].to_numpy()
    bread = np.linalg.inv(Xt.T @ Xt)
    n, k = Xt.shape

    def meat(codes):
        g, _ = pd.factorize(codes)
        s = np.column_stack([np.bincount(g, weights=Xt[:, j] * u, minlength=g.max() + 1) for j in range(k)])
        return s.T @ s, int(g.max() + 1)

    if cluster == "both":
        m_e, g_e = meat(ent)
        m_t, g_t = meat(tim)
        m_et, _ = meat(pd.MultiIndex.from_arrays([ent, tim]))
        M, G, nested = m_e + m_t - m_et, min(g_e, g_t), []
    else:
        M, G = meat(ent if cluster == "entity" else tim)
        nested = ["entity"] if cluster == "entity" else ["time"]
    if small_sample == "hc1":
        c = n / (n - k)
    elif small_sample == "none":
        c = 1.0
    else:  # fixest's ssc(fixef.K = "nested"): every effect counted (one reference less for each after the first),
        # then an effect nested in a cluster dimension counted as one parameter only (R fixest's VCOV.R)
        sizes = {nm: int(pd.Series(np.asarray(f)).nunique()) for nm, f in zip(names, fes, strict=True)}
        if cluster == "both":
            nested = list(names)
        extra = sum(sizes.values()) - (len(sizes) - 1) - sum(sizes[nm] - 1 for nm in nested if nm in sizes)
        c = G / (G - 1) * (n - 1) / (n - k - extra)
    return c * bread @ M @ bread


def _re_twoway(data, dependent, exog, *, entity, time, cov, name) -> EstimationResults:
    """Two-way random effects (Swamy–Arora variance components, balanced panels) as R plm's
    ``model = "random", effect = "twoways"``: GLS by quasi-demeaning, Baltagi (2021, ch. 3.3):
    y* = y − θ₁ȳᵢ − θ₂ȳₜ + θ₃ȳ with θ₁ = 1 − σᵥ/λ₂, θ₂ = 1 − σᵥ/λ₃, θ₃ = θ₁ + θ₂ + σᵥ/λ₄ − 1, where σᵥ² comes
    from the two-way within residuals, λ₂² = T·(between-entity residual variance), λ₃² = N·(between-time residual
    variance) and λ₄² = λ₂² + λ₃² − σᵥ². Written here because no kept Python library offers two-way random effects
    (linearmodels' RandomEffects is one-way); checked against plm on Produc."""
    if cov != "unadjusted":
        raise SchemaError("two-way random effects are estimated with conventional (unadjusted) errors only")
    df, rep = make_panel(data, entity=entity, time=time, columns=[dependent, *exog])
    if not rep["balanced"]:
        raise SpecificationError(f"two-way random effects are implemented for balanced panels only (Swamy–Arora); "
                                 f"this panel has {len(df)} rows for {rep['entities']} {entity}s × {rep['periods']} "
                                 f"{time}s")
    N, T = rep["entities"], rep["periods"]
    y = df[dependent].to_numpy(dtype=float)
    X = df[list(exog)].to_numpy(dtype=float)
    K = X.shape[1]
    ent, tim = df.index.get_level_values(0), df.index.get_level_values(1)

    def means(v, by):
        return pd.DataFrame(v).groupby(np.asarray(by)).transform("mean").to_numpy()

    def ssr(yy, XX):
        b = np.linalg.lstsq(XX, yy, rcond=None)[0]
        r = yy - XX @ b
        return float(r @ r)

    Y, XX = y[:, None], X
    yw = (Y - means(Y, ent) - means(Y, tim) + Y.mean())[:, 0]
    Xw = XX - means(XX, ent) - means(XX, tim) + XX.mean(axis=0)
    s2_nu = ssr(yw, Xw) / ((N - 1) * (T - 1) - K)
    one = np.ones((len(y), 1))
    # between regressions on the N·T rows (each entity's means repeated T times): their SSR is T × the SSR of
    # the N-row between regression, so SSR / (N − K − 1) estimates λ₂² = T·σ_μ² + σ_ν² (likewise λ₃² with N)
    yb_i = means(Y, ent)[:, 0]
    lam2 = ssr(yb_i, np.column_stack([one, means(XX, ent)])) / (N - K - 1)
    yb_t = means(Y, tim)[:, 0]
    lam3 = ssr(yb_t, np.column_stack([one, means(XX, tim)])) / (T - K - 1)
    s2_mu = max((lam2 - s2_nu) / T, 0.0)
    s2_la = max((lam3 - s2_nu) / N, 0.0)
    L2 = np.sqrt(T * s2_mu + s2_nu)
    L3 = np.sqrt(N * s2_la + s2_nu)
    L4 = np.sqrt(T * s2_mu + N * s2_la + s2_nu)
    s_nu = np.sqrt(s2_nu)
    th1, th2 = 1 - s_nu / L2, 1 - s_nu / L3
    th3 = th1 + th2 + s_nu / L4 - 1
    Z = np.column_stack([one, XX])
    ys = y - th1 * yb_i - th2 * yb_t + th3 * y.mean()
    Zs = Z - th1 * means(Z, ent) - th2 * means(Z, tim) + th3 * Z.mean(axis=0)
    beta = np.linalg.lstsq(Zs, ys, rcond=None)[0]
    r = ys - Zs @ beta
    sigma2 = float(r @ r) / (len(y) - K - 1)
    V = sigma2 * np.linalg.inv(Zs.T @ Zs)
    names = ["const", *exog]
    return EstimationResults(
        model=name or "re_twoway", params=pd.Series(beta, index=names), std_errors=pd.Series(np.sqrt(np.diag(V)),
                                                                                             index=names),
        nobs=len(y), df_resid=float(len(y) - K - 1), dropped=dropped_table(("missing values", rep["missing"])),
        stats={"sigma2_idios": s2_nu, "sigma2_entity": s2_mu, "sigma2_time": s2_la, "theta_entity": th1,
               "theta_time": th2, "theta_overall": th3, "entities": N, "periods": T, "balanced": True},
        info={"dependent": dependent, "model": "re_twoway", "covariance": "unadjusted",
              "variance_components": "Swamy–Arora", "entity": entity, "time": time, "rows_in": rep["rows_in"]},
        vcov=pd.DataFrame(V, index=names, columns=names))


def _cov_kwargs(cov, cluster, bandwidth, model):
    if cov == "unadjusted":
        return {"cov_type": "unadjusted"}
    if cov == "robust":
        return {"cov_type": "robust"}
    if cov == "clustered":
        if cluster not in ("entity", "time", "both"):
            raise SchemaError(f"cluster must be entity, time or both, got {cluster!r}")
        kw = {"cov_type": "clustered"}
        if cluster in ("entity", "both"):
            kw["cluster_entity"] = True
        if cluster in ("time", "both"):
            kw["cluster_time"] = True
        return kw
    if model in ("between",):
        raise SchemaError("Driscoll–Kraay errors need a time dimension; the between estimator has none")
    return {"cov_type": "kernel", "kernel": "bartlett", **({"bandwidth": bandwidth} if bandwidth is not None else {})}


def _cov_label(cov, cluster, bandwidth):
    if cov == "clustered":
        return f"clustered by {cluster}"
    if cov == "driscoll-kraay":
        return f"Driscoll–Kraay (Bartlett, bandwidth {bandwidth if bandwidth is not None else 'automatic'})"
    return cov


def hausman(fe: EstimationResults, re: EstimationResults, level: float = 0.05) -> TestResult:
    """Hausman test of RE against FE on their common slopes: (b_FE − b_RE)'[V_FE − V_RE]⁻¹(b_FE − b_RE) ~ χ²(k).

    Use conventional (unadjusted) covariances for both, as the classical test assumes (R ``plm::phtest``).

    Parameters
    ----------
    fe, re : EstimationResults
        Fixed- and random-effects fits of the same model (:func:`fit` with ``model="fe"`` and ``"re"``).
    level : float, default 0.05
        Significance level of the decision.

    Returns
    -------
    TestResult
        The χ² statistic, its p-value (df = number of common slopes) and the decision; H0: random effects are
        consistent. The difference of covariances is inverted by pseudo-inverse; it need not be positive definite
        in a sample, and then the statistic can be negative (p = 1), as in ``plm::phtest``.

    Raises
    ------
    SpecificationError
        The fits share no slope.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit, hausman
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]),
    ...                                       trend=lambda d: d["year"] - 1995)
    >>> kw = dict(entity="reporter", time="year", cov="unadjusted")
    >>> fe = fit(rus, "log_trade", ["log_total", "trend"], model="fe", **kw)
    >>> re = fit(rus, "log_trade", ["log_total", "trend"], model="re", **kw)
    >>> h = hausman(fe, re)
    >>> print(round(h.statistic, 3), round(h.p_value, 4))
    12.956 0.0015
    """
    common = [c for c in fe.params.index if c in re.params.index and c != "const"]
    if not common:
        raise SpecificationError("FE and RE share no slope coefficients")
    d = (fe.params[common] - re.params[common]).to_numpy()
    V = (fe.vcov.loc[common, common] - re.vcov.loc[common, common]).to_numpy()
    stat = float(d @ np.linalg.pinv(V) @ d)
    k = len(common)
    return TestResult("Hausman (FE vs RE)", stat, float(stats.chi2.sf(stat, k)), "random effects consistent",
                      level, None, fe.nobs, {}, {"df": k})


def absorbing(data: pd.DataFrame, dependent: str, exog: Sequence[str], absorb: Sequence[str], *,
              cluster: str | None = None, name: str = "absorbing") -> EstimationResults:
    """OLS with high-dimensional categorical effects absorbed (linearmodels ``AbsorbingLS``).

    Parameters
    ----------
    data : DataFrame
        The data (any layout: no panel index needed).
    dependent : str
        The outcome column.
    exog : sequence of str
        The regressors.
    absorb : sequence of str
        Categorical columns whose effects are absorbed (e.g. ``["reporter", "year"]``).
    cluster : str, optional
        A column to cluster by. Default None: heteroskedasticity-robust errors.
    name : str, default "absorbing"
        The model's name in the results.

    Returns
    -------
    EstimationResults
        ``params``, ``std_errors``, ``vcov``, ``stats['r2']``; ``dropped`` counts rows with missing values.

    Raises
    ------
    SchemaError
        A column is missing.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, absorbing
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]),
    ...                                       trend=lambda d: d["year"] - 1995)
    >>> r = absorbing(rus, "log_trade", ["log_total"], ["reporter", "year"], cluster="reporter")
    >>> print(round(r.params["log_total"], 3), r.nobs)
    0.582 240
    """
    from linearmodels.iv.absorbing import AbsorbingLS

    require_columns(data, [dependent, *exog, *absorb] + ([cluster] if cluster else []), "panel data")
    df = data[[dependent, *exog, *absorb] + ([cluster] if cluster and cluster not in absorb else [])].dropna()
    n_miss = len(data) - len(df)
    cats = pd.DataFrame({a: pd.Categorical(df[a]) for a in absorb}, index=df.index)
    mod = AbsorbingLS(df[dependent], df[list(exog)], absorb=cats, drop_absorbed=False)
    kw = {"cov_type": "clustered", "clusters": pd.Categorical(df[cluster]).codes} if cluster else {"cov_type": "robust"}
    res = mod.fit(**kw)
    return EstimationResults(model=name, params=res.params, std_errors=res.std_errors, nobs=int(res.nobs),
                             df_resid=float(res.df_resid), dropped=dropped_table(("missing values", n_miss)),
                             stats={"r2": float(res.rsquared)},
                             info={"absorbed": " + ".join(absorb), "covariance": f"clustered by {cluster}" if cluster
                                   else "robust"}, vcov=pd.DataFrame(res.cov), backend=res)
