"""Political alignment from UN General Assembly roll-call votes (Voeten, Strezhnev & Bailey).

The other half of the multi-vector picture: how often Kazakhstan votes with China and with Russia,
chance-corrected, and whom it sides with when the two great powers split.

Conventions
-----------
* Votes are coded on Voeten's ordinal scale ``yes = 1``, ``abstain = 2``, ``no = 3``. A country that
  did not vote in a roll call (absent, not a member) has no record and is **never counted as agreeing**:
  pairwise measures use only roll calls in which both countries voted.
* Abstentions (``abstain=``): ``"half"`` (default) scores yes/abstain as half agreement (agreement
  weights ``1 − |x − y| / 2``); ``"category"`` treats abstain as a third category (identical votes only);
  ``"drop"`` leaves out roll calls in which either country abstained.
* Chance-corrected agreement following Häge (2011, *Political Analysis* 19:287): Cohen's kappa uses
  each country's own vote distribution for expected agreement, Scott's pi the pooled distribution; both
  with the same agreement weights as the raw agreement. The S-score (Signorino & Ritter 1999) is
  1 − 2·d/d_max with d the mean absolute distance on the ordinal scale (d_max = 2; on yes/no only
  when abstentions are dropped); it equals 2·agreement − 1 under ``abstain="half"``.
* **Repeated resolution records.** The roll-call table carries records with high rcids (empty
  ``importantvote`` and ``short``) that share the resolution symbol and date of a lower-rcid record.
  Their descriptions (meeting-record text) show they are separate recorded votes on the same draft —
  a paragraph, an amendment, a no-action motion — not copies; a few are exact repeats. Counted as roll
  calls on resolutions they overcount resolutions by up to several votes each. ``duplicates="first"``
  (default) keeps one record per (``unres``, ``date``): the lowest rcid, the vote on the resolution as
  a whole; ``duplicates="keep"`` keeps every record. What was removed is in ``attrs["duplicates"]``.
* **Record types.** Not every roll call is a vote on a resolution: some are separate votes on a paragraph
  (or a few words) of a draft, on an amendment, or on a procedural motion (no action, adjournment, priority,
  a separate vote). :func:`classify_records` reads the type from the record's own text — the object of
  "put to the vote …" / "take a decision on …" in the meeting-record descriptions (rcid 5640 onwards), the
  object of "TO ADOPT …" in the catalogue descriptions of 1946–1985 — and falls back on Voeten's ``amend`` /
  ``para`` flags only where the text does not say (its ``record_type_basis`` is then ``"flag"``).
  ``records="resolutions"`` (default) counts votes on whole resolutions and decisions; the records set
  aside are in ``attrs["set_aside"]``; ``records="all"`` counts every roll call. Rcid 5924 (R/677/46, a typo
  for R/67/46) is the separate vote on the eighth preambular paragraph of resolution 67/46: a paragraph.
* **Member years.** Without ``start``/``end`` a country's measures cover the years in which it voted at all
  (a UN member: the data hold no records for non-members), not 1946 onwards.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd

from . import data as _data
from .data.countries import is_known_iso3
from .data.validate import require_columns
from .errors import CountryCodeError, CoverageError, DataQualityWarning, SchemaError, UsageError

VOTE_CODES = {"yes": 1, "abstain": 2, "no": 3}
Abstain = Literal["half", "category", "drop"]
Duplicates = Literal["first", "keep"]
Records = Literal["resolutions", "all"]
RECORD_TYPES = ("resolution", "paragraph", "amendment", "procedural")
DEFAULT_TRIAD = ("KAZ", "CHN", "RUS")
PERIODS = ((1992, 2006), (2007, 2013), (2014, 2019))


# --------------------------------------------------------------------------------------------------------
# Agreement measures on two vote vectors (pure functions)
# --------------------------------------------------------------------------------------------------------
def _weights(abstain: Abstain) -> np.ndarray:
    if abstain == "half":
        k = np.arange(1, 4)
        return 1.0 - np.abs(k[:, None] - k[None, :]) / 2.0
    return np.eye(3)


def agreement_scores(x, y, *, abstain: Abstain = "half") -> dict:
    """Agreement, Cohen's kappa, Scott's pi and S-score of two aligned vote vectors.

    Parameters
    ----------
    x, y : array-like
        Votes of two countries on the same roll calls: ``"yes"``/``"abstain"``/``"no"`` (any case) or codes 1/2/3;
        missing (NaN/None) means the country did not vote — such roll calls are left out.
    abstain : {"half", "category", "drop"}, default "half"
        Treatment of abstentions: ``"half"`` scores yes/abstain and abstain/no as half agreement; ``"category"``
        counts identical votes only; ``"drop"`` leaves out roll calls in which either abstained (see the module
        notes).

    Returns
    -------
    dict
        ``n`` (roll calls used), ``agreement`` (weighted share of agreeing votes), ``kappa`` (Cohen's, each country's
        own vote distribution for chance agreement), ``scott_pi`` (pooled distribution), ``s_score`` (1 − 2·d/2 with
        d the mean distance on the 1–3 scale). All NaN when ``n`` is 0; kappa and pi NaN when chance agreement is 1
        (both always voted the same way).

    Raises
    ------
    SchemaError
        If ``abstain`` is not one of the values above, a vote is not yes/abstain/no or 1/2/3, or the vectors differ
        in length.

    Examples
    --------
    >>> from kzecon.alignment import agreement_scores
    >>> agreement_scores(["yes", "no", "abstain"], ["yes", "yes", "yes"])["agreement"]
    0.5
    >>> agreement_scores(["yes", "no", "abstain"], ["yes", "yes", "yes"], abstain="drop")["n"]
    2
    """
    if abstain not in ("half", "category", "drop"):
        raise SchemaError(f"abstain must be 'half', 'category' or 'drop', got {abstain!r}")
    a = _codes(pd.Series(list(x), dtype=object))
    b = _codes(pd.Series(list(y), dtype=object))
    if len(a) != len(b):
        raise SchemaError(f"vote vectors differ in length ({len(a)} vs {len(b)})")
    keep = a.notna() & b.notna()
    if abstain == "drop":
        keep &= (a != 2) & (b != 2)
    a = a[keep].astype(int).to_numpy()
    b = b[keep].astype(int).to_numpy()
    n = len(a)
    out = {"n": n, "agreement": np.nan, "kappa": np.nan, "scott_pi": np.nan, "s_score": np.nan}
    if n == 0:
        return out
    from statsmodels.stats.inter_rater import cohens_kappa

    w = _weights(abstain)
    p_o = float(w[a - 1, b - 1].mean())
    table = np.zeros((3, 3))
    np.add.at(table, (a - 1, b - 1), 1.0)
    pa, pb = table.sum(axis=1) / n, table.sum(axis=0) / n
    pooled = (pa + pb) / 2
    pe_kappa = float(pa @ w @ pb)
    # Cohen's kappa from statsmodels (linear weights when an abstention is half agreement); Scott's pi, whose
    # chance agreement pools the two countries' vote shares, has no weighted form there: written out here
    kappa = float(cohens_kappa(table, wt="linear" if abstain == "half" else None, return_results=False)) \
        if pe_kappa < 1 else np.nan
    pe_pi = float(pooled @ w @ pooled)
    d_max = 2.0  # distance between yes (1) and no (3), with or without abstentions
    out.update(
        agreement=p_o, kappa=kappa,
        scott_pi=(p_o - pe_pi) / (1 - pe_pi) if pe_pi < 1 else np.nan,
        s_score=1.0 - 2.0 * float(np.abs(a - b).mean()) / d_max,
    )
    return out


def _codes(s: pd.Series) -> pd.Series:
    """Votes as 1/2/3 (float with NaN for no vote); unknown labels raise naming the value."""
    def one(v):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return np.nan
        if isinstance(v, str):
            key = v.strip().lower()
            if key in VOTE_CODES:
                return VOTE_CODES[key]
        elif v in (1, 2, 3):
            return int(v)
        raise SchemaError(f"unknown vote {v!r}: expected yes/abstain/no or 1/2/3")
    return s.map(one).astype(float)


# --------------------------------------------------------------------------------------------------------
# Record types, read from the record text
# --------------------------------------------------------------------------------------------------------
_SPEECH = re.compile(r"^\s*(?:the\s+)?(?:acting\s+)?(?:president|chair(?:man|person)?|vice-president)\b", re.I)
_OBJECT = re.compile(  # what the presiding officer puts to the vote (the last one named before the vote)
    r"(?:put\s*to\s*the\s*vote|putto\s*the\s*vote|take\s+(?:a\s+)?decisions?\s+on|take\s+action\s+on"
    r"|\bvote\s+on|votes?\s+(?:has|have)\s+been\s+requested\s+on)\s+(?P<obj>[^.]{0,160})", re.I)
_PROCEDURAL = re.compile(r"\b(?:motions?|adjourn\w*|appeal\w*\s+against|ruling|point\s+of\s+order|no[- ]action"
                         r"|no\s+action|priority|closure\s+of|(?:simple|two-thirds)\s+majority|important\s+question"
                         r"|(?:suspend\w*|postpon\w*|defer\w*)\s+(?:any\s+)?(?:further\s+)?(?:the\s+)?"
                         r"(?:consideration|debate|discussion))\b", re.I)
_AMEND = re.compile(r"\bamend(?:ment)?s?\b", re.I)
_PART = re.compile(r"paragraph|\bparag\b|\bparas?\b|preambular|\bpream\b|(?<![-\w])operative|\bop\b|\bwords?\b"
                   r"|\bphrase\b|\bsentence\b|\bclause\b|\bpoint\b|\bsection\b|\bpart\b|retention|deletion"
                   r"|\bretain|\bdelete", re.I)
_DRAFT = re.compile(r"draft\s+resol|\bresol(?:ution)?s?\b|\bres\b|\(a/", re.I)
_ADOPT = re.compile(r"^\s*(?:TO\s+(?:ADOPT|APPROVE|ACCEPT)\b|ADOPTION\b)")


def _object_type(obj: str) -> str:
    if _PROCEDURAL.search(obj):
        return "procedural"
    if _AMEND.search(obj):
        return "amendment"
    if _PART.search(obj):
        return "paragraph"
    return "resolution"


def classify_record(descr, amend=None, para=None) -> tuple[str, str]:
    """(record type, basis) of one roll call from its description; see the module notes.

    Meeting-record text (from rcid 5640 on) is read for the object of the last "put to the vote …" / "take a decision
    on …"; catalogue text (1946–1985, upper case) for the object of "TO ADOPT …"; a title in ordinary case is a
    resolution. Where the text does not say, Voeten's ``amend`` and ``para`` flags decide.

    Parameters
    ----------
    descr : str or None
        The roll call's description (the ``descr`` column of :func:`kzecon.data.load_un_roll_calls`); None or NaN
        when there is none.
    amend : float, int or None, default None
        Voeten's amendment flag (1 = a vote on an amendment); used only where the text is silent.
    para : float, int or None, default None
        Voeten's paragraph flag (1 = a separate vote on a paragraph); used only where the text is silent.

    Returns
    -------
    tuple of str
        ``(type, basis)``: type ``"resolution"``, ``"paragraph"``, ``"amendment"`` or ``"procedural"``; basis
        ``"text"`` (read from the description), ``"flag"`` (from ``amend``/``para``) or ``"default"`` (no text, no
        flag: a resolution).

    Examples
    --------
    >>> from kzecon.alignment import classify_record
    >>> classify_record("The President put to the vote the draft amendment contained in document A/C.1/L.5.")
    ('amendment', 'text')
    >>> classify_record("TO ADOPT PARAGRAPH 3 OF THE DRAFT RESOLUTION")
    ('paragraph', 'text')
    >>> classify_record(None, amend=1)
    ('amendment', 'flag')
    """
    text = descr.strip() if isinstance(descr, str) else ""
    if text and _SPEECH.match(text):  # meeting-record text: the object of the last "put to the vote …"
        objs = list(_OBJECT.finditer(text))
        if objs:
            return _object_type(objs[-1].group("obj")), "text"
    elif text and text.upper() == text and re.search(r"[A-Z]{3}", text):  # catalogue text: "TO ADOPT <object> …"
        m = _DRAFT.search(text)
        head = text[:m.start()] if m else text
        kind = _object_type(head)
        if kind != "resolution":
            return kind, "text"
        if m and _ADOPT.match(head) and len(head.split()) <= 9:
            return "resolution", "text"
    elif text and re.search(r"[a-z]", text):  # a title: "… : resolution / adopted by the General Assembly"
        return "resolution", "text"

    def flag(v) -> bool:
        try:
            return float(v) == 1.0
        except (TypeError, ValueError):
            return False
    if flag(amend):
        return "amendment", "flag"
    if flag(para):
        return "paragraph", "flag"
    return "resolution", "default"


def classify_records(roll_calls: pd.DataFrame) -> pd.DataFrame:
    """``rcid``, ``record_type``, ``record_type_basis`` of every roll call (from ``descr``, ``amend`` and ``para``).

    Applies :func:`classify_record` to each row.

    Parameters
    ----------
    roll_calls : pandas.DataFrame
        Roll calls with ``rcid`` and, where available, ``descr``, ``amend`` and ``para`` (missing columns read as
        empty), e.g. :func:`kzecon.data.load_un_roll_calls`.

    Returns
    -------
    pandas.DataFrame
        ``rcid``, ``record_type`` (resolution, paragraph, amendment, procedural) and ``record_type_basis`` (text,
        flag, default), in the order of ``roll_calls``.

    Raises
    ------
    SchemaError
        If ``roll_calls`` has no ``rcid`` column.

    Examples
    --------
    >>> from kzecon.alignment import classify_records
    >>> from kzecon.data import load_un_roll_calls
    >>> types = classify_records(load_un_roll_calls())
    >>> types["record_type"].value_counts().to_dict()
    {'resolution': 5082, 'paragraph': 780, 'amendment': 249, 'procedural': 92}
    """
    require_columns(roll_calls, ["rcid"], "roll calls")
    n = len(roll_calls)
    descr = roll_calls["descr"] if "descr" in roll_calls else pd.Series([None] * n, index=roll_calls.index)
    amend = roll_calls["amend"] if "amend" in roll_calls else pd.Series([None] * n, index=roll_calls.index)
    para = roll_calls["para"] if "para" in roll_calls else pd.Series([None] * n, index=roll_calls.index)
    res = [classify_record(d, a, p) for d, a, p in zip(descr, amend, para, strict=True)]
    return pd.DataFrame({"rcid": roll_calls["rcid"].to_numpy(), "record_type": [r[0] for r in res],
                         "record_type_basis": [r[1] for r in res]})


# --------------------------------------------------------------------------------------------------------
# Roll calls and the vote matrix
# --------------------------------------------------------------------------------------------------------
def resolve_duplicates(roll_calls: pd.DataFrame, rule: Duplicates = "first") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep one roll call per (``unres``, ``date``) (lowest rcid) or keep all.

    Resolution symbols are compared with the ``A/RES/`` prefix of the 2016+ records read as ``R/``. Roll calls
    without a resolution symbol are always kept.

    Parameters
    ----------
    roll_calls : pandas.DataFrame
        Roll calls with ``rcid``, ``unres`` and ``date`` (e.g. :func:`kzecon.data.load_un_roll_calls`).
    rule : {"first", "keep"}, default "first"
        ``"first"``: keep the lowest rcid of each resolution symbol and date (the vote on the resolution as a whole);
        ``"keep"``: keep every record.

    Returns
    -------
    kept : pandas.DataFrame
        The roll calls kept, sorted by rcid.
    removed : pandas.DataFrame
        The roll calls set aside: ``rcid``, ``kept_rcid`` (the record kept in its place), ``unres``, ``date``,
        ``reason`` (empty with ``rule="keep"``).

    Raises
    ------
    SchemaError
        If ``rule`` is neither ``"first"`` nor ``"keep"``.

    Examples
    --------
    >>> from kzecon.alignment import resolve_duplicates
    >>> from kzecon.data import load_un_roll_calls
    >>> kept, removed = resolve_duplicates(load_un_roll_calls())
    >>> len(kept), len(removed)
    (5905, 298)
    >>> removed[["rcid", "kept_rcid", "unres", "date"]].head(2)
       rcid  kept_rcid    unres        date
    0    15         14  R/1/435  1946-02-01
    1    54         53  R/2/651  1947-11-06
    """
    if rule not in ("first", "keep"):
        raise SchemaError(f"duplicates must be 'first' or 'keep', got {rule!r}")
    rc = roll_calls.sort_values("rcid")
    cols = ["rcid", "kept_rcid", "unres", "date", "reason"]
    if rule == "keep":
        return rc.reset_index(drop=True), pd.DataFrame(columns=cols)
    symbol = rc["unres"].str.replace(r"^A/RES/", "R/", regex=True)  # 2016+ records use the A/RES/ form
    first = rc.groupby([symbol, rc["date"]])["rcid"].transform("min")  # NaN where unres is missing
    dup = (first.notna() & (rc["rcid"] != first)).to_numpy(dtype=bool)
    removed = rc.loc[dup, ["rcid", "unres", "date"]].copy()
    removed.insert(1, "kept_rcid", first[dup].astype("int64").to_numpy())
    removed["reason"] = "same resolution symbol and date as a lower rcid (separate vote on part of the draft)"
    return rc[~dup].reset_index(drop=True), removed.reset_index(drop=True)[cols]


