"""Country codes: everything leaves kzecon's boundary as ISO-3 (alpha-3).

Conversion uses the ``countrycode`` package (the Python port of R's countrycode code list by
Arel-Bundock et al.), with a short, sourced supplement for former states and for the few non-ISO
partner codes that official trade files use.  Unknown names are an error naming them, never a NaN.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pandas as pd

from kzecon.errors import CountryCodeError

# Codes outside current ISO 3166-1 that real trade and vote files carry.  Sources: ISO 3166-3
# (former codes CSK, YUG, DDR, YMD, ANT, SCG, SUN); Correlates of War abbreviations for states without any
# ISO code (YAR, ZAN); BLX, the Belgium-Luxembourg Economic Union of UN Comtrade and IMF DOTS (to 1996);
# XKX is the user-assigned code for Kosovo used by the World Bank and the EU;
# BAT and USP are WITS partner codes (British Antarctic Territory, US Miscellaneous Pacific Islands);
# WLD, EU27 and EU28 are the aggregates used by the World Bank and Kazakhstan's BNS.
EXTRA_CODES = {
    "CSK": "Czechoslovakia", "YUG": "Yugoslavia", "DDR": "German Democratic Republic",
    "YMD": "Yemen, People's Democratic Republic", "ANT": "Netherlands Antilles",
    "SCG": "Serbia and Montenegro", "YAR": "Yemen Arab Republic", "ZAN": "Zanzibar",
    "XKX": "Kosovo", "BAT": "British Antarctic Territory", "USP": "US Misc. Pacific Islands",
    "WLD": "World", "EU27": "European Union (27)", "EU28": "European Union (28)",
    "SUN": "Soviet Union", "BLX": "Belgium-Luxembourg",
}

# Aggregates: codes of groups of economies, which are totals, never partners or countries of a gravity panel.
# WLD, EU27 and EU28 as above; the rest are the World Bank's WDI aggregate codes (regions, income groups, lending
# groups, demographic groups): every code of the WDI GDP file (../shared/data/raw/wb_gdp_datahub, bundled as
# ``wdi_gdp``) that has no ISO 3166-1 entry, less CHI (Channel Islands) and XKX (Kosovo), which are economies;
# tests/test_countries.py derives the list from the bundled file again.
WB_AGGREGATES = frozenset({
    "AFE", "AFW", "ARB", "CEB", "CSS", "EAP", "EAR", "EAS", "ECA", "ECS", "EMU", "EUU", "FCS", "HIC", "HPC", "IBD",
    "IBT", "IDA", "IDB", "IDX", "LAC", "LCN", "LDC", "LIC", "LMC", "LMY", "LTE", "MEA", "MIC", "MNA", "NAC", "OED",
    "OSS", "PRE", "PSS", "PST", "SAS", "SSA", "SSF", "SST", "TEA", "TEC", "TLA", "TMN", "TSA", "TSS", "UMC",
})
AGGREGATES = frozenset({"WLD", "EU27", "EU28", "WORLD", "EU", "EUN", "EU27_2020", "EU28_2013"}) | WB_AGGREGATES
# (WORLD, EU, EUN, EU27_2020: the labels downloaded files use for the world and the European Union as partners)

# ISO 3166-3 ("code elements for formerly used names of countries"): alpha-3 codes withdrawn when a country was
# renamed or recoded, each with the one current code that took its place. Trade datasets built from UN Comtrade
# and CEPII keep several of them (kzecon's bundled penppml panel has ROM, ZAR, TMP). Codes of entities that split
# or merged (CSK, YUG, SUN, SCG, DDR, …) have no single successor and are not mapped.
FORMER_ISO3 = {
    "ROM": "ROU",  # Romania, recoded 2002
    "ZAR": "COD",  # Zaire → Democratic Republic of the Congo, 1997
    "TMP": "TLS",  # East Timor → Timor-Leste, 2002
    "BUR": "MMR",  # Burma → Myanmar, 1989
    "DHY": "BEN",  # Dahomey → Benin, 1977
    "HVO": "BFA",  # Upper Volta → Burkina Faso, 1984
    "NHB": "VUT",  # New Hebrides → Vanuatu, 1980
    "RHO": "ZWE",  # Southern Rhodesia → Zimbabwe, 1980
    # not ISO 3166-3, but the code penppml (and the Correlates of War) give Montenegro: no ISO country has it
    "MNT": "MNE",
}

ORIGINS = {"iso3": "iso3c", "iso2": "iso2c", "name": "country.name", "cow": "cown",
           "imf": "imf", "un": "un", "wb": "wb"}


@cache
def _iso3_set() -> frozenset[str]:
    from countrycode import codelist  # the package's public code list (a dict of columns)

    return frozenset(c for c in codelist["iso3c"] if isinstance(c, str)) | frozenset(EXTRA_CODES)


def is_aggregate(code: str) -> bool:
    """Whether a code stands for a group of economies (WLD, EU27, the World Bank's EUU, HIC …), not one economy.

    Parameters
    ----------
    code : str
        A country or aggregate code; compared stripped and in upper case.

    Returns
    -------
    bool
        True for the world, the EU and the World Bank's regional, income and lending groups (:data:`AGGREGATES`).

    Examples
    --------
    >>> from kzecon.data.countries import is_aggregate
    >>> is_aggregate("WLD"), is_aggregate("eu27"), is_aggregate("KAZ")
    (True, True, False)
    """
    return str(code).strip().upper() in AGGREGATES


def is_known_iso3(code: str) -> bool:
    """Whether ``code`` is a current ISO 3166-1 alpha-3 code or one of kzecon's sourced extra codes.

    Parameters
    ----------
    code : str
        The code to check, exactly as given (case and spaces matter: ``"kaz"`` is not known). The extra codes
        (:data:`EXTRA_CODES`) are former states (SUN, CSK, YUG, …), BLX, XKX, a few WITS partner codes and the
        aggregates WLD, EU27, EU28.

    Returns
    -------
    bool

    Examples
    --------
    >>> from kzecon.data.countries import is_known_iso3
    >>> is_known_iso3("KAZ"), is_known_iso3("SUN"), is_known_iso3("kaz"), is_known_iso3("ROM")
    (True, True, False, False)
    """
    return isinstance(code, str) and code in _iso3_set()


def _guess_origin(values: Sequence) -> str:
    vals = [v for v in values if v is not None and not (isinstance(v, float) and pd.isna(v))]
    if vals and all(isinstance(v, str) and len(v) in (3, 4) and v.isupper() for v in vals):
        return "iso3"
    if vals and all(isinstance(v, str) and len(v) == 2 and v.isupper() for v in vals):
        return "iso2"
    if vals and all(isinstance(v, str) for v in vals):
        return "name"
    raise CountryCodeError(
        "cannot tell which code system these country identifiers use (numeric codes are "
        "ambiguous: pass origin='cow', 'imf' or 'un')")


def to_iso3(values: Iterable, *, origin: str = "auto", column: str = "country") -> list[str]:
    """Convert country identifiers to ISO-3, raising on anything unknown.

    Parameters
    ----------
    values : iterable
        Country names or codes of one system (strings; numbers for ``cow``, ``imf``, ``un``).
    origin : {"auto", "iso3", "iso2", "name", "cow", "imf", "un", "wb"}, default "auto"
        The code system of ``values``: ISO alpha-3 or alpha-2, English names (as countrycode's regular
        expressions match them), Correlates of War, IMF or UN numeric codes, World Bank codes. ``"auto"`` tells
        upper-case 3/4-letter codes (iso3), 2-letter codes (iso2) and other text (name) apart; numeric codes must be
        named.
    column : str, default "country"
        The column the values came from, named in error messages.

    Returns
    -------
    list of str
        The ISO-3 code of each value, in order. Former states and kzecon's extra codes (SUN, CSK, WLD, …) are kept.

    Raises
    ------
    CountryCodeError
        If ``origin`` is unknown, ``"auto"`` cannot tell the system (numeric codes), numeric codes are not numbers,
        or any value has no ISO-3 code (the message lists up to eight of them).

    See Also
    --------
    normalise_codes : Tidy codes that are already ISO-3.

    Examples
    --------
    >>> from kzecon.data import to_iso3
    >>> to_iso3(["Kazakhstan", "Russian Federation"], origin="name")
    ['KAZ', 'RUS']
    >>> to_iso3(["KZ", "CN"])
    ['KAZ', 'CHN']
    >>> to_iso3([705, 710], origin="cow")
    ['KAZ', 'CHN']
    """
    values = list(values)
    if origin == "auto":
        origin = _guess_origin(values)
    if origin not in ORIGINS:
        raise CountryCodeError(f"unknown country code system {origin!r}; use one of {sorted(ORIGINS)}")
    uniq = list(dict.fromkeys(values))
    if origin == "iso3":
        mapping = {v: v for v in uniq if is_known_iso3(v)}
    else:
        from countrycode import countrycode

        keys = [str(v).strip() if origin in ("iso2", "name") else v for v in uniq]
        if origin in ("cow", "imf", "un"):
            try:
                keys = [int(float(k)) for k in keys]
            except (TypeError, ValueError) as err:
                raise CountryCodeError(f"column '{column}': {origin} codes must be numeric") from err
        out = countrycode(keys, origin=ORIGINS[origin], destination="iso3c")
        mapping = {v: o for v, o in zip(uniq, out, strict=True) if o is not None}
        if origin == "name":
            for v in uniq:
                if v not in mapping and isinstance(v, str) and is_known_iso3(v.strip()):
                    mapping[v] = v.strip()
    unknown = [v for v in uniq if v not in mapping]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:8])
        more = f" and {len(unknown) - 8} more" if len(unknown) > 8 else ""
        raise CountryCodeError(f"column '{column}': unknown country {origin} code(s) {shown}{more}")
    return [mapping[v] for v in values]


def normalise_codes(values: pd.Series, column: str = "country") -> tuple[pd.Series, dict[str, str], list[str]]:
    """Upper-case and strip ISO-3 codes and map ISO 3166-3 former codes to their successors (``ROM`` → ``ROU``).

    Callers decide whether the codes that remain unknown are an error (partner groups depend on them) or the user's
    own labels kept with a warning (fixed-effect identifiers in a gravity panel).

    Parameters
    ----------
    values : pandas.Series
        Country codes (missing values stay missing).
    column : str, default "country"
        The column the values came from (kept for messages of callers; not used in the result).

    Returns
    -------
    codes : pandas.Series
        The codes, stripped and upper-cased, former codes replaced (object dtype, same index).
    mapped : dict of str to str
        ``{former: current}`` replacements applied (:data:`FORMER_ISO3`).
    unknown : list of str
        Codes that are still not ISO-3 nor kzecon's extra codes, sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.data.countries import normalise_codes
    >>> codes, mapped, unknown = normalise_codes(pd.Series([" kaz", "ROM", "XYZ"]))
    >>> codes.tolist(), mapped, unknown
    (['KAZ', 'ROU', 'XYZ'], {'ROM': 'ROU'}, ['XYZ'])
    """
    s = values.astype("string").str.strip().str.upper()
    uniq = [u for u in s.dropna().unique()]
    mapped = {u: FORMER_ISO3[u] for u in uniq if u in FORMER_ISO3 and not is_known_iso3(u)}
    if mapped:
        s = s.replace(mapped)
    unknown = sorted(u for u in set(uniq) - set(mapped) if not is_known_iso3(u))
    return s.astype(object), mapped, unknown


# former states and unions (ISO 3166-3 and BLX, as in EXTRA_CODES) that countrycode does not name
NAMES = {"SUN": "the Soviet Union", "USA": "the United States", "GBR": "the United Kingdom", "YUG": "Yugoslavia",
         "SCG": "Serbia and Montenegro", "CSK": "Czechoslovakia", "DDR": "East Germany", "YMD": "South Yemen",
         "ANT": "the Netherlands Antilles", "BLX": "Belgium-Luxembourg"}


@cache
def country_name(code: str) -> str:
    """A reader's name for an ISO-3 code (countrycode's ``country.name``; the code itself when it has none)."""
    from countrycode import countrycode

    code = str(code).upper()
    if code in NAMES:
        return NAMES[code]
    name = countrycode([code], origin="iso3c", destination="country.name")[0]
    return name if isinstance(name, str) and name else code
