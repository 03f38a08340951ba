"""Why the tilt: each partner's share change over a period split into the world's part, the policy part and the
economy's own remainder.

For an economy i, a partner part k (china, russia, eu, rest) and a period a → b, with s the economy's shares
(its composition as the study reads it: :func:`kzecon.study.pipeline.composition`):

- **world** — the share i would have had at b had its trade with every part moved as the rest of the world's did:
  W_k(t), part k's share of the trade of every other economy that declared its trade to the IMF in both years
  (IMF DOTS, reported side, exports + imports, weighted by each reporter's total; the economy itself left out, and
  the part's own members — China for china, Russia for russia, the EU's members in either year for eu — since their
  trade with themselves is not in their composition); i's shares at a scaled by W_k(b) / W_k(a) and closed:
  world_k = s*_k(b) − s_k(a).
- **policy** — the share at b that the policy terms of the annual world gravity model account for
  (:mod:`kzecon.study.eaeu`: ``eaeu`` — both in the Eurasian customs union —, ``bri_kaz_chn``, ``bri_chn``): every
  bilateral flow of i at b divided by exp(β · change of its policy terms between a and b), grouped into the parts
  and closed; policy_k = s_k(b) − that share. Partial equilibrium: the gravity model's exporter-year and
  importer-year terms (the multilateral resistances) are held at their observed values.
- **own** — the remainder: change − world − policy (so the three add up to the observed change exactly).

A period must lie within both the economy's composition and the world's data (IMF DOTS compositions 1960–2020,
bilateral flows 2000–2020; before 2010 no policy term of the model is on, so a start before 2000 needs no flows).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError, UsageError
from kzecon.results import results_class

POLICY_TERMS = ("eaeu", "bri_kaz_chn", "bri_chn")
COLUMNS = ["country", "partner", "from_year", "to_year", "share_from", "share_to", "change", "world", "policy", "own"]
MEMBERS = {"china": ("CHN",), "russia": ("RUS", "SUN"), "usa": ("USA",)}
DEFAULT_FROM = 2000
ESTIMATED_MAX = 0.5  # a reporter-year the IMF estimated for more than this share of its trade is not used


@results_class
@dataclass(frozen=True)
class Decomposition:
    """Each partner's share change over ``from_year`` → ``to_year`` split into world, policy and own parts
    (``table``: the columns of decomposition.csv), with the world's share of each part in both years
    (``world_shares``), the policy coefficients used and the sources. Made by :func:`decompose` (and
    :func:`kzecon.study.findings.decompose`, which adds ``info``).

    Attributes
    ----------
    table : DataFrame
        One row per partner part: country, partner, from_year, to_year, share_from, share_to, change, world,
        policy, own (shares and changes as fractions; change = world + policy + own).
    country : str
        ISO-3 code of the economy.
    from_year : int
        First year of the period.
    to_year : int
        Last year of the period.
    world_shares : DataFrame
        part, year, share, reporters: W_k in both years (:func:`world_part_shares`).
    coefficients : dict of {str: float}, default {}
        The policy terms' estimates used (:data:`POLICY_TERMS`, log points).
    info : dict, default {}
        Sources and sides of each part, the economy's name and the period (set by the finding).

    Examples
    --------
    >>> from kzecon.study.decomposition import decompose
    >>> from kzecon.study.findings import composition
    >>> d = decompose(composition(), country="KAZ", start=2000, end=2009,
    ...               coefficients={"eaeu": 0.1, "bri_kaz_chn": 0.2, "bri_chn": 0.05})
    >>> d.table[["partner", "share_from", "share_to", "change", "world", "policy", "own"]].round(3)
      partner  share_from  share_to  change  world  policy    own
    0   china       0.061     0.132   0.072  0.038     0.0  0.034
    1  russia       0.298     0.174  -0.124  0.110     0.0 -0.234
    2      eu       0.224     0.402   0.179 -0.031     0.0  0.209
    3    rest       0.418     0.292  -0.126 -0.117     0.0 -0.010
    """

    table: pd.DataFrame
    country: str
    from_year: int
    to_year: int
    world_shares: pd.DataFrame = field(repr=False)
    coefficients: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    @property
    def nobs(self) -> int:
        """Partner parts decomposed."""
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """country, partner, from_year, to_year, share_from, share_to, change, world, policy, own."""
        return self.table.copy()

    def dominant(self, partner: str) -> str:
        """Which of world, policy and own moved ``partner``'s share most (the largest absolute part).

        Parameters
        ----------
        partner : str
            A part of :attr:`table` ("china", "russia", "eu", "rest", …).

        Returns
        -------
        str
            "world", "policy" or "own".

        Raises
        ------
        UsageError
            ``partner`` is not decomposed (the message names the parts).

        Examples
        --------
        >>> from kzecon.study.decomposition import decompose
        >>> from kzecon.study.findings import composition
        >>> d = decompose(composition(), country="KAZ", start=2000, end=2009,
        ...               coefficients={"eaeu": 0.1, "bri_kaz_chn": 0.2, "bri_chn": 0.05})
        >>> d.dominant("china"), d.dominant("rest")
        ('world', 'world')
        """
        row = self.table.set_index("partner")
        if partner not in row.index:
            raise UsageError(f"partner {partner!r} is not decomposed; parts: {', '.join(row.index)}")
        r = row.loc[partner, ["world", "policy", "own"]].astype(float)
        return str(r.abs().idxmax())

    def summary(self) -> str:
        """One line per partner: the change in points and its three parts."""
        lines = [f"{self.country}, {self.from_year}→{self.to_year}: share change (points) = world + policy + own"]
        for r in self.table.itertuples():
            lines.append(f"  {r.partner:<8} {100 * r.change:+6.1f} = {100 * r.world:+6.1f} {100 * r.policy:+6.1f} "
                         f"{100 * r.own:+6.1f}")
        return "\n".join(lines)


def world_part_shares(parts: tuple, years: tuple[int, int], exclude: str) -> pd.DataFrame:
    """W_k(t) for the two ``years``: part k's share of the total trade of the economies (other than ``exclude`` and
    k's own members) that declared their trade in both years; columns part, year, share, reporters.

    Parameters
    ----------
    parts : tuple of str
        The parts: names of the DOTS compositions' columns (china, russia, usa, eu, central_asia) and "rest" (every
        column not among ``parts``).
    years : tuple of (int, int)
        The two years (IMF DOTS compositions, 1960–2020).
    exclude : str
        ISO-3 code of the economy studied, left out of the world.

    Returns
    -------
    DataFrame
        part, year, share (0–1, weighted by each reporter's total trade), reporters (economies used).

    Examples
    --------
    >>> from kzecon.study.decomposition import world_part_shares
    >>> world_part_shares(("china", "russia", "eu", "rest"), (2000, 2009), "KAZ").head(4).round(3)
         part  year  share  reporters
    0   china  2000  0.052        183
    1   china  2009  0.102        183
    2  russia  2000  0.012        183
    3  russia  2009  0.020        183
    """
    import kzecon

    c = kzecon.data.load_compositions(side="reported", flow="total")
    c = c[c["year"].isin(years) & (c["economy"] != exclude) & ~(c["estimated_share"] > ESTIMATED_MAX)
          & (c["total_usd"] > 0)]
    both = c.groupby("economy")["year"].nunique()
    c = c[c["economy"].isin(both[both == 2].index)]
    groups = kzecon.data.load_partner_groups()
    eu = groups[groups["group"] == "EU"]
    eu_members = set(eu.loc[(eu["from_year"] <= max(years)) & (eu["to_year"] >= min(years)), "iso3"])
    rows = []
    for p in parts:
        col = c[p] if p != "rest" else c["rest"] + sum(c[q] for q in ("china", "russia", "usa", "eu",
                                                                      "central_asia") if q not in parts)
        members = eu_members if p == "eu" else set(MEMBERS.get(p, ()))
        keep = ~c["economy"].isin(members)
        for y in years:
            m = keep & (c["year"] == y)
            w = c.loc[m, "total_usd"]
            rows.append({"part": p, "year": y, "share": float((w * col[m]).sum() / w.sum()),
                         "reporters": int(m.sum())})
    return pd.DataFrame(rows)


def _policy_columns(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """The world gravity model's policy terms (:data:`POLICY_TERMS`) for rows exporter, importer, year."""
    from kzecon.gravity.spec import policy_indicator

    ex, im, yr = (frame[c].to_numpy() for c in ("exporter", "importer", "year"))
    kaz_chn = ((ex == "KAZ") & (im == "CHN")) | ((ex == "CHN") & (im == "KAZ"))
    return {"eaeu": policy_indicator(frame, "customs_union"),
            "bri_kaz_chn": (kaz_chn & (yr >= 2013)).astype(int),
            "bri_chn": policy_indicator(frame, "bri_mou", with_country="CHN")}


def policy_factors(country: str, parts: tuple, a: int, b: int, coefficients: dict) -> pd.Series:
    """F_k: the factor by which undoing the change in policy terms between ``a`` and ``b`` scales the economy's trade
    with part k at b (1 where no term changed): the trade-weighted mean over k's partners of
    exp(−Σ β · (D(b) − D(a))), from the bilateral flows of the annual DOTS gravity panel at b.

    Parameters
    ----------
    country : str
        ISO-3 code of the economy.
    parts : tuple of str
        The parts (partners in none of them count as "rest").
    a : int
        First year of the period.
    b : int
        Last year (2000–2020, a year of the gravity panel).
    coefficients : dict of {str: float}
        The estimates of :data:`POLICY_TERMS` (log points).

    Returns
    -------
    Series
        F_k indexed by part, in the order of ``parts``.

    Raises
    ------
    CoverageError
        No bilateral flow of ``country`` in ``b`` in the panel.
    KeyError
        ``coefficients`` lacks a term of :data:`POLICY_TERMS`.

    Notes
    -----
    Each call reads the annual DOTS gravity panel (850,000 flows; seconds), so there is no example here. With
    positive coefficients, a factor is below 1 for a part whose partners' policy terms switched on between ``a`` and
    ``b`` (for Kazakhstan from 2000 to 2015: China by the BRI term, Russia and the rest's Belarus, Armenia and
    Kyrgyzstan by the customs union) and exactly 1 for a part whose terms did not change (the EU).
    """
    import kzecon
    from kzecon.measures import assign_groups

    g = kzecon.data.load_gravity("dots")
    g = g.loc[(g["year"] == b) & ((g["exporter"] == country) | (g["importer"] == country)) & g["flow"].notna(),
              ["exporter", "importer", "year", "flow"]]
    if g.empty:
        raise CoverageError(f"no bilateral flows of {country} in {b} in the annual IMF DOTS gravity panel "
                            "(2000–2020): the policy part needs them")
    at_a = g.assign(year=a)
    d_b, d_a = _policy_columns(g), _policy_columns(at_a)
    delta = sum(coefficients[t] * (d_b[t] - d_a[t]) for t in POLICY_TERMS)
    partner = np.where(g["exporter"].to_numpy() == country, g["importer"].to_numpy(), g["exporter"].to_numpy())
    grp = assign_groups(pd.DataFrame({"partner": partner, "year": b}), reporter=country).to_numpy()
    grp = np.where(np.isin(grp, parts), grp, "rest")
    d = pd.DataFrame({"part": grp, "flow": g["flow"].to_numpy(), "undone": g["flow"].to_numpy() * np.exp(-delta)})
    s = d.groupby("part")[["flow", "undone"]].sum()
    f = (s["undone"] / s["flow"]).reindex(list(parts)).fillna(1.0)
    return f


def check_period(composition: pd.DataFrame, *, country: str, start: int, end: int,
                 world_last_year: int = 2020) -> pd.DataFrame:
    """The composition as years × parts, once the period is checked: forward, at least two years, inside both the
    composition and the world's data (a :class:`UsageError` or :class:`CoverageError` naming the year otherwise).

    Parameters
    ----------
    composition : DataFrame
        year, partner, share (long).
    country : str
        ISO-3 code of the economy (named in the messages).
    start : int
        First year of the period.
    end : int
        Last year.
    world_last_year : int, default 2020
        The last year of the world's data.

    Returns
    -------
    DataFrame
        The whole composition as years × parts (shares).

    Raises
    ------
    UsageError
        ``start`` is not before ``end``.
    CoverageError
        ``start`` or ``end`` is not a year of the composition, or is after ``world_last_year``.

    Examples
    --------
    >>> from kzecon.study.decomposition import check_period
    >>> from kzecon.study.findings import composition
    >>> check_period(composition(), country="KAZ", start=2000, end=2009).loc[2000].round(3).tolist()
    [0.061, 0.224, 0.418, 0.298]
    >>> check_period(composition(), country="KAZ", start=2000, end=2023)
    Traceback (most recent call last):
    ...
    kzecon.errors.CoverageError: the world's shares and the bilateral flows (IMF DOTS) end in 2020; 2023 is after
    them: choose --to 2020 or earlier
    """
    wide = composition.pivot_table(index="year", columns="partner", values="share")
    first, last = int(wide.index.min()), int(wide.index.max())
    if start >= end:
        raise UsageError(f"the period {start}→{end} must run forward over at least two years (--from before --to)")
    for y in (start, end):
        if y < first or y > last or y not in wide.index:
            raise CoverageError(f"{country}'s composition covers {first}–{last}; {y} is outside it")
        if y > world_last_year:
            raise CoverageError(f"the world's shares and the bilateral flows (IMF DOTS) end in {world_last_year}; "
                                f"{y} is after them: choose --to {world_last_year} or earlier")
    return wide


def decompose(composition: pd.DataFrame, *, country: str, start: int, end: int, coefficients: dict,
              world_last_year: int = 2020) -> Decomposition:
    """The decomposition of ``composition`` (year, partner, share) between ``start`` and ``end`` (module notes);
    ``coefficients``: the policy terms' PPML estimates (:data:`POLICY_TERMS`).

    Parameters
    ----------
    composition : DataFrame
        year, partner, share (long): the economy's composition (e.g.
        :func:`kzecon.study.findings.composition`); its parts among china, russia, usa, eu, central_asia, rest.
    country : str
        ISO-3 code of the economy (left out of the world's shares; its bilateral flows give the policy part).
    start : int
        First year of the period.
    end : int
        Last year (at most ``world_last_year``).
    coefficients : dict of {str: float}
        Estimates of :data:`POLICY_TERMS` in log points (e.g. :func:`kzecon.study.findings.policy_coefficients`).
    world_last_year : int, default 2020
        The last year of the world's data.

    Returns
    -------
    Decomposition

    Raises
    ------
    UsageError
        The period does not run forward, or ``coefficients`` lacks a policy term.
    CoverageError
        A year is outside the composition or the world's data; no bilateral flows of ``country`` in ``end``.

    See Also
    --------
    kzecon.study.findings.decompose : The finding, with its defaults and sources.

    Examples
    --------
    A period before any policy term switches on (no policy part; a later ``end`` reads the bilateral flows):

    >>> from kzecon.study.decomposition import decompose
    >>> from kzecon.study.findings import composition
    >>> d = decompose(composition(), country="KAZ", start=2000, end=2009,
    ...               coefficients={"eaeu": 0.1, "bri_kaz_chn": 0.2, "bri_chn": 0.05})
    >>> t = d.table
    >>> d.nobs, bool((t["world"] + t["policy"] + t["own"] - t["change"]).abs().max() < 1e-12)
    (4, True)
    """
    wide = check_period(composition, country=country, start=start, end=end, world_last_year=world_last_year)
    parts = tuple(p for p in ("china", "russia", "usa", "eu", "central_asia", "rest") if p in wide.columns)
    sa, sb = wide.loc[start, list(parts)].to_numpy(float), wide.loc[end, list(parts)].to_numpy(float)
    ws = world_part_shares(parts, (start, end), country)
    W = ws.pivot_table(index="part", columns="year", values="share").reindex(list(parts))
    G = (W[end] / W[start]).to_numpy(float)
    cf = sa * G
    cf = cf / cf.sum()
    missing = [t for t in POLICY_TERMS if t not in coefficients]
    if missing:
        raise UsageError(f"policy coefficients missing: {', '.join(missing)}")
    if end >= 2010:  # the policy terms start in 2010 (customs union), 2013 and 2017
        F = policy_factors(country, parts, start, end, coefficients).to_numpy(float)
    else:
        F = np.ones(len(parts))
    change = sb - sa
    world = cf - sa
    if np.all(F == 1.0):  # no policy term changed: no policy part (exactly)
        policy = np.zeros(len(parts))
    else:
        nop = sb * F
        policy = sb - nop / nop.sum()
    own = change - world - policy
    table = pd.DataFrame({"country": country, "partner": list(parts), "from_year": start, "to_year": end,
                          "share_from": sa, "share_to": sb, "change": change, "world": world, "policy": policy,
                          "own": own})[COLUMNS]
    return Decomposition(table=table, country=country, from_year=start, to_year=end, world_shares=ws,
                         coefficients={t: float(coefficients[t]) for t in POLICY_TERMS})