def _check_years(start: int | None, end: int | None, years: pd.Series) -> tuple[int, int]:
    lo, hi = int(years.min()), int(years.max())
    start = lo if start is None else int(start)
    end = hi if end is None else int(end)
    if start > end:
        raise CoverageError(f"period start {start} is after its end {end}")
    if end < lo or start > hi:
        raise CoverageError(f"no UN roll calls in {start}–{end}: the bundled votes cover {lo}–{hi}")
    return start, end


def _check_countries(countries: Iterable[str], votes: pd.DataFrame) -> list[str]:
    codes = [str(c).strip().upper() for c in countries]
    if any(not c for c in codes):
        raise UsageError(f"countries must be ISO-3 codes, got {','.join(codes) or 'none'}")
    known = set(votes["country"].unique())
    for c in codes:
        if c not in known:
            hint = "" if is_known_iso3(c) else " (not an ISO-3 code)"
            raise CountryCodeError(f"country {c!r}{hint} has no UN General Assembly votes in the data")
    if len(set(codes)) != len(codes) or any(not c for c in codes):
        raise UsageError(f"countries must be distinct ISO-3 codes, got {','.join(codes)}")
    return codes


def _member_years(codes: list[str], votes: pd.DataFrame, rc: pd.DataFrame) -> tuple[int, int]:
    """The years in which every one of ``codes`` voted at least once (first to last): their common membership."""
    years = rc.set_index("rcid")["year"]
    sub = votes[votes["country"].isin(codes)]
    y = sub["rcid"].map(years)
    span = y.groupby(sub["country"]).agg(["min", "max"])
    return int(span["min"].max()), int(span["max"].min())


