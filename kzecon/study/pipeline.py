"""Each published finding computed once: one function per result, returning one frozen results object.

The brief (:mod:`kzecon.study.brief`), the CLI and ``analyses/`` call these and only render, print or save
them; nothing under :mod:`kzecon.report` estimates. Every object carries the inputs' provenance it needs to say
which side reported what.

Every function takes ``country`` (ISO-3, default ``"KAZ"``): Kazakhstan is studied on its national series
(COW v4, WITS, the Bureau of National Statistics to 2025, partners' mirror figures); any other economy of the IMF
DOTS composition panel on its own declarations to the IMF (DOTS, 1960–2020) and, for the mirror comparison and
concentration, the annual DOTS gravity panel (2000–2020). A result whose data exist only for Kazakhstan raises
:class:`kzecon.errors.CoverageError` naming the data it would need.

========================  ==========================================================================
``trade_shares()``        partner shares, tilt, balance, concentration, reported vs mirror
``share_breaks()``        unit-root/stationarity tests and Bai–Perron breaks of China's share
``dependence_risk()``     the headline composition forecast (the model chosen on the world backtest),
                          the other models beside it, Kazakhstan's own backtest, the world backtest's
                          held-out scores
``products()``            what is sold to China, and its exposure to the oil price
``customs_union()``       the customs-union DiD and event study (post-Soviet panel, COW v4)
``world_gravity()``       the EAEU and BRI terms on the annual IMF DOTS panel, with leads and lags
``un_alignment()``        UN General Assembly agreement and the divergent resolutions
``peers()``               the economy among its peers: China's and Russia's shares, P(China > Russia) in 2030
========================  ==========================================================================
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.results import results_class

TRADE_SOURCE = "COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25); Russia 2010 interpolated"
DEFAULT_COUNTRY = "KAZ"
POLES = ("CHN", "RUS")  # the two powers whose shares the study compares
DOTS_SOURCE = "IMF DOTS ({name}'s {sides})"
HEADLINE_YEAR = 2030  # the year of the headline probability P(China's share > Russia's)
LONG_YEAR = HEADLINE_YEAR + 5  # the brief's furthest quoted year


def this_year() -> int:
    """The calendar year the study is run in: forecasts are quoted for years counted from it, and the years between
    the data's end and it are the past the data have not reached yet."""
    import datetime

    return datetime.date.today().year
MIRROR_YEAR = {"KAZ": 2018}  # the year the brief quotes reported vs mirror (else the latest with both sides)


def check_country(country: str) -> str:
    """``country`` upper-cased if the study can run on it (a former ISO code as its successor: ROM → ROU, as the data
    files read it): a known ISO-3 code other than China and Russia (the two poles compared) with a composition in the
    IMF DOTS panel; else a :class:`UsageError` or :class:`CoverageError` naming it."""
    from kzecon.data.countries import FORMER_ISO3, is_aggregate, is_known_iso3
    from kzecon.errors import CoverageError, UsageError

    code = str(country).strip().upper()
    if not is_known_iso3(code) and code in FORMER_ISO3:  # ROM → ROU, as the data files read it, with a note
        import warnings

        from kzecon.errors import DataQualityWarning

        warnings.warn(f"country {code}: a former ISO code, read as its successor {FORMER_ISO3[code]} (ISO 3166-3)",
                      DataQualityWarning, stacklevel=2)
        code = FORMER_ISO3[code]
    if len(code) != 3 or not code.isalpha() or not is_known_iso3(code):
        raise UsageError(f"country {country!r} is not an ISO-3 code (e.g. KAZ, UZB, MNG)")
    if is_aggregate(code):
        raise UsageError(f"country {code} is an aggregate of economies, not an economy")
    if code in POLES:
        raise UsageError(f"the study measures an economy's trade with China and Russia; {code} is one of the two")
    if code != DEFAULT_COUNTRY and code not in _dots_economies():
        raise CoverageError(f"{code} has no partner composition in the IMF DOTS panel (compositions_dots)")
    return code


def _dots_economies() -> frozenset[str]:
    import kzecon

    return frozenset(kzecon.data.load_compositions(side="reported", flow="total")["economy"])


def country_name(country: str) -> str:
    """A reader's name of an ISO-3 code (countrycode's)."""
    from kzecon.data.countries import country_name as name

    return name(country)


