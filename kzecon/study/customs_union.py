"""The panel analyses behind ``kzecon panel``: Kazakhstan's partner panel and the customs-union DiD."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.data import load_gdp
from kzecon.panel.data import country_partner_panel, kazakhstan_partner_panel
from kzecon.panel.did import did, event_study, event_table, staggered
from kzecon.panel.models import fit, hausman
from kzecon.results import EstimationResults, ResultsSet, TestResult, results_class


class PartnerModels(ResultsSet):
    """Kazakhstan's partner panel fits by name (a :class:`kzecon.results.ResultsSet`: pooled, fe, twoway_dk, re, fd,
    between) with the Hausman test of RE against FE (``hausman``, a :class:`TestResult`). Made by
    :func:`partner_models`.

    Parameters
    ----------
    fits : dict of {str: kzecon.results.EstimationResults}
        The fits by name, in display order.
    hausman : kzecon.results.TestResult
        The Hausman test of random against fixed effects (:func:`kzecon.panel.models.hausman`).

    Attributes
    ----------
    hausman : kzecon.results.TestResult
        The Hausman test.

    Notes
    -----
    :func:`partner_models` fits eight models (several seconds); the example builds the set from two of them.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.data import load_gdp
    >>> from kzecon.panel.data import kazakhstan_partner_panel
    >>> from kzecon.panel.models import fit, hausman
    >>> from kzecon.study.customs_union import PartnerModels
    >>> p = kazakhstan_partner_panel().merge(load_gdp()[["iso3", "year", "gdp_usd"]].rename(
    ...     columns={"iso3": "partner"}), on=["partner", "year"])
    >>> p["log_gdp"] = np.log(p["gdp_usd"])
    >>> kw = {"entity": "partner", "time": "year", "cov": "unadjusted"}
    >>> fe = fit(p, "log_trade", ["log_gdp"], model="fe", name="fe", **kw)
    >>> re = fit(p, "log_trade", ["log_gdp"], model="re", name="re", **kw)
    >>> m = PartnerModels({"fe": fe, "re": re}, hausman(fe, re))
    >>> list(m)
    ['fe', 're']
    >>> print(m.hausman.summary())
    Hausman (FE vs RE): statistic 0.6364, p = 0.425, n = 4172: do not reject H0 (random effects consistent) at 5%
    """

    def __init__(self, fits, hausman: TestResult):
        super().__init__(fits)
        self.hausman = hausman

    def __reduce__(self):
        return (PartnerModels, (dict(self), self.hausman))

    def summary(self, digits: int = 3) -> str:
        """The fits side by side and the Hausman test.

        Parameters
        ----------
        digits : int, default 3
            Decimals of the estimates and standard errors.

        Returns
        -------
        str
            The table of the fits (estimate and standard error of each term, N), then the Hausman test's line.

        Examples
        --------
        >>> import numpy as np
        >>> from kzecon.data import load_gdp
        >>> from kzecon.panel.data import kazakhstan_partner_panel
        >>> from kzecon.panel.models import fit, hausman
        >>> from kzecon.study.customs_union import PartnerModels
        >>> p = kazakhstan_partner_panel().merge(load_gdp()[["iso3", "year", "gdp_usd"]].rename(
        ...     columns={"iso3": "partner"}), on=["partner", "year"])
        >>> p["log_gdp"] = np.log(p["gdp_usd"])
        >>> kw = {"entity": "partner", "time": "year", "cov": "unadjusted"}
        >>> fe = fit(p, "log_trade", ["log_gdp"], model="fe", name="fe", **kw)
        >>> re = fit(p, "log_trade", ["log_gdp"], model="re", name="re", **kw)
        >>> m = PartnerModels({"fe": fe, "re": re}, hausman(fe, re))
        >>> print(m.summary(digits=2))
        model             fe             re
        term
        log_gdp  1.29 (0.05)    1.30 (0.04)
        const                -16.88 (1.06)
        N              4,172          4,172
        Hausman (FE vs RE): statistic 0.6364, p = 0.425, n = 4172: do not reject H0 (random effects consistent) at 5%
        """
        return super().summary(digits) + "\n" + self.hausman.summary()


def partner_models() -> PartnerModels:
    """log trade of Kazakhstan with partner k in year t on log GDP of k: pooled, FE, two-way FE (Driscoll–Kraay),
    RE, FD, between; and the Hausman test. Partners with ≥ 20 years of trade and WDI GDP.

    Returns
    -------
    PartnerModels
        pooled, fe, twoway_dk, re, fd, between (clustered by partner; Driscoll–Kraay with bandwidth 2 for the two-way
        FE; robust for between) and the Hausman test on the unadjusted FE and RE fits.

    Warns
    -----
    KzeconWarning
        Once, what the fits report about the panel (e.g. gaps), rather than once per model.

    See Also
    --------
    kzecon.study.findings.partner_models : The same for an economy, with its check.
    kzecon.panel.models.fit : One fit.
    """
    p = kazakhstan_partner_panel()
    gdp = load_gdp()[["iso3", "year", "gdp_usd"]].rename(columns={"iso3": "partner"})
    p = p.merge(gdp, on=["partner", "year"], how="inner")
    p["log_gdp"] = np.log(p["gdp_usd"])
    kw = {"entity": "partner", "time": "year"}
    with warnings.catch_warnings(record=True) as caught:  # the same gap report from every model: say it once
        warnings.simplefilter("always")
        out = _partner_fits(p, kw)
    if caught:
        warnings.warn(str(caught[0].message), caught[0].category, stacklevel=2)
    return out


def _partner_fits(p: pd.DataFrame, kw: dict) -> PartnerModels:
    out = {
        "pooled": fit(p, "log_trade", ["log_gdp"], model="pooled", cov="clustered", name="pooled", **kw),
        "fe": fit(p, "log_trade", ["log_gdp"], model="fe", cov="clustered", name="fe_partner", **kw),
        "twoway_dk": fit(p, "log_trade", ["log_gdp"], model="twoway", cov="driscoll-kraay", bandwidth=2,
                         name="twoway_driscoll_kraay", **kw),
        "re": fit(p, "log_trade", ["log_gdp"], model="re", cov="clustered", name="re", **kw),
        "fd": fit(p, "log_trade", ["log_gdp"], model="fd", cov="clustered", name="fd", **kw),
        "between": fit(p, "log_trade", ["log_gdp"], model="between", cov="robust", name="between", **kw),
    }
    fe_u = fit(p, "log_trade", ["log_gdp"], model="fe", cov="unadjusted", **kw)
    re_u = fit(p, "log_trade", ["log_gdp"], model="re", cov="unadjusted", **kw)
    return PartnerModels(out, hausman(fe_u, re_u))


@results_class
@dataclass(frozen=True)
class CustomsUnion:
    """Joining the customs union (KAZ, BLR 2010) against the other post-Soviet economies and Mongolia, 1995–2014
    (COW v4): the DiD on log trade with Russia (``did``) and on China's share (``did_share``), the two-way FE event
    study (``event_twfe``, with its pre-trend test in ``stats``) and Gardner's two-stage DiD (``event_did2s``). Made
    by :func:`customs_union`.

    Attributes
    ----------
    did : kzecon.results.EstimationResults
        DiD on log trade with Russia (term ``treat_post``; clustered by reporter, with the wild cluster bootstrap
        p-value ``stats["p_wild"]`` and the cluster counts).
    did_share : kzecon.results.EstimationResults
        DiD on China's share of the reporter's trade (the same design).
    event_twfe : kzecon.results.EstimationResults
        Two-way FE event study on log trade with Russia, event times −5 to 4 (``rel_m5`` … ``rel_p4``), the year
        before joining the reference; ``stats``: pretrend_F, pretrend_p.
    event_did2s : kzecon.results.EstimationResults
        Gardner's two-stage DiD event study, the same window.

    See Also
    --------
    customs_union : Makes it.
    kzecon.panel.did.did, kzecon.panel.did.event_study, kzecon.panel.did.staggered : The estimators.

    Examples
    --------
    Few bootstrap replications, for speed:

    >>> from kzecon.study.customs_union import customs_union
    >>> cu = customs_union(reps=19, seed=2026)
    >>> print(cu.summary())
    DiD -0.154 (clustered p 0.23, wild p 0.37); pre-trend F = 3.318, p = 0.052
    >>> cu.did_table()[["model", "estimate", "p_value", "p_wild", "clusters", "treated_clusters"]].round(3)
                   model  estimate  p_value  p_wild  clusters  treated_clusters
    0  did_log_trade_rus    -0.154    0.228   0.368        12                 2
    1      did_share_chn    -0.080    0.211   0.368        12                 2
    >>> cu.events[["model", "event_time", "estimate"]].head(3).round(3)
            model  event_time  estimate
    0  two-way FE          -5    -0.139
    1  two-way FE          -4    -0.022
    2  two-way FE          -3     0.118
    """

    did: EstimationResults
    did_share: EstimationResults
    event_twfe: EstimationResults
    event_did2s: EstimationResults

    @property
    def nobs(self) -> int:
        """Country-years of the DiD on trade with Russia."""
        return self.did.nobs

    @property
    def treated(self) -> tuple[str, ...]:
        """ISO-3 codes of the treated economies (the data's, not typed in)."""
        return tuple(self.did.info["treated"].split(","))

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """model, term, lower, upper of both DiDs (clustered).

        Parameters
        ----------
        level : float, default 0.95
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        DataFrame
            model, term, lower, upper: one row per DiD.
        """
        return pd.concat([r.conf_int(level).rename_axis("term").reset_index().assign(model=r.model)
                          for r in (self.did, self.did_share)], ignore_index=True)[["model", "term", "lower", "upper"]]

    @property
    def events(self) -> pd.DataFrame:
        """Both event studies, stacked: columns event_time, estimate, conf_low, conf_high, p_value, p_wild and model
        (the two-way FE or Gardner's two-stage DiD)."""
        a = event_table(self.event_twfe).assign(model="two-way FE")
        b = self.event_did2s.to_frame()
        b["event_time"] = [(-1 if s.startswith("rel_m") else 1) * int(s[5:]) for s in b["term"]]
        b["model"] = "two-stage DiD (Gardner)"
        return pd.concat([a, b], ignore_index=True)

    def did_table(self) -> pd.DataFrame:
        """Both DiDs with the wild-bootstrap p-value and the cluster counts beside the clustered inference."""
        rows = []
        for r in (self.did, self.did_share):
            t = r.to_frame()
            t["p_wild"] = r.stats["p_wild"]
            t["clusters"] = r.stats["clusters"]
            t["treated_clusters"] = r.stats["treated_clusters"]
            rows.append(t)
        return pd.concat(rows, ignore_index=True)

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Both DiDs' tidy estimates.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the ``conf_low``/``conf_high`` columns (clustered by country).

        Returns
        -------
        pandas.DataFrame
            model, term, estimate, std_error, statistic, p_value, conf_low, conf_high, nobs: one row per DiD term.
        """
        return pd.concat([self.did.to_frame(level), self.did_share.to_frame(level)], ignore_index=True)

    def summary(self) -> str:
        """The DiD estimate with its clustered and wild p-values and the pre-trend test."""
        pre = self.event_twfe.stats
        return (f"DiD {self.did.params['treat_post']:.3f} (clustered p {self.did.pvalues['treat_post']:.2f}, "
                f"wild p {self.did.stats['p_wild']:.2f}); pre-trend F = {pre['pretrend_F']:.3f}, "
                f"p = {pre['pretrend_p']:.3f}")


def customs_union(reps: int = 9999, seed: int = 2026) -> CustomsUnion:
    """Customs-union DiD (treated KAZ, BLR from 2010; controls: the other post-Soviet economies and Mongolia,
    ARM and KGZ not yet members in 1995–2014) on log trade with Russia and on China's share of trade.

    Parameters
    ----------
    reps : int, default 9999
        Wild cluster bootstrap replications of the DiDs and the two-way FE event study.
    seed : int, default 2026
        Random seed of the bootstrap.

    Returns
    -------
    CustomsUnion

    See Also
    --------
    CustomsUnion : What it returns (with an example).
    kzecon.study.findings.customs_union : The same, with the study's country check.
    """
    p = country_partner_panel()
    rus = p[p["partner"] == "RUS"]
    # the treatment is joining the union with Russia; the outcome here is China's share of the same countries
    chn = p[p["partner"] == "CHN"].assign(
        treat_start=lambda d: d["reporter"].map(rus.groupby("reporter")["treat_start"].first()))
    kw = {"entity": "reporter", "time": "year", "treat_start": "treat_start"}
    return CustomsUnion(
        did=did(rus, "log_trade", reps=reps, seed=seed, name="did_log_trade_rus", **kw),
        did_share=did(chn, "share", reps=reps, seed=seed, name="did_share_chn", **kw),
        event_twfe=event_study(rus, "log_trade", window=(-5, 4), reps=reps, seed=seed, name="event_twfe", **kw),
        event_did2s=staggered(rus, "log_trade", window=(-5, 4), name="event_did2s", **kw))