@functools.cache
def _bundled_issues() -> pd.Series:
    """The bundled issue codes of each roll call, sorted and joined ("co; me"), named ``issue``: made once a process
    (the brief's alignment reads it four times)."""
    issues = _data.load_un_issues().sort_values(["rcid", "issue"], kind="stable")
    return issues.groupby("rcid")["issue"].agg("; ".join).rename("issue")


def vote_matrix(countries: Iterable[str], *, start: int | None = None, end: int | None = None,
                duplicates: Duplicates = "first", records: Records = "resolutions",
                votes: pd.DataFrame | None = None, roll_calls: pd.DataFrame | None = None) -> pd.DataFrame:
    """Roll calls × countries: roll-call metadata plus one ``vote_<ISO3>`` column per country.

    Votes are ``"yes"``/``"abstain"``/``"no"`` or missing (did not vote). ``start``/``end`` default to the years in
    which every country voted (their common UN membership); a ``start`` before it or an ``end`` after the data is
    moved there with a warning. Repeated resolution records are resolved by ``duplicates`` and record types read by
    :func:`classify_records`.

    Parameters
    ----------
    countries : iterable of str
        Distinct ISO-3 codes of countries that voted in the data (case and spaces do not matter).
    start : int or None, default None
        First year; None for the first year all ``countries`` voted.
    end : int or None, default None
        Last year; None for the last year all ``countries`` voted.
    duplicates : {"first", "keep"}, default "first"
        Repeated resolution records: keep the lowest rcid per resolution and date, or every record
        (:func:`resolve_duplicates`); those set aside are in ``attrs["duplicates"]``.
    records : {"resolutions", "all"}, default "resolutions"
        ``"resolutions"`` keeps votes on whole resolutions and decisions (paragraph, amendment and procedural votes
        set aside, listed in ``attrs["set_aside"]``); ``"all"`` keeps every roll call.
    votes : pandas.DataFrame or None, default None
        Votes ``rcid, country, vote`` (vote yes | abstain | no); None for the bundled Voeten data
        (:func:`kzecon.data.load_un_votes`). Pass a newer release in the same layout.
    roll_calls : pandas.DataFrame or None, default None
        Roll calls ``rcid, date, unres`` (+ ``year``, ``descr``, ``amend``, ``para``, ``issue`` where available);
        None for the bundled data (:func:`kzecon.data.load_un_roll_calls`), to which the bundled issue codes are
        added. Your own roll calls keep their ``issue`` column (else ``issue`` is empty).

    Returns
    -------
    pandas.DataFrame
        One row per roll call kept: its metadata (``rcid``, ``session``, ``date``, ``unres``, ``year``, ``descr``, …,
        ``record_type``, ``record_type_basis``, ``issue``) and ``vote_<ISO3>`` for each country. ``attrs``:
        ``duplicates``, ``set_aside``, ``records`` and ``period`` (``(start, end)`` used).

    Raises
    ------
    UsageError
        If ``countries`` is empty or repeats a code.
    CountryCodeError
        If a country has no votes in the data.
    SchemaError
        If ``records`` or ``duplicates`` is not one of the values above, a column is missing, a vote is not
        yes/abstain/no, or a country has two votes in one roll call.
    CoverageError
        If ``start`` is after ``end``, the period has no roll calls, or ``end`` is before the countries' common
        membership begins.

    Warns
    -----
    DataQualityWarning
        When ``start`` or ``end`` lies outside the countries' common membership or the data, and is moved.

    Examples
    --------
    >>> from kzecon.alignment import vote_matrix
    >>> m = vote_matrix(["KAZ", "CHN"], start=2019, end=2019)
    >>> m.attrs["period"], len(m)
    ((2019, 2019), 90)
    >>> m[["rcid", "unres", "record_type", "vote_KAZ", "vote_CHN"]].head(3)
       rcid         unres record_type vote_KAZ vote_CHN
    0  9057  A/RES/74/112  resolution      yes      yes
    1  9058    A/RES/74/7  resolution      yes      yes
    2  9059   A/RES/74/11  resolution      yes      yes
    """
    if records not in ("resolutions", "all"):
        raise SchemaError(f"records must be 'resolutions' or 'all', got {records!r}")
    bundled = roll_calls is None
    votes = _data.load_un_votes() if votes is None else votes
    roll_calls = _data.load_un_roll_calls() if roll_calls is None else roll_calls
    require_columns(votes, ["rcid", "country", "vote"], "votes")
    require_columns(roll_calls, ["rcid", "date", "unres"], "roll calls")
    rc = roll_calls.copy()
    if "year" not in rc:
        rc["year"] = pd.to_datetime(rc["date"]).dt.year
    codes = _check_countries(countries, votes)
    lo, hi = _member_years(codes, votes, rc)
    data_lo, data_hi = int(rc["year"].min()), int(rc["year"].max())
    first = max(lo, data_lo)
    if end is not None and int(end) < first:
        raise CoverageError(f"period {start if start is not None else data_lo}–{end}: the votes of {', '.join(codes)} "
                            f"together begin in {first}")
    if start is not None and first <= data_hi and int(start) < first <= (int(end) if end is not None else data_hi):
        warnings.warn(f"period start {start}: the votes of {', '.join(codes)} together begin in {first} (the bundled "
                      f"roll calls cover {data_lo}–{data_hi}, and each must be a member): the period starts then",
                      DataQualityWarning, stacklevel=3)
        start = first
    if end is not None and int(end) > data_hi >= (int(start) if start is not None else lo):
        warnings.warn(f"period end {end}: the bundled roll calls end in {data_hi}: the period ends then",
                      DataQualityWarning, stacklevel=3)
        end = data_hi
    start = lo if start is None else start
    end = hi if end is None else end
    start, end = _check_years(start, end, rc["year"])
    rc = rc[rc["year"].between(start, end)]
    rc, removed = resolve_duplicates(rc, duplicates)
    rc = rc.merge(classify_records(rc), on="rcid", how="left")
    aside = rc[rc["record_type"] != "resolution"]
    if records == "resolutions":
        rc = rc[rc["record_type"] == "resolution"]
    set_aside = aside[["rcid", "unres", "date", "record_type", "record_type_basis"]].reset_index(drop=True)
    bad = ~votes["vote"].isin(list(VOTE_CODES))
    if bad.any():
        row = votes[bad].iloc[0]
        raise SchemaError(f"column 'vote' has {int(bad.sum())} values other than yes/abstain/no "
                          f"(e.g. {row['vote']!r} for {row['country']} in roll call {row['rcid']})")
    sub = votes[votes["country"].isin(codes) & votes["rcid"].isin(rc["rcid"])]
    if sub.duplicated(["rcid", "country"]).any():
        row = sub[sub.duplicated(["rcid", "country"])].iloc[0]
        raise SchemaError(f"duplicate vote for {row['country']} in roll call {row['rcid']}")
    wide = sub.pivot(index="rcid", columns="country", values="vote").reindex(columns=codes)
    wide.columns = [f"vote_{c}" for c in codes]
    out = rc.merge(wide, left_on="rcid", right_index=True, how="left")
    if "issue" not in out and not bundled:
        out["issue"] = pd.NA
    if "issue" not in out and bundled:
        _data._store.mark_read("un_roll_call_issues")  # read once a process, recorded on every call
        out = out.merge(_bundled_issues(), left_on="rcid", right_index=True, how="left")
    out.attrs["duplicates"] = removed
    out.attrs["set_aside"] = set_aside if records == "resolutions" else set_aside.iloc[:0]
    out.attrs["records"] = records
    out.attrs["period"] = (start, end)
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------------
# Pairwise agreement and the alignment series
# --------------------------------------------------------------------------------------------------------
def agreement(a: str, b: str, *, by: Literal["year", "period", "all"] = "year", start: int | None = None,
              end: int | None = None, abstain: Abstain = "half", periods=PERIODS,
              duplicates: Duplicates = "first", records: Records = "resolutions", **data) -> pd.DataFrame:
    """Vote agreement between two countries by year, by period, or over the whole span.

    Only roll calls in which both voted count (see the module notes for abstentions, repeated records and record
    types); the measures are those of :func:`agreement_scores`.

    Parameters
    ----------
    a, b : str
        ISO-3 codes of the two countries.
    by : {"year", "period", "all"}, default "year"
        Group by calendar year, by the periods of ``periods``, or over the whole span (labelled ``"start–end"``).
    start : int or None, default None
        First year; None for the first year both voted.
    end : int or None, default None
        Last year; None for the last year both voted.
    abstain : {"half", "category", "drop"}, default "half"
        Treatment of abstentions (:func:`agreement_scores`).
    periods : sequence of (int, int), default ((1992, 2006), (2007, 2013), (2014, 2019))
        First and last years of each period, for ``by="period"``; years outside every period are left out.
    duplicates : {"first", "keep"}, default "first"
        Repeated resolution records (:func:`vote_matrix`).
    records : {"resolutions", "all"}, default "resolutions"
        Which roll calls count (:func:`vote_matrix`).
    **data
        ``votes=`` and ``roll_calls=`` frames passed on to :func:`vote_matrix` (default: the bundled data).

    Returns
    -------
    pandas.DataFrame
        ``country_a``, ``country_b``, ``year`` or ``period``, ``n`` (roll calls both voted in), ``agreement``,
        ``kappa``, ``scott_pi``, ``s_score``. Groups where the two never both voted have ``n = 0`` and NaN measures
        (listed, not dropped).

    Raises
    ------
    SchemaError
        If ``by`` or ``abstain`` is not one of the values above, or as :func:`vote_matrix` raises.
    CoverageError
        If the two never both voted in the period, or as :func:`vote_matrix` raises.
    UsageError, CountryCodeError
        As :func:`vote_matrix` raises.

    Examples
    --------
    >>> from kzecon.alignment import agreement
    >>> agreement("KAZ", "RUS", by="all", start=2010, end=2012).round(3)
      country_a country_b     period    n  agreement  kappa  scott_pi  s_score
    0       KAZ       RUS  2010–2012  200       0.84   0.26     0.208     0.68
    >>> agreement("KAZ", "CHN", by="period")[["period", "n", "agreement"]].round(3)
          period     n  agreement
    0  1992–2006  1015      0.840
    1  2007–2013   471      0.909
    2  2014–2019   498      0.880
    """
    m = vote_matrix([a, b], start=start, end=end, duplicates=duplicates, records=records, **data)
    a, b = (str(c).strip().upper() for c in (a, b))
    if by == "year":
        key = m["year"]
    elif by == "period":
        key = _period_labels(m["year"], periods)
    elif by == "all":
        s, e = m.attrs["period"]
        key = pd.Series(f"{s}–{e}", index=m.index)
    else:
        raise SchemaError(f"by must be 'year', 'period' or 'all', got {by!r}")
    rows = []
    for g, grp in m.groupby(key, sort=True):
        rows.append({"country_a": a, "country_b": b, ("year" if by == "year" else "period"): g,
                     **agreement_scores(grp[f"vote_{a}"], grp[f"vote_{b}"], abstain=abstain)})
    out = pd.DataFrame(rows)
    if out.empty or out["n"].sum() == 0:
        raise CoverageError(f"{a} and {b} never both voted in {m.attrs['period'][0]}–{m.attrs['period'][1]}")
    return out