# ---------------------------------------------------------------------------------------------- trade shares
@results_class
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
    country: str = DEFAULT_COUNTRY
    side: str = "Kazakhstan's own figures, spliced series"

    @property
    def total(self) -> pd.DataFrame:
        """Years × partner groups, shares of total trade."""
        d = self.shares[self.shares["flow"] == "total"]
        return d.pivot_table(index="year", columns="group", values="share")

    @property
    def last_year(self) -> int:
        """The latest year of the total-trade shares."""
        return int(self.total.index.max())

    @property
    def name(self) -> str:
        """The economy's name."""
        return country_name(self.country)

    @property
    def nobs(self) -> int:
        """Years of the total-trade shares."""
        return len(self.total)

    @property
    def first_year(self) -> int:
        """The first year of the total-trade shares."""
        return int(self.total.index.min())

    @property
    def mirror_year(self) -> int | None:
        """The year the brief quotes for reported vs mirror exports to China: 2018 for Kazakhstan, else the latest
        year with both sides."""
        m = self.mirror[(self.mirror["partner"] == "CHN") & (self.mirror["flow"] == "export")]
        if m.empty:
            return None
        return MIRROR_YEAR.get(self.country, int(m["year"].max()))

    @property
    def china_ahead_since(self) -> int | None:
        """The first year from which China's share stayed above Russia's every year."""
        t = self.total
        ahead = t["china"] > t["russia"]
        return next((int(y) for y in t.index if ahead.loc[y:].all()), None)

    def balance_in(self, year: int, flow: str = "total") -> float:
        """The multi-vector balance index in ``year`` for ``flow``."""
        b = self.balance
        return float(b[(b["flow"] == flow) & (b["year"] == year)]["balance"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        """The shares: reporter, year, flow, group, value_usd, total_usd, share, side."""
        return self.shares.copy()

    def summary(self) -> str:
        """The latest year's China and Russia shares, the side, and since when China has been ahead."""
        t, y = self.total, self.last_year
        return (f"{y}: China {100 * t.loc[y, 'china']:.1f}%, Russia {100 * t.loc[y, 'russia']:.1f}% of {self.name}'s "
                f"total trade ({self.side}); China ahead since {self.china_ahead_since}")


def trade_shares(country: str = DEFAULT_COUNTRY) -> TradeShares:
    """Partner shares of ``country``'s trade (every flow), tilt, balance, concentration and reported vs mirror."""
    import kzecon
    from kzecon import measures

    country = check_country(country)
    if country != DEFAULT_COUNTRY:
        return _dots_shares(country)
    trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
    shares = measures.partner_shares(trade, flow="all")
    per_year = trade.groupby("year")["reporter_side"].agg(lambda x: "+".join(sorted(set(map(str, x)))))
    shares["side"] = shares["year"].map(per_year)  # each year's side (the spliced series' first year is mixed)
    everything = kzecon.data.load_trade()  # every source and side, for the reported-vs-mirror comparison
    mirror = pd.concat([measures.reported_vs_mirror(everything, partner=p) for p in ("CHN", "RUS")],
                       ignore_index=True)
    return TradeShares(shares=shares, tilt=measures.china_russia_tilt(shares),
                       balance=measures.balance_index(shares), concentration=measures.concentration(trade, flow="all"),
                       mirror=mirror, vintage="; ".join(trade.attrs.get("vintage", [])))


GROUPS = ("china", "russia", "eu", "central_asia", "rest")  # the partner groups of the study (usa is in rest)


def _dots_trade(country: str) -> pd.DataFrame:
    """``country``'s trade with every partner 2000–2020 from the DOTS gravity panel as reporter-view rows: its own
    declarations (``reported``: its exports as it reported them, its imports as it reported them) and its partners'
    (``mirror``), the canonical columns of :func:`kzecon.data.load_trade`."""
    import kzecon

    g = kzecon.data.load_gravity("dots")
    g = g[(g["exporter"] != g["importer"]) & ((g["exporter"] == country) | (g["importer"] == country))]
    rows = []
    for flow, own, other, rep_col, mir_col in (("export", "exporter", "importer", "flow_exporter_reported",
                                                "flow_importer_reported"),
                                               ("import", "importer", "exporter", "flow_importer_reported",
                                                "flow_exporter_reported")):
        d = g[g[own] == country]
        for side, col in (("reported", rep_col), ("mirror", mir_col)):
            rows.append(pd.DataFrame({"reporter": country, "partner": d[other].to_numpy(), "year": d["year"].to_numpy(),
                                      "flow": flow, "value_usd": d[col].to_numpy(dtype=float), "reporter_side": side,
                                      "source": "IMF DOTS"}))
    out = pd.concat(rows, ignore_index=True)
    return out[np.isfinite(out["value_usd"])].reset_index(drop=True)


def _dots_shares(country: str) -> TradeShares:
    import kzecon
    from kzecon import measures
    from kzecon.errors import CoverageError

    run, _ = _dots_run(country)  # the years the study uses: the same run as the forecast's
    c = _dots_by_side(country, flow="all")  # each year on the side the study reads (own, else mirror)
    c = c[c["year"].between(run.index[0], run.index[-1])]
    c = c.assign(rest=c["rest"] + c["usa"])
    long = c.melt(id_vars=["year", "flow", "total_usd", "side"], value_vars=list(GROUPS), var_name="group",
                  value_name="share")
    long = long.assign(reporter=country, value_usd=long["share"] * long["total_usd"])
    shares = long[["reporter", "year", "flow", "group", "value_usd", "total_usd", "share", "side"]].sort_values(
        ["flow", "year", "group"], kind="mergesort").reset_index(drop=True)
    trade = _dots_trade(country)
    name = country_name(country)
    both = []
    for p in POLES:
        try:
            both.append(measures.reported_vs_mirror(trade, partner=p, reporter=country))
        except CoverageError:  # no year with both sides for this partner: the comparison shows the other one
            pass
    mirror = pd.concat(both, ignore_index=True) if both else pd.DataFrame(
        columns=["year", "partner", "flow", "reported_usd", "mirror_usd"])
    conc = (measures.concentration(trade, reporter=country, flow="all", side="reported") if len(trade)
            else pd.DataFrame(columns=["year", "flow", "n_partners", "hhi", "hhi_norm", "side"]))
    first, last = int(shares["year"].min()), int(shares["year"].max())
    vintage = f"bundled: compositions_dots {kzecon.data.describe('compositions_dots').sha256[:12]}"
    sides = shares[shares["flow"] == "total"].groupby("year")["side"].first()
    phrase = _sides_phrase(sides)
    return TradeShares(shares=shares, tilt=measures.china_russia_tilt(shares), balance=measures.balance_index(shares),
                       concentration=conc, mirror=mirror, vintage=vintage,
                       source=DOTS_SOURCE.format(name=name, first=first, last=last, sides=phrase), country=country,
                       side=f"IMF DOTS: {name}'s {phrase}")


# ---------------------------------------------------------------------------------------------- breaks
POLICY_LABELS = {"customs_union": "customs union", "eaeu": "EAEU", "bri": "BRI announced",
                 "bri_mou": "BRI memorandum"}


def policy_events(country: str = DEFAULT_COUNTRY) -> dict[int, str]:
    """``country``'s own policy events, {year: label}, from the cited membership table
    (``kzecon/data/reference/policy_membership.csv``): its entry into the Eurasian customs union and the EAEU, the
    BRI's announcement in Astana (Kazakhstan) and a Belt-and-Road memorandum; an economy in none has none.
    Kazakhstan: 2010 customs union, 2013 BRI announced, 2015 EAEU."""
    import kzecon

    country = check_country(country)
    t = kzecon.data.load_policy_membership()
    t = t[(t["iso3"] == country) & t["policy"].isin(POLICY_LABELS)]
    out: dict[int, list[str]] = {}
    for r in t.sort_values(["from_year", "policy"]).itertuples():
        out.setdefault(int(r.from_year), []).append(POLICY_LABELS[r.policy])
    return {y: " and ".join(dict.fromkeys(labels)) for y, labels in sorted(out.items())}


def share_breaks(shares: TradeShares | None = None, *, country: str = DEFAULT_COUNTRY):
    """The test battery on China's share of ``country``'s total trade, with Chow tests at its own policy events
    (:func:`policy_events`): a :class:`kzecon.timeseries.analysis.ShareBattery` (tests, Bai–Perron breaks, series,
    ``p_value(test)``)."""
    from kzecon import timeseries

    ts = shares or trade_shares(country)
    s = ts.shares
    return timeseries.share_battery(s[(s["flow"] == "total") & (s["group"] == "china")][["year", "share"]],
                                    events=policy_events(ts.country))


# ---------------------------------------------------------------------------------------------- risk
def event_probability(risk: pd.DataFrame, event: str, year: int) -> float:
    """The probability of ``event`` in ``year`` from a risk table (:meth:`CompositionForecast.risk`); an event or a
    year the table does not hold is a :class:`UsageError` naming what it holds."""
    from kzecon.errors import UsageError

    if not isinstance(risk, pd.DataFrame) or not {"event", "year", "probability"} <= set(risk.columns):
        raise UsageError("risk must be a forecast's risk table (CompositionForecast.risk(): event, year, probability)")
    if event not in set(risk["event"]):
        known = ", ".join(dict.fromkeys(risk["event"]))
        raise UsageError(f"risk event {event!r} is not in the forecast; events: {known}")
    hit = risk[(risk["event"] == event) & (risk["year"] == year)]
    if hit.empty:
        years = risk.loc[risk["event"] == event, "year"]
        raise UsageError(f"year {year!r} is not forecast; the forecast runs {int(years.min())}–{int(years.max())}")
    return float(hit["probability"].iloc[0])


def composition(country: str = DEFAULT_COUNTRY, *, national: bool = True) -> pd.DataFrame:
    """``country``'s composition by partner group — china, russia, eu, rest — as forecast by the study: year,
    partner, share. Kazakhstan: the spliced national series 1994–2025 with the 2010 Russia/Belarus undercount
    interpolated (Central Asia in rest). Any other economy (and Kazakhstan with ``national=False``, as its peers are
    read): IMF DOTS, each year from its own declarations where they are real and from its partners' (mirror) where
    the IMF filled them (:func:`data_quality`), the last run of consecutive years in which every part is positive
    (years before a zero share, e.g. Russia not yet reported apart from the Soviet Union, are left out and named in
    ``attrs["note"]``); ``attrs["side"]``: the side, or the sides joined by '+'."""
    import kzecon
    from kzecon import measures

    country = check_country(country)
    if country == DEFAULT_COUNTRY and national:
        trade = kzecon.data.load_trade("spliced", russia_2010="interpolate")
        sh = measures.partner_shares(trade, flow="total")
        sh = sh.assign(partner=sh["group"].replace({"central_asia": "rest"}))
        out = sh.groupby(["year", "partner"], as_index=False)["share"].sum()
        out.attrs.update(side=str(sh["side"].iloc[0]), source=TRADE_SOURCE, note="")
        return out
    kept, note = _dots_run(country)
    out = kept.rename_axis("year").reset_index().melt(id_vars="year", var_name="partner", value_name="share")
    out = out.sort_values(["year", "partner"], kind="mergesort").reset_index(drop=True)
    sides = _dots_sides(country).set_index("year").loc[kept.index, "side"]
    side = sides.iloc[0] if sides.nunique() == 1 else "+".join(sorted(set(sides)))
    out.attrs.update(side=side, source=DOTS_SOURCE.format(name=country_name(country), first=int(kept.index[0]),
                                                          last=int(kept.index[-1]), sides=_sides_phrase(sides)),
                     note=note)
    return out


def _sides_phrase(sides: pd.Series) -> str:
    """'own declarations 1992–2020' or 'own declarations 2016–2020 and partners' declarations (mirror) 1994–2015'."""
    return " and ".join(f"{SIDE_LABEL[sd]} {_year_ranges(sides.index[sides == sd])}" for sd in ("reported", "mirror")
                        if (sides == sd).any())


MIN_YEARS = 15  # the shortest run of years the study forecasts and tests (the world model needs LAGS + 1 = 11)


SIDE_LABEL = {"reported": "own declarations", "mirror": "partners' declarations (mirror)"}


@functools.lru_cache(maxsize=32)
def _dots_sides(country: str) -> pd.DataFrame:
    """For each year of ``country`` in the IMF DOTS compositions, the side the study reads: its own declarations
    where they are real (:func:`kzecon.data.quality.declared_years`), else its partners' (mirror): year, side,
    estimated_share (of its own declarations), note."""
    import kzecon
    from kzecon.data.quality import declared_years

    rep = kzecon.data.load_compositions(side="reported", flow="total")
    rep = rep[rep["economy"] == country]
    mir = kzecon.data.load_compositions(side="mirror", flow="total")
    mir_years = set(mir.loc[mir["economy"] == country, "year"].astype(int))
    q = declared_years(rep) if len(rep) else pd.DataFrame(columns=["year", "estimated_share", "declared", "reason"])
    rows = []
    for y in sorted(set(q["year"].astype(int)) | mir_years):
        r = q[q["year"] == y]
        own = len(r) and bool(r["declared"].iloc[0])
        est = float(r["estimated_share"].iloc[0]) if len(r) else np.nan
        if own:
            rows.append((y, "reported", est, ""))
        elif y in mir_years:
            why = r["reason"].iloc[0] if len(r) else "no own declaration"
            rows.append((y, "mirror", est, f"partners' declarations: own figures not used ({why})"))
    return pd.DataFrame(rows, columns=["year", "side", "estimated_share", "note"])


def _dots_by_side(country: str, flow: str = "total") -> pd.DataFrame:
    """``country``'s DOTS compositions (``flow``: total, or all) with each year on the side :func:`_dots_sides`
    chose; a ``side`` column says which."""
    import kzecon

    sides = _dots_sides(country).set_index("year")["side"]
    c = kzecon.data.load_compositions(side="both", flow=flow)
    c = c[c["economy"] == country]
    keep = c["side"].to_numpy() == c["year"].map(sides).to_numpy()
    return c[keep].sort_values(["year", "flow"]).reset_index(drop=True)


def _dots_run(country: str) -> tuple[pd.DataFrame, str]:
    """``country``'s DOTS composition (china, russia, eu, rest), each year on the side the study reads
    (:func:`_dots_sides`), over its last run of consecutive years in which every part is positive, and a note naming
    the years left out before it and the years taken from the partners' declarations."""
    from kzecon.errors import CoverageError

    c = _dots_by_side(country).set_index("year").sort_index()
    wide = pd.DataFrame({"china": c["china"], "russia": c["russia"], "eu": c["eu"],
                         "rest": c["rest"] + c["usa"] + c["central_asia"]})
    bad = ((wide <= 0) | wide.isna()).any(axis=1).to_numpy()
    years = wide.index.to_numpy()
    start = None
    for i in range(len(years)):
        if bad[i]:
            start = None
        elif start is None or years[i] != years[i - 1] + 1:
            start = years[i]
    if start is None or years[-1] - start + 1 < MIN_YEARS:
        raise CoverageError(f"{country_name(country)}'s trade in the IMF DOTS compositions has no run of "
                            f"{MIN_YEARS} consecutive years to {int(years[-1]) if len(years) else '—'} with a positive "
                            "share for China, Russia, the EU and the rest")
    left = [int(y) for y in years if y < start]
    note = (f"{', '.join(map(str, left[:6]))}{' …' if len(left) > 6 else ''} left out: a zero share, a missing "
            f"year or a gap before {start}" if left else "")
    mirror = [int(y) for y in c.index[(c["side"] == "mirror") & (c.index >= start)]]
    if mirror:
        note = "; ".join(filter(None, [note, f"{_year_ranges(mirror)} from the partners' declarations (mirror): the "
                                              "economy's own figures for those years are IMF estimates"]))
    return wide.loc[start:], note


def _year_ranges(years) -> str:
    """2000, 2001, 2002, 2005 → '2000–2002, 2005'."""
    ys = sorted(int(y) for y in years)
    out, i = [], 0
    while i < len(ys):
        j = i
        while j + 1 < len(ys) and ys[j + 1] == ys[j] + 1:
            j += 1
        out.append(f"{ys[i]}–{ys[j]}" if j > i else f"{ys[i]}")
        i = j + 1
    return ", ".join(out)


def data_quality(country: str = DEFAULT_COUNTRY) -> pd.DataFrame:
    """Every year the study reads for ``country``: year, side (reported / mirror / mixed), source, estimated_share
    (the share of the year's own declarations the IMF estimated; NaN where not known), note."""
    country = check_country(country)
    comp = composition(country)
    years = sorted(comp["year"].unique())
    if country == DEFAULT_COUNTRY:
        import kzecon

        t = kzecon.data.load_trade("spliced", russia_2010="interpolate")
        g = t.groupby("year").agg(side=("reporter_side", lambda x: "+".join(sorted(set(x)))),
                                  source=("source", lambda x: ", ".join(sorted(set(map(str, x))))))
        rows = [{"year": int(y), "side": g.loc[y, "side"], "source": _source_name(g.loc[y, "source"]),
                 "estimated_share": np.nan,
                 "note": "Russia and Belarus interpolated (the customs union's first-year undercount)" if y == 2010
                 else ""} for y in years]
        return pd.DataFrame(rows)
    sides = _dots_sides(country).set_index("year")
    rows = []
    for y in years:
        r = sides.loc[y]
        rows.append({"year": int(y), "side": r["side"],
                     "source": f"IMF DOTS, {country_name(country)}'s {SIDE_LABEL[r['side']]}",
                     "estimated_share": r["estimated_share"], "note": r["note"]})
    return pd.DataFrame(rows)


def _source_name(codes: str) -> str:
    """Readers' names of the bundled trade sources (cow_v4, wits, bns, …)."""
    from kzecon.report.figures import SOURCE_NAMES

    return ", ".join(SOURCE_NAMES.get(c.strip(), c.strip()) for c in codes.split(","))


@results_class
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
    country: str = DEFAULT_COUNTRY
    scenarios: pd.DataFrame = field(default=None, repr=False)  # pipeline.SCENARIO_COLUMNS: growth and oil

    @property
    def last_year(self) -> int:
        """The composition's last year (the forecast origin)."""
        return int(self.composition["year"].max())

    @property
    def name(self) -> str:
        """The economy's name."""
        return country_name(self.country)

    @property
    def nobs(self) -> int:
        """Years of the composition forecast from."""
        return int(self.composition["year"].nunique())

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """year, partner, lower, upper: the headline forecast's equal-tailed intervals."""
        return self.forecast.conf_int(level)

    @property
    def quote_years(self) -> tuple[int, int, int, int]:
        """The calendar years the brief quotes: this year (or the first after the data), two years on,
        :data:`HEADLINE_YEAR` and :data:`LONG_YEAR` — the same years for every economy, whatever its data's end."""
        first = max(this_year(), self.last_year + 1)
        return first, first + 2, HEADLINE_YEAR, LONG_YEAR

    @property
    def after_data(self) -> tuple[int, int] | None:
        """The years between the data's last and this year (past years the data have not reached), or None."""
        lo, hi = self.last_year + 1, this_year() - 1
        return (lo, hi) if hi >= lo else None

    @property
    def p_headline(self) -> float:
        """P(China's share of the economy's trade above Russia's) in :data:`HEADLINE_YEAR`."""
        return self.probability("china_above_russia", HEADLINE_YEAR)

    def probability(self, event: str, year: int) -> float:
        """The headline model's probability of ``event`` in ``year``."""
        return event_probability(self.risk, event, year)

    def share(self, part: str, year: int) -> pd.Series:
        """The headline forecast of ``part`` in ``year``: mean, median and 90% bounds (a :class:`UsageError` naming
        the parts and years forecast otherwise)."""
        from kzecon.errors import UsageError

        s = self.paths_summary
        if part not in set(s["partner"]):
            raise UsageError(f"part {part!r} is not forecast; parts: {', '.join(dict.fromkeys(s['partner']))}")
        hit = s[(s["partner"] == part) & (s["year"] == year)]
        if hit.empty:
            raise UsageError(f"year {year!r} is not forecast; the forecast runs {int(s['year'].min())}–"
                             f"{int(s['year'].max())}")
        return hit.iloc[0]

    def world_score(self, model: str, column: str) -> pd.Series:
        """A held-out score of the world backtest by horizon (origins 2000–2015)."""
        w = self.world_summary
        return w[w["model"] == model].set_index("horizon")[column]

    def to_frame(self) -> pd.DataFrame:
        """The risk table: event, year, probability, raw_probability, probability_by_year, mc_se."""
        return self.risk.copy()

    def summary(self) -> str:
        """The headline model, P(China above Russia) five years out and China's expected share."""
        from kzecon.forecast.registry import label

        y = HEADLINE_YEAR
        return (f"{label(self.model)}: P(China above Russia in {y}) = "
                f"{self.probability('china_above_russia', y):.2f}; China {100 * self.share('china', y)['mean']:.1f}%")


def horizon_to(last: int, year: int = HEADLINE_YEAR, minimum: int = 10) -> int:
    """Years ahead a forecast from ``last`` needs to reach ``year`` (at least ``minimum``, at most 30)."""
    from kzecon.errors import CoverageError

    h = max(minimum, year - last)
    if h > 30:
        raise CoverageError(f"the composition ends in {last}: {year} is more than 30 years ahead")
    return h


def scenario_table() -> pd.DataFrame:
    """The brief's scenarios (``kzecon/data/reference/scenarios.csv``): scenario, label, brent (USD a barrel),
    gdp_growth_CHN, gdp_growth_RUS (% a year); empty cells leave that driver on its baseline path."""
    from kzecon.data import read_reference

    return read_reference("scenarios.csv")


SCENARIO_COLUMNS = ["scenario", "label", "brent", "gdp_growth_CHN", "gdp_growth_RUS", "from_year", "year",
                    "p_china_above_russia", "china_mean", "china_lower_90", "china_upper_90", "russia_mean",
                    "russia_lower_90", "russia_upper_90"]


def _recorded(comp_last: int, horizon: int) -> tuple[dict, dict]:
    """The drivers' recorded values in the forecast years (Brent prices, CHN/RUS GDP growth as % a year) and the last
    recorded year of each."""
    import kzecon
    from kzecon.forecast.drivers import SERIES, driver_history

    hist = driver_history()
    years = range(comp_last + 1, comp_last + horizon + 1)
    b = kzecon.data.load_oil("brent", "annual").set_index("year")["price_usd_per_bbl"]
    at = hist.at(list(years))
    g = {code: at[:, SERIES.index(code)] for code in ("CHN", "RUS")}
    rec = {"brent": {y: float(b[y]) for y in years if y in b.index}}
    for code, v in g.items():
        rec[f"gdp_growth_{code}"] = {y: float(100 * np.expm1(x)) for y, x in zip(years, v, strict=True)
                                     if np.isfinite(x)}
    last = {"brent": int(b.index.max())}
    for code in ("CHN", "RUS"):
        last[f"gdp_growth_{code}"] = int(hist.years[~np.isnan(hist.growth[:, SERIES.index(code)])].max())
    return rec, last


def scenarios(comp: pd.DataFrame, *, model: str, horizon: int, paths: int, seed: int,
              table: pd.DataFrame | None = None, year: int = HEADLINE_YEAR) -> pd.DataFrame:
    """P(China's share above Russia's) in ``year`` and China's and Russia's shares then (mean, 90% interval) under
    each scenario of ``table`` (default :func:`scenario_table`) from the headline ``model`` and its scenario layer
    (:mod:`kzecon.forecast.scenario`): a scenario's driver is fixed at its value from ``from_year`` (the first
    forecast year after the driver's last recorded value) to the last forecast year, its recorded values in the
    years between kept; the baseline row is the headline forecast itself. Columns :data:`SCENARIO_COLUMNS`."""
    from kzecon import forecast

    table = scenario_table() if table is None else table
    last = int(comp["year"].max())
    rec, last_rec = _recorded(last, horizon)
    years = list(range(last + 1, last + horizon + 1))
    rows = []
    for r in table.itertuples(index=False):
        r = r._asdict()
        fixed = {c: r.get(c) for c in ("brent", "gdp_growth_CHN", "gdp_growth_RUS") if pd.notna(r.get(c))}
        start = max([last] + [last_rec[c] for c in fixed]) + 1 if fixed else None
        if fixed:
            cols = {"year": years}
            for c, v in fixed.items():
                cols[c] = [rec[c].get(y, float(v)) if y < start else float(v) for y in years]
            sc = pd.DataFrame(cols)
            fc = forecast.simulate(comp, model=model, horizon=horizon, n_paths=paths, seed=seed, scenario=sc)
        else:
            fc = forecast.simulate(comp, model=model, horizon=horizon, n_paths=paths, seed=seed)
        t = fc.to_frame().set_index(["partner", "year"])
        c, ru = t.loc[("china", year)], t.loc[("russia", year)]
        rows.append({"scenario": r["scenario"], "label": r["label"], "brent": r.get("brent"),
                     "gdp_growth_CHN": r.get("gdp_growth_CHN"), "gdp_growth_RUS": r.get("gdp_growth_RUS"),
                     "from_year": start, "year": year,
                     "p_china_above_russia": event_probability(fc.risk(), "china_above_russia", year),
                     "china_mean": c["mean"], "china_lower_90": c["lower_90"], "china_upper_90": c["upper_90"],
                     "russia_mean": ru["mean"], "russia_lower_90": ru["lower_90"], "russia_upper_90": ru["upper_90"]})
    return pd.DataFrame(rows)[SCENARIO_COLUMNS]


def dependence_risk(*, country: str = DEFAULT_COUNTRY, paths: int = 4000, seed: int = 2026,
                    backtest_paths: int = 500, comparison_models=("rw", "var")) -> DependenceRisk:
    """The headline composition forecast of ``country`` (to :data:`HEADLINE_YEAR` at least ten years ahead), the
    comparison models, its own rolling-origin backtest, the world backtest's held-out scores and the oil scenarios
    (:func:`oil_scenarios`) from the same headline model."""
    from kzecon import forecast
    from kzecon.data import read_reference
    from kzecon.data.validate import whole_number
    from kzecon.forecast import registry
    from kzecon.forecast.core import WORLD_CHOICE

    country = check_country(country)
    paths = whole_number(paths, "paths", 100)
    backtest_paths = whole_number(backtest_paths, "backtest_paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    comp = composition(country)
    last = int(comp["year"].max())
    name, n_years = country_name(country), comp["year"].nunique()
    models = (WORLD_CHOICE, *comparison_models)
    bt = forecast.backtest.run(comp, models=models, n_paths=backtest_paths, seed=seed)
    h = horizon_to(last, LONG_YEAR)
    fcs = {m: forecast.simulate(comp, model=m, horizon=h, n_paths=paths, seed=seed) for m in models}
    head = fcs[WORLD_CHOICE]
    crps = bt.accuracy.groupby("model")["crps"].mean()
    cov = bt.coverage
    rows = []
    for m, fc in fcs.items():
        s = fc.to_frame()
        c = s[(s["partner"] == "china") & (s["year"] == HEADLINE_YEAR)].iloc[0]
        p = event_probability(fc.risk(), "china_above_russia", HEADLINE_YEAR)
        c90 = cov[(cov["model"] == m) & np.isclose(cov["nominal"], 0.9)].set_index("horizon")["empirical"]
        rows.append({"model": m, "name": registry.label(m), "how": registry.how(m, economy=name, years=n_years),
                     "china_mean": c["mean"], "china_lower_90": c["lower_90"], "china_upper_90": c["upper_90"],
                     "p_china_above_russia": p, "own_crps": crps.get(m, np.nan),
                     "own_cov90_h1": c90.get(1, np.nan), "own_cov90_h5": c90.get(5, np.nan)})
    scen = (scenarios(comp, model=WORLD_CHOICE, horizon=h, paths=paths, seed=seed)
            if WORLD_CHOICE in registry.DRIVER_MODELS else None)
    return DependenceRisk(composition=comp, model=WORLD_CHOICE, forecast=head, risk=head.risk(),
                          paths_summary=head.to_frame(), comparison=pd.DataFrame(rows), backtest=bt, scenarios=scen,
                          world_summary=read_reference("world_backtest_summary.csv"),
                          world_reliability=read_reference("world_backtest_reliability.csv"), seed=seed, paths=paths,
                          country=country)


# ---------------------------------------------------------------------------------------------- products
@results_class
@dataclass(frozen=True)
class Products:
    """What Kazakhstan sells to China by HS sector, the fuels + metals share, and the Brent elasticity of exports to
    China."""
    composition: pd.DataFrame
    fuels_metals: pd.DataFrame
    brent: object  # EstimationResults

    @property
    def nobs(self) -> int:
        """Years in the Brent regression."""
        return self.brent.nobs

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """The Brent regression's intervals (HAC, t)."""
        return self.brent.conf_int(level)

    def to_frame(self) -> pd.DataFrame:
        """The fuels + metals share by year."""
        return self.fuels_metals.copy()

    def summary(self) -> str:
        """The Brent elasticity of exports to China."""
        return f"Brent elasticity of exports to China {self.brent.params['log_brent']:.2f}"


def _kazakhstan_only(country: str, what: str, needs: str) -> None:
    from kzecon.errors import CoverageError

    if check_country(country) != DEFAULT_COUNTRY:
        raise CoverageError(f"{what} for {country_name(country)} would need {needs}; the bundled data have it for "
                            "the study's default economy only")


def products(country: str = DEFAULT_COUNTRY) -> Products:
    """What Kazakhstan sells to China by HS sector, and the oil-price elasticity of its exports to China."""
    from kzecon.study import products as p

    _kazakhstan_only(country, "the product composition of exports to China",
                     "its exports to China by HS-2 chapter (UN Comtrade: kzecon data update --source comtrade --hs2 "
                     f"--countries {country}) and its national trade series for the oil-price elasticity")
    comp = p.composition()
    return Products(composition=comp, fuels_metals=p.fuels_metals_share(comp),
                    brent=p.brent_exposure("exports_to_china"))


# ---------------------------------------------------------------------------------------------- customs union
def customs_union(*, country: str = DEFAULT_COUNTRY, reps: int = 9999, seed: int = 2026):
    """The customs-union DiD and event studies: a :class:`kzecon.study.customs_union.CustomsUnion`."""
    from kzecon.study import customs_union as analysis

    _kazakhstan_only(country, "the customs-union difference-in-differences",
                     "a treated economy that joined a union at a known date and comparable untreated neighbours "
                     "(the bundled design is the customs union's two smaller founders from 2010 against post-Soviet "
                     "controls)")

    return analysis.customs_union(reps=reps, seed=seed)


# ---------------------------------------------------------------------------------------------- world gravity
def world_gravity(*, score_reps: int = 999, seed: int = 2026):
    """The EAEU and BRI terms on the annual IMF DOTS panel 2000–2020: the static and the event-study models on
    the preferred flow, the pre-trend test, the wild score bootstrap for the EAEU term, and the randomization
    inference over 99 placebo blocs stored by ``analyses/eaeu_randomization.py`` (its 99 refits take minutes; it is
    used only when computed on this DOTS file for this estimate, else a warning says why it is missing). A
    :class:`kzecon.study.eaeu.WorldGravityResults`."""
    import dataclasses
    import warnings

    from kzecon.errors import CoverageError, DataQualityWarning
    from kzecon.study import eaeu as world

    res = world.eaeu_models(ri_reps=0, score_reps=score_reps, seed=seed, specs=("ppml_static", "ppml_event"),
                            sides=False)
    try:
        ri = world.stored_randomization(res.models["ppml_static"])
    except CoverageError as err:
        warnings.warn(f"randomization inference for the EAEU term not shown: {err}", DataQualityWarning, stacklevel=2)
        return res
    return dataclasses.replace(res, ri={("ppml_static", "eaeu"): ri})


# ---------------------------------------------------------------------------------------------- decomposition
@functools.lru_cache(maxsize=1)
def policy_coefficients() -> dict:
    """The policy terms of the annual world gravity model (:data:`kzecon.study.eaeu.SPECS` ``ppml_static`` on the
    DOTS panel 2000–2020): {term: PPML estimate} for the decomposition's policy part (fitted once per process)."""
    from kzecon.gravity.ppml import PPML
    from kzecon.study import eaeu
    from kzecon.study.decomposition import POLICY_TERMS

    fit = PPML(eaeu.eaeu_frame(), f"flow ~ {eaeu.SPECS['ppml_static']} | {eaeu.FE}", name="ppml_static").fit()
    return {t: float(fit.params[t]) for t in POLICY_TERMS}


def decompose(*, country: str = DEFAULT_COUNTRY, start: int | None = None, end: int | None = None,
              coefficients: dict | None = None):
    """Each partner's share change of ``country`` from ``start`` (default 2000, or the composition's first year) to
    ``end`` (default the last year both its composition and the world's data cover) split into the world's part,
    the policy part and its own: a :class:`kzecon.study.decomposition.Decomposition`. ``coefficients``: the world
    gravity model's policy terms (default :func:`policy_coefficients`)."""
    from kzecon.data.validate import whole_number
    from kzecon.errors import UsageError
    from kzecon.study import decomposition as dec

    country = check_country(country)
    if coefficients is not None:
        if not isinstance(coefficients, dict) or set(coefficients) != set(dec.POLICY_TERMS):
            raise UsageError(f"coefficients must give exactly the policy terms {', '.join(dec.POLICY_TERMS)}; got "
                             f"{coefficients!r}")
        bad = {k: v for k, v in coefficients.items() if isinstance(v, bool)
               or not isinstance(v, int | float | np.floating) or not np.isfinite(v)}
        if bad:
            raise UsageError(f"coefficients must be finite numbers (log points); got {bad!r}")
    start = None if start is None else whole_number(start, "start (--from)", 1900, 2100)
    end = None if end is None else whole_number(end, "end (--to)", 1900, 2100)
    comp = composition(country)
    years = comp["year"]
    first, last = int(years.min()), int(years.max())
    world_last = int(kzecon_data().load_compositions(side="reported", flow="total")["year"].max())
    start = max(dec.DEFAULT_FROM, first) if start is None else int(start)
    end = min(last, world_last) if end is None else int(end)
    dec.check_period(comp, country=country, start=start, end=end, world_last_year=world_last)  # before any fit
    res = dec.decompose(comp, country=country, start=start, end=end,
                        coefficients=policy_coefficients() if coefficients is None else coefficients,
                        world_last_year=world_last)
    info = {"country": country, "name": country_name(country), "from_year": start, "to_year": end,
            "composition": {"side": comp.attrs.get("side", ""), "source": comp.attrs.get("source", ""),
                            "years": [first, last]},
            "world": {"source": "IMF DOTS compositions (compositions_dots), reported side, exports + imports, "
                                "weighted by each reporter's total; reporter-years more than half estimated by the "
                                "IMF left out; the economy and each part's own members left out",
                      "side": "reported", "years": [start, end],
                      "reporters": {r.part: int(r.reporters) for r in res.world_shares[res.world_shares["year"]
                                                                                      == end].itertuples()}},
            "policy": {"source": "PPML of the annual IMF DOTS gravity panel 2000–2020 (preferred flow), exporter-year, "
                                 "importer-year and pair fixed effects (kzecon.study.eaeu, ppml_static); bilateral "
                                 f"flows of {country} in {end} from the same panel",
                       "side": "preferred flow (importer-reported / 1.10, else exporter-reported)",
                       "coefficients": res.coefficients, "years": [2000, world_last]}}
    import dataclasses

    return dataclasses.replace(res, info=info)


def kzecon_data():
    """kzecon.data (imported on first use)."""
    import kzecon

    return kzecon.data


# ---------------------------------------------------------------------------------------------- UN votes
@results_class
@dataclass(frozen=True)
class UnAlignment:
    """An economy's UN General Assembly agreement with China and Russia by year, and the resolutions on which
    China and Russia voted yes against no, by period."""

    series: pd.DataFrame
    divergent: dict  # period label → divergent_votes frame
    country: str = DEFAULT_COUNTRY

    @property
    def nobs(self) -> int:
        """Years of the agreement series."""
        return len(self.series)

    def counts(self, period: str) -> pd.Series:
        """Whom the economy sided with on the resolutions of ``period`` on which China and Russia split."""
        from kzecon import alignment

        return alignment.divergence_summary(self.divergent[period]).set_index("sided_with")["count"]

    def to_frame(self) -> pd.DataFrame:
        """Agreement with China and with Russia by year."""
        return self.series.copy()

    def summary(self) -> str:
        """The number of divergent resolutions in each period."""
        return "; ".join(f"{k}: {len(v)} resolutions" for k, v in self.divergent.items())


def un_alignment(country: str = DEFAULT_COUNTRY, periods=((2007, 2013), (2014, 2019))) -> UnAlignment:
    """``country``'s UN General Assembly agreement with China and Russia by year (1992–2019) and the resolutions on
    which China and Russia split, by period."""
    from kzecon import alignment

    country = check_country(country)
    div = {f"{a}–{b}": alignment.divergent_votes((country, *POLES), start=a, end=b, strict=True) for a, b in periods}
    return UnAlignment(series=alignment.alignment_series(country, POLES, start=1992, end=2019), divergent=div,
                       country=country)


# ---------------------------------------------------------------------------------------------- peers
PEERS = {
    "central_asia": ("KAZ", "UZB", "KGZ", "TJK", "TKM"),
    "eaeu": ("KAZ", "ARM", "BLR", "KGZ"),  # Russia, the fifth member, is one of the two poles compared
    "neighbour": ("MNG", "AZE"),
    "commodity_exporter": ("IRN", "SAU"),  # oil exporters trading with both China and Russia
}


@results_class
@dataclass(frozen=True)
class Peers:
    """China's and Russia's shares of each peer's trade (latest year, with the side that reported them) and
    P(China's share above Russia's) in :data:`HEADLINE_YEAR` from the headline model; a peer that cannot be
    forecast keeps its row with the reason in ``note``."""

    table: pd.DataFrame
    country: str = DEFAULT_COUNTRY
    model: str = "world_cal"
    seed: int = 2026
    paths: int = 4000

    @property
    def nobs(self) -> int:
        """Number of economies in the table."""
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """The peers table (the columns of peers.csv)."""
        return self.table.copy()

    def summary(self) -> str:
        """One line per peer: latest year, China's and Russia's shares, P(China > Russia) in 2030."""
        t = self.table
        return "\n".join(f"{r.country} {r.year}: China {100 * r.china_share:.1f}%, Russia {100 * r.russia_share:.1f}%, "
                         f"P(China > Russia, {HEADLINE_YEAR}) = {r.p_china_above_russia_2030:.2f}"
                         for r in t.itertuples())


def peer_list(country: str = DEFAULT_COUNTRY) -> list[tuple[str, str]]:
    """(ISO-3, group) of the peers, the studied economy first."""
    seen: dict[str, str] = {country: "studied"}
    for group, codes in PEERS.items():
        for c in codes:
            seen.setdefault(c, group)
    return list(seen.items())


def peers(*, country: str = DEFAULT_COUNTRY, headline: DependenceRisk | None = None, shares: TradeShares | None = None,
          paths: int = 4000, seed: int = 2026) -> Peers:
    """The studied economy among its peers (:data:`PEERS`): the Central Asian economies, the other EAEU members,
    Mongolia, Azerbaijan and two oil exporters. Each row: the latest year of its composition, China's and Russia's
    shares then (Kazakhstan: its national series; the others: their own declarations to the IMF, DOTS), and
    P(China > Russia) in :data:`HEADLINE_YEAR` from the headline model (the studied economy's row is the
    ``headline`` forecast itself, when given, so that it equals the brief's)."""
    from kzecon import forecast
    from kzecon.data.validate import whole_number
    from kzecon.errors import KzeconError, UsageError
    from kzecon.forecast.core import WORLD_CHOICE

    country = check_country(country)
    paths = whole_number(paths, "paths", 100)
    seed = whole_number(seed, "seed", 0, 2**32 - 1)
    if headline is not None and not isinstance(headline, DependenceRisk):
        raise UsageError(f"headline must be a DependenceRisk (pipeline.dependence_risk()), got "
                         f"{type(headline).__name__}")
    if shares is not None and not isinstance(shares, TradeShares):
        raise UsageError(f"shares must be a TradeShares (pipeline.trade_shares()), got {type(shares).__name__}")
    rows = []
    for code, group in peer_list(country):
        row = {"country": code, "name": country_name(code), "group": group}
        try:
            if code == country and headline is not None:
                comp, p = headline.composition, headline.p_headline
            else:  # every peer on the same footing: IMF DOTS (own declarations where real, else mirror)
                comp = composition(code, national=code == country)
                fc = forecast.simulate(comp, model=WORLD_CHOICE, horizon=horizon_to(int(comp["year"].max())),
                                       n_paths=paths, seed=seed)
                p = event_probability(fc.risk(), "china_above_russia", HEADLINE_YEAR)
            if code == country and shares is not None:
                last = shares.last_year
                tot = shares.total.loc[last]
                side, source = shares.side, shares.source
            else:
                w = comp.pivot_table(index="year", columns="partner", values="share")
                last = int(w.index.max())
                tot = w.loc[last]
                side, source = comp.attrs.get("side", ""), comp.attrs.get("source", "")
                if code == DEFAULT_COUNTRY and code == country:
                    side = TradeShares.side  # the dataclass default: Kazakhstan's own figures, spliced series
            row.update(year=last, china_share=float(tot["china"]), russia_share=float(tot["russia"]),
                       p_china_above_russia_2030=p, side=side, source=source, model=WORLD_CHOICE,
                       first_year=int(comp["year"].min()), note=comp.attrs.get("note", ""), data_last_year=last)
        except KzeconError as err:
            row.update(year=np.nan, china_share=np.nan, russia_share=np.nan, p_china_above_russia_2030=np.nan,
                       side="", source="", model=WORLD_CHOICE, first_year=np.nan, note=f"not computed: {err}",
                       data_last_year=np.nan)
        row["target_year"] = HEADLINE_YEAR
        rows.append(row)
    cols = ["country", "year", "china_share", "russia_share", "p_china_above_russia_2030", "name", "group", "side",
            "source", "first_year", "model", "note", "target_year", "data_last_year"]
    return Peers(table=pd.DataFrame(rows)[cols], country=country, seed=seed, paths=paths)
