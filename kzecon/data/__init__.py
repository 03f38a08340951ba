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
    """Any bundled dataset by its name (see :func:`list_datasets`).

    Parameters
    ----------
    name : str
        Name of a bundled dataset, one of :func:`list_datasets` (e.g. ``"trade_wits"``, ``"brent_annual"``,
        ``"gravity_penppml"``). The dedicated loaders (:func:`load_trade`, :func:`load_gravity`, …) add flags,
        splices and unit conversions on top of some of these files; this returns the file as bundled.

    Returns
    -------
    pandas.DataFrame
        The dataset's table as bundled; ``attrs['dataset']`` names it and ``attrs['sha256']`` gives its hash.
        Its source, units, coverage and caveats: ``describe(name)``.

    Raises
    ------
    CoverageError
        If ``name`` is not a bundled dataset (the message lists the known names).
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest (a damaged installation).

    See Also
    --------
    list_datasets : The names.
    describe : What each dataset is.

    Examples
    --------
    >>> from kzecon.data import load
    >>> brent = load("brent_annual")
    >>> brent.head(3)
       year  price_usd_per_bbl
    0  1987              18.53
    1  1988              14.91
    2  1989              18.23
    >>> brent.attrs["dataset"]
    'brent_annual'
    """
    describe(name)  # raises a clear error for unknown names
    return read_bundled(name)


def load_gravity(name: str = "agtpa") -> pd.DataFrame:
    """A structural-gravity panel: ``exporter, importer, year, flow`` plus covariates.

    Parameters
    ----------
    name : {"agtpa", "agtpa_wto", "penppml", "dots"}, default "agtpa"
        Which panel:

        * ``"agtpa"``: the WTO/UNCTAD Advanced Guide panel (manufacturing), 69 countries 1986–2006 with domestic
          flows (flow in million current USD; no Kazakhstan, no Russia);
        * ``"agtpa_wto"``: its chapter-1 exercise panel with WTO membership (65 countries, every 4th year);
        * ``"penppml"``: all country pairs every 4th year 1964–2016 with RTAs and CEPII covariates, Kazakhstan
          included (flow in USD, reported by the exporter; no domestic flows);
        * ``"dots"``: the annual world panel 2000–2020 from IMF DOTS (202 countries, every ordered pair) with
          ``flow`` (preferred), ``flow_exporter_reported``, ``flow_importer_reported`` in US dollars,
          ``flow_source``, CEPII covariates and RTAs (:func:`kzecon.data.dots.load_gravity_dots`; 852,642 rows,
          a few seconds to build).

    Returns
    -------
    pandas.DataFrame
        One row per exporter-importer-year: ``exporter``, ``importer`` (ISO-3), ``year``, ``flow`` and the panel's
        covariates (``dist``, ``contig``, ``lang``, ``colony``, ``rta``, …); ``attrs['dataset']`` names it.
        ``describe("gravity_<name>")`` gives units and caveats.

    Raises
    ------
    CoverageError
        If ``name`` is not one of the four panels.
    IntegrityError
        If a bundled file's SHA-256 differs from the manifest.

    See Also
    --------
    kzecon.gravity : The estimators these panels feed.
    read_gravity_csv : A user's own gravity file in the same layout.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> g = load_gravity()
    >>> g.shape
    (99981, 17)
    >>> list(g.columns[:6])
    ['exporter', 'importer', 'pair_id', 'year', 'flow', 'dist']
    >>> int(g["year"].min()), int(g["year"].max()), g["exporter"].nunique()
    (1986, 2006, 69)
    """
    if name not in GRAVITY:
        raise CoverageError(f"unknown gravity panel {name!r}; choose one of {', '.join(GRAVITY)}")
    if name == "dots":
        from .dots import load_gravity_dots

        return load_gravity_dots()
    return read_bundled(GRAVITY[name])


