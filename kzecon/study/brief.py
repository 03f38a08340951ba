"""The one-command policy brief: run the pipeline on the bundled data, write ``index.html`` with its figures.

``build(out_dir)`` runs measures, time-series tests, forecasts with their backtest, product composition, the
customs-union DiD, Kazakhstan's policy gravity (and the Advanced Guide check), and UN vote alignment; writes
figures to ``out_dir/figures/`` and the page through jinja2 templates, one a section (``templates/sections/``):
the section functions here only gather each section's context (results, numbers, tables as frames); the words are
the templates', and every number they quote goes through the ``num``/``pct`` filter, which formats it and records
it in ``out_dir/findings.json``; tables are rendered by :func:`kzecon.report.tables.html_table`.
Versions, seeds and the SHA-256 of every dataset used go into the page. A cache in ``out_dir/.kzecon-cache/``
(keyed on kzecon's source files, the data manifest and the options) makes a second run with unchanged code and data
re-render only the page.
Nothing is written outside ``out_dir`` and nothing touches the network.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

import kzecon
from kzecon.data.countries import country_name
from kzecon.report import figures, tables
from kzecon.study import _worker, pipeline

PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "linearmodels", "pyfixest", "pmdarima", "arch", "matplotlib",
            "jinja2", "wildboottest", "numba", "highspy")
STEPS = ("where we are", "how we got here", "where we are heading", "trade policy", "oil", "politics",
         "top line", "peers")


@dataclass(frozen=True)
class Brief:
    """A built brief: the path of its index.html, the build time, whether it came from the cache, and findings.json's
    content.

    Returned by :func:`build`; not meant to be made by hand.

    Attributes
    ----------
    path : pathlib.Path
        ``out_dir/index.html``, the brief's page (its figures in ``out_dir/figures/``).
    seconds : float
        Wall-clock seconds :func:`build` took (a cache hit: the time to check the cache).
    cached : bool
        True when ``out_dir`` already held this brief (same code, data and options, every file unchanged) and
        nothing was recomputed or rewritten.
    findings : dict
        The content of ``out_dir/findings.json`` (see :func:`findings_record`).

    See Also
    --------
    build

    Examples
    --------
    >>> from pathlib import Path
    >>> from kzecon.study.brief import Brief
    >>> b = Brief(path=Path("brief") / "index.html", seconds=0.4, cached=True,
    ...           findings={"country": "KAZ", "p_china_above_russia_2030": 0.81})
    >>> b.path.name, b.cached, b.findings["country"]
    ('index.html', True, 'KAZ')
    """
    path: Path
    seconds: float
    cached: bool
    findings: dict


def _stderr_progress(i: int, n: int, label: str) -> None:
    """The section being built, on a terminal only (a log file or a failed run gets no progress lines: a failure is
    one line)."""
    if sys.stderr.isatty():
        print(f"[{i}/{n}] {label}", file=sys.stderr, flush=True)


def cache_key(options: dict) -> str:
    """SHA-256 over kzecon's code and templates, **every** bundled dataset (each file hashed as it is on disk — a
    file that no longer matches the manifest raises IntegrityError here — so no dataset the build reads, in this
    process or the world-gravity one, can be missed by a hand-kept list), the user's downloads in the data
    folder, the options and the version.

    :func:`build` names its cache record after this key (``out_dir/.kzecon-cache/brief-<key>.json``): a change to
    any of these gives a new key and a rebuild.

    Parameters
    ----------
    options : dict
        The build's options, JSON-serialisable (hashed as sorted JSON): :func:`build` passes ``{"reps": ...,
        "paths": ..., "seed": ...}`` and ``"country"`` for an economy other than Kazakhstan.

    Returns
    -------
    str
        The first 20 hexadecimal digits of the SHA-256.

    Raises
    ------
    IntegrityError
        A bundled dataset's file no longer matches the data manifest (rebuild the data or reinstall kzecon).
    TypeError
        ``options`` holds a value JSON cannot write.

    See Also
    --------
    build

    Examples
    --------
    >>> from kzecon.study.brief import cache_key
    >>> key = cache_key({"reps": 99, "paths": 500, "seed": 2026})
    >>> len(key), key == cache_key({"seed": 2026, "paths": 500, "reps": 99})
    (20, True)
    >>> key == cache_key({"reps": 99, "paths": 500, "seed": 1})
    False
    """
    from kzecon.data import list_datasets, user_data_dir, verified_path

    h = hashlib.sha256()
    root = Path(kzecon.__file__).parent
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".j2", ".css", ".csv") and "bundled" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    for name in list_datasets():
        h.update(name.encode())
        h.update(hashlib.sha256(verified_path(name).read_bytes()).digest())
    udir = user_data_dir()
    if udir.is_dir():
        for p in sorted(udir.glob("*")):
            if p.is_file():
                h.update(p.name.encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    h.update(json.dumps(options, sort_keys=True).encode())
    h.update(kzecon.__version__.encode())
    return h.hexdigest()[:20]


CACHE_KEYS = {"outputs", "findings", "top_line", "layout", "figures"}


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_cache(path: Path, out_dir: Path) -> dict | None:
    """The record of an earlier build into ``out_dir`` with the same key, if every file it wrote is still there
    byte for byte (SHA-256 of each, as recorded); else None (with a note when a record was there but is not one
    this version wrote). Nothing in the record is rendered: a hit means the folder already holds this brief."""
    import warnings

    if not path.exists():
        return None
    try:
        res = json.loads(path.read_text(encoding="utf-8"))
        ok = (isinstance(res, dict) and CACHE_KEYS <= set(res) and isinstance(res["outputs"], dict) and res["outputs"]
              and all(isinstance(k, str) and isinstance(v, str) for k, v in res["outputs"].items())
              and isinstance(res["findings"], dict))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        ok = False
    if not ok:
        warnings.warn(f"brief cache {path.name} is not a cache this version wrote: ignored, results recomputed",
                      stacklevel=3)
        return None
    root = out_dir.resolve()
    for rel, digest in res["outputs"].items():
        f = (out_dir / rel).resolve()
        if root not in f.parents or not f.is_file() or _sha(f) != digest:
            return None  # a file of the brief is missing or was changed since: rebuild
    return res


class _Findings:
    """Numbers for the text: each stored with its raw value and the string shown, under a key."""

    def __init__(self):
        self.values: dict[str, dict] = {}

    def add(self, key: str, value, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
        """Record ``value`` under ``key`` and return it as shown (``fmt`` of ``value * scale``)."""
        if isinstance(value, (int, np.integer)) and fmt == "{:.1f}":
            fmt = "{:d}"
        shown = _shown(value, fmt, scale)
        self.values[key] = {"value": float(value) if isinstance(value, (float, np.floating, int, np.integer))
                            else value, "scale": scale, "shown": shown}
        return shown


def _shown(value, fmt: str = "{:.1f}", scale: float = 1.0) -> str:
    """``value * scale`` formatted by ``fmt``; a value that rounds to zero is shown as 0.00, not −0.00."""
    v = value * scale if isinstance(value, (float, np.floating, int, np.integer)) and scale != 1 else value
    shown = fmt.format(v.item() if hasattr(v, "item") else v)
    if shown.startswith("-") and not any(c in "123456789" for c in shown):
        shown = shown[1:]
    return shown


def environment(findings: _Findings | None = None):
    """The brief's jinja2 environment (``templates/``; HTML templates autoescaped, ``*.txt.j2`` plain text) with
    its filters:

    - ``num(value, key=None, fmt="{:.1f}", scale=1.0)``: the number as shown; with a ``key`` it is recorded in
      ``findings`` (→ ``findings.json``) at the place the text quotes it, and marked ``<span class="num">``;
    - ``pct(value, key=None, digits=1)``: the same for a share shown in percent (``scale=100``);
    - ``likelihood``: a probability in words; ``label``: a reader's label of a model, term or sector;
    - ``table(frame, name, classes="data", index=False)``: a frame through :func:`kzecon.report.tables.html_table`.

    Parameters
    ----------
    findings : optional
        The recorder of the numbers the text quotes (the build passes its own, whose values become
        ``findings.json``). Default None: nothing is recorded, and rendering ``num`` or ``pct`` with a ``key``
        raises KeyError; without a key they only format.

    Returns
    -------
    jinja2.Environment
        Loading the templates of ``kzecon/study/templates/`` (``brief.html.j2``, ``sections/*.j2``), with the
        filters above.

    See Also
    --------
    likelihood : the ``likelihood`` filter.
    kzecon.report.tables.html_table : the ``table`` filter.
    kzecon.report.figures.label : the ``label`` filter.

    Examples
    --------
    The filters on a template string, and one macro of the sections:

    >>> from kzecon.study.brief import environment
    >>> env = environment()
    >>> env.from_string("{{ 0.8123 | pct }}%, {{ 0.8 | likelihood }}, {{ 'rta' | label }}").render()
    '81.2%, likely, Regional trade agreement'
    >>> held_out = env.get_template("sections/macros.html.j2").module.held_out
    >>> " ".join(str(held_out(41, 44)).split())
    '41 of the 44 economies held out (3 had no forecast from 2000 on to score)'
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    def num(value, key: str | None = None, fmt: str = "{:.1f}", scale: float = 1.0):
        if key is None:
            return _shown(value, fmt, scale)
        if findings is None:
            raise KeyError(f"the number {key!r} is recorded only when the brief's findings are")
        shown = findings.add(key, value, fmt, scale)
        return Markup('<span class="num" data-key="{}">{}</span>').format(key, shown)

    def pct(value, key: str | None = None, digits: int = 1):
        return num(value, key, f"{{:.{digits}f}}", 100)

    def table(frame, name: str, classes: str = "data", index: bool = False):
        return Markup(tables.html_table(frame, name, classes=classes, index=index))

    env = Environment(loader=FileSystemLoader(str(resources.files("kzecon.study") / "templates")),
                      autoescape=select_autoescape(["html", "html.j2"]))
    env.filters.update(num=num, pct=pct, likelihood=likelihood, label=figures.label, table=table)
    return env


def _compute(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable, country: str) -> dict:
    """Run the pipeline; warnings raised on the way are collected and listed in the brief, not swallowed."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _pipeline(fig_dir, reps, paths, seed, progress, country)
    seen = []
    for w in caught:
        if issubclass(w.category, (FutureWarning, DeprecationWarning)):
            continue  # library-internal deprecations, not about the data or the models
        msg = f"{w.category.__name__}: {w.message}"
        if msg not in seen:
            seen.append(msg)
    out["warnings"] = seen
    return out


def likelihood(p: float) -> str:
    """A probability in words (the IPCC's calibrated language).

    Parameters
    ----------
    p : float
        A probability, 0 to 1.

    Returns
    -------
    str
        "virtually certain" (p ≥ 0.99), "very likely" (≥ 0.9), "likely" (≥ 0.66), "about as likely as not"
        (above 0.33), "unlikely" (above 0.1), else "very unlikely". The value is not checked: a NaN reads
        "very unlikely".

    See Also
    --------
    environment : the brief's ``likelihood`` filter.

    Examples
    --------
    >>> from kzecon.study.brief import likelihood
    >>> likelihood(0.8), likelihood(0.5), likelihood(0.95)
    ('likely', 'about as likely as not', 'very likely')
    """
    return ("virtually certain" if p >= 0.99 else "very likely" if p >= 0.9 else "likely" if p >= 0.66
            else "about as likely as not" if p > 0.33 else "unlikely" if p > 0.1 else "very unlikely")


class _Brief:
    """What the sections write into: each section's context for its template, tables (frames), figures by
    section, layout problems."""

    def __init__(self, fig_dir: Path):
        self.fig_dir = fig_dir
        self.name, self.source, self.events = "Kazakhstan", pipeline.TRADE_SOURCE, None
        self.out: dict = {"tables": {}, "figures": {}, "notes": {}, "sections": {}, "layout": {}, "missing": {}}

    def fig(self, file: str, f, section: str, **caption) -> None:
        """Check and save figure ``file``, shown in ``section`` with its caption (``templates/sections/captions``)
        written from ``caption`` (JSON-plain values: the cache records it)."""
        import warnings

        problems = figures.layout_problems(f)  # text over text or data, clipped text: recorded and warned
        if problems:
            self.out["layout"][file] = problems
            warnings.warn(f"figure {file}: {'; '.join(problems[:3])}", stacklevel=2)
        figures.save(f, self.fig_dir / file, laid_out=True)  # laid out by the check
        self.out["figures"][file] = caption
        self.out["sections"].setdefault(section, []).append(file)


def _pipeline(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable, country: str) -> dict:
    """Call the library's one function per result (:mod:`kzecon.study.pipeline`) and gather each section's context
    (results, numbers, tables as frames) for its template, and its figures. No statistics here. A second process
    meanwhile fits the GDP elasticity the scenarios take, the annual world gravity (the longest result) with the
    decomposition that uses its policy terms, and the customs-union DiD."""
    with _worker.Background() as background:
        return _sections(fig_dir, reps, paths, seed, progress, background, country)


def _sections(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable, background: _worker.Background,
              country: str) -> dict:
    """The sections in :data:`STEPS`; the GDP elasticity, the world gravity with the decomposition and the
    customs-union DiD are computed in the ``background`` process (in that order), the scenarios take the elasticity
    when they need it, and the section that waits for the rest (trade policy) is rendered last, so the others render
    meanwhile. Warnings are gathered by section and re-issued in the reading order."""
    import warnings

    b = _Brief(fig_dir)
    caught: dict[str, list] = {}
    order = ("where we are", "where we are heading", "oil", "politics", "top line", "peers", "how we got here",
             "trade policy")

    def step(label: str, fn, *args):
        from kzecon.report.output import raise_if_stopped

        raise_if_stopped()  # a signal whose KeyboardInterrupt a library swallowed: stop between sections
        progress(order.index(label) + 1, len(order), label)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            result = fn(*args)
        caught[label] = list(w)
        return result

    def where_we_are():
        shares = pipeline.trade_shares(country)
        _where_we_are(b, shares)
        return shares

    def heading():
        from kzecon.forecast import scenario

        with scenario.estimated_elsewhere(elasticity.result):  # fitted by the second process meanwhile
            risk = pipeline.dependence_risk(country=country, paths=paths, seed=seed)
        _where_we_are_heading(b, risk, ts.last_year)
        return risk

    def unless_missing(section: str, fn, *args):
        """A section whose data exist only for some economies says in one line what it would need."""
        from kzecon.errors import CountryCodeError, CoverageError

        try:
            return fn(*args)
        except (CoverageError, CountryCodeError) as err:
            b.out["missing"][section] = str(err)
            return None

    def top_line():
        b.out["top_line"] = _top_line(environment(), ts, dr)
        problems = _one_pager(fig_dir, b.out["top_line"], ts, dr)
        if problems:
            b.out["layout"]["summary.png"] = problems

    elasticity = background.submit("gdp_elasticity", country=country)
    world_gravity = background.submit("world_gravity_and_why", country=country, seed=seed)
    customs_union = background.submit("customs_union", country=country, reps=reps, seed=seed)
    b.events = _events_for(country)
    ts = step("where we are", where_we_are)
    b.name, b.source = ts.name, ts.source
    dr = step("where we are heading", heading)
    step("oil", lambda: unless_missing("oil", lambda: _oil(b, pipeline.products(country))))
    step("politics", lambda: unless_missing("politics", lambda: _politics(b, pipeline.un_alignment(country))))
    step("top line", top_line)
    step("peers", lambda: _peers(b, pipeline.peers(country=country, headline=dr, shares=ts, paths=paths, seed=seed)))

    def trade_policy():
        cu = customs_union.result()  # the DiD, or why it is missing
        if isinstance(cu, str):
            b.out["missing"]["customs union"], cu = cu, None
        wg, de = world_gravity.result()  # the decomposition with the world gravity's policy terms, or why not
        _trade_policy(b, cu, wg, ts)
        if isinstance(de, str):
            b.out["missing"]["why"] = de
        else:
            _why_the_tilt(b, de)

    # the test battery here while the second process finishes the world gravity (the longer of the two paths)
    step("how we got here", lambda: _how_we_got_here(b, pipeline.share_breaks(shares=ts)))
    step("trade policy", trade_policy)
    out = b.out
    out["data_quality"] = pipeline.data_quality(country)
    out["datasets_child"] = background.datasets  # what the second process read
    out["country"], out["name"], out["p_headline"] = ts.country, ts.name, dr.p_headline
    out["source"], out["n_years"] = ts.source, int(dr.composition['year'].nunique())
    for label in STEPS:
        for w in caught.get(label, []):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out


def _events_for(country: str) -> dict[int, str]:
    """The policy events the figures mark: the economy's own (:func:`kzecon.study.pipeline.policy_events`)."""
    return pipeline.policy_events(country)


def _where_we_are(b: _Brief, ts) -> None:
    fig = b.fig
    tot, last, name = ts.total, ts.last_year, ts.name
    base = 2000 if 2000 in tot.index else ts.first_year
    my = ts.mirror_year
    mirror = None
    if my is not None:
        m = ts.mirror
        g = m[(m["partner"] == "CHN") & (m["year"] == my) & (m["flow"] == "export")].iloc[0]
        mirror = {"year": my, "mirror_bn": g["mirror_usd"] / 1e9, "reported_bn": g["reported_usd"] / 1e9}
    b.out["where"] = {"ts": ts, "base": base, "china": tot.loc[last, "china"], "russia": tot.loc[last, "russia"],
                      "china_base": tot.loc[base, "china"], "russia_base": tot.loc[base, "russia"],
                      "balance": ts.balance_in(last), "mirror": mirror}
    src = "kzecon from " + ts.source
    ev = b.events
    fig("shares_total.png", figures.share_paths(ts.shares, flow="total", source=src, vintage=ts.vintage, events=ev),
        "where", name=name, events=[[int(y), label] for y, label in sorted(ev.items())])
    fig("tilt.png", figures.tilt(ts.tilt, source=src, vintage=ts.vintage, events=ev,
                                 title=f"China–Russia tilt of {name}'s trade"),
        "where")
    fig("balance.png", figures.balance_concentration(ts.balance, ts.concentration, source=src, events=ev,
                                                     title=f"Balance and concentration of {name}'s trade"),
        "where")
    if len(ts.mirror):
        m = _mirror_sources(ts)
        footer = f"kzecon from {m['reported']} ({name}-reported) and {m['mirror']} (partner-reported)"
        fig("mirror_gap.png", figures.mirror_gap(ts.mirror, reporter=ts.country, source=footer), "where", **m)


def _mirror_sources(ts) -> dict:
    """What the mirror figure plots, for its caption and footer: each side's sources with their years
    (``reported``, ``mirror``), the first and last year and the years missing between them (``gaps``)."""
    m = ts.mirror

    def sources(col):
        g = m.groupby(col)["year"].agg(["min", "max"]).sort_values("min")
        return ", ".join(f"{figures.SOURCE_NAMES.get(s, s)} {int(r['min'])}–{int(r['max'])}" if r["min"] != r["max"]
                         else f"{figures.SOURCE_NAMES.get(s, s)} {int(r['min'])}" for s, r in g.iterrows())

    years = sorted(int(y) for y in m["year"].unique())
    return {"name": ts.name, "reported": sources("source_reported"), "mirror": sources("source_mirror"),
            "first": years[0], "last": years[-1],
            "gaps": [y for y in range(years[0], years[-1] + 1) if y not in set(years)]}


def _how_we_got_here(b: _Brief, sb) -> None:
    br = sb.breaks
    n = int(len(br))
    seq = sb.breaks["n_breaks_sequential"].iloc[0] if n and "n_breaks_sequential" in sb.breaks else None
    b.out["history"] = {
        "adf": sb.p_value("ADF"), "kpss": sb.p_value("KPSS"), "n": n,
        "breaks": [{"year": int(r["year"]), "lower": r["lower"], "upper": r["upper"],
                    "finite": bool(np.isfinite(r["lower"]) and np.isfinite(r["upper"]))} for _, r in br.iterrows()],
        # the sequential sup-F tests' count, when it differs from BIC's
        "sequential": None if seq is None or not np.isfinite(seq) or int(seq) == n else int(seq)}
    b.fig("share_breaks.png", figures.share_breaks(sb.series, br, source="kzecon from " + b.source, events=b.events,
                                                   title=f"China's share of {b.name}'s trade: structural breaks"),
          "history")
    t = sb.tests[["test", "regression", "statistic", "p_value", "decision"]].assign(
        regression=lambda d: d["regression"].map(DETERMINISTIC).fillna(d["regression"]))
    b.out["tables"]["tests"] = t.rename(columns={"regression": "deterministic terms", "p_value": "p-value",
                                                 "decision": "decision at 5%"})


def _where_we_are_heading(b: _Brief, dr, last: int) -> None:
    from kzecon.forecast.world import held_out_total

    fig = b.fig
    y5, y10 = dr.quote_years[2], dr.quote_years[3]
    ws = dr.world_summary
    wcal = ws[ws["model"] == dr.model].set_index("horizon")
    wrw = ws[ws["model"] == "rw"].set_index("horizon")
    econ, ece = _world_reliability(dr)
    kaz = dr.backtest.coverage
    kc = kaz[(kaz["model"] == dr.model) & np.isclose(kaz["nominal"], 0.9)].set_index("horizon")
    origins = dr.backtest.records["origin"]
    b.out["heading"] = {
        "dr": dr, "last": last, "years": dr.quote_years, "c5": dr.share("china", y5),
        "p": dict(zip((1, 3, 5, 10), (dr.probability("china_above_russia", y) for y in dr.quote_years), strict=True)),
        "econ": econ, "held_out_total": held_out_total(), "ece": ece,
        "cov_lo": wcal["coverage_90"].min(), "cov_hi": wcal["coverage_90"].max(),
        "brier_gain_h5": (1 - wcal["brier_pairwise"] / wrw["brier_pairwise"]).loc[5],
        "mae_lo": wcal["mae_ratio"].min(), "mae_hi": wcal["mae_ratio"].max(),
        "cov_h1": kc.loc[1, "empirical"], "cov_h5": kc.loc[5, "empirical"],
        "n_h1": int(kc.loc[1, "n"]), "n_h5": int(kc.loc[5, "n"]),
        "origins": {"n": origins.nunique(), "first": int(origins.min()), "last": int(origins.max())},
        "band": _own_band(dr), "own": _own_mid(dr), "mid": MID, "rw": _versus_random_walk(dr)}
    _scenarios(b, dr)
    interval = "{:.1f} ({:.1f}–{:.1f})".format
    b.out["tables"]["forecast_comparison"] = table = pd.DataFrame({
        "model": [r["name"] + (" (headline)" if r["model"] == dr.model else "") for _, r in dr.comparison.iterrows()],
        "how it forecasts": dr.comparison["how"].to_list(),
        f"China {y5}, % (90% interval)": [interval(100 * r["china_mean"], 100 * r["china_lower_90"],
                                                   100 * r["china_upper_90"]) for _, r in dr.comparison.iterrows()],
        f"P(China > Russia) {y5}": [f"{100 * v:.0f}%" for v in dr.comparison["p_china_above_russia"]],
        f"{dr.name} backtest: CRPS (lower is better)": [f"{v:.4f}" for v in dr.comparison["own_crps"]],
        "coverage of 90% intervals, 1 / 5 years ahead": [
            f"{100 * r['own_cov90_h1']:.0f}% / {100 * r['own_cov90_h5']:.0f}%" for _, r in dr.comparison.iterrows()]})
    table.attrs["row_classes"] = ["headline" if m == dr.model else "" for m in dr.comparison["model"]]
    wt = ws[ws["model"].isin([dr.model, "world", "rw", "statsforecast_ets"])].copy()
    wt["model"] = wt["model"].map(figures.label)
    b.out["tables"]["world_backtest"] = wt[["model", "horizon", "coverage_90", "width_90", "mae_ratio", "crps",
                                            "brier_pairwise", "ece"]].rename(columns={
        "horizon": "years ahead", "coverage_90": "coverage of 90% interval", "width_90": "mean width of 90% interval",
        "mae_ratio": "MAE / no change", "crps": "CRPS", "brier_pairwise": "Brier (crossings)",
        "ece": "ECE (all horizons)"})
    hist = dr.composition
    msrc = f"kzecon, {figures.label(dr.model)}, {dr.paths} paths, seed {dr.seed}"
    fig("fan_chart.png", figures.composition_fan(hist, dr.paths_summary, source=msrc, events=b.events,
                                                 title=f"Partner shares: history and the {y10} forecast"),
        "heading", model=dr.model)
    ev = kzecon.forecast.core.load_events().set_index("event")["description"].to_dict()
    fig("risk.png", figures.risk_probabilities(dr.risk, source=msrc, labels=ev,
                                               title="Probability of each event in each year"),
        "heading")
    fig("reliability_world.png", figures.reliability_world(
            dr.world_reliability, models=tuple(dict.fromkeys((dr.model, "drivers_cal", "rw", "statsforecast_ets")))),
        "heading")
    own = dr.backtest.reliability_band  # the band comes with the table: the figure only draws
    models = [dr.model, *[m for m in dict.fromkeys(own["model"]) if m != dr.model]]
    fig("reliability.png", figures.reliability(own, source=f"kzecon backtest on {dr.name}", models=models,
                                               title=f"Reliability on {dr.name}'s own backtest"),
        "heading", name=dr.name, model=dr.model)
    fig("coverage.png", figures.coverage(dr.backtest.coverage, source=f"kzecon backtest on {dr.name}"),
        "heading", name=dr.name)


def _versus_random_walk(dr) -> dict | None:
    """The headline against the random walk on the economy's own backtest (CRPS) and in the width of its 90%
    interval for China's share, or None without a random walk."""
    c = dr.comparison.set_index("model")
    if "rw" not in c.index:
        return None
    h, rw = c.loc[dr.model], c.loc["rw"]
    return {"crps_rw": rw["own_crps"], "crps_head": h["own_crps"], "year": pipeline.HEADLINE_YEAR,
            "width_head": h["china_upper_90"] - h["china_lower_90"],
            "width_rw": rw["china_upper_90"] - rw["china_lower_90"]}


def _membership(country: str, policies) -> int | None:
    """The first year ``country`` is in any of ``policies`` in the cited membership table, or None."""
    m = kzecon.data.load_policy_membership()
    m = m[(m["iso3"] == country) & m["policy"].isin(policies)]
    return int(m["from_year"].min()) if len(m) else None


MID = (0.2, 0.8)  # the middle probabilities checked on the economy's own backtest


def _own_mid(dr, lo: float = MID[0], hi: float = MID[1]) -> dict | None:
    """The headline model's events given ``lo``–``hi`` on the economy's own backtest: mean forecast (``pred``),
    observed frequency (``obs``), its Wilson 95% interval (``lo``, ``hi``), their number (``n``) and the number of
    forecasts above ``hi`` (``n_top``); None below 10 events."""
    from kzecon.forecast.backtest import wilson

    r = dr.backtest.reliability
    r = r[(r["model"] == dr.model) & (r["n"] > 0)]
    mid = r[(r["predicted"] > lo) & (r["predicted"] <= hi)]
    n = int(mid["n"].sum())
    if n < 10:
        return None
    pred = float((mid["predicted"] * mid["n"]).sum() / n)
    obs = float((mid["observed"] * mid["n"]).sum() / n)
    w_lo, w_hi = wilson(obs * n, n)
    return {"pred": pred, "obs": obs, "lo": w_lo, "hi": w_hi, "n": n, "n_top": int(r[r["predicted"] > hi]["n"].sum())}


def _own_band(dr) -> dict | None:
    """How many of the headline model's own-backtest reliability points (``bins``) lie where a calibrated
    forecaster's would (``inside``: the consistency band of the reliability figure); None without points."""
    r = dr.backtest.reliability_band
    r = r[r["model"] == dr.model]
    if r.empty:
        return None
    lo, hi = r["band_low"], r["band_high"]
    return {"inside": int(((r["observed"] >= lo - 1e-12) & (r["observed"] <= hi + 1e-12)).sum()), "bins": len(r)}


def _trade_policy(b: _Brief, cu, wg, ts) -> None:
    """Trade policy: the world gravity's EAEU and BRI terms for any economy, with the event study; for Kazakhstan
    also its own BRI pair and the customs-union DiD (``cu``, None where the DiD's panel does not hold the
    economy)."""
    st = wg.models["ppml_static"]
    es = wg.event_study()
    ri = wg.ri.get(("ppml_static", "eaeu"))
    ctx = {"kazakhstan": cu is not None, "name": ts.name, "st": st,
           "score_p": wg.score[("ppml_static", "eaeu")].p_value,
           "ri": None if ri is None else {"reps": ri.reps, "p": ri.p_value}}
    if cu is None:
        ctx.update(joined=_membership(ts.country, ("customs_union", "eaeu")),
                   signed=_membership(ts.country, ("bri", "bri_mou")))
    else:
        esi = es.set_index("event_time")
        lead = int(es["event_time"].min())
        ctx.update(lead=lead, lead_est=esi.loc[lead, "estimate"], pretrend=wg.pretrend, did=cu.did,
                   lags={k: esi.loc[k, "estimate"] for k in (0, 5, 6, 7)})
    b.out["policy"] = ctx
    _gravity_event_figure(b, es)
    if cu is not None:
        b.fig("event_study.png", figures.event_study(cu.events, reference=-0.5,
                                                     title="Customs union and trade with Russia",
                                                     ylabel="log trade with Russia, relative to 2009",
                                                     source="kzecon from COW v4 (1995–2014); 95% intervals"),
              "policy")
        b.out["tables"]["did"] = tables.regression_frame(
            {"log trade with Russia": cu.did, "China's share": cu.did_share}, labels=TERM_LABELS,
            value_labels=VALUE_LABELS, info_rows=("fixed_effects", "covariance"), stats=("p_wild",))
    b.out["tables"]["gravity"] = _gravity_table(st, ts.country)


KAZAKHSTAN_TERMS = ("bri_kaz_chn", "eaeu_kaz")  # the world model's terms for Kazakhstan's own pairs


def _gravity_table(st, country: str = pipeline.DEFAULT_COUNTRY) -> pd.DataFrame:
    """The world gravity model's table; for another economy without the terms that describe Kazakhstan's own pairs
    (they are in the model, said in a note, but they are not that economy's story)."""
    terms = [t for t in st.params.index if country == pipeline.DEFAULT_COUNTRY or t not in KAZAKHSTAN_TERMS]
    left = [t for t in st.params.index if t not in terms]
    notes = ("the model also holds " + str(len(left)) + " term" + ("s" if len(left) > 1 else "")
             + " for one other economy's own pairs, not shown") if left else None
    return tables.regression_frame({"PPML": st}, terms=terms, labels=TERM_LABELS, value_labels=VALUE_LABELS,
                                   info_rows=("fixed_effects", "covariance"), stats=("pseudo_r2",), notes=notes)


DETERMINISTIC = {"c": "constant", "ct": "constant and trend", "n": "none"}
TERM_LABELS = {**figures.LABELS, "treat_post": "In the customs union (members from 2010)"}
VALUE_LABELS = {"exp_year + imp_year + pair": "exporter-year, importer-year, pair",
                "reporter + year": "country, year", "clustered by pair": "clustered by country pair"}


def _gravity_event_figure(b: _Brief, es) -> None:
    b.fig("gravity_event_study.png", figures.event_study(
        es.assign(model="PPML, DOTS 2000–2020"), binned=True, reference=-0.5,
        title="EAEU members' trade around entry (annual world gravity)",
        ylabel="log points, relative to the year before entry",
        source="kzecon from IMF DOTS (preferred flow: importer-reported / 1.10, else exporter-reported); 95% "
               "intervals clustered by pair"),
        "policy")


SCENARIO_GROUPS = {"brent": ("brent_50", "brent_110"), "china": ("china_2pct", "china_8pct"),
                   "russia": ("russia_minus_3pct", "russia_plus_3pct")}  # the pairs the sentence quotes


def _scenarios(b: _Brief, dr) -> None:
    """The growth and oil scenarios from the headline model's scenario layer: the numbers of one sentence and a
    table (any economy)."""
    sc = dr.scenarios
    if sc is None or sc.empty:
        return
    by = sc.set_index("scenario")
    y = int(sc["year"].iloc[0])
    b.out["scenarios"] = {
        "groups": [g for g, names in SCENARIO_GROUPS.items() if set(names) <= set(by.index)],
        "year": y, "name": dr.name, "p": by["p_china_above_russia"].to_dict(), "china": by["china_mean"].to_dict(),
        "spread": float(sc["p_china_above_russia"].max() - sc["p_china_above_russia"].min()),
        "first": int(sc["from_year"].dropna().min()) if sc["from_year"].notna().any() else dr.last_year + 1}
    interval = "{:.1f} ({:.1f}–{:.1f})".format
    b.out["tables"]["scenarios"] = pd.DataFrame({
        "scenario": sc["label"].to_list(),
        f"P(China > Russia) {y}": [f"{100 * v:.0f}%" for v in sc["p_china_above_russia"]],
        f"China's share {y}, % (90% interval)": [interval(100 * r.china_mean, 100 * r.china_lower_90,
                                                          100 * r.china_upper_90) for r in sc.itertuples()],
        f"Russia's share {y}, % (90% interval)": [interval(100 * r.russia_mean, 100 * r.russia_lower_90,
                                                           100 * r.russia_upper_90) for r in sc.itertuples()],
    })


def _why_the_tilt(b: _Brief, de) -> None:
    """The decomposition of China's and Russia's share changes: the numbers of one sentence each and a table."""
    t = de.table.set_index("partner")
    b.out["why"] = {"de": de, "parts": [{"part": part, "who": who, "row": t.loc[part], "dominant": de.dominant(part)}
                                        for part, who in (("china", "China"), ("russia", "Russia")) if part in t.index]}
    pct = "{:+.1f}".format
    b.out["tables"]["why"] = pd.DataFrame({
        "partner": [figures.label(p) for p in t.index],
        f"share {de.from_year}, %": [f"{100 * v:.1f}" for v in t["share_from"]],
        f"share {de.to_year}, %": [f"{100 * v:.1f}" for v in t["share_to"]],
        **{col: [pct(100 * v) for v in t[part]] for col, part in (("change, points", "change"), ("world", "world"),
                                                                  ("policy", "policy"), ("own", "own"))},
    })


def _oil(b: _Brief, pr) -> None:
    fm = pr.fuels_metals.set_index("year")
    b.out["oil"] = {"fm": fm["share"], "el": pr.brent, "ci": pr.brent.conf_int(0.90).loc["log_brent"]}
    b.fig("products.png", figures.sector_composition(pr.composition), "oil")
    b.out["tables"]["fuels_metals"] = fm[["share"]].assign(
        share=lambda x: (100 * x["share"]).round(2).map(str),
        flag=fm["flag"].map(lambda v: "copper missing" if v else "")).T


def _politics(b: _Brief, un) -> None:
    (k1, s1), (k2, s2) = un.divergent.items()
    a = un.series[un.series["year"].between(2014, 2019)]
    b.out["politics"] = {"name": country_name(un.country), "agree_chn": a["agreement_CHN"].mean(),
                         "agree_rus": a["agreement_RUS"].mean(),
                         "splits": [{"period": k, "n": len(s), "chn": int(c["CHN"]), "rus": int(c["RUS"]),
                                     "neither": int(c["neither"] + c["absent"])}
                                    for k, s, c in ((k1, s1, un.counts(k1)), (k2, s2, un.counts(k2)))]}
    b.fig("alignment.png", figures.alignment_series(un.series, events=b.events), "politics",
          name=country_name(un.country))


PEER_GROUPS = {"studied": "studied", "central_asia": "Central Asia", "eaeu": "EAEU", "neighbour": "neighbour",
               "commodity_exporter": "oil exporter"}


def _peers(b: _Brief, pe) -> None:
    """The economy among its peers: the numbers of one sentence and the table (also written as ``peers.csv``)."""
    t = pe.table
    ok = t[t["p_china_above_russia_2030"].notna()]
    others = ok[ok["country"] != pe.country]
    y = pipeline.HEADLINE_YEAR
    horizons = []
    if "data_last_year" in ok and not ok["data_last_year"].isna().all():
        g = ok.dropna(subset=["data_last_year"]).groupby("data_last_year")["name"].apply(list)
        horizons = [{"ahead": y - int(last), "names": names, "last": int(last)}
                    for last, names in sorted(g.items(), reverse=True)]
    b.out["peers_text"] = {"n": int(len(t) - 1), "others": len(others), "year": y, "horizons": horizons,
                           "china_ahead": int((others["china_share"] > others["russia_share"]).sum()),
                           "p90": int((others["p_china_above_russia_2030"] >= 0.9).sum())}

    def shown(v, fmt):
        return "" if pd.isna(v) else fmt.format(v)

    b.out["tables"]["peers"] = pd.DataFrame([{
        "economy": r.name, "group": PEER_GROUPS.get(r.group, r.group), "latest year": shown(r.year, "{:.0f}"),
        "China, % of trade": shown(100 * r.china_share, "{:.1f}"),
        "Russia, % of trade": shown(100 * r.russia_share, "{:.1f}"),
        f"P(China > Russia) {y}": shown(100 * r.p_china_above_russia_2030, "{:.0f}%"),
        "reported by": r.source, "note": r.note} for r in t.itertuples()])
    b.out["peers"] = t


def _top_line(env, ts, dr) -> list[str]:
    """Three sentences, each with its uncertainty in words, from the same results as the sections
    (``top_line.txt.j2``)."""
    side = ts.shares.loc[ts.shares["year"] == ts.last_year, "side"].iloc[0] if "side" in ts.shares else ""
    w = dr.world_summary
    w = w[w["model"] == dr.model]
    mae = w.set_index("horizon")["mae_ratio"]
    econ, ece = _world_reliability(dr)
    text = env.get_template("sections/top_line.txt.j2").render(
        ts=ts, dr=dr, year=pipeline.HEADLINE_YEAR, econ=econ, ece=ece, own=_own_mid(dr),
        china=ts.total.loc[ts.last_year, "china"], russia=ts.total.loc[ts.last_year, "russia"],
        partners_side="mirror" in str(side) and "reported" not in str(side),
        p5=dr.probability("china_above_russia", pipeline.HEADLINE_YEAR),
        c5=dr.share("china", pipeline.HEADLINE_YEAR),
        cov_lo=w["coverage_90"].min(), cov_hi=w["coverage_90"].max(), mae_min=mae.min(), far=int(mae.index.max()),
        mae_far=mae.loc[mae.index.max()])
    return [" ".join(s.split()) for s in text.split("\n\n") if s.strip()]


def _world_reliability(dr) -> tuple[int | None, float]:
    """Held-out economies scored in the world backtest and the headline model's ECE there."""
    ws = dr.world_summary
    wcal = ws[ws["model"] == dr.model].set_index("horizon")
    return (int(wcal["economies"].iloc[0]) if "economies" in wcal else None), float(wcal["ece"].iloc[0])


def _one_pager(fig_dir: Path, top_line: list[str], ts, dr) -> list[str]:
    """summary.png and summary.pdf: the top line and the two key figures on one A4 page, for a memo."""
    import textwrap

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with figures.rc_context():
        f = Figure(figsize=(8.27, 11.69), dpi=110)
        FigureCanvasAgg(f)
        gs = f.add_gridspec(3, 1, height_ratios=(0.8, 1.2, 1.2), hspace=0.5, left=0.09, right=0.78, top=0.95,
                            bottom=0.07)
        t = f.add_subplot(gs[0])
        t.axis("off")
        t.text(0, 1, f"{ts.name}'s trade dependence: the top line", fontsize=14, fontweight="bold", va="top")
        body = "\n\n".join(textwrap.fill(s, 95) for s in top_line)
        t.text(0, 0.78, body, fontsize=9.5, va="top", linespacing=1.35)
        a1 = f.add_subplot(gs[1])
        ev = _events_for(ts.country)
        figures.share_paths(ts.shares, flow="total", ax=a1, events=ev)
        a2 = f.add_subplot(gs[2])
        figures.composition_fan(dr.composition, dr.paths_summary, ax=a2, events=ev,
                                title=f"The headline forecast ({figures.label(dr.model)})")
        for txt in list(f.texts):  # one source line for the page instead of each panel's
            txt.remove()
        f.text(0.09, 0.02, textwrap.fill(f"Source: kzecon brief; {ts.source}. Forecast: "
                                         f"{figures.label(dr.model)}, {dr.paths} paths, seed {dr.seed}.", 130),
               fontsize=7, color="#555555", va="bottom")
        problems = figures.layout_problems(f)
        figures.save(f, fig_dir / "summary.png", formats=("png", "pdf"), page=True)  # an A4 page, 595 × 842 pt
    return problems


def _versions() -> dict:
    v = {"python": platform.python_version(), "kzecon": kzecon.__version__}
    for p in PACKAGES:
        try:
            v[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            v[p] = "not installed"
    return v


PLAIN = ("eaeu_p_ri",)  # findings written as plain numbers at the top of findings.json (the text shows them too)


def findings_record(res: dict) -> dict:
    """What ``findings.json`` holds: the economy studied, P(China's share above Russia's) in
    :data:`kzecon.study.pipeline.HEADLINE_YEAR` from the headline model, and every number the text quotes (key →
    value, scale, shown).

    Parameters
    ----------
    res : dict
        The build's results: ``"country"`` (ISO-3), ``"p_headline"`` (the headline probability) and ``"findings"``
        (key → ``{"value", "scale", "shown"}``, as the ``num``/``pct`` filters of :func:`environment` record
        them). Other keys are ignored.

    Returns
    -------
    dict
        ``country``, ``p_china_above_russia_2030``, the findings in ``PLAIN`` (``eaeu_p_ri``) as plain numbers,
        then every other finding as recorded (value, scale, shown).

    Raises
    ------
    KeyError
        ``res`` lacks ``"country"``, ``"p_headline"`` or ``"findings"``.

    Examples
    --------
    >>> from kzecon.study.brief import findings_record
    >>> res = {"country": "KAZ", "p_headline": 0.81,
    ...        "findings": {"eaeu_p_ri": {"value": 0.031, "scale": 1.0, "shown": "0.03"},
    ...                     "china_share": {"value": 0.2512, "scale": 100, "shown": "25.1"}}}
    >>> findings_record(res)
    {'country': 'KAZ', 'p_china_above_russia_2030': 0.81, 'eaeu_p_ri': 0.031,
     'china_share': {'value': 0.2512, 'scale': 100, 'shown': '25.1'}}
    """
    f = res["findings"]
    head = {"country": res["country"], "p_china_above_russia_2030": res["p_headline"]}
    head.update({k: f[k]["value"] for k in PLAIN if k in f})  # numbers a reader's script reads directly
    return {**head, **{k: v for k, v in f.items() if k not in PLAIN}}


def build(out_dir, *, country: str = pipeline.DEFAULT_COUNTRY, reps: int = 9999, paths: int = 4000, seed: int = 2026,
          use_cache: bool = True, progress: Callable[[int, int, str], None] | None = _stderr_progress) -> Brief:
    """Build the brief on ``country`` (ISO-3, any economy of the IMF DOTS composition panel; Kazakhstan by default)
    into ``out_dir``: ``index.html``, ``figures/*.png``, ``findings.json``, ``peers.csv`` and ``data_quality.csv``
    (year, side, source, estimated_share, note: every year the brief reads, and the side it is read from).

    Everything is written into a temporary folder and moved into place at the end: an interrupted or failed build
    leaves ``out_dir`` as it was. The annual world gravity and the test battery on the shares run in a second
    process meanwhile. A record in ``out_dir/.kzecon-cache/`` (named by :func:`cache_key`) makes a second build with
    the same code, data and options, into a folder whose files are unchanged, return at once. Warnings raised by the
    pipeline are listed in the brief (library deprecations left out).

    Parameters
    ----------
    out_dir : str or path-like
        The brief's folder; created if missing. The files this build writes replace earlier ones (each moved in
        atomically); other files in it are left as they were.
    country : str, default "KAZ"
        ISO-3 code of the economy studied: any economy of the IMF DOTS composition panel except China and Russia.
        Sections whose data exist only for some economies (oil, politics, the customs union, the decomposition of
        the tilt) say in one line what they would need.
    reps : int, default 9999
        Wild cluster bootstrap replications of the customs-union difference-in-differences.
    paths : int, default 4000
        Simulated paths of each forecast (the headline, its scenarios and the peers'; at least 100).
    seed : int, default 2026
        Random seed of the bootstrap and of every forecast (0 to 2**32 − 1).
    use_cache : bool, default True
        Whether an earlier build of the same brief into ``out_dir`` is reused; False recomputes everything.
    progress : callable or None, default: a line on stderr when it is a terminal
        Called as ``progress(i, n, label)`` before each of the ``n`` sections (``label`` one of ``STEPS``); None
        reports nothing.

    Returns
    -------
    Brief
        The path of ``index.html``, the seconds taken, whether the cache was used, and findings.json's content.

    Raises
    ------
    UsageError
        ``country`` is not a known ISO-3 code, is an aggregate, or is CHN or RUS.
    CoverageError
        ``country`` has no partner composition in the IMF DOTS panel.
    IntegrityError
        A bundled dataset's file no longer matches the data manifest.
    DataFileError
        The parent folder of ``out_dir`` cannot be created or written to, or ``out_dir`` is a file.
    KeyboardInterrupt
        The build was interrupted (Ctrl-C, SIGTERM): nothing is written.

    See Also
    --------
    to_pdf : the brief printed to PDF.
    kzecon.study.pipeline : the one function per result the brief renders.

    Notes
    -----
    A whole build takes tens of seconds even with small ``reps`` and ``paths``, longer with the defaults: on the
    command line it is ``kzecon brief --out DIR`` (``--country``, ``--reps``, ``--paths``, ``--seed``,
    ``--no-cache``, ``--pdf``). The tutorial ``docs/tutorials/brief_api.md`` computes the brief's main results
    through the Python API, executed when the documentation is built.

    Examples
    --------
    The example does not build a brief (see Notes); it shows the key a build with these options is cached under,
    and how one number of the text is worded:

    >>> from kzecon.study.brief import cache_key, likelihood
    >>> len(cache_key({"reps": 99, "paths": 500, "seed": 2026}))
    20
    >>> likelihood(0.8)
    'likely'
    """
    from kzecon.report.output import Output

    t0 = time.perf_counter()
    final = Path(out_dir)
    country = pipeline.check_country(country)
    options = {"reps": reps, "paths": paths, "seed": seed}
    if country != pipeline.DEFAULT_COUNTRY:
        options["country"] = country
    key = cache_key(options)
    cache_name = f".kzecon-cache/brief-{key}.json"
    if use_cache:
        hit = _read_cache(final / cache_name, final)
        if hit is not None:
            return Brief(path=final / "index.html", seconds=time.perf_counter() - t0, cached=True,
                         findings=hit["findings"])
    # everything is written into a temporary folder and moved into place at the end: an interrupted or failed
    # build leaves the folder as it was
    with Output(final) as out:
        progress = progress or (lambda *a: None)
        fig_dir = out.tmp / "figures"
        fig_dir.mkdir(parents=True, exist_ok=True)
        res = _compute(fig_dir, reps, paths, seed, progress, country)
        data_rows = []
        # the datasets this process read and those the world-gravity process read: only what this brief used
        for name in sorted(set(res.get("datasets_child", ())) | kzecon.data.datasets_read()):
            info = kzecon.data.describe(name)
            data_rows.append({"name": name, "title": info.title, "source": info.source, "rows": info.rows,
                              "sha256": info.sha256})
        recorded = _Findings()
        tdir = resources.files("kzecon.study") / "templates"
        html = environment(recorded).get_template("brief.html.j2").render(
            r=res, datasets=data_rows, versions=_versions(), options=options, cache_key=key,
            built=time.strftime("%Y-%m-%d"), css=(tdir / "brief.css").read_text(encoding="utf-8"))
        out.path("index.html").write_text(html, encoding="utf-8")
        res["findings"] = recorded.values  # every number the text quotes, recorded where the templates quote it
        findings = findings_record(res)
        out.path("findings.json").write_text(json.dumps(findings, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        res["peers"].to_csv(out.path("peers.csv"), index=False, lineterminator="\n", float_format="%.6g")
        res["data_quality"].to_csv(out.path("data_quality.csv"), index=False, lineterminator="\n",
                                   float_format="%.6g")
        written = sorted(p for p in out.tmp.rglob("*") if p.is_file() and ".kzecon-cache" not in p.parts)
        record = {k: res[k] for k in ("top_line", "layout", "figures", "warnings")}
        record["findings"] = findings
        record["outputs"] = {p.relative_to(out.tmp).as_posix(): _sha(p) for p in written}
        out.path(cache_name).write_text(json.dumps(record, sort_keys=True), encoding="utf-8")
    for old in (final / ".kzecon-cache").glob("brief-*"):
        if old.name != Path(cache_name).name:
            old.unlink()
    return Brief(path=final / "index.html", seconds=time.perf_counter() - t0, cached=False, findings=findings)


def to_pdf(index_html: Path, pdf: Path | None = None, *, browser: str | None = None) -> Path:
    """Print the brief to PDF with a headless Chromium (Debian's ``chromium``); raises if none is installed.

    Parameters
    ----------
    index_html : pathlib.Path
        The brief's page (:attr:`Brief.path`); its figures are read from beside it.
    pdf : pathlib.Path, optional
        Where the PDF is written. Default: ``index_html`` with the suffix ``.pdf``.
    browser : str, optional
        The Chromium (or Chrome) executable. Default: the first of ``chromium``, ``chromium-browser`` and
        ``google-chrome`` on the ``PATH``.

    Returns
    -------
    pathlib.Path
        The PDF written.

    Raises
    ------
    KzeconError
        No Chromium is given or found, or it exits with an error or writes no PDF.
    FileNotFoundError
        ``browser`` names no executable.
    subprocess.TimeoutExpired
        Chromium takes more than 180 seconds.

    See Also
    --------
    build

    Examples
    --------
    A browser that fails (here ``false``, which exits with status 1) is reported as a :class:`KzeconError`:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from kzecon.errors import KzeconError
    >>> from kzecon.study.brief import to_pdf
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = Path(tmp) / "index.html"
    ...     _ = page.write_text("<p>A brief</p>", encoding="utf-8")
    ...     try:
    ...         to_pdf(page, browser="false")
    ...     except KzeconError as err:
    ...         print(err)
    Chromium could not print the brief to PDF (exit 1)
    """
    import shutil
    import subprocess

    from kzecon.errors import KzeconError

    exe = browser or shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        raise KzeconError("a PDF needs a headless Chromium (Debian: apt-get install chromium); the HTML brief is "
                          "complete without it")
    pdf = pdf or Path(index_html).with_suffix(".pdf")
    r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", Path(index_html).resolve().as_uri()],
                       capture_output=True, text=True, timeout=180)
    if r.returncode != 0 or not pdf.exists():
        raise KzeconError(f"Chromium could not print the brief to PDF (exit {r.returncode})")
    return pdf
