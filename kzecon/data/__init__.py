"""Bundled real datasets, readers of official formats, validation and country codes.

Every loader returns a tidy DataFrame whose ``attrs['dataset']`` names the dataset; its source,
units, coverage and caveats are one call away: ``describe(name)``.

Examples
--------
>>> from kzecon import data
>>> g = data.load_gravity()
>>> list(g.columns[:4])
['exporter', 'importer', 'pair_id', 'year']
>>> print(data.describe("gravity_agtpa").units)
flow: million current USD; dist: km (population-weighted)
"""

from __future__ import annotations

import pandas as pd

from kzecon.errors import CoverageError

from ._registry import DatasetInfo
from ._store import datasets_read, describe, list_datasets, read_bundled, read_reference, verified_path
from .countries import to_iso3
from .downloads import user_data_dir
from .readers import (
    read_any,
    read_comtrade,
    read_dta,
    read_gravity_csv,
    read_imf,
    read_price_history,
    read_table,
    read_wdi,
)
from .sectors import load_hs2_sectors, map_hs2
from .trade import load_trade
from .validate import validate_gravity, validate_trade

GRAVITY = {"agtpa": "gravity_agtpa", "agtpa_wto": "gravity_agtpa_wto", "penppml": "gravity_penppml",
           "dots": "gravity_dots"}

__all__ = [
    "DatasetInfo", "describe", "list_datasets", "load", "load_gravity", "load_trade",
    "load_country_panel", "load_compositions", "load_totals", "load_bns_summary", "load_products", "load_gdp",
    "load_population", "load_pwt", "load_oil", "load_cepii", "load_un_votes", "load_un_roll_calls",
    "load_un_issues", "load_partner_groups", "load_hs2_sectors", "map_hs2", "load_policy_membership",
    "to_iso3", "read_any", "read_table", "read_price_history",
    "read_imf", "read_comtrade", "read_gravity_csv", "read_wdi", "read_dta", "validate_trade",
    "validate_gravity", "user_data_dir", "verified_path", "read_reference", "datasets_read",
]


def load(name: str) -> pd.DataFrame:
    """Any bundled dataset by its name (see :func:`list_datasets`)."""
    describe(name)  # raises a clear error for unknown names
    return read_bundled(name)


def load_gravity(name: str = "agtpa") -> pd.DataFrame:
    """A structural-gravity panel: ``exporter, importer, year, flow`` plus covariates.

    ``"agtpa"`` (default): the WTO/UNCTAD Advanced Guide panel, 69 countries 1986–2006 with
    domestic flows (flow in million USD); ``"agtpa_wto"``: its chapter-1 exercise panel with WTO
    membership; ``"penppml"``: all country pairs every 4th year 1964–2016 with RTAs and CEPII
    covariates, Kazakhstan included (flow in USD); ``"dots"``: the annual world panel 2000–2020 from IMF DOTS
    (202 countries, every ordered pair) with ``flow`` (preferred), ``flow_exporter_reported``,
    ``flow_importer_reported`` in US dollars, ``flow_source``, CEPII covariates and RTAs
    (:func:`kzecon.data.dots.load_gravity_dots`).
    """
    if name not in GRAVITY:
        raise CoverageError(f"unknown gravity panel {name!r}; choose one of {', '.join(GRAVITY)}")
    if name == "dots":
        from .dots import load_gravity_dots

        return load_gravity_dots()
    return read_bundled(GRAVITY[name])


def load_compositions(*, side: str = "reported", flow: str = "total") -> pd.DataFrame:
    """Every economy's partner composition by year from IMF DOTS (1960–2020): economy, year, flow, side,
    total_usd, china, russia, usa, eu, central_asia, rest (shares), estimated_share, unallocated, russia_is_ussr.

    ``side``: "reported" (the economy's own declarations), "mirror" (its partners'), or "both";
    ``flow``: "export", "import", "total" or "all".
    """
    df = read_bundled("compositions_dots")
    if side not in ("reported", "mirror", "both"):
        raise CoverageError(f"side must be reported, mirror or both, got {side!r}")
    if flow not in ("export", "import", "total", "all"):
        raise CoverageError(f"flow must be export, import, total or all, got {flow!r}")
    if side != "both":
        df = df[df["side"] == side]
    if flow != "all":
        df = df[df["flow"] == flow]
    out = df.reset_index(drop=True)
    out.attrs.update(dataset="compositions_dots", sha256=describe("compositions_dots").sha256)
    return out


