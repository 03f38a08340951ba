"""The one-command policy brief: run the pipeline on the bundled data, write ``index.html`` with its figures.

``build(out_dir)`` runs measures, time-series tests, forecasts with their backtest, product composition, the
customs-union DiD, Kazakhstan's policy gravity (and the Advanced Guide check), and UN vote alignment; writes
figures to ``out_dir/figures/``, tables into the page, and the key findings — every number filled in from the
results and recorded in ``out_dir/findings.json`` — through a jinja2 template. Versions, seeds and the SHA-256
of every dataset used go into the page. A cache in ``out_dir/.kzecon-cache/`` (keyed on kzecon's source files,
the data manifest and the options) makes a second run with unchanged code and data re-render only the page.
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
from kzecon.study import pipeline
from kzecon.study.decomposition import POLICY_TERMS as DECOMPOSITION_TERMS

PACKAGES = ("numpy", "pandas", "scipy", "statsmodels", "linearmodels", "pyfixest", "pmdarima", "arch", "matplotlib",
            "jinja2", "wildboottest")
STEPS = ("where we are", "how we got here", "where we are heading", "trade policy", "oil", "politics",
         "top line", "peers")


@dataclass(frozen=True)
class Brief:
    """A built brief: the path of its index.html, the build time, whether it came from the cache, and findings.json's
    content."""
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
    folder, the options and the version."""
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
        if isinstance(value, (int, np.integer)) and fmt == "{:.1f}":
            fmt = "{:d}"
        v = value * scale if isinstance(value, (float, np.floating, int, np.integer)) and scale != 1 else value
        shown = fmt.format(v.item() if hasattr(v, "item") else v)
        if shown.startswith("-") and not any(c in "123456789" for c in shown):
            shown = shown[1:]  # a value that rounds to zero is shown as 0.00, not −0.00
        self.values[key] = {"value": float(value) if isinstance(value, (float, np.floating, int, np.integer))
                            else value, "scale": scale, "shown": shown}
        return f'<span class="num" data-key="{key}">{shown}</span>'


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
    """A probability in words (the IPCC's calibrated language)."""
    return ("virtually certain" if p >= 0.99 else "very likely" if p >= 0.9 else "likely" if p >= 0.66
            else "about as likely as not" if p > 0.33 else "unlikely" if p > 0.1 else "very unlikely")


class _Brief:
    """What the sections write into: the recorded numbers (``F``), texts, tables, figures by section, layout
    problems."""

    def __init__(self, fig_dir: Path):
        self.F = _Findings()
        self.fig_dir = fig_dir
        self.name, self.source, self.events = "Kazakhstan", pipeline.TRADE_SOURCE, None
        self.out: dict = {"tables": {}, "figures": {}, "notes": {}, "sections": {}, "layout": {}, "missing": {}}

    def fig(self, name, f, caption, section):
        import warnings

        problems = figures.layout_problems(f)  # text over text or data, clipped text: recorded and warned
        if problems:
            self.out["layout"][name] = problems
            warnings.warn(f"figure {name}: {'; '.join(problems[:3])}", stacklevel=2)
        figures.save(f, self.fig_dir / name)
        self.out["figures"][name] = caption
        self.out["sections"].setdefault(section, []).append(name)


def _in_child(name: str, kwargs: dict):
    """Run ``kzecon.study.pipeline.<name>(**kwargs)`` in a worker process: the result (it travels without the fitted
    models' working arrays, see :func:`kzecon.results.reduce_frozen`) and the warnings raised on the way."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = getattr(pipeline, name)(**kwargs)
    return res, [(w.category, str(w.message)) for w in caught], sorted(kzecon.data.datasets_read())


def _quiet_worker() -> None:
    """A worker ignores Ctrl-C (the terminal sends it to the whole process group): the parent reports the
    interrupt in one line and terminates the worker, which would otherwise print a traceback of its own."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Background:
    """One pipeline function run in a second process while this one computes and renders the other sections (the
    sections are independent; on one core it runs in place, when its result is asked for). An error or an
    interrupt in either process stops both."""

    def __init__(self, name: str, **kwargs):
        import multiprocessing
        import os

        self.name, self.kwargs, self.pool, self.datasets = name, kwargs, None, []
        if (os.cpu_count() or 1) > 1:
            import signal
            import threading

            # the worker must ignore Ctrl-C from its first instruction: a spawned interpreter inherits an ignored
            # SIGINT (the initializer runs only after it has unpickled its task, and a Ctrl-C before that printed a
            # traceback of its own)
            main = threading.current_thread() is threading.main_thread()
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
            try:
                self.pool = multiprocessing.get_context("spawn").Pool(1, initializer=_quiet_worker)
            finally:
                if main:
                    signal.signal(signal.SIGINT, previous)
            self.job = self.pool.apply_async(_in_child, (name, kwargs))

    def result(self):
        import warnings

        if self.pool is None:
            return getattr(pipeline, self.name)(**self.kwargs)
        res, caught, self.datasets = self.job.get()
        for category, message in caught:
            warnings.warn(message, category, stacklevel=2)
        return res

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.pool is not None:
            if exc_type is None:
                self.pool.close()
                self.pool.join()
            else:
                self.pool.terminate()
        return False


def _pipeline(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable, country: str) -> dict:
    """Call the library's one function per result (:mod:`kzecon.study.pipeline`) and render each section: text with
    every number recorded, figures, tables. No statistics here. The annual world gravity (the longest result)
    runs in a second process meanwhile."""
    with _Background("world_gravity", seed=seed) as world_gravity:
        return _sections(fig_dir, reps, paths, seed, progress, world_gravity, country)


