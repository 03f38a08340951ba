"""What each bundled dataset is: source, units, coverage, side and caveats.

The text here summarises ``data/PROVENANCE.md``; the file name, row count and SHA-256 come from the
manifest written by ``data/build/build_all.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

_AGTPA_CITE = ("Yotov, Piermartini, Monteiro & Larch (2016), An Advanced Guide to Trade Policy "
               "Analysis: The Structural Gravity Model, WTO/UNCTAD")


@dataclass(frozen=True)
class DatasetInfo:
    """Description of one bundled dataset (``kzecon data describe NAME`` prints it).

    Returned by :func:`kzecon.data.describe`; ``str(info)`` is the multi-line description the CLI prints. The text
    summarises ``data/PROVENANCE.md``; ``file``, ``rows``, ``sha256`` and ``raw_source`` come from the bundled
    manifest.

    Attributes
    ----------
    name : str
        The dataset's name, as :func:`kzecon.data.list_datasets` lists it (e.g. ``"trade_wits"``).
    title : str
        One-line description.
    source : str
        Who published the data and how it reached kzecon (agency, series, package and version).
    units : str
        Units of the value columns (e.g. ``"value_usd in current US dollars; …"``).
    coverage : str
        Years, countries and partners covered.
    side : str, default "n/a"
        Side of reporting: ``reported`` (the reporter's own declarations), ``mirror`` (partners' reports), ``mixed``
        or ``both``, with details; ``"n/a"`` where the data are not bilateral trade.
    caveats : tuple of str, default ()
        Known defects of the source (undercounts, incomplete years, recodings) a user should know before using it.
    file : str, default ""
        The bundled file's name in ``kzecon/data/bundled/``.
    rows : int, default 0
        Number of rows of the bundled file.
    sha256 : str, default ""
        SHA-256 of the bundled file, checked at every read (:func:`kzecon.data.verified_path`).
    raw_source : str, default ""
        Name of the raw download the build read, in the project's shared raw-data folder (``../shared/data/raw/``
        in a checkout of the repository, where ``data/build/build_all.py`` runs; not part of an installed package).
    extra : dict, default {}
        Further manifest entries of the build (e.g. ``na_dropped``: cells the source left missing).

    See Also
    --------
    kzecon.data.describe : Returns it.

    Examples
    --------
    >>> from kzecon.data import describe
    >>> info = describe("brent_annual")
    >>> info.units, info.rows
    ('USD per barrel, nominal', 39)
    >>> print(info)
    brent_annual: Brent crude spot price, annual average
      source:   U.S. EIA series RBRTE (via datahub.io)
      units:    USD per barrel, nominal
      coverage: 1987–2025 (1987 partial year)
      side:     n/a
      file:     brent_annual.csv (39 rows, sha256 f2107cd21da43397…)
      raw:      ...
    """

    name: str
    title: str
    source: str
    units: str
    coverage: str
    side: str = "n/a"
    caveats: tuple[str, ...] = ()
    file: str = ""
    rows: int = 0
    sha256: str = ""
    raw_source: str = ""
    extra: dict = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.title}",
                 f"  source:   {self.source}",
                 f"  units:    {self.units}",
                 f"  coverage: {self.coverage}",
                 f"  side:     {self.side}",
                 f"  file:     {self.file} ({self.rows:,} rows, sha256 {self.sha256[:16]}…)",
                 f"  raw:      ../shared/data/raw/{self.raw_source}"]
        lines += [f"  caveat:   {c}" for c in self.caveats]
        return "\n".join(lines)


_TRADE_UNITS = "value_usd in current US dollars; flow = export | import, from the reporter's view"

DATASETS: dict[str, dict] = {
    "trade_cow": dict(
        title="Directed trade of the post-Soviet states, Mongolia and China with every partner (COW v4)",
        source="Correlates of War Trade v4.0 (Barbieri & Keshk 2016), built mainly from IMF DOTS",
        units=_TRADE_UNITS, coverage="1992–2014; reporters KAZ, RUS, BLR, ARM, KGZ, TJK, TKM, UZB, "
        "UKR, GEO, AZE, MDA, EST, LVA, LTU, MNG, CHN; all partners",
        side="mixed (COW fills a missing report with the partner's mirror report)",
        caveats=("KAZ–RUS 2010–2012 undercounted after the customs union (Russia ≈11% in 2010–11)",
                 "sum over partners differs from COW national totals by 0–15%",
                 "cells that COW leaves NA are not bundled (count in the manifest: na_dropped)")),
    "totals_cow": dict(
        title="National total exports and imports (COW v4 state-year)",
        source="Correlates of War Trade v4.0 national totals", units="exports_usd, imports_usd: current USD",
        coverage="all COW states 1992–2014"),
    "trade_wits": dict(
        title="Kazakhstan-reported trade with every partner (WITS / UN Comtrade)",
        source="World Bank WITS TradeStats-Trade, UN Comtrade data with Kazakhstan as reporter",
        units=_TRADE_UNITS, coverage="1995–2023; 196 export and 228 import partners",
        side="reported (Kazakhstan's own declarations)",
        caveats=("2010 Russia/Belarus undercount (EAEU customs union: Russia 10.4% is an artefact)",
                 "2020–2022 incomplete for non-EAEU partners (e.g. imports from China 2.0 bn vs 6.4 bn BNS)",
                 "only non-zero flows listed; a few non-ISO WITS partner codes (BAT, USP, ANT)")),
    "trade_bns": dict(
        title="Kazakhstan's own statistics: trade with every partner (BNS table 312101)",
        source="Bureau of National Statistics of Kazakhstan, indicator 312101, final editions",
        units=_TRADE_UNITS, coverage="2020–2025, every partner with non-zero trade",
        side="reported (Kazakhstan's own statistics)",
        caveats=("transcribed from a third-party pipeline that checks country rows against the "
                 "table total (±1 thousand USD)",)),
    "bns_summary": dict(
        title="Kazakhstan's trade with WLD, CHN, RUS, EU27: BNS, WITS, press and China-customs rows, each cited",
        source="BNS 312101, WITS, press reports, China customs (GACC) via press; one citation per row",
        units="value in USD million or percent (column unit)", coverage="2014–2025 (WLD/EU27 from 2020)",
        side="reporter_side column: KAZ or CHN (mirror)",
        caveats=("press rows are rounded and of preliminary vintage: cross-checks only",)),
    "trade_mirror_penppml": dict(
        title="Partner-reported exports to Kazakhstan (mirror of Kazakhstan's imports)",
        source="penppml 0.2.4 trade data (UN Comtrade, exporter-reported)", units=_TRADE_UNITS,
        coverage="every 4th year 1992–2016, all partners", side="mirror (partner-reported, FOB)"),
    "gravity_agtpa": dict(
        title="Structural gravity panel of the WTO/UNCTAD Advanced Guide (manufacturing, with domestic flows)",
        source=_AGTPA_CITE + "; R package tradepolicy 0.7.0",
        units="flow: million current USD; dist: km (population-weighted)",
        coverage="69 countries (no KAZ, no RUS), 1986–2006 annual, complete square incl. i=i",
        caveats=("the book's estimates use 1986, 1990, …, 2006 only",
                 "Romania recoded from ROM to ROU")),
    "gravity_agtpa_wto": dict(
        title="Advanced Guide chapter-1 exercise panel with WTO membership",
        source=_AGTPA_CITE + " (Chapter1Exercise1.dta)", units="flow: million current USD; dist: km",
        coverage="65 countries, 1986–2006 every 4 years, international and domestic flows"),
    "gravity_penppml": dict(
        title="Bilateral exports of all country pairs with RTAs, every 4th year, with CEPII covariates",
        source="penppml 0.2.4 trade data (UN Comtrade; agreements from the World Bank Deep Trade "
        "Agreements database) merged with CEPII GeoDist",
        units="flow: current USD (exporter-reported); dist, distw: km",
        coverage="1964–2016 every 4 years; up to 170 exporters × 238 importers; KAZ as exporter 1996–2016",
        side="reported by the exporter",
        caveats=("KAZ-reported exports incomplete before 2004", "no domestic flows",
                 "one agreement label per pair-year: rta = agreement_id > 0",
                 "the 16 provision dummies of the source are not bundled")),
    "cepii_dist": dict(
        title="CEPII GeoDist bilateral distances and ties", source="CEPII GeoDist (Mayer & Zignago 2011)",
        units="km; 0/1 dummies", coverage="224 × 224 countries, time-invariant"),
    "cepii_geo": dict(
        title="CEPII GeoDist country table", source="CEPII GeoDist (Mayer & Zignago 2011)",
        units="area km²; lat/lon degrees", coverage="224 countries (some with two cities)"),
    "wdi_gdp": dict(
        title="GDP, current US$ (WDI NY.GDP.MKTP.CD)", source="World Bank, World Development Indicators",
        units="gdp_usd: current USD", coverage="262 countries and aggregates, 1960–2023"),
    "wdi_population": dict(
        title="Population, total (WDI SP.POP.TOTL)", source="World Bank, World Development Indicators",
        units="persons", coverage="1960–2024, countries and aggregates"),
    "pwt91": dict(
        title="Penn World Table 9.1", source="Feenstra, Inklaar & Timmer (2015), PWT 9.1 (GGDC)",
        units="see PWT documentation (real GDP in million 2011 USD PPP, pop in millions)",
        coverage="182 countries, 1950–2017"),
    "brent_annual": dict(
        title="Brent crude spot price, annual average", source="U.S. EIA series RBRTE (via datahub.io)",
        units="USD per barrel, nominal", coverage="1987–2025 (1987 partial year)"),
    "brent_monthly": dict(
        title="Brent crude spot price, monthly average", source="U.S. EIA series RBRTE (via datahub.io)",
        units="USD per barrel, nominal", coverage="1987-05 onward"),
    "wti_annual": dict(
        title="WTI crude spot price, annual average", source="U.S. EIA series RWTC (via datahub.io)",
        units="USD per barrel, nominal", coverage="1986–2025"),
    "un_votes": dict(
        title="UN General Assembly roll-call votes by country",
        source="Voeten, Strezhnev & Bailey, UNGA Voting Data (Harvard Dataverse, CC0); R package unvotes",
        units="vote: yes | no | abstain (absences not recorded)", coverage="1946 – January 2020",
        caveats=("about 500 roll calls repeat a lower rcid (same unres and date); "
                 "kzecon.alignment resolves them",)),
    "un_roll_calls": dict(
        title="UN General Assembly roll calls", source="Voeten et al., UNGA Voting Data; R package unvotes",
        units="—", coverage="6,203 roll calls, 1946 – January 2020"),
    "un_roll_call_issues": dict(
        title="Issue codes of UN roll calls", source="Voeten et al., UNGA Voting Data; R package unvotes",
        units="six issue codes", coverage="5,745 roll-call issues"),
    "products_kaz_chn": dict(
        title="Kazakhstan's trade with China by broad HS sector",
        source="World Bank WITS Detailed Bilateral Trade (UN Comtrade, reporter KAZ), via a third party's "
        "derived Stata file (KazPaper)", units="value_usd: current USD (source levels halved)",
        coverage="2015–2024, 11 sectors, exports and imports", side="reported (Kazakhstan)",
        caveats=("source levels are exactly 2× the true values: halved in the build",
                 "2020–2022 omit copper and other metals to China (flag column)")),
    "comtrade_kaz_chn_hs2": dict(
        title="Selected UN Comtrade HS-2 rows, Kazakhstan–China, reported and mirror",
        source="UN Comtrade+ API downloads (transcribed rows)", units="value_usd: current USD",
        coverage="2014–2024 (mirror 2014, 2018, 2019); HS 26, 28, 72, 74, 78, 79, 81, TOTAL",
        side="reporter_side column: reported (KAZ) or mirror (CHN)"),
    "wits_ores_metals_kaz_chn": dict(
        title="Kazakhstan's exports of ores and metals to China (WITS, SITC 27+28+68)",
        source="World Bank WITS TradeStats, indicator XPRT-TRD-VL", units="value_usd: current USD",
        coverage="1995–2023", side="reported (Kazakhstan)"),
    "gravity_dots": dict(
        title="Annual world gravity panel 2000–2020 from IMF DOTS: both reporting sides and a preferred flow",
        source="IMF Direction of Trade Statistics (DOTS), one workbook per reporter (exports FOB, imports CIF), "
        "vintage early 2022; covariates from CEPII GeoDist, RTAs from penppml (World Bank DTA) at load",
        units="*_musd: current USD million as published; load_gravity('dots') returns US dollars",
        coverage="202 countries that report exports and imports in every year 2000–2020 (aggregates, historical "
        "entities and 'not specified' removed), every ordered pair × 21 years, no domestic flows",
        side="both: exporter_reported (its exports, FOB) and importer_reported (its imports, CIF) kept apart; "
        "preferred flow = importer-reported / 1.10 (CIF → FOB), filled by the exporter's report where the "
        "importer did not list the partner or its report is a known defect; flow_source says which",
        caveats=("known defects replaced by the partner's report (flow_source 'exporter_known_defect'): "
                 "RUS-reported imports from BLR 2006 and 2011 (a quarter to a half of BLR's exports), "
                 "KAZ-reported imports from RUS 2010 (half of RUS's exports)",
                 "RUS's workbook has no Belarus cells in 2001, 2004, 2009, 2010: filled from BLR's reports",
                 "IMF estimates ('e' cells) flagged in exporter_estimated / importer_estimated; 16 reporters' import "
                 "sides are entirely IMF estimates",
                 "flow 0 where neither side lists the pair (flow_source 'none')",
                 "Australia listed twice in every sheet and two identical Nicaragua workbooks: de-duplicated",
                 "RTAs: penppml's agreement status at the latest of 2000, 2004, …, 2016 (a new agreement switches on "
                 "up to 3 years late); agreements after 2016 are not known here (2016 status carried to 2020)")),
    "trade_dots_kaz": dict(
        title="Kazakhstan's trade with every partner in IMF DOTS, Kazakhstan-reported and mirror",
        source="IMF Direction of Trade Statistics (DOTS) workbooks", units=_TRADE_UNITS,
        coverage="1992–2020, all country and former-state partners", side="reporter_side: reported (KAZ's own "
        "sheets) or mirror (partners' sheets, their exports written as KAZ imports and vice versa)",
        caveats=("2010 KAZ-reported trade with RUS undercounted (customs union)",
                 "estimated = 1 where the IMF estimated the cell")),
    "compositions_dots": dict(
        title="Every economy's partner composition by year: China, Russia, US, EU, Central Asia, rest",
        source="IMF Direction of Trade Statistics (DOTS); partner groups from kzecon's partner_groups table",
        units="total_usd: current USD; group columns: shares summing to one",
        coverage="219 economies (incl. former states: SUN, CSK, YUG, DDR, …) × 1960–2020, exports / imports / "
        "total, reported and mirror side",
        side="side column: reported (the economy's own sheets) or mirror (partners' sheets)",
        caveats=("russia = the Soviet Union (SUN) before 1992 (russia_is_ussr = 1)",
                 "EU by membership in each year; Central Asia = KAZ, KGZ, TJK, TKM, UZB",
                 "shares of trade allocated to a partner: aggregates left out; unallocated = the reporter's "
                 "'not specified' trade as a share of all it reports (reported side)",
                 "total only where the side has both flows in the year",
                 "mirror shares cover partners that report; estimated_share = share of value from IMF estimates")),
}