def load_country_panel() -> pd.DataFrame:
    """Directed trade of the post-Soviet states, Mongolia and China with every partner, 1992–2014 (COW)."""
    return read_bundled("trade_cow")


def load_totals() -> pd.DataFrame:
    """National total exports and imports of every state, 1992–2014 (COW v4)."""
    return read_bundled("totals_cow")


def load_bns_summary() -> pd.DataFrame:
    """Kazakhstan's trade with WLD, CHN, RUS and EU27: BNS, WITS, press and China-customs rows, cited."""
    return read_bundled("bns_summary")


def load_products(include_updates: bool = False) -> pd.DataFrame:
    """Kazakhstan's trade with China by broad HS sector, 2015–2024 (true levels, flagged years).

    Columns: reporter, partner, year, flow, sector, value_usd, source, reporter_side, flag. With
    ``include_updates``, years that the user's UN Comtrade HS-2 download (``kzecon data update --source
    comtrade --hs2``) adds beyond the bundled ones are mapped to sectors and appended (source
    ``comtrade_api``); ``attrs['vintage']`` says so.
    """
    df = read_bundled("products_kaz_chn")
    if include_updates:
        from .downloads import load_hs2_update

        upd, note = load_hs2_update()
        if upd is not None:
            mapped = map_hs2(upd)
            have = set(zip(df["reporter"], df["partner"], df["year"], strict=True))
            new = mapped[[k not in have for k in zip(mapped["reporter"], mapped["partner"], mapped["year"],
                                                     strict=True)]]
            df = pd.concat([df, new.assign(flag="")], ignore_index=True)
            df.attrs["vintage"] = [note]
    return df


def load_gdp() -> pd.DataFrame:
    """GDP in current US$ (World Bank WDI), countries and aggregates, 1960–2023."""
    return read_bundled("wdi_gdp")


def load_population() -> pd.DataFrame:
    """Population (World Bank WDI), countries and aggregates, 1960–2024."""
    return read_bundled("wdi_population")


def load_pwt() -> pd.DataFrame:
    """Penn World Table 9.1, 182 countries, 1950–2017."""
    return read_bundled("pwt91")


def load_oil(series: str = "brent", frequency: str = "annual") -> pd.DataFrame:
    """Crude oil spot prices (EIA): ``series`` brent | wti, ``frequency`` annual | monthly."""
    name = f"{series}_{frequency}"
    if name not in list_datasets():
        raise CoverageError(f"no oil price series {series!r} at {frequency!r} frequency; "
                            "available: brent annual, brent monthly, wti annual")
    return read_bundled(name)


def load_cepii(table: str = "dist") -> pd.DataFrame:
    """CEPII GeoDist: ``table`` dist (bilateral) | geo (countries)."""
    if table not in ("dist", "geo"):
        raise CoverageError(f"CEPII table must be 'dist' or 'geo', got {table!r}")
    return read_bundled(f"cepii_{table}")


def load_un_votes() -> pd.DataFrame:
    """UN General Assembly votes: rcid, country (ISO-3), country_name, vote."""
    return read_bundled("un_votes")


def load_un_roll_calls() -> pd.DataFrame:
    """UN General Assembly roll calls: rcid, session, importantvote, date, year, unres, …"""
    return read_bundled("un_roll_calls")


def load_un_issues() -> pd.DataFrame:
    """Issue codes of UN roll calls: rcid, short_name, issue."""
    return read_bundled("un_roll_call_issues")



def load_partner_groups() -> pd.DataFrame:
    """Partner groups with membership years (EU by year, China, Russia, Central Asia), with sources."""
    return read_reference("partner_groups.csv")


def load_policy_membership() -> pd.DataFrame:
    """Customs union / EAEU membership by year, with sources."""
    return read_reference("policy_membership.csv")
