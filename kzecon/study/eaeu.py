"""Annual world gravity 2000–2020 on IMF DOTS: the customs union / EAEU, the BRI, both reporting sides, and
inference that is honest with five members.

Specification (:func:`eaeu_frame`): PPML on the 202-country DOTS panel with exporter-year, importer-year and
directional pair fixed effects, errors clustered by the country pair in both directions. Policy terms, each from a
table with a cited source per row (``kzecon/data/reference/policy_membership.csv``):

* ``eaeu`` — both countries in the Eurasian customs union in that year (Belarus, Kazakhstan, Russia from 2010;
  Armenia and Kyrgyzstan from 2015, when the customs union became the EAEU), over and above ``rta``;
* event-study terms around each pair's entry year (2010 or 2015): ``eaeu_lead5`` (five or more years before),
  ``eaeu_lead4`` … ``eaeu_lead2``, ``eaeu_lag0`` (the entry year) … ``eaeu_lag10``; the year before entry is the
  reference. The leads test anticipation or a pre-trend (joint Wald test);
* ``eaeu_kaz`` — the EAEU term for Kazakhstan's pairs over and above the bloc's (Kazakhstan's own pair effects);
* ``bri_kaz_chn`` — Kazakhstan–China flows from the 2013 announcement in Astana, with its time profile
  (``bri_kaz_chn_lead3`` … ``bri_kaz_chn_lag7`` in the event-study model);
* ``bri_chn`` — flows between China and the countries that signed a Belt and Road MoU at the 2017 or 2019 Forum,
  from that year (the only dated, cited list available here; other signatories are not in the table).

:func:`eaeu_models` fits them on the preferred flow and, as a robustness pair, on the exporter-reported and the
importer-reported flows (and on the preferred flow with the workbooks' known defects left in: the filling
rule matters exactly for the bloc's pairs), and adds randomization inference (placebo blocs of the same size and
timing drawn from comparable countries) and the wild score bootstrap for the bloc terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kzecon.data.dots import CIF_FOB_FACTOR
from kzecon.errors import CoverageError, UsageError
from kzecon.gravity.formula import key
from kzecon.gravity.inference import (
    RandomizationResult,
    ScoreBootstrapResult,
    bloc_draw,
    randomization_inference,
    score_bootstrap,
)
from kzecon.gravity.ppml import PPML
from kzecon.gravity.spec import pair_indicator, policy_indicator
from kzecon.results import EstimationResults, TestResult, results_class

FE = "exp_year + imp_year + pair"
SIDES = {"preferred": "flow", "exporter_reported": "flow_exporter_reported",
         "importer_reported": "flow_importer_reported"}
EAEU_WAVES = ((2010, 3), (2015, 2))  # the customs union's three founders, then Armenia and Kyrgyzstan
EAEU_MEMBERS = ("BLR", "KAZ", "RUS", "ARM", "KGZ")
LEADS = (5, 4, 3, 2)  # lead5 bins five and more years before entry
LAGS = tuple(range(0, 11))
BRI_LEADS, BRI_LAGS = (3, 2), tuple(range(0, 8))


def _event_columns(frame: pd.DataFrame, on: np.ndarray, prefix: str, leads, lags) -> dict[str, np.ndarray]:
    """Event-time dummies of a 0/1 policy ``on`` (aligned with ``frame``) that switches on once per pair:
    ``<prefix>_lead<k>`` (k years before; the largest lead bins all earlier years), ``<prefix>_lag<k>`` (k years
    after; the largest bins the later)."""
    pair = key(frame, "exporter^importer") if len(frame) else np.zeros(0, dtype=np.int64)
    year = frame["year"].to_numpy()
    start = np.full(pair.max(initial=-1) + 1, np.inf)
    np.minimum.at(start, pair[on == 1], year[on == 1].astype(float))
    s = start[pair]
    has = np.isfinite(s)
    e = np.where(has, year - np.where(has, s, 0), 0)
    cols = {}
    for k in leads:
        sel = (e <= -k) if k == max(leads) else (e == -k)
        cols[f"{prefix}_lead{k}"] = (has & sel).astype(int)
    for k in lags:
        sel = (e >= k) if k == max(lags) else (e == k)
        cols[f"{prefix}_lag{k}"] = (has & sel).astype(int)
    return cols


def eaeu_frame(panel: pd.DataFrame | None = None) -> pd.DataFrame:
    """The DOTS panel (or a panel of the same shape) with every policy term of the module notes.

    Parameters
    ----------
    panel : DataFrame, optional
        A directional panel with exporter, importer (ISO-3) and year, one row per flow (default the bundled annual
        IMF DOTS gravity panel, :func:`kzecon.data.load_gravity` ``("dots")``). Its own columns named like a policy
        term are replaced.

    Returns
    -------
    DataFrame
        ``panel`` with the 0/1 columns (int8) eaeu, eaeu_kaz, eaeu_lead5 … eaeu_lead2, eaeu_lag0 … eaeu_lag10,
        bri_kaz_chn, bri_kaz_chn_lead3, bri_kaz_chn_lead2, bri_kaz_chn_lag0 … bri_kaz_chn_lag7 and bri_chn, same
        index and ``attrs``.

    Examples
    --------
    A small simulated panel given real codes (the bundled panel takes seconds to read):

    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> f = eaeu.eaeu_frame(p)
    >>> f[f["year"] == 2015][["eaeu", "eaeu_kaz", "bri_kaz_chn", "bri_chn"]].sum().to_dict()
    {'eaeu': 20, 'eaeu_kaz': 8, 'bri_kaz_chn': 2, 'bri_chn': 0}
    """
    import kzecon

    g = kzecon.data.load_gravity("dots") if panel is None else panel
    cols = {"eaeu": policy_indicator(g, "customs_union")}
    cols["eaeu_kaz"] = cols["eaeu"] * ((g["exporter"] == "KAZ") | (g["importer"] == "KAZ")).to_numpy().astype(int)
    cols.update(_event_columns(g, cols["eaeu"], "eaeu", LEADS, LAGS))
    cols["bri_kaz_chn"] = pair_indicator(g, "KAZ", "CHN", 2013)
    cols.update(_event_columns(g, cols["bri_kaz_chn"], "bri_kaz_chn", BRI_LEADS, BRI_LAGS))
    cols["bri_chn"] = policy_indicator(g, "bri_mou", with_country="CHN")
    # one block of int8 (the 0/1 terms): pandas keeps it apart from the panel's int64 columns, where int64 would be
    # merged with them into one new 852k-row array (0.5 s and 200 MB on the DOTS panel)
    block = np.empty((len(g), len(cols)), dtype=np.int8, order="F")
    for j, v in enumerate(cols.values()):
        block[:, j] = v
    new = pd.DataFrame(block, index=g.index, columns=list(cols), copy=False)
    # concat, not join: the index is shared by construction, and a join on a user's non-unique index would multiply
    # rows
    out = pd.concat([g.drop(columns=[c for c in cols if c in g.columns]), new], axis=1, copy=False)
    out.attrs = dict(g.attrs)
    return out


EVENT_TERMS = [f"eaeu_lead{k}" for k in LEADS] + [f"eaeu_lag{k}" for k in LAGS]
BRI_EVENT_TERMS = [f"bri_kaz_chn_lead{k}" for k in BRI_LEADS] + [f"bri_kaz_chn_lag{k}" for k in BRI_LAGS]
SPECS = {
    "ppml_static": "eaeu + rta + bri_kaz_chn + bri_chn",
    "ppml_event": " + ".join(EVENT_TERMS + ["rta"] + BRI_EVENT_TERMS + ["bri_chn"]),
    "ppml_kaz": "eaeu + eaeu_kaz + rta + bri_kaz_chn + bri_chn",
}
BLOC_TERMS = ("eaeu",)


def comparable_pool(frame: pd.DataFrame, members=EAEU_MEMBERS, year: int = 2009) -> list[str]:
    """The countries placebo blocs are drawn from: the members themselves and the countries comparable to them —
    total trade (exports + imports, preferred flow) in ``year`` between the smallest and the largest member's.
    Keeping the members in the pool makes the test exact under the sharp null of no effect when the bloc is
    regarded as a random draw from the pool (Fisher's randomization test).

    Parameters
    ----------
    frame : DataFrame
        The estimation frame: exporter, importer, year, flow (the preferred flow, USD).
    members : sequence of str, default :data:`EAEU_MEMBERS`
        ISO-3 codes of the bloc's members.
    year : int, default 2009
        The year total trade is compared in (the year before the customs union).

    Returns
    -------
    list of str
        ISO-3 codes, sorted, the members included.

    Examples
    --------
    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> eaeu.comparable_pool(p)
    ['ARM', 'AZE', 'BLR', 'CHN', 'GEO', 'KAZ', 'KGZ', 'MNG', 'RUS', 'TJK', 'UKR', 'UZB']
    """
    y = frame[frame["year"] == year]
    tot = y.groupby("exporter")["flow"].sum().add(y.groupby("importer")["flow"].sum(), fill_value=0.0)
    lo, hi = tot.reindex(list(members)).min(), tot.reindex(list(members)).max()
    return sorted({c for c, v in tot.items() if lo <= v <= hi} | set(members))


@results_class
@dataclass(frozen=True)
class WorldGravityResults:
    """The annual world gravity results: the fitted models, the event-study table, the pre-trend test, the
    randomization inference and score bootstrap of the bloc terms, and the tidy estimates table. Made by
    :func:`eaeu_models` (and :func:`kzecon.study.findings.world_gravity`).

    Attributes
    ----------
    models : dict of {str: kzecon.results.EstimationResults}
        The fitted PPML models by name: ``ppml_static``, ``ppml_event``, ``ppml_kaz`` (:data:`SPECS`), and with
        the reporting sides ``ppml_static_exporter_reported``, ``ppml_static_importer_reported``,
        ``ppml_static_defects_kept``.
    pretrend : kzecon.results.TestResult
        Wald test (χ²) that the EAEU leads of ``ppml_event`` are jointly zero.
    ri : dict of {(str, str): kzecon.gravity.inference.RandomizationResult}
        (model, term) → randomization inference over placebo blocs; empty when not run.
    score : dict of {(str, str): kzecon.gravity.inference.ScoreBootstrapResult}
        (model, term) → wild score bootstrap; empty when not run.
    pool : tuple of str, default ()
        The countries placebo blocs are drawn from (:func:`comparable_pool`).
    seconds : dict of {str: float}, default {}
        Wall-clock seconds of each fit and of the inference.

    See Also
    --------
    eaeu_models : Makes it.

    Examples
    --------
    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> r = eaeu.eaeu_models(eaeu.eaeu_frame(p), ri_reps=0, score_reps=19, seed=1,
    ...                      specs=("ppml_static", "ppml_event"), sides=False)
    >>> r.to_frame()[["model", "term", "estimate", "p_value", "p_score"]].head(3).round(3)
             model         term  estimate  p_value  p_score
    0  ppml_static         eaeu     0.022    0.813     0.95
    1  ppml_static  bri_kaz_chn     0.242    0.004      NaN
    2  ppml_static      bri_chn    -0.513    0.007      NaN
    >>> r.event_study()[["event_time", "estimate", "term"]].head(5).round(3)
       event_time  estimate        term
    0          -5    -0.172  eaeu_lead5
    1          -4    -0.266  eaeu_lead4
    2          -3    -0.462  eaeu_lead3
    3          -2    -0.461  eaeu_lead2
    4          -1     0.000   reference
    """

    models: dict = field(repr=False)
    pretrend: TestResult  # the EAEU leads jointly zero (Wald, χ²)
    ri: dict = field(repr=False)
    score: dict = field(repr=False)
    pool: tuple = field(default=(), repr=False)
    seconds: dict = field(default_factory=dict)

    @property
    def nobs(self) -> int:
        """Observations of the static model (the headline specification)."""
        return next(iter(self.models.values())).nobs if "ppml_static" not in self.models \
            else self.models["ppml_static"].nobs

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """model, term, lower, upper: clustered Wald intervals of every model's terms.

        Parameters
        ----------
        level : float, default 0.95
            Coverage of the intervals, in (0, 1).

        Returns
        -------
        DataFrame
            model, term, lower, upper.
        """
        return pd.concat([r.conf_int(level).rename_axis("term").reset_index().assign(model=m)
                          for m, r in self.models.items()], ignore_index=True)[["model", "term", "lower", "upper"]]

    def to_frame(self, level: float = 0.95) -> pd.DataFrame:
        """Every model's estimates in one tidy table.

        Parameters
        ----------
        level : float, default 0.95
            Confidence level of the ``conf_low``/``conf_high`` columns (clustered by country pair).

        Returns
        -------
        pandas.DataFrame
            model, term, estimate, std_error, nobs, p_value (clustered), p_ri (randomization inference, where run),
            p_score (wild score bootstrap, where run), conf_low, conf_high, n_dropped.
        """
        rows = []
        for name, r in self.models.items():
            t = r.to_frame(level)
            t["model"] = name
            t["p_ri"] = [self.ri[(name, term)].p_value if (name, term) in self.ri else np.nan for term in t["term"]]
            t["p_score"] = [self.score[(name, term)].p_value if (name, term) in self.score else np.nan
                            for term in t["term"]]
            t["n_dropped"] = r.n_dropped
            rows.append(t)
        cols = ["model", "term", "estimate", "std_error", "nobs", "p_value", "p_ri", "p_score", "conf_low",
                "conf_high", "n_dropped"]
        return pd.concat(rows, ignore_index=True)[cols]

    def event_study(self) -> pd.DataFrame:
        """event_time, estimate, std_error, conf_low, conf_high for the EAEU terms (reference year −1 at 0)."""
        r = self.models["ppml_event"]
        ci = r.conf_int()
        rows = [{"event_time": -1, "estimate": 0.0, "std_error": 0.0, "conf_low": 0.0, "conf_high": 0.0,
                 "term": "reference"}]
        for t in EVENT_TERMS:
            k = int(t.rsplit("lead", 1)[1]) * -1 if "lead" in t else int(t.rsplit("lag", 1)[1])
            rows.append({"event_time": k, "estimate": r.params[t], "std_error": r.std_errors[t],
                         "conf_low": ci.loc[t, "lower"], "conf_high": ci.loc[t, "upper"], "term": t})
        return pd.DataFrame(rows).sort_values("event_time").reset_index(drop=True)

    def placebo_frame(self) -> pd.DataFrame:
        """Every randomization-inference draw: term, draw, placebo_estimate, model."""
        return pd.concat([r.to_frame().assign(model=m) for (m, _), r in self.ri.items()], ignore_index=True) \
            if self.ri else pd.DataFrame(columns=["term", "draw", "placebo_estimate", "model"])

    def summary(self) -> str:
        """The policy terms of each model with their three p-values, the pre-trend test and the inference summaries."""
        est = self.to_frame()
        lines = ["Annual world gravity 2000–2020 (IMF DOTS, PPML, exporter-year, importer-year and pair effects)"]
        show = est[est["term"].isin(["eaeu", "eaeu_kaz", "rta", "bri_kaz_chn", "bri_chn"])]
        lines.append(show[["model", "term", "estimate", "std_error", "p_value", "p_ri", "p_score"]].to_string(
            index=False, float_format=lambda x: f"{x:.4f}"))
        p = self.pretrend
        lines.append(f"pre-trend (EAEU leads jointly zero): chi2({p.detail['df']}) = {p.statistic:.2f}, p = "
                     f"{p.p_value:.4f}")
        for r in self.ri.values():
            lines.append(r.summary())
        for r in self.score.values():
            lines.append(r.summary())
        return "\n".join(lines)


RI_FILE = "eaeu_randomization.csv"  # written by analyses/eaeu_randomization.py


def stored_randomization(static: EstimationResults) -> RandomizationResult:
    """The randomization inference for ``eaeu`` stored by ``analyses/eaeu_randomization.py`` (99 placebo blocs), if
    it was computed on the bundled DOTS panel as it is now and for this estimate; else a CoverageError saying why
    (the 99 refits take minutes, too long for every brief).

    Parameters
    ----------
    static : kzecon.results.EstimationResults
        The ``ppml_static`` fit on the bundled DOTS panel; its ``eaeu`` estimate must be the stored one.

    Returns
    -------
    kzecon.gravity.inference.RandomizationResult
        The term, the estimate, the stored placebo estimates and their seed.

    Raises
    ------
    CoverageError
        No stored file (:data:`RI_FILE`), or it was computed on another version of the DOTS panel, or for another
        EAEU estimate than ``static``'s.

    Examples
    --------
    A fit on other data than the bundled panel has no stored inference:

    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> r = eaeu.eaeu_models(eaeu.eaeu_frame(p), ri_reps=0, score_reps=0, specs=("ppml_static", "ppml_event"),
    ...                      sides=False)
    >>> eaeu.stored_randomization(r.models["ppml_static"])
    Traceback (most recent call last):
    ...
    kzecon.errors.CoverageError: the stored randomization inference is for an EAEU estimate of ...
    """
    import kzecon
    from kzecon.data import read_reference

    try:
        t = read_reference(RI_FILE)
    except FileNotFoundError:
        raise CoverageError("no stored randomization inference: run analyses/eaeu_randomization.py") from None
    sha = kzecon.data.describe("gravity_dots").sha256
    if t["gravity_dots_sha256"].iloc[0] != sha:
        raise CoverageError("the stored randomization inference was computed on another version of the DOTS panel: "
                            "rerun analyses/eaeu_randomization.py")
    est = float(t["estimate"].iloc[0])
    if not np.isclose(est, static.params["eaeu"], rtol=1e-8, atol=1e-10):
        raise CoverageError(f"the stored randomization inference is for an EAEU estimate of {est:.6f}, the model now "
                            f"gives {static.params['eaeu']:.6f}: rerun analyses/eaeu_randomization.py")
    return RandomizationResult(term="eaeu", estimate=float(static.params["eaeu"]),
                               placebo=t["placebo_estimate"].to_numpy(dtype=float), seed=int(t["seed"].iloc[0]))


def eaeu_models(frame: pd.DataFrame | None = None, *, ri_reps: int = 99, score_reps: int = 9999, seed: int = 2026,
                client=None, workers: int | None = None, specs=tuple(SPECS), sides: bool = True,
                progress: Callable[[str], None] | None = None,
                ri_progress: Callable[[int, int], None] | None = None) -> WorldGravityResults:
    """Fit the module's models on the preferred flow and on each reporting side, with randomization inference
    (``ri_reps`` placebo blocs; 0 skips it) and the wild score bootstrap (``score_reps``) for ``eaeu``.
    ``specs``: which of ``SPECS`` (``ppml_static`` and ``ppml_event`` are always fitted: the inference and the
    pre-trend test use them); ``sides=False`` leaves out the fits on each reporting side and with the known
    defects kept. ``progress(message)`` is told each step; ``ri_progress(done, total)`` each placebo refit.

    Parameters
    ----------
    frame : DataFrame, optional
        The estimation frame (:func:`eaeu_frame`): flow and, with ``sides``, flow_exporter_reported,
        flow_importer_reported (flow_source for the defects-kept fit); default :func:`eaeu_frame` of the bundled
        DOTS panel.
    ri_reps : int, default 99
        Placebo blocs of the randomization inference for ``eaeu`` (0 skips it); each refits the static model.
    score_reps : int, default 9999
        Draws of the wild score bootstrap for ``eaeu`` (0 skips it).
    seed : int, default 2026
        Random seed of the placebo draws and the bootstrap.
    client : dask.distributed.Client, optional
        Runs the placebo refits on a Dask cluster (:func:`kzecon.gravity.inference.randomization_inference`).
    workers : int, optional
        Local processes for the placebo refits (default: one).
    specs : sequence of str, default all of :data:`SPECS`
        Models to fit, names of :data:`SPECS`; ``ppml_static`` and ``ppml_event`` are always fitted.
    sides : bool, default True
        Also fit the static model on the exporter-reported and importer-reported flows and on the preferred flow
        with the known defects kept.
    progress : callable, optional
        ``progress(message)``, told each step.
    ri_progress : callable, optional
        ``ri_progress(done, total)``, told after each placebo refit.

    Returns
    -------
    WorldGravityResults

    Raises
    ------
    CoverageError
        No pair of the frame is in the customs union (``eaeu`` never 1).
    UsageError
        ``specs`` names a model not in :data:`SPECS`.

    See Also
    --------
    kzecon.study.findings.world_gravity : The brief's call.
    kzecon.gravity.inference.randomization_inference, kzecon.gravity.inference.score_bootstrap : The inference.

    Examples
    --------
    On a small simulated panel (the bundled one takes tens of seconds a fit):

    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> r = eaeu.eaeu_models(eaeu.eaeu_frame(p), ri_reps=0, score_reps=19, seed=1,
    ...                      specs=("ppml_static", "ppml_event"), sides=False)
    >>> print(r.summary())
    Annual world gravity 2000–2020 (IMF DOTS, PPML, exporter-year, importer-year and pair effects)
    ...
    pre-trend (EAEU leads jointly zero): chi2(4) = 5.03, p = 0.2844
    wild score bootstrap (Kline & Santos 2012) for eaeu: score statistic 0.055, 19 draws ...
    """
    import time

    say = progress or (lambda msg: None)
    f = eaeu_frame() if frame is None else frame
    if not (f["eaeu"] == 1).any():
        raise CoverageError("no customs-union pairs in the panel: the EAEU terms are not identified")
    models, timing = {}, {}
    base = None
    unknown = set(specs) - set(SPECS)
    if unknown:
        raise UsageError(f"specs: unknown model(s) {', '.join(sorted(unknown))}; known: {', '.join(SPECS)}")
    wanted = {"ppml_static", "ppml_event", *specs}
    for name, rhs in SPECS.items():
        if name not in wanted:
            continue
        t0 = time.perf_counter()
        say(f"fitting {name}")
        m = PPML(f, f"flow ~ {rhs} | {FE}", name=name)
        if base is not None:
            m.start_from(base)  # same rows and fixed effects: start at the static model's fitted means
        models[name] = m.fit()
        timing[name] = time.perf_counter() - t0
        if name == "ppml_static":
            base = m
    for side in ("exporter_reported", "importer_reported") if sides else ():
        name = f"ppml_static_{side}"
        t0 = time.perf_counter()
        say(f"fitting {name}")
        models[name] = PPML(f, f"{SIDES[side]} ~ {SPECS['ppml_static']} | {FE}", name=name).fit()
        timing[name] = time.perf_counter() - t0
    if sides and "flow_source" in f.columns and (f["flow_source"] == "exporter_known_defect").any():
        # the filling rule matters exactly for the bloc's pairs: the preferred flow with the known defects left in
        name = "ppml_static_defects_kept"
        say(f"fitting {name}")
        kept = f.assign(flow_defects_kept=np.where(f["flow_source"] == "exporter_known_defect",
                                                   f["flow_importer_reported"] / CIF_FOB_FACTOR, f["flow"]))
        models[name] = PPML(kept, f"flow_defects_kept ~ {SPECS['ppml_static']} | {FE}", name=name).fit()
    pre = models["ppml_event"].wald_test([f"eaeu_lead{k}" for k in LEADS])
    ri: dict[tuple, RandomizationResult] = {}
    score: dict[tuple, ScoreBootstrapResult] = {}
    pool = comparable_pool(f)
    if ri_reps:
        t0 = time.perf_counter()
        say(f"randomization inference: {ri_reps} placebo blocs from {len(pool)} comparable countries")
        draw = bloc_draw(f, pool, EAEU_WAVES)
        ri[("ppml_static", "eaeu")] = randomization_inference(base, "eaeu", draw, reps=ri_reps, seed=seed,
                                                              client=client, workers=workers, progress=ri_progress)
        timing["randomization_inference"] = time.perf_counter() - t0
    if score_reps:
        t0 = time.perf_counter()
        say(f"score bootstrap: {score_reps} draws")
        score[("ppml_static", "eaeu")] = score_bootstrap(base, "eaeu", reps=score_reps, seed=seed)
        timing["score_bootstrap"] = time.perf_counter() - t0
    return WorldGravityResults(models=models, pretrend=pre, ri=ri, score=score, pool=tuple(pool), seconds=timing)
