"""General-equilibrium counterfactuals of structural gravity (Yotov et al. 2016, ch. 2; Anderson, Larch & Yotov 2018).

Given baseline flows X_ij of one year — every exporter × importer including intra-national flows X_ii — and a
change in bilateral trade costs expressed as Δ_ij = change in log t_ij^(1−σ) (e.g. −β·RTA_ij to remove an RTA
estimated at β), solve in changes ("exact hat algebra"):

* **conditional GE** — outputs Y_i and expenditures E_j fixed, multilateral resistances adjust:
  Π̂_i^(1−σ) = Σ_j (X_ij / Y_i) e^Δij / P̂_j^(1−σ),  P̂_j^(1−σ) = Σ_i (X_ij / E_j) e^Δij / Π̂_i^(1−σ),
  X'_ij = X_ij e^Δij / (Π̂_i^(1−σ) P̂_j^(1−σ)); this is what PPML with exporter and importer fixed effects and
  the counterfactual costs as an offset delivers (the GEPPML step 2; tests check the two agree);
* **full endowment GE** — factory-gate prices p̂_i adjust, Ŷ_i = p̂_i, E'_j = p̂_j Y_j + D_j with the trade
  deficit D_j held fixed in units of the numeraire, world output (Dekle–Eaton–Kortum (2007)'s closure; holding the
  ratios E_j/Y_j fixed instead, as the Advanced Guide does, cannot clear every market when trade is unbalanced):
  p̂_i^σ = Σ_j X_ij e^Δij Ê_j / P̂_j^(1−σ) / Y_i with P̂_j^(1−σ) = Σ_i (X_ij/E_j) e^Δij p̂_i^(1−σ), Σ_i p̂_i Y_i = Σ_i Y_i.
  Real GDP change: Ŷ_i / P̂_i.

Written here (not gegravity) because the fixed points are a few lines of numpy, and gegravity's input layer
expects its own baseline/estimates objects; the PPML cross-check ties this solver to the estimator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kzecon.data.validate import require_columns
from kzecon.errors import ConvergenceError, CoverageError, SchemaError, UsageError
from kzecon.results import results_class


@results_class
@dataclass(frozen=True)
class GEResult:
    """Country-level and flow-level changes of a GE counterfactual.

    Made by :func:`counterfactual`.

    Attributes
    ----------
    kind : str
        ``"conditional"`` or ``"full"``.
    sigma : float
        The elasticity of substitution σ.
    countries : DataFrame
        One row per country: country, exports_pct, imports_pct (international trade), output_pct,
        factory_price_pct, omr_pct, imr_pct (outward and inward multilateral resistance), real_gdp_pct — changes
        in %; factory prices and real GDP are NaN in a conditional run.
    flows : DataFrame
        One row per exporter × importer: exporter, importer, baseline, counterfactual, change_pct.
    iterations : int
        Fixed-point iterations to convergence.
    info : dict
        ``reference`` (the numeraire country of the conditional step) and ``tol``.

    Examples
    --------
    Removing every RTA of 2006, with the Advanced Guide's PPML estimate 0.567 and σ = 7:

    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import counterfactual
    >>> g = load_gravity()
    >>> base = g[g["year"] == 2006].assign(delta=lambda d: -0.567 * d["rta"])
    >>> ge = counterfactual(base, "delta", sigma=7, kind="full")
    >>> print(ge.summary())
    GE counterfactual (full, σ = 7): 69 countries, 4761 flows, converged in 487 iterations; real_gdp_pct change from
    -4.18% (MEX) to 0.13% (KWT)
    >>> ge.to_frame().set_index("country").loc[["CAN", "MEX", "USA"], ["exports_pct", "real_gdp_pct"]].round(2)
             exports_pct  real_gdp_pct
    country
    CAN           -24.84         -3.90
    MEX           -29.65         -4.18
    USA           -13.28         -0.41
    """

    kind: str
    sigma: float
    countries: pd.DataFrame  # country, exports/imports/output/omr/imr/real_gdp changes (%)
    flows: pd.DataFrame  # exporter, importer, baseline, counterfactual, change_pct
    iterations: int
    info: Any = field(default_factory=dict)

    @property
    def nobs(self) -> int:
        """Country pairs in the counterfactual."""
        return len(self.flows)

    def to_frame(self, *, table: str = "countries") -> pd.DataFrame:
        """The country table (changes in %, the default) or ``table="flows"`` (every pair's baseline and
        counterfactual flow).

        Parameters
        ----------
        table : {"countries", "flows"}, default "countries"
            Which table: one row per country, or one per exporter × importer.

        Returns
        -------
        DataFrame
            A copy of :attr:`countries` or :attr:`flows`.

        Raises
        ------
        UsageError
            ``table`` is neither "countries" nor "flows".
        """
        if table not in ("countries", "flows"):
            raise UsageError(f"table must be 'countries' or 'flows', got {table!r}")
        return (self.countries if table == "countries" else self.flows).copy()

    def summary(self) -> str:
        """Kind, elasticity, countries, flows, iterations and the largest real-GDP changes."""
        c = self.countries
        col = "real_gdp_pct" if c["real_gdp_pct"].notna().any() else "exports_pct"  # no welfare in a conditional run
        lo, hi = c.loc[c[col].idxmin()], c.loc[c[col].idxmax()]
        return (f"GE counterfactual ({self.kind}, σ = {self.sigma:g}): {len(c)} countries, {len(self.flows)} flows, "
                f"converged in {self.iterations} iterations; {col} change from {lo[col]:.2f}% ({lo['country']}) to "
                f"{hi[col]:.2f}% ({hi['country']})")


def _matrix(flows: pd.DataFrame, value: str) -> tuple[list, np.ndarray]:
    require_columns(flows, ["exporter", "importer", value], "GE baseline")
    countries = sorted(set(flows["exporter"]) | set(flows["importer"]))
    X = flows.pivot_table(index="exporter", columns="importer", values=value, aggfunc="sum").reindex(
        index=countries, columns=countries)
    if X.isna().any().any():
        i, j = np.argwhere(X.isna().to_numpy())[0]
        raise CoverageError(f"GE baseline must hold every exporter × importer pair incl. intra-national flows; "
                            f"{countries[i]}→{countries[j]} is missing")
    A = X.to_numpy(dtype=float)
    if (A < 0).any():
        raise SchemaError("GE baseline has negative flows")
    if (np.diag(A) <= 0).any():
        c = countries[int(np.argmax(np.diag(A) <= 0))]
        raise CoverageError(f"GE needs positive intra-national flows; {c}→{c} is zero or missing")
    return countries, A


def counterfactual(flows: pd.DataFrame, delta: str, *, value: str = "flow", sigma: float = 7.0,
                   kind: str = "full", reference: str | None = None, tol: float = 1e-12,
                   maxiter: int = 100_000) -> GEResult:
    """Solve a GE counterfactual. ``flows``: exporter, importer, baseline ``value`` and ``delta`` (change in
    log t^(1−σ), e.g. ``-beta_rta * rta``) for one year. ``kind``: ``"conditional"`` or ``"full"``.

    Parameters
    ----------
    flows : DataFrame
        One year's baseline: ``exporter``, ``importer``, ``value`` and ``delta``, for every exporter × importer pair
        including the intra-national flows (positive); rows of one pair are summed.
    delta : str
        The column of changes in log t_ij^(1−σ): 0 for pairs whose costs do not change (missing pairs count as 0).
    value : str, default "flow"
        The column of baseline flows (any one currency unit).
    sigma : float, default 7.0
        Elasticity of substitution σ (> 1); used by the full endowment GE and the multilateral resistances.
    kind : {"full", "conditional"}, default "full"
        Full endowment GE (factory-gate prices adjust, deficits fixed) or conditional GE (outputs and expenditures
        fixed).
    reference : str, optional
        The country whose inward resistance is the numeraire of the conditional step. Default None: the first
        country in alphabetical order.
    tol : float, default 1e-12
        Convergence tolerance on the largest change in log of the fixed point's unknowns.
    maxiter : int, default 100000
        The most fixed-point iterations.

    Returns
    -------
    GEResult
        The country table and the flow table (changes in %), the iterations and the numeraire.

    Raises
    ------
    SchemaError
        ``sigma`` ≤ 1; a missing column; negative flows; an unknown ``reference`` or ``kind``.
    CoverageError
        An exporter × importer pair missing, or a zero intra-national flow.
    ConvergenceError
        No convergence in ``maxiter`` iterations, or (full GE) a country's expenditure turns negative.

    Examples
    --------
    Removing every RTA of 2006 (the Advanced Guide's PPML estimate 0.567), outputs held fixed:

    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import counterfactual
    >>> g = load_gravity()
    >>> base = g[g["year"] == 2006].assign(delta=lambda d: -0.567 * d["rta"])
    >>> ge = counterfactual(base, "delta", kind="conditional")
    >>> ge.to_frame(table="flows").head(3).round(1)
      exporter importer  baseline  counterfactual  change_pct
    0      ARG      ARG   32313.4         32663.0         1.1
    1      ARG      AUS     107.8           117.0         8.5
    2      ARG      AUT      25.2            25.7         1.9
    """
    if sigma <= 1:
        raise SchemaError(f"sigma (elasticity of substitution) must exceed 1, got {sigma}")
    countries, X = _matrix(flows, value)
    D = flows.pivot_table(index="exporter", columns="importer", values=delta, aggfunc="sum").reindex(
        index=countries, columns=countries).fillna(0.0).to_numpy()
    eD = np.exp(D)
    Y, E = X.sum(axis=1), X.sum(axis=0)
    ref = reference or countries[0]  # numeraire of the conditional step (its inward resistance is fixed)
    if ref not in countries:
        raise SchemaError(f"reference country {ref!r} is not in the baseline")
    r = countries.index(ref)
    sh_out = X / Y[:, None]  # X_ij / Y_i
    sh_in = X / E[None, :]  # X_ij / E_j
    it = 0
    if kind == "conditional":
        Bhat = np.ones(len(countries))
        for it in range(1, maxiter + 1):  # noqa: B007 - `it` is reported after the loop
            Ahat = (sh_out * eD / Bhat[None, :]).sum(axis=1)
            Bnew = (sh_in * eD / Ahat[:, None]).sum(axis=0)
            Bnew = Bnew / Bnew[r]  # numeraire: P̂_ref = 1
            if np.max(np.abs(np.log(Bnew / Bhat))) < tol:
                Bhat = Bnew
                break
            Bhat = Bnew
        else:
            raise ConvergenceError(f"conditional GE did not converge in {maxiter} iterations")
        Ahat = (sh_out * eD / Bhat[None, :]).sum(axis=1)
        Xc = X * eD / (Ahat[:, None] * Bhat[None, :])
        p = np.ones(len(countries))
    elif kind == "full":
        p = np.ones(len(countries))
        D = E - Y  # trade deficits, held fixed in units of the numeraire (world output)
        for it in range(1, maxiter + 1):  # noqa: B007 - `it` is reported after the loop
            Ehat = (p * Y + D) / E
            Bhat = (sh_in * eD * p[:, None] ** (1 - sigma)).sum(axis=0)  # P̂_j^(1−σ)
            pn = ((X * eD * (Ehat / Bhat)[None, :]).sum(axis=1) / Y) ** (1 / sigma)
            pn = pn * Y.sum() / (pn * Y).sum()  # numeraire: world output unchanged
            if np.max(np.abs(np.log(pn / p))) < tol:
                p = pn
                break
            p = 0.5 * p + 0.5 * pn
        else:
            raise ConvergenceError(f"full-endowment GE did not converge in {maxiter} iterations")
        Ehat = (p * Y + D) / E
        if (Ehat <= 0).any():
            raise ConvergenceError("full-endowment GE: a country's expenditure turned negative (its fixed deficit "
                                   "exceeds its new output)")
        Bhat = (sh_in * eD * p[:, None] ** (1 - sigma)).sum(axis=0)
        Xc = X * eD * p[:, None] ** (1 - sigma) * (Ehat / Bhat)[None, :]
        Ahat = (sh_out * eD * (Ehat / Bhat)[None, :]).sum(axis=1)  # Π̂_i^(1−σ)
    else:
        raise SchemaError(f"kind must be 'conditional' or 'full', got {kind!r}")
    off = ~np.eye(len(countries), dtype=bool)
    exp0, exp1 = (X * off).sum(axis=1), (Xc * off).sum(axis=1)
    imp0, imp1 = (X * off).sum(axis=0), (Xc * off).sum(axis=0)
    imr = Bhat ** (1 / (1 - sigma))
    omr = Ahat ** (1 / (1 - sigma))
    out_change = Xc.sum(axis=1) / Y
    if kind == "conditional":  # outputs are held fixed: prices and real GDP are not defined in this step
        p = np.full(len(countries), np.nan)
    table = pd.DataFrame({
        "country": countries, "exports_pct": 100 * (exp1 / exp0 - 1), "imports_pct": 100 * (imp1 / imp0 - 1),
        "output_pct": 100 * (out_change - 1), "factory_price_pct": 100 * (p - 1),
        "omr_pct": 100 * (omr - 1), "imr_pct": 100 * (imr - 1),
        "real_gdp_pct": 100 * (out_change / imr - 1) if kind == "full" else np.nan})
    fl = pd.DataFrame({"exporter": np.repeat(countries, len(countries)), "importer": np.tile(countries, len(countries)),
                       "baseline": X.ravel(), "counterfactual": Xc.ravel()})
    fl["change_pct"] = 100 * (fl["counterfactual"] / fl["baseline"] - 1)
    return GEResult(kind=kind, sigma=sigma, countries=table, flows=fl, iterations=it,
                    info={"reference": ref, "tol": tol})