def load_compositions(*, side: str = "reported", flow: str = "total") -> pd.DataFrame:
    """Every economy's partner composition by year from IMF DOTS (1960–2020).

    The composition of an economy's trade over China, Russia (the Soviet Union before 1992), the United States, the EU
    (by membership in each year), Central Asia and the rest, from either side of reporting: the economy's own
    declarations or its partners' (mirror).

    Parameters
    ----------
    side : {"reported", "mirror", "both"}, default "reported"
        ``"reported"``: the economy's own declarations; ``"mirror"``: what its partners report of their trade with
        it; ``"both"``: both sides, told apart by the ``side`` column.
    flow : {"total", "export", "import", "all"}, default "total"
        Exports, imports, total trade (exports + imports, only where the side has both flows in the year), or all
        three (told apart by the ``flow`` column).

    Returns
    -------
    pandas.DataFrame
        Columns ``economy`` (ISO-3; former states such as SUN, CSK, YUG included), ``year``, ``side``, ``flow``,
        ``total_usd`` (current USD), the shares ``china``, ``russia``, ``usa``, ``eu``, ``central_asia``, ``rest``
        (fractions summing to one), ``estimated_share`` (share of the value from IMF estimates), ``unallocated``
        (the reporter's 'not specified' trade as a share of all it reports) and ``russia_is_ussr`` (1 before 1992).

    Raises
    ------
    CoverageError
        If ``side`` or ``flow`` is not one of the values above.
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    See Also
    --------
    kzecon.data.quality.declared_years : Which years of the reported side are real declarations.

    Examples
    --------
    >>> from kzecon.data import load_compositions
    >>> c = load_compositions()
    >>> kaz = c[(c["economy"] == "KAZ") & (c["year"] == 2020)]
    >>> kaz[["china", "russia"]].round(3).to_dict("records")
    [{'china': 0.181, 'russia': 0.215}]
    >>> sorted(load_compositions(side="both", flow="all")["side"].unique())
    ['mirror', 'reported']
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
    """Directed trade of the post-Soviet states, Mongolia and China with every partner, 1992–2014 (COW).

    The Correlates of War Trade v4.0 dyadic data (built mainly from IMF DOTS), each dyad written from both
    reporters' view. COW fills a missing report with the partner's mirror report, so the side is mixed; cells that COW
    leaves missing are not bundled. ``describe("trade_cow")`` lists the caveats (the 2010–2012 Kazakhstan–Russia
    undercount among them).

    Returns
    -------
    pandas.DataFrame
        Columns ``reporter``, ``partner`` (ISO-3), ``year``, ``flow`` (export | import, from the reporter's view),
        ``value_usd`` (current USD), ``source`` (``cow_v4``), ``reporter_side``. Reporters: ARM, AZE, BLR, CHN, EST,
        GEO, KAZ, KGZ, LTU, LVA, MDA, MNG, RUS, TJK, TKM, UKR, UZB.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    See Also
    --------
    load_trade : Kazakhstan's trade from every source, with the spliced default series.
    load_totals : The national totals of the same source.

    Examples
    --------
    >>> from kzecon.data import load_country_panel
    >>> cp = load_country_panel()
    >>> list(cp.columns)
    ['reporter', 'partner', 'year', 'flow', 'value_usd', 'source', 'reporter_side']
    >>> cp["reporter"].nunique(), int(cp["year"].min()), int(cp["year"].max())
    (17, 1992, 2014)
    """
    return read_bundled("trade_cow")


def load_totals() -> pd.DataFrame:
    """National total exports and imports of every state, 1992–2014 (COW v4).

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``year``, ``exports_usd``, ``imports_usd`` (current USD) and ``source`` (``cow_v4``): the
        ``totals`` that :func:`kzecon.measures.asymmetry` and :func:`kzecon.measures.trade_intensity` take.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_totals
    >>> t = load_totals()
    >>> kaz = t[(t["iso3"] == "KAZ") & (t["year"] == 2014)]
    >>> round(kaz["exports_usd"].item() / 1e9, 1), round(kaz["imports_usd"].item() / 1e9, 1)
    (55.5, 48.2)
    """
    return read_bundled("totals_cow")


def load_bns_summary() -> pd.DataFrame:
    """Kazakhstan's trade with WLD, CHN, RUS and EU27: BNS, WITS, press and China-customs rows, cited.

    One citation per row (``source_url``, ``source_publisher``, ``source_date``). Press rows are rounded and of
    preliminary vintage: cross-checks, not series to estimate on.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``partner``, ``measure`` (exports, imports, turnover, share, …), ``value``, ``unit``
        (USD million or percent), ``reporter_side`` (KAZ, or CHN for China's customs: mirror), ``source_url``,
        ``source_publisher``, ``source_date``, ``note``.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_bns_summary
    >>> b = load_bns_summary()
    >>> b[["year", "partner", "measure", "value", "unit", "reporter_side"]].head(3)
       year partner   measure      value         unit reporter_side
    0  2014     CHN   exports   9799.418  USD million           KAZ
    1  2014     CHN   imports   7357.220  USD million           KAZ
    2  2014     CHN  turnover  17156.639  USD million           KAZ
    """
    return read_bundled("bns_summary")


def load_products(include_updates: bool = False) -> pd.DataFrame:
    """Kazakhstan's trade with China by broad HS sector, 2015–2024 (true levels, flagged years).

    Reported by Kazakhstan (WITS detailed bilateral trade); the source's levels are twice the true values and are
    halved in the build; 2020–2022 omit copper and other metals to China (``flag`` column).

    Parameters
    ----------
    include_updates : bool, default False
        Also add the years that the user's UN Comtrade HS-2 download (``kzecon data update --source comtrade --hs2``,
        in :func:`user_data_dir`) holds beyond the bundled ones, mapped to sectors with :func:`map_hs2` (source
        ``comtrade_api``); ``attrs['vintage']`` then says so. Without a download nothing is added.

    Returns
    -------
    pandas.DataFrame
        Columns ``reporter`` (KAZ), ``partner`` (CHN), ``year``, ``flow`` (export | import), ``sector`` (one of 11:
        fuels, metals, chemicals, agriculture, machinery, vehicles, textiles, plastics_rubber, wood_paper,
        stone_ceramics, other), ``value_usd`` (current USD), ``source``, ``reporter_side``, ``flag``.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.
    DataFileError, SchemaError, CountryCodeError
        With ``include_updates``, if the user's download is unreadable or not valid trade data (the message names
        the file; remove it or download it again).

    See Also
    --------
    map_hs2 : The HS-2 to sector map.

    Examples
    --------
    >>> from kzecon.data import load_products
    >>> p = load_products()
    >>> x = p[(p["year"] == 2023) & (p["flow"] == "export")]
    >>> x.nlargest(3, "value_usd")[["sector", "value_usd"]].round(-6)
            sector     value_usd
    168     metals  6.790000e+09
    166      fuels  5.310000e+09
    165  chemicals  1.295000e+09
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
    """GDP in current US$ (World Bank WDI), countries and aggregates, 1960–2023.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``country``, ``year``, ``gdp_usd`` (current USD, WDI NY.GDP.MKTP.CD). World Bank aggregates
        (WLD, HIC, EUU, …) are rows too: :func:`kzecon.data.countries.is_aggregate` tells them apart.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_gdp
    >>> gdp = load_gdp()
    >>> round(gdp.query("iso3 == 'KAZ' and year == 2023")["gdp_usd"].item() / 1e9, 1)
    261.4
    """
    return read_bundled("wdi_gdp")