def _period_labels(years: pd.Series, periods) -> pd.Series:
    lab = pd.Series(pd.NA, index=years.index, dtype=object)
    for lo, hi in periods:
        lab[years.between(lo, hi)] = f"{lo}–{hi}"
    return lab


def alignment_series(country: str = "KAZ", powers: tuple[str, str] = ("CHN", "RUS"), *,
                     start: int | None = 1992, end: int | None = None, abstain: Abstain = "half",
                     measure: str = "agreement", **kw) -> pd.DataFrame:
    """Yearly agreement of ``country`` with each of two powers and their difference.

    The series is ready for the time-series and forecast modules as a covariate.

    Parameters
    ----------
    country : str, default "KAZ"
        ISO-3 of the country whose alignment is measured.
    powers : tuple of (str, str), default ("CHN", "RUS")
        ISO-3 codes of the two powers P1 and P2.
    start : int or None, default 1992
        First year (Kazakhstan joined the UN in 1992); None for the first year the country and each power
        both voted.
    end : int or None, default None
        Last year; None for the last year of the data.
    abstain : {"half", "category", "drop"}, default "half"
        Treatment of abstentions (:func:`agreement_scores`).
    measure : {"agreement", "kappa", "scott_pi", "s_score"}, default "agreement"
        The measure of :func:`agreement_scores` to use.
    **kw
        Passed on to :func:`agreement` (``duplicates=``, ``records=``, ``votes=``, ``roll_calls=``).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``n_<P1>``, ``<measure>_<P1>``, ``n_<P2>``, ``<measure>_<P2>``, ``alignment`` (measure with P1
        minus measure with P2; positive means closer to P1). ``attrs``: ``country``, ``powers``, ``measure``,
        ``abstain``.

    Raises
    ------
    SchemaError
        If ``measure`` is not one of the values above, or as :func:`agreement` raises.
    UsageError, CountryCodeError, CoverageError
        As :func:`agreement` raises.

    Examples
    --------
    >>> from kzecon.alignment import alignment_series
    >>> alignment_series(start=2015, end=2019).round(3)
       year  n_CHN  agreement_CHN  n_RUS  agreement_RUS  alignment
    0  2015     77          0.877     78          0.724      0.152
    1  2016     74          0.845     75          0.727      0.118
    2  2017     91          0.896     91          0.786      0.110
    3  2018     92          0.864     94          0.782      0.082
    4  2019     88          0.881     86          0.756      0.125
    """
    if measure not in ("agreement", "kappa", "scott_pi", "s_score"):
        raise SchemaError(f"measure must be agreement, kappa, scott_pi or s_score, got {measure!r}")
    p1, p2 = (p.upper() for p in powers)
    parts = []
    for p in (p1, p2):
        t = agreement(country, p, by="year", start=start, end=end, abstain=abstain, **kw)
        parts.append(t.set_index("year")[["n", measure]].rename(columns={"n": f"n_{p}", measure: f"{measure}_{p}"}))
    out = parts[0].join(parts[1], how="outer")
    out["alignment"] = out[f"{measure}_{p1}"] - out[f"{measure}_{p2}"]
    out = out.reset_index()
    out.attrs.update(country=str(country).upper(), powers=(p1, p2), measure=measure, abstain=abstain)
    return out


