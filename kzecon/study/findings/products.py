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
    the scenario table at the chosen prices (``scenarios``)."""
    composition: pd.DataFrame
    fuels_metals: pd.DataFrame
    brent: object  # EstimationResults: exports to China
    fits: tuple = ()  # EstimationResults, one per outcome
    scenarios: pd.DataFrame | None = None

    @property
    def nobs(self) -> int:
        """Years in the Brent regression."""
        return self.brent.nobs

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """The Brent regression's intervals (HAC, t)."""
        return self.brent.conf_int(level)

    def elasticities(self, level: float = 0.90) -> pd.DataFrame:
        """Every outcome's Brent regression, stacked (model, term, estimate, … conf_low, conf_high at ``level``)."""
        return pd.concat([f.to_frame(level=level) for f in self.fits], ignore_index=True)

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
    """
    from kzecon.study import products as p

    _kazakhstan_only(country, "the product composition of exports to China",
                     "its exports to China by HS-2 chapter (UN Comtrade: kzecon data update --source comtrade --hs2 "
                     f"--countries {country}) and its national trade series for the oil-price elasticity")
    comp = p.composition()
    fits = tuple(p.brent_exposure(o) for o in p.OUTCOMES)
    scen = pd.concat([p.brent_scenarios(f, brent_prices) for f in fits], ignore_index=True)
    return Products(composition=comp, fuels_metals=p.fuels_metals_share(comp),
                    brent=fits[list(p.OUTCOMES).index("exports_to_china")], fits=fits, scenarios=scen)