def load_population() -> pd.DataFrame:
    """Population (World Bank WDI), countries and aggregates, 1960–2024.

    Returns
    -------
    pandas.DataFrame
        Columns ``iso3``, ``country``, ``year``, ``population`` (persons, WDI SP.POP.TOTL); aggregates included as
        in :func:`load_gdp`.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_population
    >>> pop = load_population()
    >>> pop.query("iso3 == 'KAZ' and year == 2023")["population"].item()
    20330104
    """
    return read_bundled("wdi_population")


def load_pwt() -> pd.DataFrame:
    """Penn World Table 9.1, 182 countries, 1950–2017.

    Returns
    -------
    pandas.DataFrame
        PWT 9.1 as published (52 columns: ``country``, ``iso3``, ``year``, ``currency``, ``rgdpe``, ``rgdpo``,
        ``pop``, ``emp``, ``hc``, …); units as in the PWT documentation (real GDP in million 2011 USD at PPP,
        population in millions).

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_pwt
    >>> pwt = load_pwt()
    >>> pwt.shape
    (12376, 52)
    >>> round(pwt.query("iso3 == 'KAZ' and year == 2017")["pop"].item(), 1)
    18.2
    """
    return read_bundled("pwt91")


def load_oil(series: str = "brent", frequency: str = "annual") -> pd.DataFrame:
    """Crude oil spot prices (U.S. EIA), annual or monthly averages, nominal USD per barrel.

    Parameters
    ----------
    series : {"brent", "wti"}, default "brent"
        Brent (EIA RBRTE, 1987–) or West Texas Intermediate (EIA RWTC, 1986–).
    frequency : {"annual", "monthly"}, default "annual"
        Annual or monthly averages; the monthly series is bundled for Brent only.

    Returns
    -------
    pandas.DataFrame
        ``year`` (annual) or ``month`` (``"YYYY-MM"``, monthly) and ``price_usd_per_bbl``.

    Raises
    ------
    CoverageError
        If the combination is not bundled (anything but brent annual, brent monthly, wti annual).
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_oil
    >>> load_oil().tail(2)
        year  price_usd_per_bbl
    37  2024              80.52
    38  2025              69.14
    >>> load_oil("brent", "monthly").head(2)
         month  price_usd_per_bbl
    0  1987-05              18.58
    1  1987-06              18.86
    """
    name = f"{series}_{frequency}"
    if name not in list_datasets():
        raise CoverageError(f"no oil price series {series!r} at {frequency!r} frequency; "
                            "available: brent annual, brent monthly, wti annual")
    return read_bundled(name)


