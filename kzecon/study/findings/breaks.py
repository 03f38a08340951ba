"""Finding: unit-root, stationarity and break tests of China's share at the economy's own policy events."""

from __future__ import annotations

from kzecon.study.findings.economy import DEFAULT_COUNTRY, check_country
from kzecon.study.findings.shares import TradeShares, trade_shares

POLICY_LABELS = {"customs_union": "customs union", "eaeu": "EAEU", "bri": "BRI announced",
                 "bri_mou": "BRI memorandum"}


def policy_events(country: str = DEFAULT_COUNTRY) -> dict[int, str]:
    """``country``'s own policy events, {year: label}, from the cited membership table
    (``kzecon/data/reference/policy_membership.csv``): its entry into the Eurasian customs union and the EAEU, the
    BRI's announcement in Astana (Kazakhstan) and a Belt-and-Road memorandum; an economy in none has none.
    Kazakhstan: 2010 customs union, 2013 BRI announced, 2015 EAEU.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code of the economy (checked by :func:`check_country`).

    Returns
    -------
    dict of {int: str}
        Year → what happened (:data:`POLICY_LABELS`; two events of one year joined by "and"), in year order.

    Raises
    ------
    UsageError, CoverageError
        ``country`` is not an economy the study can run on (:func:`check_country`).

    Examples
    --------
    >>> from kzecon.study.findings import policy_events
    >>> policy_events()
    {2010: 'customs union', 2013: 'BRI announced', 2015: 'EAEU'}
    >>> policy_events("MNG"), policy_events("UZB")
    ({2017: 'BRI memorandum'}, {})
    """
    import kzecon

    country = check_country(country)
    t = kzecon.data.load_policy_membership()
    t = t[(t["iso3"] == country) & t["policy"].isin(POLICY_LABELS)]
    out: dict[int, list[str]] = {}
    for r in t.sort_values(["from_year", "policy"]).itertuples():
        out.setdefault(int(r.from_year), []).append(POLICY_LABELS[r.policy])
    return {y: " and ".join(dict.fromkeys(labels)) for y, labels in sorted(out.items())}


def share_breaks(shares: TradeShares | None = None, *, country: str = DEFAULT_COUNTRY, series=None,
                 horizon: int = 5, interventions: bool = False, events: dict[int, str] | None = None):
    """The test battery on China's share of ``country``'s total trade, with Chow tests at its own policy events.

    Parameters
    ----------
    shares : TradeShares, optional
        The economy's shares (:func:`trade_shares`), when already computed; default: computed for ``country``.
    country : str, default "KAZ"
        ISO-3 code of the economy (ignored when ``shares`` is given: its economy is used).
    series : DataFrame or Series, optional
        A share series of the user's (year, share) instead of China's share of the economy's trade; the Chow tests
        are still at ``country``'s policy events unless ``events`` says otherwise.
    horizon : int, default 5
        Years of the ARIMA forecast.
    interventions : bool, default False
        Step dummies in the ARIMA at the events' years.
    events : dict of {int: str}, optional
        {year: what happened} for the Chow tests and the step dummies (default :func:`policy_events` of the economy).

    Returns
    -------
    kzecon.timeseries.analysis.ShareBattery
        tests, Bai–Perron breaks, the series, the ARIMA forecast, ``p_value(test)``.

    Raises
    ------
    UsageError, CoverageError
        ``country`` is not an economy the study can run on (:func:`check_country`); the series is too short or
        malformed for the tests (:func:`kzecon.timeseries.share_battery`).

    See Also
    --------
    kzecon.timeseries.share_battery : The battery on any share series.
    policy_events : The default events.

    Notes
    -----
    The battery fits an automatic ARIMA and runs Bai–Perron, which take several seconds on Kazakhstan's 32 years;
    the example shows the series and the events the battery is run on, and the call itself (``share_breaks()``, or
    ``share_breaks(ts)`` with shares already computed) is left to the reader.

    Examples
    --------
    >>> from kzecon.study.findings import policy_events, trade_shares
    >>> ts = trade_shares()
    >>> s = ts.shares
    >>> china = s[(s["flow"] == "total") & (s["group"] == "china")][["year", "share"]]
    >>> len(china), policy_events(ts.country)
    (32, {2010: 'customs union', 2013: 'BRI announced', 2015: 'EAEU'})
    """
    from kzecon import timeseries

    if series is None:
        ts = shares or trade_shares(country)
        s = ts.shares
        series = s[(s["flow"] == "total") & (s["group"] == "china")][["year", "share"]]
        country = ts.country
    events = policy_events(country) if events is None else events
    return timeseries.share_battery(series, horizon=horizon, interventions=interventions, events=events)
