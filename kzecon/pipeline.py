"""Each published finding computed once: one function per result, returning one frozen results object.

The brief (:mod:`kzecon.report.brief`), the CLI and ``analyses/`` call these and only render, print or save
them; nothing under :mod:`kzecon.report` estimates. Every object carries the inputs' provenance it needs to say
which side reported what.

========================  ==========================================================================
``trade_shares()``        partner shares, tilt, balance, concentration, reported vs mirror (Kazakhstan)
``share_breaks()``        unit-root/stationarity tests and Bai–Perron breaks of China's share
``dependence_risk()``     the headline composition forecast (the model chosen on the world backtest),
                          the other models beside it, Kazakhstan's own backtest, the world backtest's
                          held-out scores
``products()``            what is sold to China, and its exposure to the oil price
``customs_union()``       the customs-union DiD and event study (post-Soviet panel, COW v4)
``world_gravity()``       the EAEU and BRI terms on the annual IMF DOTS panel, with leads and lags
``un_alignment()``        UN General Assembly agreement and the divergent resolutions
========================  ==========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

TRADE_SOURCE = "COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25); Russia 2010 interpolated"


# ---------------------------------------------------------------------------------------------- trade shares
@dataclass(frozen=True)
class TradeShares:
    """Kazakhstan's partner shares (every flow), the China–Russia tilt, balance and concentration, and the
    reported-vs-mirror comparison with China and Russia."""

    shares: pd.DataFrame
    tilt: pd.DataFrame
    balance: pd.DataFrame
    concentration: pd.DataFrame
    mirror: pd.DataFrame
    vintage: str
    source: str = TRADE_SOURCE

    @property
    def total(self) -> pd.DataFrame:
        """Years × partner groups, shares of total trade."""
        d = self.shares[self.shares["flow"] == "total"]
        return d.pivot_table(index="year", columns="group", values="share")

    @property
    def last_year(self) -> int:
        return int(self.total.index.max())

    @property
    def china_ahead_since(self) -> int | None:
        """The first year from which China's share stayed above Russia's every year."""
        t = self.total
        ahead = t["china"] > t["russia"]
        return next((int(y) for y in t.index if ahead.loc[y:].all()), None)

    def balance_in(self, year: int, flow: str = "total") -> float:
        b = self.balance
        return float(b[(b["flow"] == flow) & (b["year"] == year)]["balance"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        return self.shares.copy()

    def summary(self) -> str:
        t, y = self.total, self.last_year
        return (f"{y}: China {100 * t.loc[y, 'china']:.1f}%, Russia {100 * t.loc[y, 'russia']:.1f}% of Kazakhstan's "
                f"total trade (reported, spliced); China ahead since {self.china_ahead_since}")


def trade_shares() -> TradeShares:
    import kzecon
    from kzecon import measures

    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    shares = measures.partner_shares(trade, flow="all")
    everything = kzecon.data.load_trade()  # every source and side, for the reported-vs-mirror comparison
    mirror = pd.concat([measures.reported_vs_mirror(everything, partner=p) for p in ("CHN", "RUS")],
                       ignore_index=True)
    return TradeShares(shares=shares, tilt=measures.china_russia_tilt(shares),
                       balance=measures.balance_index(shares), concentration=measures.concentration(trade, flow="all"),
                       mirror=mirror, vintage="; ".join(trade.attrs.get("vintage", [])))


# ---------------------------------------------------------------------------------------------- breaks
def share_breaks(shares: TradeShares | None = None):
    """The test battery on China's share of Kazakhstan's total trade: a
    :class:`kzecon.timeseries.analysis.ShareBattery` (tests, Bai–Perron breaks, series, ``p_value(test)``)."""
    from kzecon import timeseries

    s = (shares or trade_shares()).shares
    return timeseries.share_battery(s[(s["flow"] == "total") & (s["group"] == "china")][["year", "share"]])


# ---------------------------------------------------------------------------------------------- risk
MODEL_NAMES = {"world_cal": "global model, recalibrated", "world": "global model", "rw": "random walk",
               "drift": "random walk with drift", "mean5": "mean of the last 5 years", "var": "VAR on log-ratios",
               "ensemble": "equal-weight ensemble", "statsforecast_ets": "statsforecast AutoETS"}
MODEL_HOW = {
    "world_cal": "dynamics learned from ~200 economies' partner shares since 1960, its intervals and probabilities "
                 "recalibrated on earlier world forecasts",
    "rw": "no change expected; uncertainty from Kazakhstan's own past year-to-year changes",
    "drift": "continues Kazakhstan's average past trend",
    "mean5": "reverts to the last five years' average",
    "var": "a vector autoregression fitted to Kazakhstan's ~30 annual points alone",
}


@dataclass(frozen=True)
class DependenceRisk:
    """The headline composition forecast, the models beside it, and the evidence on how far to trust it."""

    composition: pd.DataFrame
    model: str
    forecast: object  # kzecon.forecast.CompositionForecast
    risk: pd.DataFrame
    paths_summary: pd.DataFrame
    comparison: pd.DataFrame
    backtest: object = field(repr=False)  # kzecon.forecast.backtest.Backtest
    world_summary: pd.DataFrame = field(repr=False)
    world_reliability: pd.DataFrame = field(repr=False)
    seed: int = 2026
    paths: int = 4000

    @property
    def last_year(self) -> int:
        return int(self.composition["year"].max())

    def probability(self, event: str, year: int) -> float:
        r = self.risk
        return float(r[(r["event"] == event) & (r["year"] == year)]["probability"].iloc[0])

    def share(self, part: str, year: int) -> pd.Series:
        s = self.paths_summary
        return s[(s["partner"] == part) & (s["year"] == year)].iloc[0]

    def world_score(self, model: str, column: str) -> pd.Series:
        """A held-out score of the world backtest by horizon (origins 2000–2015)."""
        w = self.world_summary
        return w[w["model"] == model].set_index("horizon")[column]

    def to_frame(self) -> pd.DataFrame:
        return self.risk.copy()

    def summary(self) -> str:
        y = self.last_year + 5
        return (f"{MODEL_NAMES.get(self.model, self.model)}: P(China above Russia in {y}) = "
                f"{self.probability('china_above_russia', y):.2f}; China {100 * self.share('china', y)['mean']:.1f}%")


def dependence_risk(*, paths: int = 4000, seed: int = 2026, backtest_paths: int = 500,
                    comparison_models=("rw", "var")) -> DependenceRisk:
    from kzecon import forecast
    from kzecon.data import read_reference
    from kzecon.forecast.core import WORLD_CHOICE

    comp = forecast.kazakhstan_composition()
    last = int(comp["year"].max())
    models = (WORLD_CHOICE, *comparison_models)
    bt = forecast.backtest.run(comp, models=models, n_paths=backtest_paths, seed=seed)
    fcs = {m: forecast.simulate(comp, model=m, horizon=10, n_paths=paths, seed=seed) for m in models}
    head = fcs[WORLD_CHOICE]
    crps = bt.accuracy.groupby("model")["crps"].mean()
    cov = bt.coverage
    rows = []
    for m, fc in fcs.items():
        s = fc.to_frame()
        c = s[(s["partner"] == "china") & (s["year"] == last + 5)].iloc[0]
        r = fc.risk()
        p = r[(r["event"] == "china_above_russia") & (r["year"] == last + 5)]["probability"].iloc[0]
        c90 = cov[(cov["model"] == m) & np.isclose(cov["nominal"], 0.9)].set_index("horizon")["empirical"]
        rows.append({"model": m, "name": MODEL_NAMES.get(m, m), "how": MODEL_HOW.get(m, ""),
                     "china_mean": c["mean"], "china_lower_90": c["lower_90"], "china_upper_90": c["upper_90"],
                     "p_china_above_russia": p, "kaz_crps": crps.get(m, np.nan),
                     "kaz_cov90_h1": c90.get(1, np.nan), "kaz_cov90_h5": c90.get(5, np.nan)})
    return DependenceRisk(composition=comp, model=WORLD_CHOICE, forecast=head, risk=head.risk(),
                          paths_summary=head.to_frame(), comparison=pd.DataFrame(rows), backtest=bt,
                          world_summary=read_reference("world_backtest_summary.csv"),
                          world_reliability=read_reference("world_backtest_reliability.csv"), seed=seed, paths=paths)


# ---------------------------------------------------------------------------------------------- products
@dataclass(frozen=True)
class Products:
    composition: pd.DataFrame
    fuels_metals: pd.DataFrame
    brent: object  # EstimationResults

    def to_frame(self) -> pd.DataFrame:
        return self.fuels_metals.copy()

    def summary(self) -> str:
        return f"Brent elasticity of exports to China {self.brent.params['log_brent']:.2f}"


def products() -> Products:
    from kzecon import products as p

    comp = p.composition()
    return Products(composition=comp, fuels_metals=p.fuels_metals_share(comp),
                    brent=p.brent_exposure("exports_to_china"))


# ---------------------------------------------------------------------------------------------- customs union
def customs_union(*, reps: int = 9999, seed: int = 2026):
    """The customs-union DiD and event studies: a :class:`kzecon.panel.analysis.CustomsUnion`."""
    from kzecon.panel import analysis

    return analysis.customs_union(reps=reps, seed=seed)


# ---------------------------------------------------------------------------------------------- world gravity
def world_gravity(*, score_reps: int = 999, seed: int = 2026):
    """The EAEU and BRI terms on the annual IMF DOTS panel 2000–2020: the static and the event-study models on
    the preferred flow, the pre-trend test, the wild score bootstrap for the EAEU term (no randomization
    inference here: ``kzecon gravity --panel dots --ri 99`` runs it). A
    :class:`kzecon.gravity.world.WorldGravityResults`."""
    from kzecon.gravity import world

    return world.eaeu_models(ri_reps=0, score_reps=score_reps, seed=seed, specs=("ppml_static", "ppml_event"),
                             sides=False)


# ---------------------------------------------------------------------------------------------- UN votes
@dataclass(frozen=True)
class UnAlignment:
    """Kazakhstan's UN General Assembly agreement with China and Russia by year, and the resolutions on which
    China and Russia voted yes against no, by period."""

    series: pd.DataFrame
    divergent: dict  # period label → divergent_votes frame

    def counts(self, period: str) -> pd.Series:
        from kzecon import alignment

        return alignment.divergence_summary(self.divergent[period]).set_index("sided_with")["count"]

    def to_frame(self) -> pd.DataFrame:
        return self.series.copy()

    def summary(self) -> str:
        return "; ".join(f"{k}: {len(v)} resolutions" for k, v in self.divergent.items())


def un_alignment(periods=((2007, 2013), (2014, 2019))) -> UnAlignment:
    from kzecon import alignment

    div = {f"{a}–{b}": alignment.divergent_votes(start=a, end=b, strict=True) for a, b in periods}
    return UnAlignment(series=alignment.alignment_series(start=1992, end=2019), divergent=div)
