"""Structural-gravity estimation frames: fixed-effect identifiers, border terms, policy variables, leads/lags.

Everything here builds columns; nothing estimates. The frame carries ``attrs["dropped"]`` for rows it leaves
out (years outside the chosen interval grid are *selected*, not dropped, and listed in ``attrs["selection"]``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from kzecon.data import load_policy_membership
from kzecon.data.validate import require_columns, validate_gravity
from kzecon.errors import CoverageError, SchemaError


def estimation_frame(panel: pd.DataFrame, *, years: Sequence[int] | None = None, interval: int | None = None,
                     domestic: bool = True, intra_pair: str = "shared", pair: str = "directional",
                     globalisation: bool = False) -> pd.DataFrame:
    """A validated gravity panel with the identifiers structural gravity needs.

    Parameters
    ----------
    panel : DataFrame
        exporter, importer, year, flow (+ covariates), checked by :func:`kzecon.data.validate_gravity`.
        ``exporter == importer`` rows are intra-national flows.
    years : sequence of int, optional
        Keep only these years. Default None: all years (or ``interval``).
    interval : int, optional
        Keep every ``interval``-th year from the first (3–5 years is the literature's advice for panels with fixed
        effects: Cheng & Wall 2005; Yotov et al. 2016); ignored when ``years`` is given. Default None: every year.
    domestic : bool, default True
        Keep intra-national flows (needed for border and globalisation terms, and for GE analysis).
    intra_pair : {"shared", "own"}, default "shared"
        Pair fixed effect of intra-national flows: one common level (``"shared"``, as the Advanced Guide's
        chapter-1 RTA application) or one per country (``"own"``).
    pair : {"directional", "symmetric"}, default "directional"
        Pair fixed effect per direction (exporter→importer) or one per country pair for both directions (the
        Advanced Guide's chapter-1 choice, with its symmetric ``pair_id``).
    globalisation : bool, default False
        Add international-border × year dummies ``intl_<year>`` (all years but the last), the Advanced Guide's
        control for the globalisation trend.

    Returns
    -------
    DataFrame
        The frame with ``exp_year``, ``imp_year``, ``pair``, ``pair_id`` (symmetric, if absent), ``intl`` (1 for
        international pairs), ``log_dist`` (if ``dist``), and ``intl_<year>`` columns; ``attrs['selection']`` lists
        the years kept and whether domestic flows are in. The index is reset.

    Raises
    ------
    SchemaError
        The panel fails validation; ``interval`` < 1; ``pair`` or ``intra_pair`` not one of the values above;
        missing ``pair_id`` values; a non-positive ``dist``; ``globalisation`` without intra-national flows.
    CoverageError
        No rows left in the selected years.

    See Also
    --------
    add_policy, add_pair_term, add_leads_lags : policy columns for the frame.
    ppml : the estimator.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import estimation_frame
    >>> f = estimation_frame(load_gravity(), interval=4)
    >>> f.shape
    (28566, 22)
    >>> f.attrs["selection"]["years"]
    [1986, 1990, 1994, 1998, 2002, 2006]
    >>> f[["exp_year", "imp_year", "pair", "intl"]].iloc[[0, 10]]
        exp_year  imp_year     pair  intl
    0   ARG_1986  ARG_1986  0-intra     0
    10  ARG_2002  AUS_2002  ARG>AUS     1
    """
    df = validate_gravity(panel)
    if years is not None:
        keep = df["year"].isin(list(years))
        df = df[keep]
    elif interval is not None:
        if interval < 1:
            raise SchemaError(f"interval must be a positive number of years, got {interval}")
        first = int(df["year"].min())
        df = df[(df["year"] - first) % interval == 0]
    if df.empty:
        raise CoverageError("no gravity rows left in the selected years")
    intl = (df["exporter"] != df["importer"]).astype(int)
    if not domestic:
        df, intl = df[intl == 1], intl[intl == 1]
    df = df.copy()
    df["intl"] = intl
    df["exp_year"] = df["exporter"] + "_" + df["year"].astype(str)
    df["imp_year"] = df["importer"] + "_" + df["year"].astype(str)
    a = df[["exporter", "importer"]].min(axis=1)
    b = df[["exporter", "importer"]].max(axis=1)
    if "pair_id" not in df:
        df["pair_id"] = a + "-" + b
    elif df["pair_id"].isna().any():
        raise SchemaError(f"column 'pair_id' has {int(df['pair_id'].isna().sum())} missing pair identifier(s)")
    if pair == "directional":
        own = df["exporter"] + ">" + df["importer"]
    elif pair == "symmetric":
        own = "p" + df["pair_id"].astype(str)
    else:
        raise SchemaError(f"pair must be 'directional' or 'symmetric', got {pair!r}")
    if intra_pair == "shared":
        df["pair"] = np.where(df["intl"] == 1, own, "0-intra")
    elif intra_pair == "own":
        df["pair"] = own
    else:
        raise SchemaError(f"intra_pair must be 'shared' or 'own', got {intra_pair!r}")
    if "dist" in df:
        d = pd.to_numeric(df["dist"], errors="coerce")
        if (d <= 0).any():
            row = df[d <= 0].iloc[0]
            raise SchemaError(f"column 'dist' must be positive: {row['dist']!r} for {row['exporter']}→"
                              f"{row['importer']} {row['year']}")
        df["log_dist"] = np.log(d)
    if globalisation:
        if not domestic or df["intl"].all():
            raise SchemaError("globalisation terms need intra-national flows (domestic=True and exporter == importer "
                              "rows in the data)")
        for y in sorted(df["year"].unique())[:-1]:
            df[f"intl_{y}"] = ((df["year"] == y) & (df["intl"] == 1)).astype(int)
    df.attrs["selection"] = {"years": sorted(int(y) for y in df["year"].unique()), "domestic": domestic}
    return df.reset_index(drop=True)


def add_policy(frame: pd.DataFrame, policy: str, *, table: pd.DataFrame | None = None, name: str | None = None,
               pairs: str = "both", with_country: str | None = None) -> pd.DataFrame:
    """Add a 0/1 policy column from a membership table (policy, iso3, from_year, to_year).

    Parameters
    ----------
    frame : DataFrame
        A gravity frame with ``exporter``, ``importer`` (ISO-3) and ``year``. It is not modified.
    policy : str
        The policy's name in the table: in the default table ``"customs_union"``, ``"eaeu"``, ``"bri"``,
        ``"bri_mou"``.
    table : DataFrame, optional
        Columns policy, iso3, from_year, to_year (membership years inclusive). Default None: kzecon's
        ``policy_membership.csv`` (:func:`kzecon.data.load_policy_membership`: customs union, EAEU, BRI
        announcement, Belt and Road MoUs signed at the 2017 and 2019 Forums), a source per row.
    name : str, optional
        The new column's name. Default None: ``policy``.
    pairs : {"both", "either"}, default "both"
        ``"both"``: 1 for international flows between two members in a year both were members (a customs union,
        the EAEU); ``"either"``: 1 when at least one side is a member.
    with_country : str, optional
        Only flows between that country and a member, from the member's year (China and the countries that signed
        a Belt and Road MoU: ``add_policy(f, "bri_mou", with_country="CHN")``); ``pairs`` is then not used.
        Default None.

    Returns
    -------
    DataFrame
        A copy of ``frame`` with the 0/1 column added. Intra-national flows are always 0.

    Raises
    ------
    SchemaError
        The table lacks a column; ``policy`` is not in it; ``pairs`` is not "both" or "either".

    See Also
    --------
    policy_indicator : the same column as an array.
    add_pair_term : a policy between two named countries.

    Examples
    --------
    The customs union of Belarus, Kazakhstan and Russia (2010) in the bundled world panel (every fourth year):

    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import add_policy
    >>> g = load_gravity("penppml")
    >>> four = ["BLR", "CHN", "KAZ", "RUS"]
    >>> g = g[g["exporter"].isin(four) & g["importer"].isin(four) & (g["year"] >= 2004)]
    >>> add_policy(g, "customs_union").groupby("year")["customs_union"].sum()
    year
    2004    0
    2008    0
    2012    6
    2016    6
    Name: customs_union, dtype: int64
    """
    col = policy_indicator(frame, policy, table=table, pairs=pairs, with_country=with_country)
    out = frame.copy()
    out[name or policy] = col
    return out


def policy_indicator(frame: pd.DataFrame, policy: str, *, table: pd.DataFrame | None = None, pairs: str = "both",
                     with_country: str | None = None) -> np.ndarray:
    """The 0/1 column :func:`add_policy` adds, as an array aligned with ``frame``'s rows.

    Parameters
    ----------
    frame : DataFrame
        With ``exporter``, ``importer`` and ``year``.
    policy : str
        The policy's name in the membership table.
    table : DataFrame, optional
        policy, iso3, from_year, to_year. Default None: :func:`kzecon.data.load_policy_membership`.
    pairs : {"both", "either"}, default "both"
        Both sides members, or at least one.
    with_country : str, optional
        Only flows between this country and a member. Default None.

    Returns
    -------
    ndarray of int
        0/1, one value per row of ``frame``.

    Raises
    ------
    SchemaError
        As :func:`add_policy`.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.spec import policy_indicator
    >>> f = pd.DataFrame({"exporter": ["KAZ", "KAZ", "KAZ"], "importer": ["RUS", "RUS", "CHN"],
    ...                   "year": [2009, 2010, 2010]})
    >>> policy_indicator(f, "customs_union").tolist()
    [0, 1, 0]
    """
    t = load_policy_membership() if table is None else table
    require_columns(t, ["policy", "iso3", "from_year", "to_year"], "policy table")
    t = t[t["policy"] == policy]
    if t.empty:
        raise SchemaError(f"policy {policy!r} is not in the membership table")
    if pairs not in ("both", "either"):
        raise SchemaError(f"pairs must be 'both' or 'either', got {pairs!r}")
    years = frame["year"].to_numpy()
    exp_, imp_ = frame["exporter"].to_numpy(), frame["importer"].to_numpy()
    codes, uniques = pd.factorize(np.concatenate([exp_, imp_]))
    pos = {c: k for k, c in enumerate(uniques)}
    spans: dict[int, list[tuple[int, int]]] = {}
    for r in t.itertuples(index=False):
        if r.iso3 in pos:
            spans.setdefault(pos[r.iso3], []).append((int(r.from_year), int(r.to_year)))

    def member(c):  # integer codes: one comparison per member country, not one per string
        out = np.zeros(len(c), dtype=bool)
        for k, sp in spans.items():
            m = c == k
            for lo, hi in sp:
                out |= m & (years >= lo) & (years <= hi)
        return out

    n = len(frame)
    e, i = member(codes[:n]), member(codes[n:])
    if with_country is not None:
        on = ((exp_ == with_country) & i) | ((imp_ == with_country) & e)
    else:
        on = (e & i) if pairs == "both" else (e | i)
    return (on & (codes[:n] != codes[n:])).astype(int)


def add_pair_term(frame: pd.DataFrame, a: str, b: str, from_year: int, *, name: str | None = None,
                  directions: str = "both") -> pd.DataFrame:
    """A pair-specific policy term: 1 for flows between ``a`` and ``b`` from ``from_year`` on (e.g. KAZ–CHN BRI).

    Parameters
    ----------
    frame : DataFrame
        With ``exporter``, ``importer`` and ``year``. It is not modified.
    a, b : str
        The two countries (codes as in the frame, e.g. ISO-3 ``"KAZ"``, ``"CHN"``).
    from_year : int
        The first year the term is 1 (inclusive).
    name : str, optional
        The new column's name. Default None: ``"<a>_<b>_<from_year>"`` in lower case.
    directions : {"both", "a_to_b", "b_to_a"}, default "both"
        Flows in both directions, or only ``a``'s exports to ``b`` (``"a_to_b"``), or ``b``'s to ``a``.

    Returns
    -------
    DataFrame
        A copy of ``frame`` with the 0/1 column added.

    Raises
    ------
    SchemaError
        ``directions`` is not one of the values above.
    CoverageError
        The frame has no flows between ``a`` and ``b``.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import add_pair_term
    >>> g = load_gravity("penppml")
    >>> g = g[g["exporter"].isin(["KAZ", "CHN"]) & g["importer"].isin(["KAZ", "CHN"]) & (g["year"] >= 2008)]
    >>> f = add_pair_term(g, "KAZ", "CHN", 2013)
    >>> f.groupby("year")["kaz_chn_2013"].sum()
    year
    2008    0
    2012    0
    2016    2
    Name: kaz_chn_2013, dtype: int64
    """
    col = pair_indicator(frame, a, b, from_year, directions=directions)
    out = frame.copy()
    out[name or f"{a}_{b}_{from_year}".lower()] = col
    return out


def pair_indicator(frame: pd.DataFrame, a: str, b: str, from_year: int, *, directions: str = "both") -> np.ndarray:
    """The 0/1 column :func:`add_pair_term` adds, as an array aligned with ``frame``'s rows.

    Parameters
    ----------
    frame : DataFrame
        With ``exporter``, ``importer`` and ``year``.
    a, b : str
        The two countries.
    from_year : int
        The first year the term is 1.
    directions : {"both", "a_to_b", "b_to_a"}, default "both"
        Which direction(s) of trade between ``a`` and ``b``.

    Returns
    -------
    ndarray of int
        0/1, one value per row of ``frame``.

    Raises
    ------
    SchemaError
        Unknown ``directions``.
    CoverageError
        No flows between ``a`` and ``b`` in the frame.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.spec import pair_indicator
    >>> f = pd.DataFrame({"exporter": ["KAZ", "CHN", "KAZ"], "importer": ["CHN", "KAZ", "CHN"],
    ...                   "year": [2012, 2014, 2014]})
    >>> pair_indicator(f, "KAZ", "CHN", 2013, directions="a_to_b").tolist()
    [0, 0, 1]
    """
    exp_, imp_ = frame["exporter"].to_numpy(), frame["importer"].to_numpy()
    ab = (exp_ == a) & (imp_ == b)
    ba = (exp_ == b) & (imp_ == a)
    sel = {"both": ab | ba, "a_to_b": ab, "b_to_a": ba}.get(directions)
    if sel is None:
        raise SchemaError(f"directions must be both, a_to_b or b_to_a, got {directions!r}")
    if not sel.any():
        raise CoverageError(f"no flows between {a} and {b} in the frame")
    return (sel & (frame["year"].to_numpy() >= from_year)).astype(int)


def add_leads_lags(frame: pd.DataFrame, var: str, *, leads: Sequence[int] = (),
                   lags: Sequence[int] = ()) -> pd.DataFrame:
    """Leads and lags of a policy variable within each directional pair, in years (``<var>_lead4``, ``<var>_lag8``).

    A lag of k years takes the pair's value in year t − k, which must be in the panel (use multiples of the
    interval); where it is not (the first years), the lag is 0 if the policy was off at the pair's first
    observation and the rows are otherwise reported as an error naming the pair. A lead beyond the last year
    carries the pair's last observed value.

    Parameters
    ----------
    frame : DataFrame
        With ``exporter``, ``importer``, ``year`` and ``var``. It is not modified.
    var : str
        The 0/1 policy column.
    leads, lags : sequence of int, default ()
        Leads and lags in years (e.g. ``leads=[4]``, ``lags=[4, 8, 12]`` on a four-year grid).

    Returns
    -------
    DataFrame
        A copy of ``frame`` with integer columns ``<var>_lead<k>`` and ``<var>_lag<k>``.

    Raises
    ------
    SchemaError
        A required column is missing.
    CoverageError
        A lag is unknown: the pair has the policy on in the panel's first year.

    Examples
    --------
    >>> from kzecon.data import load_gravity
    >>> from kzecon.gravity import add_leads_lags, add_policy
    >>> g = load_gravity("penppml")
    >>> g = g[g["exporter"].isin(["KAZ", "RUS"]) & g["importer"].isin(["KAZ", "RUS"]) & (g["year"] >= 2004)]
    >>> f = add_leads_lags(add_policy(g, "customs_union"), "customs_union", leads=[4], lags=[4])
    >>> f[(f["exporter"] == "KAZ") & (f["importer"] == "RUS")].filter(like="customs_union").to_numpy().tolist()
    [[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 1, 1]]
    """
    require_columns(frame, ["exporter", "importer", "year", var], "gravity frame")
    out = frame.copy()
    key = out[["exporter", "importer", "year", var]].set_index(["exporter", "importer", "year"])[var]
    for k, kind in [(k, "lead") for k in leads] + [(k, "lag") for k in lags]:
        shift = k if kind == "lag" else -k
        idx = pd.MultiIndex.from_arrays([out["exporter"], out["importer"], out["year"] - shift])
        vals = key.reindex(idx).to_numpy()
        missing = np.isnan(vals.astype(float))
        if kind == "lag":
            vals = np.where(missing, 0, vals)  # before the panel starts no policy is in force (checked below)
            first_on = out.groupby(["exporter", "importer"])[var].transform("first")
            bad = missing & (first_on.to_numpy() == 1) & (out["year"] - k < out["year"].min()).to_numpy()
            if bad.any():
                row = out[bad].iloc[0]
                raise CoverageError(f"{var}_lag{k}: {row['exporter']}→{row['importer']} has the policy on in its "
                                    f"first year {out['year'].min()}; its lag is unknown")
        else:
            # a lead beyond the last year: the policy in t + k is unobserved; carry the last observed status
            last = out.groupby(["exporter", "importer"])[var].transform("last").to_numpy()
            vals = np.where(missing, last, vals)
        out[f"{var}_{kind}{k}"] = vals.astype(int)
    return out