def _sections(fig_dir: Path, reps: int, paths: int, seed: int, progress: Callable, world_gravity,
              country: str) -> dict:
    """The sections in :data:`STEPS`; trade policy, which waits for the world gravity, is rendered last so the
    others render meanwhile. Warnings are gathered by section and re-issued in the reading order."""
    import warnings

    b = _Brief(fig_dir)
    caught: dict[str, list] = {}
    order = ("where we are", "how we got here", "where we are heading", "oil", "politics", "top line", "peers",
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
        b.out["top_line"] = _top_line(ts, dr)
        problems = _one_pager(fig_dir, b.out["top_line"], ts, dr)
        if problems:
            b.out["layout"]["summary.png"] = problems

    b.events = _events_for(country)
    ts = step("where we are", where_we_are)
    b.name, b.source = ts.name, ts.source
    step("how we got here", lambda: _how_we_got_here(b, pipeline.share_breaks(ts)))
    dr = step("where we are heading", heading)
    step("oil", lambda: unless_missing("oil", lambda: _oil(b, pipeline.products(country))))
    step("politics", lambda: unless_missing("politics", lambda: _politics(b, pipeline.un_alignment(country))))
    step("top line", top_line)
    step("peers", lambda: _peers(b, pipeline.peers(country=country, headline=dr, shares=ts, paths=paths, seed=seed)))
    def trade_policy():
        wg = world_gravity.result()
        _trade_policy(b, unless_missing("customs union",
                                        lambda: pipeline.customs_union(country=country, reps=reps, seed=seed)), wg, ts)
        static = wg.models["ppml_static"].params
        coef = {t: float(static[t]) for t in DECOMPOSITION_TERMS}
        de = unless_missing("why", lambda: pipeline.decompose(country=country, coefficients=coef))
        if de is not None:
            _why_the_tilt(b, de)

    step("trade policy", trade_policy)
    out = b.out
    out["data_quality"] = pipeline.data_quality(country)
    out["datasets_child"] = list(world_gravity.datasets)  # what the second process read
    out["country"], out["name"], out["p_headline"] = ts.country, ts.name, dr.p_headline
    out["source"], out["n_years"] = ts.source, int(dr.composition['year'].nunique())
    out["findings"] = b.F.values
    for label in STEPS:
        for w in caught.get(label, []):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return out


def _events_for(country: str) -> dict[int, str]:
    """The policy events the figures mark: the economy's own (:func:`kzecon.study.pipeline.policy_events`)."""
    return pipeline.policy_events(country)


def _events_phrase(events: dict[int, str]) -> str:
    """', with the customs union (2010), BRI announced (2013) and EAEU (2015) marked' — or nothing."""
    if not events:
        return ""
    items = [f"{label} ({year})" for year, label in sorted(events.items())]
    return ", with " + (" and ".join(items) if len(items) < 3 else ", ".join(items[:-1]) + " and " + items[-1]) + \
        " marked"


def _where_we_are(b: _Brief, ts) -> None:
    F, out, fig = b.F, b.out, b.fig
    tot, last, name = ts.total, ts.last_year, ts.name
    base = 2000 if 2000 in tot.index else ts.first_year
    chn_last, rus_last = tot.loc[last, "china"], tot.loc[last, "russia"]
    since = ts.china_ahead_since
    ahead = (f"China's share has stayed above Russia's every year since "
             f"{F.add('china_above_since', since, '{:d}')}." if since is not None
             else f"China's share was not above Russia's in {last}." if chn_last <= rus_last
             else "China's share is above Russia's now but has not stayed there.")
    my = ts.mirror_year
    mirror = ""
    if my is not None:
        g = ts.mirror[(ts.mirror["partner"] == "CHN") & (ts.mirror["year"] == my) & (ts.mirror["flow"] == "export")].iloc[0]
        mirror = (f" Which side reports matters: for {my} China records "
                  f"{F.add(f'mirror_{my}_bn', g['mirror_usd'] / 1e9, '{:.2f}')} bn USD of imports from {name}, {name} "
                  f"{F.add(f'reported_{my}_bn', g['reported_usd'] / 1e9, '{:.2f}')} bn USD of exports to China; the "
                  f"shares above use {name}'s side throughout.")
    out["text_measures"] = (
        f"In {F.add('last_year', last, '{:d}')} China took {F.add('china_share_last', chn_last, scale=100)}% "
        f"of {name}'s total trade and Russia {F.add('russia_share_last', rus_last, scale=100)}% "
        f"({ts.side}); in {base} the shares were "
        f"{F.add(f'china_share_{base}', tot.loc[base, 'china'], scale=100)}% and "
        f"{F.add(f'russia_share_{base}', tot.loc[base, 'russia'], scale=100)}%. {ahead} The multi-vector balance index is "
        f"{F.add('balance_last', ts.balance_in(last), '{:.2f}')} (1 = even across China, Russia, the EU and the rest)."
        + mirror)
    src = "kzecon from " + ts.source
    ev = b.events
    fig("shares_total.png", figures.share_paths(ts.shares, flow="total", source=src, vintage=ts.vintage, events=ev),
        f"Partner shares of {name}'s total trade ({name}'s figures){_events_phrase(ev)}.", "where")
    fig("tilt.png", figures.tilt(ts.tilt, source=src, vintage=ts.vintage, events=ev,
                                 title=f"China–Russia tilt of {name}'s trade"),
        "China–Russia tilt: China's share minus Russia's, by flow (above zero: tilted toward China).", "where")
    fig("balance.png", figures.balance_concentration(ts.balance, ts.concentration, source=src, events=ev,
                                                     title=f"Balance and concentration of {name}'s trade"),
        "Multi-vector balance index and normalised partner concentration (HHI).", "where")
    if len(ts.mirror):
        caption, source = _mirror_caption(ts)
        fig("mirror_gap.png", figures.mirror_gap(ts.mirror, reporter=ts.country, source=source), caption, "where")


def _mirror_caption(ts) -> tuple[str, str]:
    """The mirror figure's caption and footer, built from the series plotted: each side's sources with their years,
    and whether the years are annual or have gaps."""
    m = ts.mirror

    def sources(col):
        g = m.groupby(col)["year"].agg(["min", "max"]).sort_values("min")
        return ", ".join(f"{figures.SOURCE_NAMES.get(s, s)} {int(r['min'])}–{int(r['max'])}" if r["min"] != r["max"]
                         else f"{figures.SOURCE_NAMES.get(s, s)} {int(r['min'])}" for s, r in g.iterrows())

    years = sorted(m["year"].unique())
    gaps = [y for y in range(years[0], years[-1] + 1) if y not in set(years)]
    freq = ("annual" if not gaps else f"annual except {', '.join(map(str, gaps[:8]))}{' …' if len(gaps) > 8 else ''} "
            "(no line across a missing year)")
    rep, mir = sources("source_reported"), sources("source_mirror")
    caption = (f"{ts.name}'s reported trade with China and Russia ({rep}) against the partners' own (mirror) figures "
               f"({mir}); {years[0]}–{years[-1]}, {freq}. Where several sources report a year, the first of the "
               "precedence order is plotted.")
    return caption, f"kzecon from {rep} ({ts.name}-reported) and {mir} (partner-reported)"


def _how_we_got_here(b: _Brief, sb) -> None:
    F, out, fig = b.F, b.out, b.fig
    br = sb.breaks
    src = "kzecon from " + b.source
    adf, kpss = sb.p_value("ADF"), sb.p_value("KPSS")
    adf_says = "rejects a unit root" if adf < 0.05 else "does not reject a unit root"
    kpss_says = "rejects stationarity" if kpss < 0.05 else "does not reject stationarity"
    reading = ("the share wanders rather than returning to a level" if adf >= 0.05 and kpss < 0.05 else
               "the share returns to a stable level" if adf < 0.05 and kpss >= 0.05 else
               "the two tests disagree, so neither reading is settled")

    def one(i, r):
        ci = (f"95% interval {int(r['lower'])}–{int(r['upper'])}" if np.isfinite(r["lower"]) and np.isfinite(r["upper"])
              else "its interval could not be computed")
        return f"{F.add(f'break_{i}', int(r['year']), '{:d}')} ({ci})"

    n = int(len(br))
    seq = sb.breaks["n_breaks_sequential"].iloc[0] if n and "n_breaks_sequential" in sb.breaks else None
    agree = ("" if seq is None or not np.isfinite(seq) or int(seq) == n else
             f" (the sequential sup-F tests, at 5%, support {int(seq)}: read the later dates as less certain)")
    breaks = (f"Bai–Perron finds {F.add('n_breaks', n, '{:d}')} shift{'s' if n != 1 else ''} in its level (BIC)"
              f"{agree}, the new regime{'s' if n != 1 else ''} starting in "
              + ", ".join(one(i, r) for i, (_, r) in enumerate(br.iterrows())) + "." if n else
              f"Bai–Perron finds {F.add('n_breaks', 0, '{:d}')} shifts in its level (BIC).")
    # statsmodels' KPSS interpolates its p-value in a table bounded at 0.01 and 0.10: a bound is said as one
    kpss_txt = ("≤ " + F.add('kpss_p', kpss, '{:.2f}') if kpss <= 0.01 else
                "≥ " + F.add('kpss_p', kpss, '{:.2f}') if kpss >= 0.10 else "= " + F.add('kpss_p', kpss, '{:.2f}'))
    out["text_timeseries"] = (
        f"{'The rise was not steady. ' if len(br) else ''}On the logit of China's share, the ADF test {adf_says} "
        f"(p = {F.add('adf_p', adf, '{:.2f}')}) and KPSS {kpss_says} "
        f"(p {kpss_txt}): {reading}. " + breaks)
    fig("share_breaks.png", figures.share_breaks(sb.series, br, source=src, events=b.events,
                                                 title=f"China's share of {b.name}'s trade: structural breaks"),
        "China's share with its Bai–Perron regimes (shaded: 95% break-date intervals).", "history")
    t = sb.tests[["test", "regression", "statistic", "p_value", "decision"]].assign(
        regression=lambda d: d["regression"].map(DETERMINISTIC).fillna(d["regression"]))
    out["tables"]["tests"] = t.rename(columns={"test": "test", "regression": "deterministic terms",
                                               "statistic": "statistic", "p_value": "p-value",
                                               "decision": "decision at 5%"}).to_html(
        index=False, float_format=lambda x: f"{x:.3f}", classes="data", border=0)


def _where_we_are_heading(b: _Brief, dr, last: int) -> None:
    F, out, fig = b.F, b.out, b.fig
    q0, q2, y5, y10 = dr.quote_years
    c5 = dr.share("china", y5)
    ws = dr.world_summary
    wcal = ws[ws["model"] == dr.model].set_index("horizon")
    wrw = ws[ws["model"] == "rw"].set_index("horizon")
    econ, ece = _world_reliability(dr)
    cov_lo, cov_hi = wcal["coverage_90"].min(), wcal["coverage_90"].max()
    brier_gain = 1 - wcal["brier_pairwise"] / wrw["brier_pairwise"]
    mae = wcal["mae_ratio"]
    kaz = dr.backtest.coverage
    kc = kaz[(kaz["model"] == dr.model) & np.isclose(kaz["nominal"], 0.9)].set_index("horizon")
    p = dict(zip((1, 3, 5, 10), (dr.probability("china_above_russia", y) for y in dr.quote_years), strict=True))
    gap = dr.after_data
    after = (f"The data end in {last}: {gap[0]}–{gap[1] if gap[1] > gap[0] else gap[0]} "
             f"{'are' if gap[1] > gap[0] else 'is'} past but not yet in them, so the model's figures for "
             f"{'those years' if gap[1] > gap[0] else 'that year'} are estimates, not forecasts of the future (newer "
             f"figures: <code>kzecon data update --source imf --countries {dr.country}</code>). " if gap else "")
    out["headline_model"] = figures.label(dr.model)
    out["text_forecast"] = (
        f"The headline forecast comes from the {figures.label(dr.model)}: "
        + ("median regressions, learned from about 200 economies' partner shares since 1975, of how a partner's "
           "share moves with that partner's rise or fall across the world's trade and with the economy's own recent "
           "path; the partners' growth and the oil price are not in it (on economies it never saw they did not make "
           "it more accurate) but enter the scenarios below. " if dr.model.startswith("pooled") else
           "its dynamics were learned from about 200 economies' partner shares since 1960"
           + (f", moved by the partners' economic growth and the oil price (their futures simulated, {dr.name}'s own "
              "oil exposure learned from its history). " if dr.model.startswith("drivers") else ". ")) +
        after +
        f"It makes it {likelihood(p[5])} that China's share is above Russia's in {y5} "
        f"({F.add('p_cr_1', p[1], '{:.0f}', 100)}% for {q0}, {F.add('p_cr_3', p[3], '{:.0f}', 100)}% for {q2}, "
        f"{F.add('p_cr_5', p[5], '{:.0f}', 100)}% for {y5}, {F.add('p_cr_10', p[10], '{:.0f}', 100)}% for {y10}); China's "
        f"share in {y5}: {F.add('china_5y', c5['mean'], scale=100)}% (90% interval "
        f"{F.add('china_5y_lo', c5['lower_90'], scale=100)}–{F.add('china_5y_hi', c5['upper_90'], scale=100)}%). "
        f"<strong>How far to trust it.</strong> On {_held_out_phrase(econ)} the model never saw "
        f"(forecasts from 2000–2015, 1–5 years ahead), events it gave a probability to happened about as often as it said "
        f"(average gap {F.add('world_ece', ece, '{:.1f}', 100)} percentage points), and its Brier score on crossing events "
        f"was {F.add('world_brier_gain_h5', abs(brier_gain.loc[5]), '{:.0f}', 100)}% "
        f"{'better' if brier_gain.loc[5] >= 0 else 'worse'} than the random walk's five years "
        f"ahead; its 90% intervals held {F.add('world_cov_lo', cov_lo, '{:.0f}', 100)}–{F.add('world_cov_hi', cov_hi, '{:.0f}', 100)}% "
        f"of outcomes ({'wider than they need be' if cov_lo > 0.92 else 'narrower than they should be' if cov_hi < 0.88 else 'close to nominal'}), "
        f"{'but' if mae.min() >= 0.97 else 'and'} its central forecasts were "
        f"{'no more accurate than' if mae.min() >= 0.97 else 'more accurate than'} assuming no change "
        f"(mean absolute error {F.add('world_mae_lo', mae.min(), '{:.2f}')}–{F.add('world_mae_hi', mae.max(), '{:.2f}')} "
        f"times the no-change forecast's). On {dr.name}'s own backtest ({_own_origins(dr)}) its 90% intervals covered "
        f"{F.add('cov_h1', kc.loc[1, 'empirical'], '{:.0f}', 100)}% of outcomes one year ahead and "
        f"{F.add('cov_h5', kc.loc[5, 'empirical'], '{:.0f}', 100)}% five years ahead (n = {int(kc.loc[1, 'n'])} and "
        f"{int(kc.loc[5, 'n'])} part-years). {_own_reliability(F, dr)}{_versus_random_walk(F, dr)} Read the "
        f"probabilities as odds, not as a prediction of the year of any crossing.")
    _scenarios(b, dr)
    comp_rows = []
    for _, r in dr.comparison.iterrows():
        head = r["model"] == dr.model
        comp_rows.append({
            "model": ("<strong>" if head else "") + r["name"] + (" (headline)</strong>" if head else ""),
            "how it forecasts": r["how"],
            f"China {y5}, % (90% interval)": f"{100 * r['china_mean']:.1f} ({100 * r['china_lower_90']:.1f}–"
                                             f"{100 * r['china_upper_90']:.1f})",
            f"P(China > Russia) {y5}": f"{100 * r['p_china_above_russia']:.0f}%",
            f"{dr.name} backtest: CRPS (lower is better)": f"{r['own_crps']:.4f}",
            "coverage of 90% intervals, 1 / 5 years ahead": f"{100 * r['own_cov90_h1']:.0f}% / {100 * r['own_cov90_h5']:.0f}%",
        })
    out["tables"]["forecast_comparison"] = pd.DataFrame(comp_rows).to_html(index=False, escape=False,
                                                                          classes="data", border=0)
    wt = ws[ws["model"].isin([dr.model, "world", "rw", "statsforecast_ets"])].copy()
    wt["model"] = wt["model"].map(figures.label)
    out["tables"]["world_backtest"] = wt[["model", "horizon", "coverage_90", "width_90", "mae_ratio", "crps",
                                          "brier_pairwise", "ece"]].rename(columns={
        "horizon": "years ahead", "coverage_90": "coverage of 90% interval", "width_90": "mean width of 90% interval",
        "mae_ratio": "MAE / no change", "crps": "CRPS", "brier_pairwise": "Brier (crossings)",
        "ece": "ECE (all horizons)"}).to_html(index=False, float_format=lambda x: f"{x:.3f}", classes="data",
                                              border=0)
    hist = dr.composition
    msrc = f"kzecon, {figures.label(dr.model)}, {dr.paths} paths, seed {dr.seed}"
    fig("fan_chart.png", figures.composition_fan(hist, dr.paths_summary, source=msrc, events=b.events,
                                                 title=f"Partner shares: history and the {y10} forecast"),
        f"The headline forecast ({figures.label(dr.model)}): history and 90% bands of the simulated compositions.",
        "heading")
    ev = kzecon.forecast.core.load_events().set_index("event")["description"].to_dict()
    fig("risk.png", figures.risk_probabilities(dr.risk, source=msrc, labels=ev,
                                               title="Probability of each event in each year"),
        "Probability of each risk event by year, headline model.", "heading")
    fig("reliability_world.png", figures.reliability_world(
            dr.world_reliability, models=tuple(dict.fromkeys((dr.model, "drivers_cal", "rw", "statsforecast_ets")))),
        "Reliability of event probabilities on economies held out of the world backtest (2000–2015 origins).",
        "heading")
    own = dr.backtest.reliability
    models = [dr.model, *[m for m in dict.fromkeys(own["model"]) if m != dr.model]]
    fig("reliability.png", figures.reliability(own, source=f"kzecon backtest on {dr.name}", models=models,
                                               title=f"Reliability on {dr.name}'s own backtest"),
        f"The same check on {dr.name}'s own rolling-origin backtest (2005 onwards): few events per bin, so each "
        f"point is uncertain; grey: where the {figures.label(dr.model)}'s points would fall 95% of the time if its "
        "probabilities were right (events treated as independent).", "heading")
    fig("coverage.png", figures.coverage(dr.backtest.coverage, source=f"kzecon backtest on {dr.name}"),
        f"Empirical coverage of the 90% intervals on {dr.name}'s backtest, by horizon (bars: Wilson 95% intervals).",
        "heading")


def _own_origins(dr) -> str:
    """'20 origins, 2005–2024': the economy's own rolling-origin backtest, counted from its records."""
    o = dr.backtest.records["origin"]
    return f"{o.nunique()} forecast origins, {int(o.min())}–{int(o.max())}"


def _versus_random_walk(F: _Findings, dr) -> str:
    """The headline against the random walk on the economy's own backtest and in width, computed, said either way."""
    c = dr.comparison.set_index("model")
    if "rw" not in c.index:
        return ""
    h, rw = c.loc[dr.model], c.loc["rw"]
    wh, wr = h["china_upper_90"] - h["china_lower_90"], rw["china_upper_90"] - rw["china_lower_90"]
    better = h["own_crps"] < rw["own_crps"]
    return (f" On {dr.name}'s own backtest the random walk's CRPS was {F.add('own_crps_rw', rw['own_crps'], '{:.4f}')}"
            f" against the headline's {F.add('own_crps_head', h['own_crps'], '{:.4f}')}: "
            + ("the headline did better there too." if better else
               "the random walk did better on this one economy's short record, the headline on the world's.")
            + f" The headline's 90% interval for China's share in {pipeline.HEADLINE_YEAR} is "
            + ("narrower" if wh < wr else "wider") + f" than the random walk's ({100 * wh:.0f} against {100 * wr:.0f} "
            "points).")


def _ri_clause(F: _Findings, wg) -> str:
    """'; randomization inference … gives p = …' when the stored placebo run matches the model, else why not."""
    r = wg.ri.get(("ppml_static", "eaeu"))
    if r is None:
        return "; randomization inference over placebo blocs is not shown (see the warnings)"
    return (f"; randomization inference over {r.reps} placebo blocs of the union's size and timing, drawn from "
            f"comparable countries, gives p = {F.add('eaeu_p_ri', r.p_value, '{:.2f}')}")


def _membership(country: str, policies) -> int | None:
    """The first year ``country`` is in any of ``policies`` in the cited membership table, or None."""
    m = kzecon.data.load_policy_membership()
    m = m[(m["iso3"] == country) & m["policy"].isin(policies)]
    return int(m["from_year"].min()) if len(m) else None


MID = (0.2, 0.8)  # the middle probabilities checked on the economy's own backtest


def _own_mid(dr, lo: float = MID[0], hi: float = MID[1]):
    """The headline model's events given ``lo``–``hi`` on the economy's own backtest: (mean forecast, observed
    frequency, its Wilson 95% interval, n, the number of forecasts above ``hi``), or None below 10 events."""
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
    return pred, obs, w_lo, w_hi, n, int(r[r["predicted"] > hi]["n"].sum())


def _own_band(F: _Findings, dr) -> str:
    """How many of the headline model's own-backtest reliability points lie where a calibrated forecaster's would
    (the consistency band of the reliability figure)."""
    from kzecon.forecast.scores import consistency_band

    r = dr.backtest.reliability
    r = r[r["model"] == dr.model]
    if r.empty:
        return ""
    lo, hi = consistency_band(r["predicted"], r["n"])
    inside = int(((r["observed"] >= lo - 1e-12) & (r["observed"] <= hi + 1e-12)).sum())
    return (f"{F.add('own_band_inside', inside, '{:d}')} of its {F.add('own_band_bins', len(r), '{:d}')} reliability "
            f"points on {dr.name}'s own backtest {'lies' if inside == 1 else 'lie'} inside the range a calibrated "
            "forecast would give (95%; figure). ")


def _own_reliability(F: _Findings, dr, lo: float = MID[0], hi: float = MID[1]) -> str:
    """What the economy's own backtest says about the headline model's middle probabilities (``lo``–``hi``):
    how often those events happened, with a Wilson 95% interval, against how often they were forecast."""
    got = _own_mid(dr, lo, hi)
    if got is None:
        return _own_band(F, dr) + (f"On {dr.name}'s own backtest too few events were given {lo:.0%}–{hi:.0%} to "
                                   "check those odds.")
    pred, obs, w_lo, w_hi, n, n_top = got
    verdict = ("far less often than forecast: on this economy the model's odds have been too high, so read its "
               "probabilities for it as an upper end" if w_hi < pred else
               "more often than forecast: on this economy its odds have been too low" if w_lo > pred else
               "about as often as forecast")
    few = (f" It never gave more than {hi:.0%} there." if n_top == 0 else
           f" Its highest probabilities (above {hi:.0%}) were given {n_top} times in the backtest, too few to check."
           if n_top < 10 else "")
    return (_own_band(F, dr) + f"On {dr.name}'s own backtest, the events it gave a {lo:.0%}–{hi:.0%} chance (on average "
            f"{F.add('own_rel_pred', pred, '{:.0f}', 100)}%) happened {F.add('own_rel_obs', obs, '{:.0f}', 100)}% of "
            f"the time (95% interval {F.add('own_rel_lo', w_lo, '{:.0f}', 100)}–{F.add('own_rel_hi', w_hi, '{:.0f}', 100)}%, "
            f"n = {F.add('own_rel_n', n, '{:d}')} event-years): {verdict}.{few}")


def _trade_policy(b: _Brief, cu, wg, ts) -> None:
    if cu is None:
        return _trade_policy_world(b, wg, ts)
    F, out, fig = b.F, b.out, b.fig
    d = cu.did
    st = wg.models["ppml_static"]
    es = wg.event_study()
    esi = es.set_index("event_time")
    lead = int(es["event_time"].min())
    pre = wg.pretrend
    sc = wg.score[("ppml_static", "eaeu")]
    out["text_policy"] = (
        f"<em>Customs union and EAEU.</em> On the annual IMF DOTS panel ({F.add('dots_nobs', st.nobs, '{:,d}')} country "
        f"pairs × years, 2000–2020, PPML with exporter-year, importer-year and pair effects), trade between EAEU members "
        f"after they joined is {F.add('eaeu', st.params['eaeu'], '{:.2f}')} log points from what the model expects "
        f"(clustered p = {F.add('eaeu_p', st.pvalues['eaeu'], '{:.3f}')}; with five members clustered errors overstate "
        f"precision — the wild score bootstrap gives p = {F.add('eaeu_p_score', sc.p_value, '{:.2f}')}"
        f"{_ri_clause(F, wg)}). The event study "
        f"says why no single number will do: members' trade was already "
        f"{F.add('eaeu_lead5', esi.loc[lead, 'estimate'], '{:.2f}')} log points above its path {abs(lead)} or more years "
        f"before entry, and the leads are jointly different from zero (χ²({pre.detail['df']}) = "
        f"{F.add('pretrend_chi2', pre.statistic, '{:.1f}')}, p {'&lt; 0.001' if pre.p_value < 0.001 else '= ' + format(pre.p_value, '.3f')}): "
        f"a pre-trend, so the terms after entry (year 0: {F.add('eaeu_lag0', esi.loc[0, 'estimate'], '{:.2f}')}; years 5, 6 "
        f"and 7: {F.add('eaeu_lag5', esi.loc[5, 'estimate'], '{:.2f}')}, {F.add('eaeu_lag6', esi.loc[6, 'estimate'], '{:.2f}')} "
        f"and {F.add('eaeu_lag7', esi.loc[7, 'estimate'], '{:.2f}')}) do not "
        f"isolate the union's effect. The difference-in-differences on Kazakhstan's and Belarus's own trade with "
        f"Russia against nine other post-Soviet economies and Mongolia (COW v4, 1995–2014) agrees: "
        f"{F.add('did_est', d.params['treat_post'], '{:.3f}')} log points, clustered p = "
        f"{F.add('did_p', d.pvalues['treat_post'], '{:.2f}')}, wild cluster bootstrap p = "
        f"{F.add('did_p_wild', d.stats['p_wild'], '{:.2f}')} with {d.stats['treated_clusters']} treated of "
        f"{d.stats['clusters']} clusters. "
        + ("Both say: no evidence that the union raised Kazakhstan's trade with Russia beyond what was under way before "
           "it." if d.stats["p_wild"] >= 0.10 and sc.p_value >= 0.10 else
           "The few-cluster p-values are small: read them beside the pre-trend above.")
        + f" <em>Belt and Road.</em> Kazakhstan–China trade after the 2013 "
        f"announcement is {F.add('bri', st.params['bri_kaz_chn'], '{:.2f}')} log points (s.e. "
        f"{F.add('bri_se', st.std_errors['bri_kaz_chn'], '{:.2f}')}) from the model's expectation: it grew "
        f"{'less' if st.params['bri_kaz_chn'] < 0 else 'more'} than "
        f"the two countries' trade with everyone else would predict; China's trade with all BRI signatories after "
        f"signing: {F.add('bri_chn', st.params['bri_chn'], '{:.2f}')} (s.e. {F.add('bri_chn_se', st.std_errors['bri_chn'], '{:.2f}')}).")
    _gravity_event_figure(b, es)
    fig("event_study.png", figures.event_study(cu.events, reference=-0.5, title="Customs union and trade with Russia",
                                               ylabel="log trade with Russia, relative to 2009",
                                               source="kzecon from COW v4 (1995–2014); 95% intervals"),
        "Difference-in-differences event study (Kazakhstan and Belarus against post-Soviet controls): two-way FE "
        "and the two-stage DiD (Gardner) side by side; 2010–11 customs statistics inside the union are incomplete.",
        "policy")
    out["tables"]["did"] = tables.regression_table(
        {"log trade with Russia": cu.did, "China's share": cu.did_share}, labels=TERM_LABELS,
        value_labels=VALUE_LABELS, info_rows=("fixed_effects", "covariance"), stats=("p_wild",)).to_html()
    out["tables"]["gravity"] = _gravity_table(st)


KAZAKHSTAN_TERMS = ("bri_kaz_chn", "eaeu_kaz")  # the world model's terms for Kazakhstan's own pairs


def _gravity_table(st, country: str = pipeline.DEFAULT_COUNTRY) -> str:
    """The world gravity model's table; for another economy without the terms that describe Kazakhstan's own pairs
    (they are in the model, said in a note, but they are not that economy's story)."""
    terms = [t for t in st.params.index if country == pipeline.DEFAULT_COUNTRY or t not in KAZAKHSTAN_TERMS]
    left = [t for t in st.params.index if t not in terms]
    notes = ("the model also holds " + str(len(left)) + " term" + ("s" if len(left) > 1 else "")
             + " for one other economy's own pairs, not shown") if left else None
    return tables.regression_table({"PPML": st}, terms=terms, labels=TERM_LABELS, value_labels=VALUE_LABELS,
                                   info_rows=("fixed_effects", "covariance"), stats=("pseudo_r2",),
                                   notes=notes).to_html()


DETERMINISTIC = {"c": "constant", "ct": "constant and trend", "n": "none"}
TERM_LABELS = {**figures.LABELS, "treat_post": "In the customs union (members from 2010)"}
VALUE_LABELS = {"exp_year + imp_year + pair": "exporter-year, importer-year, pair",
                "reporter + year": "country, year", "clustered by pair": "clustered by country pair"}


def _trade_policy_world(b: _Brief, wg, ts) -> None:
    """Trade policy for an economy other than Kazakhstan: the bloc-wide terms of the annual world gravity, with
    whether the economy is in them (the Kazakhstan-specific terms and the customs-union DiD are not shown)."""
    F, out = b.F, b.out
    st = wg.models["ppml_static"]
    sc = wg.score[("ppml_static", "eaeu")]
    name = ts.name
    joined = _membership(ts.country, ("customs_union", "eaeu"))
    signed = _membership(ts.country, ("bri", "bri_mou"))
    member = (f"{name} is a member (from {joined}), so the term includes its pairs with the other members."
              if joined else f"{name} is not a member: the term describes its neighbours' bloc, not its own trade.")
    bri = (f"{name} is among the signatories in the table (from {signed})." if signed else
           f"{name} is not among the dated, sourced signatories in kzecon's table (policy_membership.csv), so the "
           "term does not include its trade with China.")
    out["text_policy"] = (
        f"<em>EAEU.</em> On the annual IMF DOTS panel ({F.add('dots_nobs', st.nobs, '{:,d}')} country pairs × years, "
        f"2000–2020, PPML with exporter-year, importer-year and pair effects), trade between EAEU members after they "
        f"joined is {F.add('eaeu', st.params['eaeu'], '{:.2f}')} log points from what the model expects (clustered p = "
        f"{F.add('eaeu_p', st.pvalues['eaeu'], '{:.3f}')}; with five members clustered errors overstate precision: the "
        f"wild score bootstrap gives p = {F.add('eaeu_p_score', sc.p_value, '{:.2f}')}{_ri_clause(F, wg)}). {member} "
        f"<em>Belt and Road.</em> China's "
        f"trade with the BRI signatories after signing is {F.add('bri_chn', st.params['bri_chn'], '{:.2f}')} log "
        f"points (s.e. {F.add('bri_chn_se', st.std_errors['bri_chn'], '{:.2f}')}) from the model's expectation. {bri}")
    _gravity_event_figure(b, wg.event_study())
    out["tables"]["gravity"] = _gravity_table(st, ts.country)


def _gravity_event_figure(b: _Brief, es) -> None:
    b.fig("gravity_event_study.png", figures.event_study(
        es.assign(model="PPML, DOTS 2000–2020"), binned=True, reference=-0.5,
        title="EAEU members' trade around entry (annual world gravity)",
        ylabel="log points, relative to the year before entry",
        source="kzecon from IMF DOTS (preferred flow: importer-reported / 1.10, else exporter-reported); 95% "
               "intervals clustered by pair"),
        "Event study on the annual world panel: leads (before entry) beside lags; the first and last points bin "
        "all earlier and later years.", "policy")


def _scenarios(b: _Brief, dr) -> None:
    """The growth and oil scenarios from the headline model's scenario layer: one sentence and a table (any
    economy)."""
    sc = dr.scenarios
    if sc is None or sc.empty:
        return
    F, out = b.F, b.out
    y = int(sc["year"].iloc[0])
    by = sc.set_index("scenario")

    def p(name):
        return F.add(f"p_cr_{name}", by.loc[name, "p_china_above_russia"], "{:.0f}", 100) + "%"

    def china(name):
        return F.add(f"china_{name}", by.loc[name, "china_mean"], "{:.1f}", 100) + "%"

    have = set(by.index)
    parts = []
    if {"brent_50", "brent_110"} <= have:
        parts.append(f"Brent at $50 or $110 a barrel gives {p('brent_50')} or {p('brent_110')} "
                     f"(China's share {china('brent_50')} or {china('brent_110')})")
    if {"china_2pct", "china_8pct"} <= have:
        parts.append(f"China's economy growing 2% or 8% a year, {p('china_2pct')} or {p('china_8pct')} "
                     f"(China's share {china('china_2pct')} or {china('china_8pct')})")
    if {"russia_minus_3pct", "russia_plus_3pct"} <= have:
        parts.append(f"Russia's shrinking 3% or growing 3% a year, {p('russia_minus_3pct')} or "
                     f"{p('russia_plus_3pct')}")
    base = (f"P(China's share above Russia's in {y}) is {p('baseline')} in the headline forecast"
            if "baseline" in have else f"P(China's share above Russia's in {y})")
    spread = float(sc["p_china_above_russia"].max() - sc["p_china_above_russia"].min())
    first = int(sc["from_year"].dropna().min()) if sc["from_year"].notna().any() else dr.last_year + 1
    out["text_scenarios"] = (
        f"{base}; {'; '.join(parts)}. Each scenario fixes one driver from {first} to {y} and moves the headline "
        "forecast by its estimated effect: a partner's growth through the gravity model's elasticity of trade to the "
        f"partner's GDP, the oil price through {dr.name}'s own exposure learned from its history; the intervals are "
        "the headline's. Across these scenarios the probability ranges over "
        f"{F.add('scenario_spread', spread, '{:.0f}', 100)} percentage point{'' if round(100 * spread) == 1 else 's'}"
        + (": the drivers matter little beside the shares' own uncertainty." if spread < 0.05 else "."))
    out["tables"]["scenarios"] = pd.DataFrame({
        "scenario": sc["label"].to_list(),
        f"P(China > Russia) {y}": [f"{100 * v:.0f}%" for v in sc["p_china_above_russia"]],
        f"China's share {y}, % (90% interval)": [f"{100 * r.china_mean:.1f} ({100 * r.china_lower_90:.1f}–"
                                                  f"{100 * r.china_upper_90:.1f})" for r in sc.itertuples()],
        f"Russia's share {y}, % (90% interval)": [f"{100 * r.russia_mean:.1f} ({100 * r.russia_lower_90:.1f}–"
                                                   f"{100 * r.russia_upper_90:.1f})" for r in sc.itertuples()],
    }).to_html(index=False, classes="data", border=0)


WHY_PARTS = {"world": "the partner's rise or fall across the rest of the world's trade",
             "policy": "the trade-policy terms of the world gravity model",
             "own": "the economy's own remainder"}


def _why_the_tilt(b: _Brief, de) -> None:
    """The decomposition of China's and Russia's share changes: one sentence each and a table."""
    F, out = b.F, b.out
    t = de.table.set_index("partner")
    lines = []
    for part, who in (("china", "China"), ("russia", "Russia")):
        if part not in t.index:
            continue
        r = t.loc[part]
        dom = de.dominant(part)
        lines.append(
            f"{who}'s share {'rose' if r['change'] >= 0 else 'fell'} by "
            f"{F.add(f'decomp_{part}_change', abs(r['change']), '{:.1f}', 100)} points, of which "
            f"{F.add(f'decomp_{part}_world', r['world'], '{:+.1f}', 100)} came from {WHY_PARTS['world']}, "
            f"{F.add(f'decomp_{part}_policy', r['policy'], '{:+.1f}', 100)} from {WHY_PARTS['policy']} and "
            f"{F.add(f'decomp_{part}_own', r['own'], '{:+.1f}', 100)} from {WHY_PARTS['own']}: "
            f"<strong>the {dom} part dominated</strong>.")
    out["text_why"] = (f"Why the tilt, {de.from_year}–{de.to_year}: " + " ".join(lines) + " The three parts add up to "
                       "the change exactly; the policy part holds the rest of the world's trade as it was "
                       "(partial equilibrium).")
    out["tables"]["why"] = pd.DataFrame({
        "partner": [figures.label(p) for p in t.index],
        f"share {de.from_year}, %": [f"{100 * v:.1f}" for v in t["share_from"]],
        f"share {de.to_year}, %": [f"{100 * v:.1f}" for v in t["share_to"]],
        "change, points": [f"{100 * v:+.1f}" for v in t["change"]],
        "world": [f"{100 * v:+.1f}" for v in t["world"]],
        "policy": [f"{100 * v:+.1f}" for v in t["policy"]],
        "own": [f"{100 * v:+.1f}" for v in t["own"]],
    }).to_html(index=False, classes="data", border=0)


def _oil(b: _Brief, pr) -> None:
    F, out, fig = b.F, b.out, b.fig
    fm = pr.fuels_metals.set_index("year")
    el = pr.brent
    ci = el.conf_int(0.90).loc["log_brent"]
    out["text_products"] = (
        f"Fuels and metals were {F.add('fm_2018', fm.loc[2018, 'share'], '{:.2f}', 100)}% of Kazakhstan's exports to "
        f"China in 2018 and {F.add('fm_2024', fm.loc[2024, 'share'], '{:.1f}', 100)}% in 2024 (2020–22 understate "
        f"metals: copper was not reported). Exports to China move with the oil price: an elasticity of "
        f"{F.add('brent_el', el.params['log_brent'], '{:.2f}')} (90% interval {F.add('brent_el_lo', ci['lower'], '{:.2f}')}"
        f" to {F.add('brent_el_hi', ci['upper'], '{:.2f}')}, 1995–2023, trend-adjusted, HAC errors).")
    fig("products.png", figures.sector_composition(pr.composition), "Kazakhstan's exports to China by sector, with "
        "the fuels + metals share (flagged years shaded).", "oil")
    out["tables"]["fuels_metals"] = (fm[["share"]].assign(share=lambda x: (100 * x["share"]).round(2),
                                                          flag=fm["flag"].map(lambda v: "copper missing" if v else ""))
                                     .T.to_html(classes="data", border=0))


def _politics(b: _Brief, un) -> None:
    F, out, fig = b.F, b.out, b.fig
    (k1, s1), (k2, s2) = un.divergent.items()
    c1, c2 = un.counts(k1), un.counts(k2)
    a = un.series[un.series["year"].between(2014, 2019)]
    out["text_alignment"] = (
        f"In the UN General Assembly, {country_name(un.country)} voted with China {F.add('agree_chn', a['agreement_CHN'].mean(), '{:.0f}', 100)}% "
        f"and with Russia {F.add('agree_rus', a['agreement_RUS'].mean(), '{:.0f}', 100)}% of the time in 2014–2019 "
        f"(abstention = half agreement). Of the {F.add('split_n_1', len(s1), '{:d}')} resolutions of {k1} on which China and "
        f"Russia voted yes against no, {country_name(un.country)} sided with China on {F.add('side_chn_1', int(c1['CHN']), '{:d}')}, with Russia on "
        f"{F.add('side_rus_1', int(c1['RUS']), '{:d}')} and with neither on {F.add('side_neither_1', int(c1['neither'] + c1['absent']), '{:d}')}; "
        f"of the {F.add('split_n_2', len(s2), '{:d}')} of {k2}, with China on {F.add('side_chn_2', int(c2['CHN']), '{:d}')} and with Russia on "
        f"{F.add('side_rus_2', int(c2['RUS']), '{:d}')}. Separate votes on a paragraph, an amendment or a procedural motion are "
        f"not counted as resolutions (read from each record's text).")
    fig("alignment.png", figures.alignment_series(un.series, events=b.events), "UN General Assembly agreement of "
        f"{country_name(un.country)} with China and with Russia, by year (full 0–1 scale).", "politics")


PEER_GROUPS = {"studied": "studied", "central_asia": "Central Asia", "eaeu": "EAEU", "neighbour": "neighbour",
               "commodity_exporter": "oil exporter"}


def _peers(b: _Brief, pe) -> None:
    """The economy among its peers: one sentence and the table (also written as ``peers.csv``)."""
    F, out = b.F, b.out
    t = pe.table
    ok = t[t["p_china_above_russia_2030"].notna()]
    others = ok[ok["country"] != pe.country]
    y = pipeline.HEADLINE_YEAR
    out["text_peers"] = (
        f"Among {F.add('peers_n', int(len(t) - 1), '{:d}')} peers (the Central Asian economies, the EAEU members, "
        f"Mongolia, Azerbaijan and two oil exporters), China's share was above Russia's in "
        f"{F.add('peers_china_ahead', int((others['china_share'] > others['russia_share']).sum()), '{:d}')} of "
        f"{len(others)} in their latest year, and the same headline model makes it very likely (90% or more) that "
        f"China is ahead in {y} in {F.add('peers_p90', int((others['p_china_above_russia_2030'] >= 0.9).sum()), '{:d}')}. "
        f"{b.name}'s own row is the forecast above. The others' shares are from IMF DOTS, each year from the "
        f"economy's own declarations where they are real and from its partners' where the IMF filled them in (the "
        f"'reported by' column); {_horizons_phrase(ok, y)} A peer whose composition could not be forecast is listed "
        f"with the reason.")
    rows = []
    for r in t.itertuples():
        rows.append({"economy": r.name, "group": PEER_GROUPS.get(r.group, r.group),
                     "latest year": "" if pd.isna(r.year) else f"{int(r.year)}",
                     "China, % of trade": "" if pd.isna(r.china_share) else f"{100 * r.china_share:.1f}",
                     "Russia, % of trade": "" if pd.isna(r.russia_share) else f"{100 * r.russia_share:.1f}",
                     f"P(China > Russia) {y}": "" if pd.isna(r.p_china_above_russia_2030)
                     else f"{100 * r.p_china_above_russia_2030:.0f}%",
                     "reported by": r.source, "note": r.note})
    out["tables"]["peers"] = pd.DataFrame(rows).to_html(index=False, classes="data", border=0)
    out["peers"] = t


def _horizons_phrase(t: pd.DataFrame, year: int) -> str:
    """'P(China > Russia) in 2030 is 5 years after the data for Kazakhstan (to 2025) and 10 for the others (to
    2020): the longer ahead, the less certain.' — from the table's data_last_year."""
    if "data_last_year" not in t or t["data_last_year"].isna().all():
        return ""
    g = t.dropna(subset=["data_last_year"]).groupby("data_last_year")["name"].apply(list)
    parts = [f"{year - int(last)} years after the data for {', '.join(names) if len(names) <= 3 else f'{len(names)} economies'}"
             f" (to {int(last)})" for last, names in sorted(g.items(), reverse=True)]
    return f"P(China > Russia) in {year} is " + " and ".join(parts) + ": the further ahead, the less certain."


def _top_line(ts, dr) -> list[str]:
    """Three sentences, each with its uncertainty in words, from the same results as the sections."""
    last = ts.last_year
    chn_last, rus_last = ts.total.loc[last, "china"], ts.total.loc[last, "russia"]
    y5 = pipeline.HEADLINE_YEAR
    p5 = dr.probability("china_above_russia", y5)
    c5 = dr.share("china", y5)
    econ, ece = _world_reliability(dr)
    name, since = ts.name, ts.china_ahead_since
    ahead = (f"China has been ahead every year since {since}" if since is not None
             else "China is behind Russia" if chn_last <= rus_last else "China has only just moved ahead")
    return [
        f"In {last} China took {100 * chn_last:.1f}% of {name}'s trade and Russia {100 * rus_last:.1f}% "
        f"({_last_side(ts)}); {ahead}.",
        f"It is {likelihood(p5)} ({100 * p5:.0f}%) that China's share is above Russia's in {y5}, when "
        f"China's share is expected to be about {100 * c5['mean']:.0f}% (90% interval {100 * c5['lower_90']:.0f}–"
        f"{100 * c5['upper_90']:.0f}%).",
        f"Such probabilities have been reliable on {econ if econ else 'many'} other economies (off by "
        f"{100 * ece:.1f} points on average); {_world_intervals_and_level(dr)}" + _own_caveat(dr) + ".",
    ]


def _last_side(ts) -> str:
    """Whose figures the latest year is: '{name}'s own figures', or its partners' where its own are IMF estimates."""
    side = ts.shares.loc[ts.shares["year"] == ts.last_year, "side"].iloc[0] if "side" in ts.shares else ""
    if "mirror" in str(side) and "reported" not in str(side):
        return f"its partners' figures: {ts.name}'s own for {ts.last_year} are IMF estimates"
    return f"{ts.name}'s own figures"


def _world_intervals_and_level(dr) -> str:
    """What the world backtest says of the headline model's intervals and central forecast, in words from its
    held-out scores."""
    w = dr.world_summary
    w = w[w["model"] == dr.model]
    lo, hi = w["coverage_90"].min(), w["coverage_90"].max()
    width = ("its 90% intervals are on the wide side" if lo > 0.93 else
             "its 90% intervals are on the narrow side" if hi < 0.87 else
             f"its 90% intervals held {100 * lo:.0f}–{100 * hi:.0f}% of outcomes")
    mae = w.set_index("horizon")["mae_ratio"]
    level = ("no model here beats 'no change' at predicting the level itself" if mae.min() >= 0.97 else
             f"its central forecast beats 'no change' by {100 * (1 - mae.loc[mae.index.max()]):.0f}% "
             f"{int(mae.index.max())} years ahead")
    return f"{width}, and {level}"


def _own_caveat(dr) -> str:
    got = _own_mid(dr)
    if got is None or got[3] >= got[0]:
        return ""
    pred, obs = got[0], got[1]
    return (f"; on {dr.name}'s own record its middle-range odds were too high (events given about {100 * pred:.0f}% "
            f"happened {100 * obs:.0f}% of the time), so read its probabilities for {dr.name} as an upper end")


def _held_out_phrase(scored: int | None) -> str:
    """'41 of the 44 economies held out (3 had no forecast from 2000 to score)', from the stored backtest."""
    from kzecon.forecast.world import held_out_total

    total = held_out_total()
    if scored is None:
        return "the held-out economies"
    if total is None or total == scored:
        return f"{scored} economies"
    return f"{scored} of the {total} economies held out ({total - scored} had no forecast from 2000 on to score)"


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
    value, scale, shown)."""
    f = res["findings"]
    head = {"country": res["country"], "p_china_above_russia_2030": res["p_headline"]}
    head.update({k: f[k]["value"] for k in PLAIN if k in f})  # numbers a reader's script reads directly
    return {**head, **{k: v for k, v in f.items() if k not in PLAIN}}


def build(out_dir, *, country: str = pipeline.DEFAULT_COUNTRY, reps: int = 9999, paths: int = 4000, seed: int = 2026,
          use_cache: bool = True, progress: Callable[[int, int, str], None] | None = _stderr_progress) -> Brief:
    """Build the brief on ``country`` (ISO-3, any economy of the IMF DOTS composition panel; Kazakhstan by default)
    into ``out_dir``: ``index.html``, ``figures/*.png``, ``findings.json``, ``peers.csv`` and ``data_quality.csv``
    (year, side, source, estimated_share, note: every year the brief reads, and the side it is read from)."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

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
        tdir = resources.files("kzecon.study") / "templates"
        env = Environment(loader=FileSystemLoader(str(tdir)), autoescape=select_autoescape(["html", "j2"]))
        html = env.get_template("brief.html.j2").render(
            r=res, datasets=data_rows, versions=_versions(), options=options, cache_key=key,
            built=time.strftime("%Y-%m-%d"), css=(tdir / "brief.css").read_text(encoding="utf-8"))
        out.path("index.html").write_text(html, encoding="utf-8")
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
    """Print the brief to PDF with a headless Chromium (Debian's ``chromium``); raises if none is installed."""
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