def load_cepii(table: str = "dist") -> pd.DataFrame:
    """CEPII GeoDist: bilateral distances and ties, or the country table.

    Parameters
    ----------
    table : {"dist", "geo"}, default "dist"
        ``"dist"``: one row per ordered country pair (224 × 224) with ``dist``, ``distcap``, ``distw``, ``distwces``
        (km), ``contig``, ``comlang_off``, ``comlang_ethno``, ``colony``, ``comcol``, ``curcol``, ``col45``,
        ``smctry`` (0/1); ``"geo"``: one row per country and main city (``iso3``, ``country``, ``area`` in km²,
        ``landlocked``, ``continent``, ``lat``, ``lon``, …; some countries have two rows).

    Returns
    -------
    pandas.DataFrame
        The table as published by CEPII (codes as CEPII writes them: a few former ISO codes such as ROM, ZAR, TMP).

    Raises
    ------
    CoverageError
        If ``table`` is neither ``"dist"`` nor ``"geo"``.
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_cepii
    >>> d = load_cepii()
    >>> d.query("exporter == 'KAZ' and importer == 'CHN'")[["dist", "contig"]].to_dict("records")
    [{'dist': 3277.169, 'contig': 1}]
    """
    if table not in ("dist", "geo"):
        raise CoverageError(f"CEPII table must be 'dist' or 'geo', got {table!r}")
    return read_bundled(f"cepii_{table}")


def load_un_votes() -> pd.DataFrame:
    """UN General Assembly roll-call votes by country (Voeten, Strezhnev & Bailey), 1946 – January 2020.

    Returns
    -------
    pandas.DataFrame
        One row per roll call and voting country: ``rcid`` (roll-call id), ``country`` (ISO-3), ``country_name``,
        ``vote`` (yes | no | abstain). Absences are not recorded: a country without a row did not vote.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    See Also
    --------
    kzecon.alignment.vote_matrix : Votes of several countries side by side, with repeated records resolved.

    Examples
    --------
    >>> from kzecon.data import load_un_votes
    >>> v = load_un_votes()
    >>> v.head(3)
       rcid country country_name vote
    0     3     ARG    Argentina  yes
    1     3     AUS    Australia   no
    2     3     BEL      Belgium  yes
    """
    return read_bundled("un_votes")


