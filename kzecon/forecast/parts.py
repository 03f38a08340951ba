"""Part labels of a composition: the user's own (CHN, China, RUS, EU, EUR, REST …) matched to kzecon's canonical
parts (china, russia, usa, eu, central_asia, rest) case-insensitively, across codes and names."""

from __future__ import annotations

import re
from collections.abc import Iterable

CANONICAL = ("china", "russia", "usa", "eu", "central_asia", "rest")
ALIASES = {
    "china": ("china", "chn", "prc", "cn", "china mainland", "china p r mainland", "peoples republic of china",
              "people s republic of china", "китай", "кнр", "中国"),
    "russia": ("russia", "rus", "ru", "russian federation", "rf", "россия", "рф", "российская федерация"),
    "usa": ("usa", "us", "united states", "united states of america", "america", "сша"),
    "eu": ("eu", "eur", "eu27", "eu28", "eun", "euu", "eu27 2020", "eu28 2013", "european union", "europe eu",
           "eu 27", "eu 28", "eu27 gbr",
           "eu27 uk", "eu 27 gbr", "eu 27 uk", "eu28 gbr", "eu27 and gbr", "eu27 and uk", "ес", "евросоюз",
           "европейский союз"),
    "central_asia": ("central asia", "central_asia", "casia", "ca", "cas", "центральная азия"),
    "rest": ("rest", "row", "rest of world", "rest of the world", "other", "others", "oth", "world rest",
             "rest_world", "remainder", "прочие", "остальные", "другие", "остальной мир"),
}
_LOOKUP = {a: canon for canon, names in ALIASES.items() for a in names}


def _key(label: str) -> str:
    """Case-folded, with every run of characters other than letters and digits (any script) one space."""
    return re.sub(r"[\W_]+", " ", str(label).strip().casefold()).strip()


def canonical(label: str) -> str | None:
    """kzecon's name for a part label, or None when it is not one of the known parts.

    Parameters
    ----------
    label : str
        A part label in any case, code or name (``CHN``, ``China``, ``Rest of the World``, ``ЕС`` …; punctuation
        and underscores read as spaces).

    Returns
    -------
    str or None
        One of :data:`CANONICAL`, or None.

    Examples
    --------
    >>> from kzecon.forecast.parts import canonical
    >>> canonical("CHN"), canonical("Rest of the World"), canonical("Japan")
    ('china', 'rest', None)
    """
    k = _key(label)
    return _LOOKUP.get(k) or _LOOKUP.get(k.replace(" ", "_")) or _LOOKUP.get(k.replace(" ", ""))


def match(labels: Iterable[str]) -> dict[str, str | None]:
    """{label: canonical part or None}; two labels that mean the same part is an error for the caller to raise.

    Parameters
    ----------
    labels : iterable of str
        Part labels.

    Returns
    -------
    dict
        {label: :func:`canonical` of it}.

    Examples
    --------
    >>> from kzecon.forecast.parts import match
    >>> match(["CHN", "EUR", "JPN"])
    {'CHN': 'china', 'EUR': 'eu', 'JPN': None}
    """
    return {lab: canonical(lab) for lab in labels}


def resolve(name: str, parts: Iterable[str]) -> str | None:
    """The label among ``parts`` that ``name`` (an event's part, in any spelling) refers to, or None.

    Parameters
    ----------
    name : str
        The part as an event or option names it.
    parts : iterable of str
        The composition's labels.

    Returns
    -------
    str or None
        ``name`` itself when it is a label; else the one label with the same canonical part (a name that is not a
        known part matches a label case-insensitively); None when none or several match.

    Examples
    --------
    >>> from kzecon.forecast.parts import resolve
    >>> resolve("China", ["CHN", "RUS", "rest"]), resolve("eu", ["CHN", "rest"])
    ('CHN', None)
    """
    parts = list(parts)
    if name in parts:
        return name
    target = canonical(name)
    if target is None:
        lowered = {str(p).strip().lower(): p for p in parts}
        return lowered.get(str(name).strip().lower())
    hits = [p for p in parts if canonical(p) == target]
    return hits[0] if len(hits) == 1 else None
