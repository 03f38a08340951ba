"""The economy a finding is about: its ISO-3 code checked, its name, and the study's constants (the two poles
compared, the headline year)."""

from __future__ import annotations

TRADE_SOURCE = "COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25); Russia 2010 interpolated"
DEFAULT_COUNTRY = "KAZ"
POLES = ("CHN", "RUS")  # the two powers whose shares the study compares
DOTS_SOURCE = "IMF DOTS ({name}'s {sides})"
HEADLINE_YEAR = 2030  # the year of the headline probability P(China's share > Russia's)
LONG_YEAR = HEADLINE_YEAR + 5  # the brief's furthest quoted year


def this_year() -> int:
    """The calendar year the study is run in: forecasts are quoted for years counted from it, and the years between
    the data's end and it are the past the data have not reached yet.

    Returns
    -------
    int
        Today's year from the system clock.

    See Also
    --------
    DependenceRisk.quote_years : The years the brief quotes, counted from this one.

    Examples
    --------
    >>> from kzecon.study.findings import this_year
    >>> this_year() >= 2026
    True
    """
    import datetime

    return datetime.date.today().year


MIRROR_YEAR = {"KAZ": 2018}  # the year the brief quotes reported vs mirror (else the latest with both sides)


def check_country(country: str) -> str:
    """``country`` upper-cased if the study can run on it (a former ISO code as its successor: ROM → ROU, as the data
    files read it): a known ISO-3 code other than China and Russia (the two poles compared) with a composition in the
    IMF DOTS panel; else a :class:`UsageError` or :class:`CoverageError` naming it.

    Parameters
    ----------
    country : str
        An ISO 3166-1 alpha-3 code (case and surrounding spaces do not matter; an ISO 3166-3 former code is read as
        its successor, with a :class:`kzecon.errors.DataQualityWarning`).

    Returns
    -------
    str
        The code the study uses: upper-cased, a former code replaced.

    Raises
    ------
    UsageError
        ``country`` is not a known ISO-3 code, is an aggregate of economies (e.g. WLD, EU27), or is CHN or RUS.
    CoverageError
        ``country`` is an economy other than Kazakhstan with no partner composition in the IMF DOTS panel
        (``compositions_dots``).

    Examples
    --------
    >>> from kzecon.study.findings import check_country
    >>> check_country(" uzb")
    'UZB'
    >>> check_country("CHN")
    Traceback (most recent call last):
    ...
    kzecon.errors.UsageError: the study measures an economy's trade with China and Russia; CHN is one of the two
    """
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
    """A reader's name of an ISO-3 code (countrycode's).

    Parameters
    ----------
    country : str
        An ISO-3 code.

    Returns
    -------
    str
        The English short name the report prints.

    Examples
    --------
    >>> from kzecon.study.findings import country_name
    >>> country_name("KAZ"), country_name("KGZ")
    ('Kazakhstan', 'Kyrgyzstan')
    """
    from kzecon.data.countries import country_name as name

    return name(country)

def _kazakhstan_only(country: str, what: str, needs: str) -> None:
    from kzecon.errors import CoverageError

    if check_country(country) != DEFAULT_COUNTRY:
        raise CoverageError(f"{what} for {country_name(country)} would need {needs}; the bundled data have it for "
                            "the study's default economy only")

def kzecon_data():
    """kzecon.data (imported on first use)."""
    import kzecon

    return kzecon.data
