"""Finding: partner shares of an economy's trade, China–Russia tilt, balance, concentration, reported vs mirror."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.results import results_class
from kzecon.study.findings.composition import _dots_by_side, _dots_run, _sides_phrase
from kzecon.study.findings.economy import (
    DEFAULT_COUNTRY,
    DOTS_SOURCE,
    MIRROR_YEAR,
    POLES,
    TRADE_SOURCE,
    check_country,
    country_name,
)


@results_class
@dataclass(frozen=True)
class TradeShares:
    """An economy's partner shares (every flow), the China–Russia tilt, balance and concentration, and the
    reported-vs-mirror comparison with China and Russia. Made by :func:`trade_shares`.

    Attributes
    ----------
    shares : DataFrame
        reporter, year, flow, group, value_usd, total_usd, share, side: one row per year, flow (export, import,
        total) and partner group (:data:`GROUPS`); the shares of a year and flow sum to one
        (:func:`kzecon.measures.partner_shares`). ``side``: the reporting side(s) each year was read from.
    tilt : DataFrame
        year, flow, china, russia, difference (China's share less Russia's), log_ratio
        (:func:`kzecon.measures.china_russia_tilt`).
    balance : DataFrame
        year, flow, balance, vectors: the multi-vector balance index, 1 for equal shares of China, Russia, the EU and
        the other partners (:func:`kzecon.measures.balance_index`).
    concentration : DataFrame
        year, flow, n_partners, hhi, hhi_norm, side: the Herfindahl–Hirschman index over partner countries
        (:func:`kzecon.measures.concentration`).
    mirror : DataFrame
        year, partner (CHN, RUS), flow, reported_usd, mirror_usd, … gap_pct: the economy's own figures against its
        partner's mirror figures (:func:`kzecon.measures.reported_vs_mirror`); empty when no year has both sides.
    vintage : str
        The data vintage read (bundled files and their years, or the user's file).
    source : str, default :data:`TRADE_SOURCE`
        The sources in a reader's words, as the brief cites them.
    country : str, default "KAZ"
        ISO-3 code of the economy.
    side : str, default "Kazakhstan's own figures, spliced series"
        Which side reported the shares, in a reader's words.

    See Also
    --------
    trade_shares : Makes it.
    kzecon.measures.partner_shares : The shares of any trade frame.

    Examples
    --------
    >>> from kzecon.study.findings import trade_shares
    >>> ts = trade_shares()
    >>> ts.first_year, ts.last_year, ts.china_ahead_since
    (1994, 2025, 2023)
    >>> ts.table("total").loc[2021:2023, ["china", "russia", "tilt_chn_rus", "balance"]].round(3)
          china  russia  tilt_chn_rus  balance
    year
    2021  0.177   0.242        -0.065    0.988
    2022  0.179   0.199        -0.020    0.979
    2023  0.215   0.194         0.022    0.989
    """

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
        """The multi-vector balance index in ``year`` for ``flow``.

        Parameters
        ----------
        year : int
            A year of the shares.
        flow : {"total", "export", "import"}, default "total"
            The flow.

        Returns
        -------
        float
            The index, between 0 and 1 (1: equal shares of China, Russia, the EU and the other partners).

        Raises
        ------
        IndexError
            ``year`` or ``flow`` is not in :attr:`balance`.

        Examples
        --------
        >>> from kzecon.study.findings import trade_shares
        >>> round(trade_shares().balance_in(2023), 3)
        0.989
        """
        b = self.balance
        return float(b[(b["flow"] == flow) & (b["year"] == year)]["balance"].iloc[0])

    def table(self, flow: str = "total") -> pd.DataFrame:
        """Years × partner groups of ``flow`` ("export", "import" or "total") with the China–Russia tilt
        (``tilt_chn_rus``: China's share less Russia's), the balance index and the normalised HHI.

        Parameters
        ----------
        flow : {"total", "export", "import"}, default "total"
            The flow (one the shares hold).

        Returns
        -------
        DataFrame
            Indexed by year: one column per partner group (shares, 0–1), then tilt_chn_rus, balance, hhi_norm.

        Raises
        ------
        UsageError
            ``flow`` is not a flow of the shares (the message names those it holds).

        Examples
        --------
        >>> from kzecon.study.findings import trade_shares
        >>> t = trade_shares().table("export")
        >>> list(t.columns)
        ['central_asia', 'china', 'eu', 'rest', 'russia', 'tilt_chn_rus', 'balance', 'hhi_norm']
        >>> t.loc[2023, ["china", "russia"]].round(3).tolist()
        [0.185, 0.129]
        """
        from kzecon.errors import UsageError

        if flow not in set(self.shares["flow"]):
            raise UsageError(f"flow {flow!r}: the shares hold {', '.join(sorted(set(self.shares['flow'])))}")
        sel = lambda d: d[d["flow"] == flow].set_index("year")  # noqa: E731
        wide = self.shares[self.shares["flow"] == flow].pivot_table(index="year", columns="group", values="share")
        wide = wide.join(sel(self.tilt)[["difference"]].rename(columns={"difference": "tilt_chn_rus"}))
        wide = wide.join(sel(self.balance)[["balance"]])
        return wide.join(sel(self.concentration)[["hhi_norm"]])

    def tables(self) -> dict[str, pd.DataFrame]:
        """The finding's tables by name, as ``kzecon measures --out`` writes them (``<name>.csv``).

        Returns
        -------
        dict of str to DataFrame
            shares, tilt, balance, concentration.

        Examples
        --------
        >>> from kzecon.study.findings import trade_shares
        >>> list(trade_shares().tables())
        ['shares', 'tilt', 'balance', 'concentration']
        """
        return {"shares": self.shares, "tilt": self.tilt, "balance": self.balance,
                "concentration": self.concentration}

    def to_frame(self) -> pd.DataFrame:
        """The shares: reporter, year, flow, group, value_usd, total_usd, share, side."""
        return self.shares.copy()

    def summary(self) -> str:
        """The latest year's China and Russia shares, the side, and since when China has been ahead."""
        t, y = self.total, self.last_year
        return (f"{y}: China {100 * t.loc[y, 'china']:.1f}%, Russia {100 * t.loc[y, 'russia']:.1f}% of {self.name}'s "
                f"total trade ({self.side}); China ahead since {self.china_ahead_since}")


def _from_shares(shares: pd.DataFrame, **fields) -> TradeShares:
    """A :class:`TradeShares` whose tilt and balance are computed from ``shares`` (every way of reading an economy's
    trade ends here)."""
    from kzecon import measures

    return TradeShares(shares=shares, tilt=measures.china_russia_tilt(shares), balance=measures.balance_index(shares),
                       **fields)


def trade_shares(country: str = DEFAULT_COUNTRY, *, trade: pd.DataFrame | None = None, side: str | None = None,
                 russia_2010: str = "interpolate", year_sides: bool = True) -> TradeShares:
    """Partner shares of ``country``'s trade (every flow), the China–Russia tilt, balance, concentration and the
    reported-vs-mirror comparison with China and Russia.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy. Kazakhstan is read from its national spliced series; any other economy of the
        IMF DOTS composition panel from DOTS (each year on the side :func:`data_quality` names). With ``trade``:
        the reporter whose shares are computed, which must be in ``trade``.
    trade : DataFrame, optional
        A user's validated bilateral trade (:func:`kzecon.data.validate_trade`) instead of the bundled data.
    side : {"reported", "mirror", "mixed"}, optional
        Only figures reported by this side (Kazakhstan's national series or ``trade``; default: as given).
    russia_2010 : {"interpolate", "flag"}, default "interpolate"
        Kazakhstan's series: the 2010 customs-union undercount of trade with Russia and Belarus replaced by the
        geometric mean of 2009 and 2011 (the brief), or kept and flagged.
    year_sides : bool, default True
        Kazakhstan's series: label each year with the sides it was read from (1994 mixed, then reported); False
        keeps :func:`kzecon.measures.partner_shares`' label of the whole series (``kzecon measures``' shares.csv).

    Returns
    -------
    TradeShares
        The shares, tilt, balance, concentration and mirror comparison, with their source and side.

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on (:func:`check_country`), or ``side``/``russia_2010`` do
        not apply to it (another economy than Kazakhstan; ``russia_2010`` with ``trade``).
    CoverageError
        ``country`` has no composition in the bundled data, or is not a reporter of ``trade``.

    See Also
    --------
    share_breaks : The tests on China's share of these shares.
    kzecon.measures.partner_shares : The shares of any trade frame.

    Examples
    --------
    >>> from kzecon.study.findings import trade_shares
    >>> ts = trade_shares()
    >>> print(ts.summary())
    2025: China 23.6%, Russia 19.2% of Kazakhstan's total trade (Kazakhstan's own figures, spliced series); China
    ahead since 2023
    >>> ts.total.loc[2025].round(3)
    group
    central_asia    0.061
    china           0.236
    eu              0.313
    rest            0.197
    russia          0.192
    Name: 2025, dtype: float64
    """
    import kzecon
    from kzecon import measures
    from kzecon.errors import CoverageError, UsageError

    if trade is not None:
        if russia_2010 != "interpolate":
            raise UsageError("russia_2010 corrects the bundled Kazakhstan series; it does not apply to a user's data")
        reporter = str(country).strip().upper()
        shares = measures.partner_shares(trade, reporter=reporter, flow="all", side=side)
        try:
            mirror = pd.concat([measures.reported_vs_mirror(trade, partner=p, reporter=reporter) for p in POLES],
                               ignore_index=True)
        except (CoverageError, KeyError, ValueError):  # a user's file with one side: no comparison to show
            mirror = pd.DataFrame(columns=["year", "partner", "flow", "reported_usd", "mirror_usd"])
        vintage = "; ".join(trade.attrs.get("vintage", [])) or "user data"
        return _from_shares(shares, concentration=measures.concentration(trade, reporter=reporter, flow="all",
                                                                         side=side),
                            mirror=mirror, vintage=vintage, source="user data", country=reporter,
                            side=f"{shares['side'].iloc[0]} figures")
    country = check_country(country)
    if country != DEFAULT_COUNTRY:
        if side is not None or russia_2010 != "interpolate":
            given = "side" if side is not None else "russia_2010"
            raise UsageError(f"{given} applies to Kazakhstan's national series or a user's data; {country} is read "
                             "from IMF DOTS, each year on the side data_quality() names")
        return _dots_shares(country)
    trade = kzecon.data.load_trade("spliced", russia_2010=russia_2010)
    shares = measures.partner_shares(trade, flow="all", side=side)
    if year_sides:
        per_year = trade.groupby("year")["reporter_side"].agg(lambda x: "+".join(sorted(set(map(str, x)))))
        shares["side"] = shares["year"].map(per_year)  # each year's side (the spliced series' first year is mixed)
    everything = kzecon.data.load_trade()  # every source and side, for the reported-vs-mirror comparison
    mirror = pd.concat([measures.reported_vs_mirror(everything, partner=p) for p in ("CHN", "RUS")],
                       ignore_index=True)
    return _from_shares(shares, concentration=measures.concentration(trade, flow="all", side=side), mirror=mirror,
                        vintage="; ".join(trade.attrs.get("vintage", [])))


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
    return _from_shares(shares, concentration=conc, mirror=mirror, vintage=vintage,
                        source=DOTS_SOURCE.format(name=name, first=first, last=last, sides=phrase), country=country,
                        side=f"IMF DOTS: {name}'s {phrase}")
