"""Finding: the economy among its peers — China's and Russia's shares and P(China > Russia) in the headline year."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.results import results_class
from kzecon.study.findings.composition import composition
from kzecon.study.findings.economy import DEFAULT_COUNTRY, HEADLINE_YEAR, check_country, country_name
from kzecon.study.findings.risk import DependenceRisk, event_probability, horizon_to
from kzecon.study.findings.shares import TradeShares

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
    forecast keeps its row with the reason in ``note``. Made by :func:`peers`.

    Attributes
    ----------
    table : DataFrame
        One row per economy of :func:`peer_list`, the studied one first: country, year (the composition's latest),
        china_share, russia_share (0–1, that year), p_china_above_russia_2030, name, group, side, source,
        first_year, model, note, target_year (:data:`HEADLINE_YEAR`), data_last_year. A peer that could not be
        computed has NaN figures and ``note`` "not computed: …".
    country : str, default "KAZ"
        ISO-3 code of the studied economy.
    model : str, default "world_cal"
        The forecast model of the table's probabilities (:func:`peers` sets it to the headline model,
        :data:`kzecon.forecast.WORLD_CHOICE`, the table's ``model`` column).
    seed : int, default 2026
        Random seed of the forecasts.
    paths : int, default 4000
        Simulated paths of each forecast.

    See Also
    --------
    peers : Makes it.

    Notes
    -----
    :func:`peers` forecasts eleven economies (three seconds or more on a cold start); the example builds a one-row
    table of Uzbekistan by hand, as :func:`peers` does for each peer, to show the fields.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon import forecast
    >>> from kzecon.study.findings import Peers, composition, event_probability, horizon_to
    >>> comp = composition("UZB")
    >>> last = comp[comp["year"] == comp["year"].max()].set_index("partner")["share"]
    >>> fc = forecast.simulate(comp, model="pooled", horizon=horizon_to(2020), n_paths=200, seed=2026)
    >>> row = {"country": "UZB", "year": 2020, "china_share": last["china"], "russia_share": last["russia"],
    ...        "p_china_above_russia_2030": event_probability(fc.risk(), "china_above_russia", 2030)}
    >>> p = Peers(table=pd.DataFrame([row]), country="UZB", model="pooled", paths=200)
    >>> print(p.summary())
    UZB 2020: China 21.2%, Russia 19.3%, P(China > Russia, 2030) = 0.63
    """

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
        """One line per peer: latest year, China's and Russia's shares, P(China > Russia) in :data:`HEADLINE_YEAR`."""
        t = self.table
        return "\n".join(f"{r.country} {r.year}: China {100 * r.china_share:.1f}%, Russia {100 * r.russia_share:.1f}%, "
                         f"P(China > Russia, {HEADLINE_YEAR}) = {r.p_china_above_russia_2030:.2f}"
                         for r in t.itertuples())


def peer_list(country: str = DEFAULT_COUNTRY) -> list[tuple[str, str]]:
    """(ISO-3, group) of the peers, the studied economy first.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the studied economy (group "studied"; it is not checked here). The peers are those of
        :data:`PEERS`, each once, under its first group.

    Returns
    -------
    list of (str, str)
        (ISO-3, group) pairs.

    Examples
    --------
    >>> from kzecon.study.findings import peer_list
    >>> peer_list()[:4]
    [('KAZ', 'studied'), ('UZB', 'central_asia'), ('KGZ', 'central_asia'), ('TJK', 'central_asia')]
    >>> len(peer_list("MNG"))
    11
    """
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
    ``headline`` forecast itself, when given, so that it equals the brief's).

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the studied economy (:func:`check_country`).
    headline : DependenceRisk, optional
        The studied economy's headline result (:func:`dependence_risk`): its composition and P(China > Russia) are
        used for the studied economy's row instead of a new forecast.
    shares : TradeShares, optional
        The studied economy's shares (:func:`trade_shares`): its latest year, shares, side and source are used for
        its row.
    paths : int, default 4000
        Simulated paths of each peer's forecast (at least 100).
    seed : int, default 2026
        Random seed of every forecast (0 to 2**32 − 1).

    Returns
    -------
    Peers

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on; ``paths`` or ``seed`` is out of range; ``headline`` is
        not a :class:`DependenceRisk` or ``shares`` not a :class:`TradeShares`. A peer whose data fail (a
        :class:`kzecon.errors.KzeconError`) does not raise: its row says why in ``note``.

    See Also
    --------
    Peers : What it returns.
    peer_list : The economies compared.

    Notes
    -----
    A call forecasts every peer with the headline model (three seconds or more on a cold start even with
    ``paths=100``); the example computes one peer's row as :func:`peers` does: its composition (DOTS, own
    declarations where real) and P(China > Russia) in :data:`HEADLINE_YEAR` from the headline model. The whole
    table: ``peers(paths=100).to_frame()``.

    Examples
    --------
    >>> from kzecon import forecast
    >>> from kzecon.forecast.core import WORLD_CHOICE
    >>> from kzecon.study.findings import composition, event_probability, horizon_to, peer_list
    >>> [code for code, group in peer_list() if group == "eaeu"]
    ['ARM', 'BLR']
    >>> comp = composition("ARM")
    >>> fc = forecast.simulate(comp, model=WORLD_CHOICE, horizon=horizon_to(int(comp["year"].max())), n_paths=200,
    ...                        seed=2026)
    >>> round(event_probability(fc.risk(), "china_above_russia", 2030), 2)
    0.04
    """
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
    return Peers(table=pd.DataFrame(rows)[cols], country=country, model=WORLD_CHOICE, seed=seed, paths=paths)