# --------------------------------------------------------------------------------------------------------
# Divergent votes of a triad
# --------------------------------------------------------------------------------------------------------
def divergent_votes(triad: Iterable[str] = DEFAULT_TRIAD, *, start: int | None = None, end: int | None = None,
                    strict: bool = False, duplicates: Duplicates = "first", records: Records = "resolutions",
                    **data) -> pd.DataFrame:
    """Roll calls on which the two powers of a triad voted differently, and whom the third sided with.

    ``triad = (C, P1, P2)``: the roll calls where both P1 and P2 voted and their votes differ (``strict=True``: one
    voted yes and the other no). ``sided_with`` is P1 or P2 when C's vote equals that power's, ``"neither"`` when C
    voted otherwise (e.g. abstained on a yes/no split), ``"absent"`` when C did not vote.

    Parameters
    ----------
    triad : iterable of three str, default ("KAZ", "CHN", "RUS")
        ISO-3 codes of the country C and the two powers P1, P2.
    start : int or None, default None
        First year; None for the first year all three voted.
    end : int or None, default None
        Last year; None for the last year all three voted.
    strict : bool, default False
        Count only yes-against-no splits of the powers (not one abstaining).
    duplicates : {"first", "keep"}, default "first"
        Repeated resolution records (:func:`vote_matrix`).
    records : {"resolutions", "all"}, default "resolutions"
        Which roll calls count (:func:`vote_matrix`).
    **data
        ``votes=`` and ``roll_calls=`` frames passed on to :func:`vote_matrix`.

    Returns
    -------
    pandas.DataFrame
        One row per roll call, sorted by rcid: ``rcid``, ``year``, ``date``, ``session``, ``unres``,
        ``record_type``, ``issue``, ``importantvote``, ``short``, ``descr`` (those present), ``vote_<C>``,
        ``vote_<P1>``, ``vote_<P2>``, ``sided_with``. ``attrs``: those of :func:`vote_matrix` (``duplicates`` lists
        the repeated records set aside) plus ``triad`` and ``strict``.

    Raises
    ------
    UsageError
        If ``triad`` does not have three countries, or as :func:`vote_matrix` raises.
    CountryCodeError, SchemaError, CoverageError
        As :func:`vote_matrix` raises.

    Warns
    -----
    DataQualityWarning
        When the powers never voted differently in the period (the frame is then empty).

    See Also
    --------
    divergence_summary : Counts of ``sided_with``.

    Examples
    --------
    >>> from kzecon.alignment import divergent_votes
    >>> d = divergent_votes(start=2015, end=2019)
    >>> len(d), d.attrs["triad"]
    (103, ('KAZ', 'CHN', 'RUS'))
    >>> d["sided_with"].value_counts().to_dict()
    {'CHN': 69, 'neither': 22, 'RUS': 11, 'absent': 1}
    """
    codes = [str(c).strip().upper() for c in triad]
    if len(codes) != 3:
        raise UsageError(f"a triad has three countries (C,P1,P2), got {len(codes)}: {','.join(codes)}")
    c, p1, p2 = codes
    m = vote_matrix(codes, start=start, end=end, duplicates=duplicates, records=records, **data)
    v1, v2 = m[f"vote_{p1}"], m[f"vote_{p2}"]
    split = v1.notna() & v2.notna() & (v1 != v2)
    if strict:
        split &= v1.isin(["yes", "no"]) & v2.isin(["yes", "no"])
    d = m[split].copy()
    d["sided_with"] = np.select(
        [d[f"vote_{c}"].isna(), d[f"vote_{c}"] == d[f"vote_{p1}"], d[f"vote_{c}"] == d[f"vote_{p2}"]],
        ["absent", p1, p2], default="neither")
    cols = ["rcid", "year", "date", "session", "unres", "record_type", "issue", "importantvote", "short", "descr",
            f"vote_{c}", f"vote_{p1}", f"vote_{p2}", "sided_with"]
    out = d[[k for k in cols if k in d.columns]].sort_values("rcid").reset_index(drop=True)
    out.attrs.update(m.attrs, triad=(c, p1, p2), strict=strict)
    if out.empty:
        warnings.warn(f"{p1} and {p2} never voted {'in strict opposition' if strict else 'differently'} "
                      f"in {m.attrs['period'][0]}–{m.attrs['period'][1]}", DataQualityWarning, stacklevel=2)
    return out