def load_un_roll_calls() -> pd.DataFrame:
    """UN General Assembly roll calls (Voeten et al.): one row per recorded vote, 1946 – January 2020.

    298 records repeat the resolution symbol and date of a lower rcid (separate votes on a paragraph or an
    amendment of the same draft): :func:`kzecon.alignment.resolve_duplicates` handles them.

    Returns
    -------
    pandas.DataFrame
        Columns ``rcid``, ``session``, ``importantvote``, ``date``, ``unres`` (resolution symbol), ``amend``,
        ``para`` (Voeten's flags), ``short``, ``descr`` (the record's text) and ``year``.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_un_roll_calls
    >>> rc = load_un_roll_calls()
    >>> rc[["rcid", "session", "date", "unres", "year"]].head(3)
       rcid  session        date   unres  year
    0     3        1  1946-01-01  R/1/66  1946
    1     4        1  1946-01-02  R/1/79  1946
    2     5        1  1946-01-04  R/1/98  1946
    """
    return read_bundled("un_roll_calls")


def load_un_issues() -> pd.DataFrame:
    """Issue codes of UN roll calls (Voeten et al.): which of six issues each roll call concerns.

    Returns
    -------
    pandas.DataFrame
        Columns ``rcid``, ``short_name`` (``me``, ``nu``, ``di``, ``hr``, ``co``, ``ec``) and ``issue`` (Palestinian
        conflict, Nuclear weapons and nuclear material, Arms control and disarmament, Human rights, Colonialism,
        Economic development). A roll call may have several issues or none.

    Raises
    ------
    IntegrityError
        If the bundled file's SHA-256 differs from the manifest.

    Examples
    --------
    >>> from kzecon.data import load_un_issues
    >>> load_un_issues().head(3)
       rcid short_name                 issue
    0     6         hr          Human rights
    1     8         ec  Economic development
    2    11         co           Colonialism
    """
    return read_bundled("un_roll_call_issues")



def load_partner_groups() -> pd.DataFrame:
    """Partner groups with membership years (EU by year, China, Russia, Central Asia), with sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (CHINA, RUSSIA, EU, CENTRAL_ASIA), ``iso3``, ``from_year``, ``to_year`` (inclusive; 2100
        for a membership still running) and ``source``: the ``groups`` table of
        :func:`kzecon.measures.partner_shares`.

    Examples
    --------
    >>> from kzecon.data import load_partner_groups
    >>> pg = load_partner_groups()
    >>> pg["group"].value_counts().to_dict()
    {'EU': 28, 'CENTRAL_ASIA': 5, 'CHINA': 1, 'RUSSIA': 1}
    >>> pg[pg["iso3"] == "GBR"][["group", "from_year", "to_year"]].to_dict("records")
    [{'group': 'EU', 'from_year': 1973, 'to_year': 2019}]
    """
    return read_reference("partner_groups.csv")


def load_policy_membership() -> pd.DataFrame:
    """Customs union / EAEU / Belt and Road membership by year, with sources.

    Returns
    -------
    pandas.DataFrame
        Columns ``policy`` (``customs_union``, ``eaeu``, ``bri``, ``bri_mou``), ``iso3``, ``from_year``, ``to_year``
        (inclusive; 2100 for a membership still running) and ``source``.

    Examples
    --------
    >>> from kzecon.data import load_policy_membership
    >>> pm = load_policy_membership()
    >>> pm[pm["policy"] == "customs_union"][["iso3", "from_year"]].head(3).to_dict("records")
    [{'iso3': 'BLR', 'from_year': 2010}, {'iso3': 'KAZ', 'from_year': 2010}, {'iso3': 'RUS', 'from_year': 2010}]
    """
    return read_reference("policy_membership.csv")
