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
    """Country-level and flow-level changes of a GE counterfactual."""

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
        counterfactual flow)."""
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
    log t^(1−σ), e.g. ``-beta_rta * rta``) for one year. ``kind``: ``"conditional"`` or ``"full"``."""
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