def divergence_summary(divergent: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Counts of ``sided_with`` (overall, or by a column such as ``issue`` or ``period``) with shares.

    Every outcome of the triad appears (count 0 if it never happened), so tables line up across periods.

    Parameters
    ----------
    divergent : pandas.DataFrame
        Output of :func:`divergent_votes` (its ``attrs["triad"]`` names the outcomes; without it the default triad
        KAZ, CHN, RUS is assumed).
    by : str or None, default None
        None for one overall count; ``"period"`` for the periods 1992–2006, 2007–2013, 2014–2019 (years outside them
        left out); ``"issue"`` for Voeten's issue codes (a roll call with several issues counts under each, one
        without under ``"(no issue code)"``); or any other column of ``divergent`` (e.g. ``"year"``).

    Returns
    -------
    pandas.DataFrame
        ``sided_with``, ``count``, ``share`` (of the roll calls in the group), with the ``by`` column first when
        given; outcomes in the order P1, P2, neither, absent.

    Examples
    --------
    >>> from kzecon.alignment import divergence_summary, divergent_votes
    >>> d = divergent_votes(start=2015, end=2019)
    >>> divergence_summary(d).round(3)
      sided_with  count  share
    0        CHN     69  0.670
    1        RUS     11  0.107
    2    neither     22  0.214
    3     absent      1  0.010
    """
    triad = divergent.attrs.get("triad", DEFAULT_TRIAD)
    levels = [triad[1], triad[2], "neither", "absent"]
    d = divergent
    if by == "period":
        d = d.assign(period=_period_labels(d["year"], PERIODS))
    if by == "issue":
        d = d.assign(issue=d["issue"].fillna("(no issue code)").str.split("; ")).explode("issue")
    keys = [by] if by else []
    counts = (d.groupby(keys + ["sided_with"]).size() if keys else d.groupby("sided_with").size())
    if keys:
        counts = counts.unstack("sided_with", fill_value=0).reindex(columns=levels, fill_value=0)
        counts = counts.stack().rename("count").reset_index()
        counts["share"] = counts["count"] / counts.groupby(by)["count"].transform("sum")
    else:
        counts = counts.reindex(levels, fill_value=0).rename("count").reset_index()
        total = counts["count"].sum()
        counts["share"] = counts["count"] / total if total else np.nan
    return counts
