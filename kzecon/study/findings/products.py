"""Finding: what the economy sells to China by HS sector, and its exposure to the oil price."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kzecon.results import results_class
from kzecon.study.findings.economy import DEFAULT_COUNTRY, _kazakhstan_only


@results_class
@dataclass(frozen=True)
class Products:
    """What Kazakhstan sells to China by HS sector, the fuels + metals share, and the Brent elasticities: of exports
    to China (``brent``, the brief's) and of every outcome of :data:`kzecon.study.products.OUTCOMES` (``fits``), with
    the scenario table at the chosen prices (``scenarios``). Made by :func:`products`.

    Attributes
    ----------
    composition : DataFrame
        year, flow, sector, value_usd, share (0–1 of the year's flow), flag: Kazakhstan's exports to and imports
        from China by HS sector, Kazakhstan-reported (:func:`kzecon.study.products.composition`).
    fuels_metals : DataFrame
        year, share, value_usd, flag: the fuels + metals share of exports to China
        (:func:`kzecon.study.products.fuels_metals_share`).
    fits : tuple of kzecon.results.EstimationResults
        The Brent regression of every outcome of :data:`kzecon.study.products.OUTCOMES`, in that order
        (:func:`kzecon.study.products.brent_exposure`); ``brent`` is the one of exports to China.
    scenarios : DataFrame or None, default None
        brent, year, outcome, estimate, lower, upper, level: each outcome predicted at the chosen Brent prices
        (:func:`kzecon.study.products.brent_scenarios`).

    See Also
    --------
    products : Makes it.

    Examples
    --------
    >>> from kzecon.study.findings import products
    >>> p = products()
    >>> p.nobs, [f.model for f in p.fits]
    (29, ['brent_exports_to_china', 'brent_fuel_exports_to_china', 'brent_china_export_share'])
    >>> p.fuels_metals[["year", "share"]].head(3).round(3)
       year  share
    0  2015  0.733
    1  2016  0.747
    2  2017  0.772
    >>> p.conf_int().round(3)
                lower   upper
    const      14.955  16.652
    log_brent   1.087   1.656
    trend       0.041   0.075
    >>> e = p.elasticities()
    >>> e[e["term"] == "log_brent"][["model", "estimate", "conf_low", "conf_high", "nobs"]].round(3)
                             model  estimate  conf_low  conf_high  nobs
    1       brent_exports_to_china     1.372     1.135      1.608    29
    4  brent_fuel_exports_to_china     1.902     0.344      3.461     7
    7     brent_china_export_share     0.229     0.007      0.451    29
    """
    composition: pd.DataFrame
    fuels_metals: pd.DataFrame
    fits: tuple  # EstimationResults, one per outcome
    scenarios: pd.DataFrame | None = None

    @property
    def brent(self):
        """The Brent regression of log exports to China (the brief's), one of ``fits``."""
        return next(f for f in self.fits if f.model == "brent_exports_to_china")

    @property
    def nobs(self) -> int:
        """Years in the Brent regression."""
        return self.brent.nobs

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """The Brent regression's intervals (HAC, t).

        Parameters
        ----------
        level : float, default 0.95
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        DataFrame
            lower, upper, indexed by term (const, log_brent, trend).
        """
        return self.brent.conf_int(level)

    def elasticities(self, level: float = 0.90) -> pd.DataFrame:
        """Every outcome's Brent regression, stacked (model, term, estimate, … conf_low, conf_high at ``level``).

        Parameters
        ----------
        level : float, default 0.90
            Coverage of conf_low and conf_high, in (0, 1).

        Returns
        -------
        DataFrame
            model, term, estimate, std_error, statistic, p_value, conf_low, conf_high, nobs: one row per outcome
            and term.
        """
        return pd.concat([f.to_frame(level=level) for f in self.fits], ignore_index=True)

    def tables(self, level: float = 0.90) -> dict[str, pd.DataFrame]:
        """The finding's tables by name, as ``kzecon products --out`` writes them (``<name>.csv``).

        Parameters
        ----------
        level : float, default 0.90
            Confidence level of the elasticities' intervals.

        Returns
        -------
        dict of str to DataFrame
            composition, fuels_metals, brent_elasticities (:meth:`elasticities` at ``level``), brent_scenarios.

        Examples
        --------
        >>> from kzecon.study.findings import products
        >>> list(products().tables())
        ['composition', 'fuels_metals', 'brent_elasticities', 'brent_scenarios']
        """
        return {"composition": self.composition, "fuels_metals": self.fuels_metals,
                "brent_elasticities": self.elasticities(level=level), "brent_scenarios": self.scenarios}

    def to_frame(self) -> pd.DataFrame:
        """The fuels + metals share by year."""
        return self.fuels_metals.copy()

    def summary(self) -> str:
        """The Brent elasticity of exports to China."""
        return f"Brent elasticity of exports to China {self.brent.params['log_brent']:.2f}"


def products(country: str = DEFAULT_COUNTRY, *, brent_prices=(50.0, 80.0, 110.0)) -> Products:
    """What Kazakhstan sells to China by HS sector, and the oil-price elasticities of its trade.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 code; the sector data exist for Kazakhstan only (another economy: a :class:`CoverageError` naming the
        data it would need).
    brent_prices : sequence of float, default (50, 80, 110)
        Brent prices (USD a barrel) of the scenario table.

    Returns
    -------
    Products

    Raises
    ------
    UsageError
        ``country`` is not an economy the study can run on (:func:`check_country`), or a Brent price is not a
        positive number of at most 1000, or is given twice (:func:`kzecon.study.products.brent_scenarios`).
    CoverageError
        ``country`` is not Kazakhstan (the message names the data it would need).

    See Also
    --------
    kzecon.study.products.brent_exposure : One outcome's Brent regression, with its options.

    Examples
    --------
    >>> from kzecon.study.findings import products
    >>> p = products(brent_prices=(60.0, 90.0))
    >>> print(p.summary())
    Brent elasticity of exports to China 1.37
    >>> p.scenarios[["outcome", "brent", "year"]].head(2)
                outcome  brent  year
    0  exports_to_china   60.0  2024
    1  exports_to_china   90.0  2024
    """
    from kzecon.study import products as p

    _kazakhstan_only(country, "the product composition of exports to China",
                     "its exports to China by HS-2 chapter (UN Comtrade: kzecon data update --source comtrade --hs2 "
                     f"--countries {country}) and its national trade series for the oil-price elasticity")
    comp = p.composition()
    fits = tuple(p.brent_exposure(o) for o in p.OUTCOMES)
    scen = pd.concat([p.brent_scenarios(f, brent_prices) for f in fits], ignore_index=True)
    return Products(composition=comp, fuels_metals=p.fuels_metals_share(comp), fits=fits, scenarios=scen)
