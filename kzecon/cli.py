"""``kzecon`` command line: parse, call the public API, print, exit code.

Errors a user can cause print one line on stderr and exit non-zero (codes in docs/errors.md);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import os
import signal
import sys


def _interrupted_while_starting(signum, frame):  # pragma: no cover - timing-dependent
    """Ctrl-C (or SIGTERM) before the command's own handlers are in place, while the libraries load: nothing has
    been written yet, so one line and the documented exit code, not a traceback from inside an import."""
    term = signum == signal.SIGTERM
    sys.stderr.write("kzecon: " + ("terminated" if term else "interrupted") + "; nothing written\n")
    sys.stderr.flush()
    os._exit(143 if term else 130)


def _install_early_handlers() -> None:
    """Only in the command's own process (not in a worker the brief spawns, which re-imports this module and must
    stay deaf to Ctrl-C) and never over a signal its parent chose to ignore."""
    import multiprocessing

    # a spawned worker is named before it re-imports the parent's modules (its parent_process() is not yet set)
    if multiprocessing.current_process().name != "MainProcess" or multiprocessing.parent_process() is not None:
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _interrupted_while_starting)


if __name__ == "__main__" or sys.argv and os.path.basename(sys.argv[0]) == "kzecon":
    _install_early_handlers()

import argparse
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import kzecon
from kzecon.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    DataError,
    DataFileError,
    KzeconError,
    UsageError,
    plain,
)
from kzecon.report.output import Output

if TYPE_CHECKING:
    import pandas as pd

TRADE_SOURCE = "COW v4 (1994), WITS/UN Comtrade (1995–2019), BNS 312101 (2020–25)"
EXIT_USAGE = UsageError.exit_code


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, usage exit code
        print(f"kzecon: error: {message} (see 'kzecon --help')", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _int_in(lo: int, hi: int | None = None, what: str = "value"):
    """An argparse type: a whole number in [lo, hi] (usage error, exit 64, otherwise)."""

    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") from None
        if v < lo or (hi is not None and v > hi):
            rng = f"{lo}–{hi}" if hi is not None else f"at least {lo}"
            raise argparse.ArgumentTypeError(f"{what} must be {rng}, got {v}")
        return v

    return parse


def FOLDER(text: str) -> str:  # noqa: N802 - an argparse type, named like the others
    """An argparse type for --out: a folder name, not empty (usage error, exit 64, otherwise)."""
    if not str(text).strip():
        raise argparse.ArgumentTypeError("--out needs a folder name, got an empty string")
    return text


SEED = _int_in(0, 2**32 - 1, "a seed")
YEAR = _int_in(1900, 2100, "a year")


def _load_user_trade(path: str):
    df = kzecon.data.read_any(path)
    if df.attrs.get("format") not in ("trade", "imf", "comtrade", "stata"):
        raise DataError(f"{path}: expected bilateral trade data (reporter, partner, year, flow, value_usd "
                        f"or an IMF/Comtrade file), found a {df.attrs.get('format')} file")
    return kzecon.data.validate_trade(df)


def cmd_data_list(args) -> int:
    """``kzecon data list``: one bundled dataset per line with its title."""
    for name in kzecon.data.list_datasets():
        info = kzecon.data.describe(name)
        print(f"{name:26s} {info.rows:>9,d} rows  {info.title}")
    return 0


def cmd_data_describe(args) -> int:
    """``kzecon data describe NAME``: source, units, coverage, side, caveats and hash of a dataset."""
    known = kzecon.data.list_datasets()
    if args.name not in known:  # a name that is not an option value kzecon knows: a usage error
        raise UsageError(f"no bundled dataset named {args.name!r}; `kzecon data list` shows the {len(known)} names")
    print(kzecon.data.describe(args.name))
    return 0


def cmd_data_update(args) -> int:
    """``kzecon data update``: fetch fresh IMF or UN Comtrade data into the user data folder."""
    from kzecon.data import update

    countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
    if args.end is not None and args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    if args.source == "imf":
        path, n, note = update.update_imf(countries=countries, start=args.start, end=args.end,
                                          out_dir=Path(args.dir) if args.dir else None)
    else:
        partners = [c.strip().upper() for c in args.partners.split(",") if c.strip()]
        path, n, note = update.update_comtrade(countries=countries, start=args.start, end=args.end,
                                               out_dir=Path(args.dir) if args.dir else None, hs2=args.hs2,
                                               partners=partners)
    print(f"{n} rows written to {path}")
    print(note)
    return 0


def cmd_measures(args) -> int:
    """``kzecon measures``: partner shares, tilt, balance and concentration of an economy (bundled data) or of a
    user's trade file (:func:`kzecon.study.findings.shares.trade_shares`)."""
    from kzecon.report import figures
    from kzecon.study import findings

    flow = {"exports": "export", "imports": "import", "total": "total"}[args.flow]
    if args.reporter is not None and not args.reporter.strip():
        raise UsageError("--reporter needs an ISO-3 code (e.g. KAZ)")
    if args.data and args.russia_2010 != "flag":
        raise UsageError("--russia-2010 corrects the bundled Kazakhstan series; it does not apply to --data")
    economy = _economy(args, "reporter")
    if args.data:
        trade = _load_user_trade(args.data)
        reporters = sorted(trade["reporter"].unique())
        if economy is None and len(reporters) > 1:
            raise UsageError(f"{args.data} holds {len(reporters)} reporters ({', '.join(reporters[:8])}"
                             f"{' …' if len(reporters) > 8 else ''}): choose one with --reporter ISO3")
        res = findings.trade_shares(economy or reporters[0], trade=trade, side=args.side)
        vintage = f"user file {args.data}"
    else:
        economy = findings.check_country(economy or findings.DEFAULT_COUNTRY)
        kaz = economy == findings.DEFAULT_COUNTRY
        if not kaz and args.russia_2010 != "flag":
            raise UsageError(f"--russia-2010 corrects the bundled Kazakhstan series; {economy} is read from IMF DOTS")
        res = (findings.trade_shares(side=args.side, russia_2010=args.russia_2010, year_sides=False) if kaz
               else findings.trade_shares(economy, side=args.side))
        vintage = res.vintage
    shares = res.shares
    print(f"Partner shares of {res.country}'s {args.flow} ({shares['side'].iloc[0]} figures); {vintage}")
    if not args.data and res.country == findings.DEFAULT_COUNTRY:
        print("Russia and Belarus 2010 (customs-union undercount): "
              + ("flagged, kept as reported; the brief interpolates them (--russia-2010 interpolate)"
                 if args.russia_2010 == "flag" else "interpolated (geometric mean of 2009 and 2011), as in the brief"))
    print(res.table(flow).round(3).to_string())
    if args.out:
        kaz_bundled = not args.data and res.country == findings.DEFAULT_COUNTRY
        fig = figures.share_paths(shares, flow=flow, vintage=vintage if kaz_bundled else None,
                                  source="kzecon from " + (TRADE_SOURCE if kaz_bundled else res.source)
                                  if not args.data else "kzecon")
        with Output(args.out) as out:
            for name, frame in res.tables().items():  # shares, tilt, balance, concentration
                out.csv(frame, f"{name}.csv")
            out.figure(fig, f"shares_{flow}.png")
        out.report()
    return 0


def _economy(args, alias: str | None = None) -> str | None:
    """--country (or its older alias, e.g. measures' --reporter): the economy a study command is about; the two
    naming different economies is a usage error."""
    country = getattr(args, "country", None)
    other = getattr(args, alias, None) if alias else None
    if country is not None and not country.strip():
        raise UsageError("--country needs an ISO-3 code (e.g. KAZ, UZB)")
    if country and other and country.strip().upper() != other.strip().upper():
        raise UsageError(f"--country {country} and --{alias} {other} name two economies: give one")
    code = country or other
    return code.strip().upper() if code else None


def cmd_alignment(args) -> int:
    """``kzecon alignment``: UN General Assembly agreement and the divergent roll calls of a triad."""
    from kzecon import alignment
    from kzecon.report import figures

    if args.start is not None and args.end is not None and args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}")
    triad = [c.strip().upper() for c in args.triad.split(",") if c.strip()]
    div = alignment.divergent_votes(triad, start=args.start, end=args.end, strict=args.strict,
                                    duplicates=args.duplicates, records=args.records)
    c, p1, p2 = div.attrs["triad"]
    s, e = div.attrs["period"]
    summary = alignment.divergence_summary(div)
    kind = "strict opposition (yes vs no)" if args.strict else "different votes"
    print(f"{p1}–{p2} {kind} in UNGA roll calls {s}–{e}: {len(div)}; {c} sided with:")
    print(summary.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    removed = div.attrs["duplicates"]
    if len(removed):
        print(f"({len(removed)} repeated resolution records set aside: same symbol and date as a lower rcid; "
              f"--duplicates keep counts them)")
    aside = div.attrs["set_aside"]
    if len(aside):
        kinds = ", ".join(f"{n} {k}" for k, n in aside["record_type"].value_counts().sort_index().items())
        print(f"({len(aside)} roll calls that were not votes on a resolution set aside ({kinds}), read from the "
              f"record text; --records all counts them)")
    if args.out:
        series = alignment.alignment_series(c, (p1, p2), start=s, end=e, abstain=args.abstain,
                                            duplicates=args.duplicates)
        by_issue = alignment.divergence_summary(div, by="issue")
        fig = figures.alignment_series(series)
        with Output(args.out) as out:
            out.csv(div, "divergent_votes.csv")
            out.csv(summary, "summary.csv")
            out.csv(by_issue, "summary_by_issue.csv")
            out.csv(series, "agreement_by_year.csv")
            out.csv(removed, "duplicates_set_aside.csv")
            out.csv(aside, "records_set_aside.csv")
            out.figure(fig, "agreement_by_year.png")
        out.report()
    return 0


def cmd_products(args) -> int:
    """``kzecon products``: Kazakhstan–China trade by HS sector, Brent elasticities and scenarios
    (:func:`kzecon.study.findings.products.products`)."""
    from kzecon.report import figures
    from kzecon.study import findings

    res = findings.products(_economy(args) or findings.DEFAULT_COUNTRY, brent_prices=args.brent)
    comp, fm = res.composition, res.fuels_metals
    print("Fuels + metals share of Kazakhstan's exports to China (Kazakhstan-reported; * = copper not reported):")
    for _, r in fm.iterrows():
        print(f"  {int(r['year'])}: {100 * r['share']:.2f}%{' *' if r['flag'] else ''}")
    est = res.elasticities(level=0.90)
    el = est[est["term"] == "log_brent"]
    for _, r in el.iterrows():
        print(f"Brent elasticity, {r['model'].removeprefix('brent_')}: {r['estimate']:.2f} "
              f"(90% CI {r['conf_low']:.2f} to {r['conf_high']:.2f}, n={r['nobs']})")
    if args.out:
        fig = figures.sector_composition(comp)
        with Output(args.out) as out:
            for name, frame in res.tables(level=0.90).items():  # composition, fuels_metals, brent_*
                out.csv(frame, f"{name}.csv")
            out.figure(fig, "composition_exports.png")
        out.report()
    return 0


def cmd_timeseries(args) -> int:
    """``kzecon timeseries``: the unit-root and break battery and an ARIMA forecast of a share
    (:func:`kzecon.study.findings.breaks.share_breaks`)."""
    from kzecon.report import figures
    from kzecon.study import findings

    economy = _economy(args)
    if args.data and economy:
        raise UsageError("--data is a share series of your own and --country an economy of the bundled data: give one")
    country = findings.check_country(economy or findings.DEFAULT_COUNTRY)
    series = shares = None
    if args.data:
        df = kzecon.data.read_table(args.data)
        lower = {str(c).strip().lower(): c for c in df.columns}
        if not {"year", "share"} <= set(lower):
            raise DataError(f"{args.data}: expected a CSV with columns year, share (any case); found "
                            f"{', '.join(map(str, df.columns))}")
        df = df.rename(columns={c: str(c).strip().lower() for c in df.columns})  # Year, Share read as year, share
        series = df.assign(year=_numbers(df["year"]), share=_numbers(df["share"]))
        label, source = f"share in {args.data}", f"user file {args.data}"
    elif country == findings.DEFAULT_COUNTRY:
        shares = findings.trade_shares(year_sides=False)
        side = shares.shares["side"].iloc[0]
        label, source = f"China's share of Kazakhstan's total trade ({side} figures, spliced)", TRADE_SOURCE
    else:
        shares = findings.trade_shares(country)
        label, source = f"China's share of {shares.name}'s total trade ({shares.side})", shares.source
    # the economy's policy events (Chow tests there) unless --interventions names other years
    events = None if args.interventions in (None, "policy") else {y: "" for y in _parse_years(args.interventions)}
    bat = findings.share_breaks(shares, country=country, series=series, horizon=args.horizon,
                                interventions=args.interventions is not None, events=events)
    print(f"{label}: {bat.nobs} years; model {bat.arima.model}")
    print(bat.summary().split("\n", 1)[1])
    print(bat.forecast.round(4).to_string(index=False))
    if args.out:
        fig = figures.share_breaks(bat.series, bat.breaks, bat.forecast, title=label, source=f"kzecon; {source}")
        with Output(args.out) as out:
            for name, frame in bat.tables().items():  # tests, breaks, forecast, break_criteria, arima_params
                out.csv(frame, f"{name}.csv")
            out.figure(fig, "share_breaks.png")
        out.report()
    return 0


def _composition_input(path: str | None, country: str | None = None):
    """The composition of --data (long: year, partner, share; or wide: year and a column per part) or the
    economy's (--country; default Kazakhstan) as the study reads it (:func:`kzecon.study.findings.composition`)."""

    if path is not None and country:
        raise UsageError("--data is a composition of your own and --country an economy of the bundled data: give one")
    if path is None:
        from kzecon.study import findings

        country = findings.check_country(country or findings.DEFAULT_COUNTRY)
        comp = findings.composition(country)
        if country == findings.DEFAULT_COUNTRY:
            return comp, f"Kazakhstan's total trade by partner group ({comp.attrs['side']} figures, spliced)"
        return comp, (f"{findings.country_name(country)}'s total trade by partner group ({comp.attrs['source']}"
                      f"{'; ' + comp.attrs['note'] if comp.attrs.get('note') else ''})")
    df = kzecon.data.read_table(path)
    df.columns = [str(c).strip() for c in df.columns]
    lower = {c.lower(): c for c in df.columns}
    long_names = {"partner", "share", "part", "value", "group"}
    if {"year", "partner", "share"} <= set(lower):  # long: year, partner, share
        df = df.rename(columns={lower[c]: c for c in ("year", "partner", "share")})
    elif "year" in lower and len(df.columns) >= 3 and not (set(lower) - {"year"}) & long_names:
        # wide: year and one column per part (parts may be named anything but the long layout's column names)
        df = df.rename(columns={lower["year"]: "year"}).melt(id_vars="year", var_name="partner",
                                                              value_name="__share__").rename(
            columns={"__share__": "share"})
    elif "year" in lower and (set(lower) - {"year"}) & long_names:
        missing = [c for c in ("partner", "share") if c not in lower]
        raise kzecon.errors.SchemaError(f"{path}: a long composition has columns year, partner, share; missing "
                                        f"{', '.join(map(repr, missing))} (found {', '.join(df.columns)})")
    else:
        raise kzecon.errors.SchemaError(f"{path}: a composition has columns year, partner, share (long) or year and "
                                        f"one column per part (wide); found {', '.join(df.columns)}")
    for col in ("year", "share"):
        df[col] = _numbers(df[col])
    return df, f"composition in {path}"


def _numbers(col):
    """A text column as numbers when every value is one; else as it is, for the validation to name the bad value."""
    import pandas as pd

    conv = pd.to_numeric(col, errors="coerce")
    return conv if conv.notna().sum() == col.notna().sum() else col


def cmd_forecast(args) -> int:
    """``kzecon forecast``: composition paths and risk probabilities from one model (or a scenario)."""
    import pandas as pd

    from kzecon import forecast
    from kzecon.report import figures

    comp, label = _composition_input(args.data, _economy(args))
    events = forecast.read_events(args.events) if args.events else None
    if events is not None:  # checked against the composition's parts before any work
        from kzecon.timeseries import composition_frame

        forecast.core.events_for(events, list(composition_frame(comp, min_years=8).columns))
    # a plain table (its own validation reads the columns: year, brent, gdp_growth_<CODE>, in any case)
    scen = kzecon.data.read_table(args.scenario) if args.scenario else None
    if scen is not None:
        scen.columns = [c.strip().lower() if c.strip().lower() in ("year", "brent") else c
                        for c in map(str, scen.columns)]
    if args.brent and not args.scenario:
        raise UsageError("--brent is the price history for --scenario; give --scenario FILE too")
    brent = kzecon.data.read_price_history(args.brent) if args.brent else None
    run = forecast.forecast_with(comp, model=args.model, horizon=args.horizon, n_paths=args.paths, seed=args.seed,
                                 scenario=scen, brent=brent, events=events)
    fc, chosen = run.forecast, run.how
    summ = fc.to_frame(levels=(0.8, 0.9))
    risk = fc.risk(events)
    if chosen:
        print(chosen)
    print(f"{label}: {fc.model} forecast from {fc.origin}, {fc.n_paths} paths, seed {fc.seed}")
    print(summ[["year", "partner", "mean", "lower_90", "upper_90"]].round(3).to_string(index=False))
    print(risk.round(3).to_string(index=False))
    if args.out:
        ev = forecast.core.events_for(events, list(fc.parts))
        first = pd.concat([fc.first_year(e, events).assign(event=e) for e in ev["event"]], ignore_index=True)
        fan = figures.composition_fan(comp, summ, source="kzecon; " + label,
                                      parts=tuple(p for p in fc.parts if p != "rest")[:4])
        rfig = figures.risk_probabilities(risk, source="kzecon; " + label)
        with Output(args.out) as out:
            out.csv(summ[["year", "partner", "mean", "lower_90", "upper_90", "median", "lower_80", "upper_80"]],
                    "paths_summary.csv")
            out.csv(risk, "risk.csv")
            out.csv(first[["event", "year", "probability"]], "first_year.csv")
            out.csv(fc.drivers_frame(), "drivers.csv")
            out.json(_forecast_info(fc, args, label), "info.json")
            out.figure(fan, "fan_chart.png")
            out.figure(rfig, "risk.png")
        out.report()
    return 0


def _forecast_info(fc, args, label: str) -> dict:
    """info.json of ``kzecon forecast``: the model, the scenario file's name (or null), the origin, paths, seed, the
    data, the drivers' sources and what the scenario fixed, kzecon's version."""
    from pathlib import Path

    from kzecon.forecast import registry

    info = {"model": fc.model, "model_label": registry.label(fc.model),
            "scenario": Path(args.scenario).name if args.scenario else None,
            "scenario_fixed": fc.info.get("scenario") if args.scenario else None,
            "origin": fc.origin, "horizon": len(fc.years), "paths": fc.n_paths, "seed": fc.seed, "data": label,
            "drivers": None if fc.drivers is None else {
                "series": "brent (USD a barrel) and gdp_growth_<CODE> (% a year, GDP in current US dollars)",
                "brent_history": Path(args.brent).name if args.brent else "U.S. EIA Brent, annual (bundled)",
                "gdp_history": "World Bank WDI GDP, current US$ (bundled)",
                "simulated": "each an AR(1) in its changes learned up to the origin, shocks jointly normal"},
            "brent_exposure": fc.info.get("brent_exposure"), "calibration_origin": fc.info.get("calibration_origin"),
            "kzecon_version": kzecon.__version__}
    return info


def _world_backtest(args) -> int:
    """--world: the world backtest of the dependence-risk models (kzecon.forecast.world)."""
    import pandas as pd

    from kzecon.forecast import world
    from kzecon.report import figures
    from kzecon.report.progress import bar, updater

    args.first_origin = 1990 if args.first_origin is None else args.first_origin
    args.last_origin = 2015 if args.last_origin is None else args.last_origin
    args.score_from = 2000 if args.score_from is None else args.score_from

    if args.last_origin < args.first_origin:
        raise UsageError(f"--last-origin {args.last_origin} is before --first-origin {args.first_origin}")
    given = [opt for opt, v in (("--data", args.data), ("--country", args.country), ("--start", args.start),
                                ("--horizon", args.horizon), ("--models", args.models)) if v is not None]
    if given:
        raise UsageError(f"backtest --world runs on every economy's composition (IMF DOTS), horizons 1–5, origins "
                         f"--first-origin … --last-origin with its own models: {', '.join(given)} would be ignored; "
                         "drop it, or leave out --world to backtest one composition")
    if args.score_from > args.last_origin:
        raise UsageError(f"--score-from {args.score_from} is after --last-origin {args.last_origin}: no forecast would "
                         "be scored")
    with bar(total=len(range(args.first_origin, args.last_origin + 1)), desc="world backtest (origins)",
             quiet=args.quiet) as pb:
        bt = world.world_backtest(origins=range(args.first_origin, args.last_origin + 1), n_paths=args.paths or 500,
                                  seed=args.seed, statsforecast=not args.no_statsforecast,
                                  progress=updater(pb))
    tabs = {sub: bt.summary_table(subset=sub, min_origin=args.score_from) for sub in ("held_out", "all")}
    print(f"world backtest: origins {bt.info['origins'][0]}–{bt.info['origins'][1]}, horizons 1–{bt.info['horizon']},"
          f" {bt.records['economy'].nunique()} economies ({len(bt.held_out)} held out), {bt.seconds:.0f} s; scored on "
          f"held-out economies, origins ≥ {args.score_from}:")
    print(tabs["held_out"][["model", "horizon", "coverage_90", "width_90", "mae_ratio", "crps", "brier_pairwise",
                            "ece"]].round(3).to_string(index=False))
    if args.out:
        cov = pd.concat([bt.coverage(subset=sub, min_origin=args.score_from).assign(subset=sub)
                         for sub in ("held_out", "all")], ignore_index=True)
        rel = pd.concat([bt.reliability(subset=sub, min_origin=args.score_from).assign(subset=sub)
                         for sub in ("held_out", "all")], ignore_index=True)
        fig = figures.reliability_world(rel[rel["subset"] == "held_out"])
        with Output(args.out) as out:
            out.csv(cov, "coverage.csv")
            out.csv(rel, "reliability.csv")
            out.csv(pd.concat([t.assign(subset=sub) for sub, t in tabs.items()], ignore_index=True), "summary.csv")
            out.csv(bt.brier(subset="held_out", min_origin=args.score_from), "brier.csv")
            out.figure(fig, "reliability.png")
        out.report()
    return 0


def cmd_backtest(args) -> int:
    """``kzecon backtest``: rolling-origin backtest of one composition, or ``--world`` the world backtest."""
    from kzecon import forecast
    from kzecon.report import figures

    if args.world:
        return _world_backtest(args)
    for opt, v in (("--first-origin", args.first_origin), ("--last-origin", args.last_origin),
                   ("--score-from", args.score_from), ("--no-statsforecast", args.no_statsforecast or None)):
        if v is not None:
            raise UsageError(f"{opt} is an option of the world backtest (--world); one composition's backtest takes "
                             "--start and --horizon")
    args.start = 2005 if args.start is None else args.start
    args.horizon = 5 if args.horizon is None else args.horizon
    comp, label = _composition_input(args.data, _economy(args))
    models = _backtest_models(args.models, comp)
    from kzecon.report.progress import bar, updater

    with bar(total=len(models), desc="backtest (model × origin)", quiet=args.quiet) as pb:
        res = forecast.backtest.run(comp, models=models, start=args.start, horizon=args.horizon,
                                    n_paths=args.paths or 2000, seed=args.seed, progress=updater(pb))
    scored = int(res.records["horizon"].max())
    if scored < args.horizon:
        warnings.warn(f"horizons {scored + 1}–{args.horizon} not scored: the data end {scored} year(s) after the last "
                      f"origin that has outcomes", kzecon.errors.DataQualityWarning, stacklevel=2)
    print(f"{label}: rolling origins {int(res.records['origin'].min())}–{int(res.records['origin'].max())}, "
          f"horizons 1–{scored} scored")
    print(res.coverage.round(3).to_string(index=False))
    print(res.accuracy.round(4).to_string(index=False))
    if args.out:
        rel, cov = figures.reliability(res.reliability_band), figures.coverage(res.coverage)
        with Output(args.out) as out:
            for name in ("coverage", "accuracy", "brier", "reliability", "records"):
                out.csv(getattr(res, name), f"{name}.csv")
            out.figure(rel, "reliability.png")
            out.figure(cov, "coverage.png")
        out.report()
    return 0


def _backtest_models(text: str | None, comp) -> list[str]:
    """--models, or by default the headline model (where the composition's parts are ones the world model knows)
    and the per-series models with their ensemble."""
    from kzecon import forecast
    from kzecon.forecast import registry

    if text is not None:
        models = [m.strip() for m in text.split(",")]
        if any(not m for m in models):
            raise UsageError(f"--models {text!r} has an empty item (an empty list, or a doubled or trailing comma)")
        twice = sorted({m for m in models if models.count(m) > 1})
        if twice:
            raise UsageError(f"--models names {', '.join(twice)} twice: each model is scored once")
        known = (*registry.WORLD_MODELS, *registry.SERIES_MODELS, "ensemble")
        bad = [m for m in models if m not in known]
        if bad or not models:
            raise UsageError(f"--models {text!r}: choose among {', '.join(known)}")
        return models
    models = list(forecast.backtest.DEFAULT_MODELS)
    # the headline model where it applies (the rule forecast --model auto uses), else the per-series models only
    return [forecast.WORLD_CHOICE, *models] if forecast.backtest.world_applies(comp) else models


def _parse_years(text: str | None) -> list[int] | None:
    """--years: ``START:END[:STEP]`` (inclusive) or ``Y1,Y2,…``."""
    if text is None:
        return None
    try:
        if ":" in text:
            parts = [int(p) for p in text.split(":")]
            if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] < 1):
                raise ValueError
            lo, hi, step = parts[0], parts[1], parts[2] if len(parts) == 3 else 1
            if hi < lo:
                raise UsageError(f"--years {text}: the end year {hi} is before the start year {lo}")
            return list(range(lo, hi + 1, step))
        return sorted({int(y) for y in text.split(",") if y.strip()})
    except UsageError:
        raise
    except ValueError:
        raise UsageError(f"--years {text!r}: write START:END[:STEP] (e.g. 1996:2016:4) or a list 2000,2004,2008") \
            from None


def _gravity_frame(args) -> tuple[pd.DataFrame, str]:
    """The frame a --formula is fitted on: the user's file (every column kept) or the bundled penppml panel with
    kzecon's policy terms; restricted to --years."""

    from kzecon import study

    if args.data:
        frame = kzecon.data.read_gravity_csv(args.data)
        frame = kzecon.data.validate_gravity(frame, allow_missing_flow=True)
        label = f"user file {args.data}"
    elif args.panel == "dots":
        frame = study.eaeu.eaeu_frame()
        label = "the bundled annual world panel (IMF DOTS, 2000–2020) with kzecon's policy terms"
    else:
        frame = study.policy_gravity.policy_frame()
        label = "the bundled all-pairs panel (penppml, 1964–2016) with kzecon's policy terms"
    years = _parse_years(args.years)
    if years is not None:
        frame = frame[frame["year"].isin(years)]
        if frame.empty:
            raise kzecon.errors.CoverageError(f"--years {args.years}: none of these years is in the data")
        label += f", years {', '.join(map(str, sorted(frame['year'].unique())))}"
    return frame, label


def _dask_client(args):
    """--scheduler ADDRESS, else a local cluster of --workers (None: this process, where the caller allows it)."""
    if args.scheduler:
        from kzecon.gravity.distributed import check_scheduler_address

        return check_scheduler_address(args.scheduler)
    return "local" if args.workers else None


def _gravity_by(args, cluster) -> int:
    """--by GROUP: one PPML per group on Dask (kzecon.gravity.distributed)."""
    from kzecon.gravity import distributed

    years = _parse_years(args.years)
    source = args.data if args.data else None
    if source is None:
        raise UsageError("--by needs --data (a file, a glob or a folder of files of the panel)")
    client = args.scheduler if args.scheduler else None
    est = distributed.ppml_by(source, args.formula, by=args.by, cluster=cluster, client=client,
                              workers=args.workers, years=years, backend=args.backend)
    failed = est[est["status"] == "failed"]
    if len(failed) and failed["sector"].nunique() == est["sector"].nunique():
        raise kzecon.errors.EstimationError(
            f"no group of {args.by} could be fitted ({est['sector'].nunique()} groups); the first: "
            f"{failed['sector'].iloc[0]}: {failed['reason'].iloc[0]}"[:600])
    print(f"PPML {args.formula} by {args.by}: {est['sector'].nunique()} groups, {len(failed)} not fitted")
    print(est[["sector", "term", "estimate", "std_error", "nobs", "status"]].to_string(
        index=False, float_format=lambda x: f"{x:.4f}"))
    if len(failed):
        warnings.warn("not fitted: " + "; ".join(f"{r.sector}: {r.reason}" for r in failed.itertuples())[:2000],
                      kzecon.errors.DataQualityWarning, stacklevel=2)
    if args.out:
        with Output(args.out) as out:
            out.csv(est, "estimates.csv")
        out.report()
    return 0


def _gravity_world(args) -> int:
    """--panel dots: the annual world gravity models (kzecon.study.eaeu) with their inference."""
    import pandas as pd

    from kzecon.report import figures
    from kzecon.report.progress import bar, updater
    from kzecon.study import eaeu as world

    args.ri = 99 if args.ri is None else args.ri
    args.seed = 2026 if args.seed is None else args.seed
    args.score_reps = 9999 if args.score_reps is None else args.score_reps
    with bar(total=args.ri, desc="placebo refits") as pb:  # the longest step: 99 refits take about 100 s here
        res = world.eaeu_models(ri_reps=args.ri, score_reps=args.score_reps, seed=args.seed,
                                client=_dask_client(args), workers=args.workers,
                                progress=lambda msg: sys.stderr.isatty() and print(msg, file=sys.stderr, flush=True),
                                ri_progress=updater(pb))
    est = res.to_frame()
    print(res.summary())
    if args.out:
        es = res.event_study()
        src = "kzecon from IMF DOTS 2000–2020 (202 countries), PPML with exporter-year, importer-year, pair effects"
        fig = figures.event_study(es, title="Customs union / EAEU: trade between members around entry",
                                  source=src + "; 95% intervals clustered by country pair", reference=-1,
                                  ylabel="log points, relative to the year before entry")
        from kzecon.results import dropped_by_model

        dropped = dropped_by_model(res.models)
        with Output(args.out) as out:
            out.csv(est, "estimates.csv")
            out.csv(es, "event_study.csv")
            pre = res.pretrend
            out.csv(pd.DataFrame([{"test": "EAEU leads jointly zero (Wald)", "statistic": pre.statistic,
                                   "df": pre.detail["df"], "p_value": pre.p_value}]), "pretrend.csv")
            out.csv(dropped, "dropped.csv")
            out.figure(fig, "event_study.png")
            if res.ri:
                pl = res.placebo_frame()
                r = next(iter(res.ri.values()))
                out.csv(pl, "placebo.csv")
                out.figure(figures.placebo_distribution(pl, r.estimate, p_value=r.p_value, label="EAEU estimate",
                                                        title="EAEU: actual estimate against placebo blocs",
                                                        source=src), "placebo.png")
        out.report()
    return 0


def _gravity_options(args) -> None:
    """Options that the chosen mode would ignore are refused before anything is read (exit 64)."""
    if not args.cluster.strip():
        raise UsageError("--cluster needs a variable (e.g. pair_id, 'exporter + importer'), 'none' for robust "
                         "errors, or leave it out for the default")
    if args.years is not None and not args.years.strip():
        raise UsageError("--years needs years: START:END[:STEP] or Y1,Y2,…")
    world = args.panel == "dots" and not args.formula
    given = {"--data": args.data, "--formula": args.formula, "--panel": args.panel, "--by": args.by,
             "--years": args.years, "--cluster": None if args.cluster == "auto" else args.cluster,
             "--backend": None if args.backend == "kzecon" else args.backend, "--ri": args.ri,
             "--score-reps": args.score_reps, "--workers": args.workers, "--scheduler": args.scheduler,
             "--seed": args.seed}
    if args.replicate:
        mode, allowed = "--replicate (the Advanced Guide's panel and specifications)", ()
    elif world:
        mode, allowed = "--panel dots (the annual world gravity models)", ("--panel", "--ri", "--score-reps",
                                                                         "--workers", "--scheduler", "--seed")
    elif args.by:
        mode, allowed = "--by (one PPML per group)", ("--data", "--formula", "--by", "--years", "--cluster",
                                                      "--backend", "--workers", "--scheduler")
    else:
        mode, allowed = "a --formula fit", ("--data", "--formula", "--panel", "--years", "--cluster", "--backend")
    ignored = [opt for opt, v in given.items() if v is not None and opt not in allowed]
    if ignored:
        raise UsageError(f"{', '.join(ignored)} {'does' if len(ignored) == 1 else 'do'} not apply to {mode}: "
                         "drop it, or choose the mode it belongs to (see 'kzecon gravity --help')")
    if args.data and args.panel:
        raise UsageError(f"--data and --panel {args.panel} name two panels: choose one")
    if args.scheduler:
        from kzecon.gravity.distributed import check_scheduler_address

        check_scheduler_address(args.scheduler)


def cmd_gravity(args) -> int:
    """``kzecon gravity``: PPML on the bundled panels or a user's file, the Advanced Guide replication, Dask groups."""
    from kzecon import gravity, study
    from kzecon.report import figures

    _gravity_options(args)
    cluster = None if args.cluster.strip().lower() == "none" else args.cluster
    _parse_years(args.years)  # a malformed --years is a usage error before anything is read
    if args.formula:
        from kzecon.gravity.formula import parse

        parse(args.formula)  # so is a malformed --formula
    if args.panel == "dots" and not args.formula:
        return _gravity_world(args)
    if args.replicate:
        res = gravity.replicate.yotov2016()
        label = "Yotov et al. (2016) chapter 1, Tables 1 and 3, on the bundled Advanced Guide panel"
    elif args.formula and args.by:
        return _gravity_by(args, cluster)
    elif args.formula:
        frame, where = _gravity_frame(args)
        res = {"ppml": gravity.ppml(frame, args.formula, cluster=cluster, backend=args.backend)}
        label = f"PPML {args.formula} on {where}"
    elif args.data:
        cols = kzecon.data.read_gravity_csv(args.data).columns
        other = [c for c in cols if c not in ("exporter", "importer", "year", "flow")]
        raise UsageError(f"--data needs --formula, e.g. --formula \"flow ~ {' + '.join(other[:2]) or 'rta'} | "
                         f"exp_year + imp_year + pair\" (the file's other columns: {', '.join(other) or 'none'})")
    else:
        res = study.policy_gravity.policy_models()
        label = "Kazakhstan policy gravity on the bundled all-pairs panel (penppml, 1964–2016)"
    est = gravity.replicate.estimates_table(res)
    print(label)
    print(est[["model", "term", "estimate", "std_error", "nobs", "n_dropped"]].to_string(
        index=False, float_format=lambda x: f"{x:.4f}"))
    if args.out:
        from kzecon.results import dropped_by_model

        dropped = dropped_by_model(res)
        terms = study.policy_gravity.TERMS if not (args.replicate or args.formula) else None
        shown = est[est["model"].str.startswith("ppml")] if terms else est
        dummies = shown["term"].astype(str).str.match(r"intl_\d{4}$")
        note = "; the international-border × year dummies are in estimates.csv" if dummies.any() else ""
        title = ("Yotov et al. (2016), chapter 1, Tables 1 and 3, reproduced" if args.replicate
                 else label.split(" on ")[0].rstrip(", "))
        fig = figures.coefficients(shown[~dummies], terms=terms, title=title,
                                   source="kzecon; " + label + note)
        with Output(args.out) as out:
            out.csv(est, "estimates.csv")
            out.csv(dropped, "dropped.csv")
            out.figure(fig, "estimates.png")
        out.report()
    return 0


def cmd_panel(args) -> int:
    """``kzecon panel``: the economy's partner-panel models and the customs-union DiD with its event study
    (:mod:`kzecon.study.findings.customs_union`)."""
    import pandas as pd

    from kzecon.report import figures
    from kzecon.study import findings

    country = findings.check_country(_economy(args) or findings.DEFAULT_COUNTRY)
    pm = findings.partner_models(country=country)
    h = pm.hausman
    fe_tab = pd.concat([r.to_frame() for r in pm.values()], ignore_index=True)
    print(f"{findings.country_name(country)}'s partner × year panel: log trade on partner log GDP")
    print(fe_tab[["model", "term", "estimate", "std_error", "p_value", "nobs"]].round(4).to_string(index=False))
    print(f"{h.test}: chi2 = {h.statistic:.3f}, p = {h.p_value:.3f} ({h.decision})")
    cu = findings.customs_union(country=country, reps=args.reps, seed=args.seed)
    treated = ", ".join(sorted(cu.treated, key=lambda c: c != country))  # the economy first
    dtab = cu.did_table()
    print(f"Customs union ({treated} from 2010) vs other post-Soviet economies, 1995–2014 (COW v4):")
    print(dtab[["model", "term", "estimate", "std_error", "p_value", "p_wild", "treated_clusters", "clusters"]]
          .round(4).to_string(index=False))
    es = cu.events
    pre = cu.event_twfe.stats
    print(f"pre-trend test (leads jointly zero): F = {pre['pretrend_F']:.3f}, p = {pre['pretrend_p']:.3f}")
    if args.out:
        fig = figures.event_study(es, title=f"Customs union and trade with Russia ({treated} vs controls)",
                                  source="kzecon from COW v4 (1995–2014); 95% intervals, clustered by country",
                                  ylabel="log trade with Russia, relative to 2009", reference=-0.5)
        with Output(args.out) as out:
            out.csv(dtab, "did.csv")
            out.csv(fe_tab, "partner_models.csv")
            out.csv(pd.DataFrame([h.to_dict()]), "hausman.csv")
            out.csv(es, "event_study.csv")
            out.figure(fig, "event_study.png")
        out.report()
    return 0


def cmd_decompose(args) -> int:
    """``kzecon decompose``: each partner's share change split into the world's part, policy and the economy's own."""
    from kzecon.study import findings

    if args.start is not None and args.end is not None and args.start >= args.end:
        raise UsageError(f"--from {args.start} --to {args.end}: the period must run forward over at least two years")
    res = findings.decompose(country=args.country, start=args.start, end=args.end)
    print(res.summary())
    for part in ("china", "russia"):
        if part in set(res.table["partner"]):
            print(f"{part}: the {res.dominant(part)} part moved its share most")
    with Output(args.out) as out:
        out.csv(res.to_frame(), "decomposition.csv")
        out.json({**res.info, "kzecon_version": kzecon.__version__,
                  "columns": "shares as fractions of the economy's total trade (exports + imports); world + policy + "
                             "own = change"}, "info.json")
    out.report()
    return 0


def cmd_brief(args) -> int:
    """``kzecon brief``: build the policy brief on an economy (Kazakhstan by default)."""
    from kzecon import _memory
    from kzecon.study import _worker

    _memory.tune_this_process()  # this process only lives for the command (kzecon._memory says why)
    _worker.prestart()  # the second process imports the pipeline while this one loads the brief's modules
    try:
        from kzecon.study import brief

        b = brief.build(args.out, country=args.country, reps=args.reps, paths=args.paths, seed=args.seed,
                        use_cache=not args.no_cache)
    finally:
        _worker.discard()  # a worker no build took: the brief came from its cache, or the build failed first
    size = sum(p.stat().st_size for p in Path(args.out).rglob("*") if p.is_file() and ".kzecon-cache" not in p.parts)
    n = sum(isinstance(v, dict) for v in b.findings.values())
    print(f"wrote {b.path} on {b.findings['country']} ({n} numbers, {size / 1e6:.1f} MB with figures) in "
          f"{b.seconds:.1f} s"
          + (" (cached results)" if b.cached else ""))
    if args.pdf:
        print(f"wrote {brief.to_pdf(b.path)}")
    return 0


def add_data(sub) -> None:
    """The ``kzecon data`` command and its options."""

    d = sub.add_parser("data", help="bundled datasets and updates")
    dsub = d.add_subparsers(dest="data_command", metavar="SUBCOMMAND", parser_class=_Parser)
    dsub.required = True
    dsub.add_parser("list", help="one bundled dataset per line").set_defaults(func=cmd_data_list)
    ds = dsub.add_parser("describe", help="source, units and coverage of a dataset")
    ds.add_argument("name")
    ds.set_defaults(func=cmd_data_describe)
    du = dsub.add_parser("update", help="download fresh trade data into the user data folder")
    du.add_argument("--source", choices=["imf", "comtrade"], default="imf")
    du.add_argument("--countries", default="KAZ", help="comma-separated ISO-3 reporters (default KAZ)")
    du.add_argument("--start", type=YEAR, default=2015, help="first year (default 2015)")
    du.add_argument("--end", type=YEAR, default=None, help="last year (default: the latest)")
    du.add_argument("--dir", default=None, help="user data folder (default $KZECON_DATA_DIR or "
                    "~/.local/share/kzecon)")
    du.add_argument("--hs2", action="store_true", help="(comtrade) every HS 2-digit chapter, for --partners")
    du.add_argument("--partners", default="CHN", help="(comtrade --hs2) comma-separated ISO-3 partners")
    du.set_defaults(func=cmd_data_update)


def add_measures(sub) -> None:
    """The ``kzecon measures`` command and its options."""
    m = sub.add_parser("measures", help="partner shares, tilt, balance and concentration")
    m.add_argument("--flow", choices=["total", "exports", "imports"], default="total",
                   help="which trade to share out: exports + imports (default), exports or imports")
    m.add_argument("--out", type=FOLDER, default=None, help="folder for CSV tables and the PNG figure")
    m.add_argument("--data", default=None, help="a trade file (canonical CSV, IMF, Comtrade, .dta)")
    m.add_argument("--country", default=None, help="ISO-3 of the economy (default KAZ): Kazakhstan's national "
                   "series, or any economy of "
                   "the IMF DOTS composition panel (each year from the side data_quality names); with --data, the "
                   "reporter (as --reporter)")
    m.add_argument("--reporter", default=None, help="ISO-3 reporter (default KAZ)")
    m.add_argument("--side", choices=["reported", "mirror", "mixed"], default=None,
                   help="only figures reported by this side: the reporter's own declarations, the partners' "
                   "mirror figures, or COW's mixed series (default: the data as given)")
    m.add_argument("--russia-2010", dest="russia_2010", choices=["flag", "interpolate"], default="flag",
                   help="bundled data: keep the 2010 customs-union undercount of trade with Russia and Belarus, "
                   "flagged (default), or replace it by the geometric mean of 2009 and 2011 as the brief does")
    m.set_defaults(func=cmd_measures)


def add_alignment(sub) -> None:
    """The ``kzecon alignment`` command and its options."""
    a = sub.add_parser("alignment", help="UN General Assembly vote alignment and divergent roll calls")
    a.add_argument("--triad", default="KAZ,CHN,RUS", help="C,P1,P2: whom C sides with when P1 and P2 split")
    a.add_argument("--from", dest="start", type=YEAR, default=None,
                   help="first year (default: the first year all three voted, i.e. were UN members)")
    a.add_argument("--to", dest="end", type=YEAR, default=None,
                   help="last year (default: the last year all three voted)")
    a.add_argument("--strict", action="store_true", help="only yes-vs-no splits (default: any difference)")
    a.add_argument("--abstain", choices=["half", "category", "drop"], default="half",
                   help="abstentions in the agreement series (default: half agreement)")
    a.add_argument("--duplicates", choices=["first", "keep"], default="first",
                   help="repeated resolution records: keep the lowest rcid (default) or keep all")
    a.add_argument("--records", choices=["resolutions", "all"], default="resolutions",
                   help="count votes on whole resolutions (default; paragraph, amendment and procedural votes, "
                        "read from the record text, are set aside and listed) or every roll call")
    a.add_argument("--out", type=FOLDER, default=None, help="folder for CSV tables and the figure")
    a.set_defaults(func=cmd_alignment)


def add_products(sub) -> None:
    """The ``kzecon products`` command and its options."""
    pr = sub.add_parser("products", help="Kazakhstan–China trade by HS sector and Brent exposure")
    pr.add_argument("--brent", type=float, nargs="+", default=[50.0, 80.0, 110.0],
                    help="Brent prices (USD/bbl) for the scenario table (default 50 80 110)")
    pr.add_argument("--country", default=None, help="ISO-3 of the economy (default KAZ): the HS-sector data "
                    "exist for Kazakhstan only; another economy is refused (exit 3) naming the data it would need")
    pr.add_argument("--out", type=FOLDER, default=None, help="folder for CSV tables and the figure")
    pr.set_defaults(func=cmd_products)


def add_timeseries(sub) -> None:
    """The ``kzecon timeseries`` command and its options."""
    t = sub.add_parser("timeseries", help="unit-root and break tests, Bai–Perron, ARIMA forecast of a share")
    t.add_argument("--data", default=None, help="CSV with columns year, share: at least 12 consecutive years "
                   "(default: China's share of Kazakhstan's total trade)")
    t.add_argument("--country", default=None, help="ISO-3 of the economy whose China share is tested (default "
                   "KAZ; any economy of the IMF DOTS composition panel), with Chow tests at its own policy events")
    t.add_argument("--horizon", type=_int_in(1, 30, "--horizon"), default=5,
                   help="forecast horizon in years (default 5)")
    t.add_argument("--interventions", nargs="?", const="policy", default=None, metavar="YEARS",
                   help="step dummies in the ARIMA at these years (Chow tests there too), e.g. 2010,2015; with no "
                        "years, at the study's policy events (Kazakhstan's customs union 2010, BRI 2013, EAEU 2015), "
                        "where the Chow tests are by default")
    t.add_argument("--out", type=FOLDER, default=None,
                   help="folder for tests.csv, breaks.csv, forecast.csv and a figure")
    t.set_defaults(func=cmd_timeseries)


def add_forecast(sub) -> None:
    """The ``kzecon forecast`` command and its options."""
    f = sub.add_parser("forecast", help="probabilistic composition forecast and risk probabilities")
    f.add_argument("--data", default=None, help="CSV with columns year, partner, share (default: Kazakhstan's "
                   "total trade by china/russia/eu/rest)")
    f.add_argument("--country", default=None, help="ISO-3 of the economy whose composition is forecast (default "
                   "KAZ; any economy of the IMF DOTS composition panel, each year from the side data_quality names)")
    f.add_argument("--horizon", type=_int_in(1, 30, "--horizon"), default=5, help="years ahead, 1–30 (default 5)")
    # the registry's FORECAST_CHOICES (kzecon.forecast.registry; a test keeps them equal): importing it here would
    # load the forecasting stack for --help
    f.add_argument("--model", choices=["auto", "pooled", "pooled_cal", "drivers_cal", "drivers", "world_cal", "world",
                                       "var", "drift", "rw", "mean5", "ensemble"],
                   default="auto", help="default: the model chosen on the world backtest (pooled: median regressions "
                   "pooled across ~200 economies' histories) where the parts are China, Russia, US, EU, Central Asia "
                   "and rest in any spelling; otherwise the per-series model with the best backtest CRPS on the data")
    f.add_argument("--scenario", default=None, help="CSV with a year column and any of brent (USD/bbl) and "
                   "gdp_growth_<CODE> (%% a year; CODE in CHN, RUS, USA, EUU, CAS, ROW): those drivers fixed in "
                   "those years and the forecast moved by their effects (a partner's GDP through the gravity "
                   "elasticity, the oil price through the economy's own exposure); the others stay on their baseline "
                   "path (parts the world model does not know: a VAR on the log-ratios and log Brent, brent only)")
    f.add_argument("--brent", default=None,
                   help="with --scenario: CSV year, brent — the price history in the scenario's units (default: the "
                        "bundled annual Brent series)")
    f.add_argument("--events", default=None, help="CSV of risk events (event, kind, part_a, part_b, threshold)")
    f.add_argument("--paths", type=_int_in(100, 10**7, "--paths"), default=4000,
                   help="simulated paths (default 4000)")
    f.add_argument("--seed", type=SEED, default=2026, help="random seed, 0–4294967295 (default 2026): the same seed "
                   "gives the same paths")
    f.add_argument("--out", type=FOLDER, default=None,
                   help="folder for paths_summary.csv (year, partner, mean, 90%%/80%% bounds, "
                   "median), risk.csv (event, year; probability: the event holds that year, recalibrated where the "
                   "model carries the world backtest's calibration; raw_probability: the share of paths; "
                   "probability_by_year: at least once by that year; mc_se: Monte Carlo s.e. of the raw share), "
                   "first_year.csv and figures")
    f.set_defaults(func=cmd_forecast)


def add_backtest(sub) -> None:
    """The ``kzecon backtest`` command and its options."""
    b = sub.add_parser("backtest", help="rolling-origin backtest: coverage, accuracy, Brier scores")
    b.add_argument("--data", default=None, help="CSV with columns year, partner, share (default: Kazakhstan)")
    b.add_argument("--country", default=None, help="ISO-3 of the economy whose composition is backtested "
                   "(default KAZ; any economy of the IMF DOTS composition panel)")
    b.add_argument("--start", type=YEAR, default=None, help="first origin year (default 2005)")
    b.add_argument("--horizon", type=_int_in(1, 30, "--horizon"), default=None, help="horizons 1…N (default 5)")
    b.add_argument("--models", default=None, help="comma-separated subset of pooled,pooled_cal,drivers_cal,drivers,"
                   "world_cal,world,var,drift,rw,mean5,ensemble (default: pooled — the headline model, where the parts "
                   "are ones it knows — and var,drift,rw,mean5,ensemble); --world runs its own set")
    b.add_argument("--paths", type=_int_in(100, 10**7, "--paths"), default=None,
                   help="simulated paths per forecast (default 2000; --world 500)")
    b.add_argument("--seed", type=SEED, default=2026, help="random seed (default 2026)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--world", action="store_true", help="the world backtest: every economy's partner composition "
                   "(IMF DOTS), rolling origins, 20%% of economies held out, the world models against the per-series "
                   "models and statsforecast; writes coverage.csv, reliability.csv, summary.csv")
    b.add_argument("--first-origin", dest="first_origin", type=YEAR, default=None,
                   help="--world: first origin (default 1990)")
    b.add_argument("--last-origin", dest="last_origin", type=YEAR, default=None,
                   help="--world: last origin (default 2015)")
    b.add_argument("--score-from", dest="score_from", type=YEAR, default=None,
                   help="--world: score origins from this year (default 2000)")
    b.add_argument("--no-statsforecast", dest="no_statsforecast", action="store_true",
                   help="--world: leave out the statsforecast baseline (the slowest part)")
    b.add_argument("--out", type=FOLDER, default=None, help="folder for coverage.csv and the other tables")
    b.set_defaults(func=cmd_backtest)


def add_gravity(sub) -> None:
    """The ``kzecon gravity`` command and its options."""
    g = sub.add_parser("gravity", help="structural gravity by PPML: policy effects, published results reproduced")
    g.add_argument("--replicate", choices=["yotov2016"], default=None,
                   help="reproduce the Advanced Guide's chapter-1 estimates")
    g.add_argument("--data", default=None, help="a gravity CSV, gzip allowed (canonical exporter, importer, year, "
                   "flow + any columns; CEPII Gravity; ITPD-E/DGD); needs --formula")
    g.add_argument("--formula", default=None, help='PPML specification as in fixest/pyfixest, e.g. "flow ~ cu + '
                   'rta_other | exp_year + imp_year + pair"; fixed effects are columns, a^b interactions or the '
                   "built-ins exp_year, imp_year, pair (directional), pair_id (symmetric), exporter, importer, year "
                   "(without --data: the bundled penppml panel with customs_union, eaeu, bri_kaz_chn, …). Regressors: "
                   "columns, log/log1p/exp/sqrt/abs(…), I(arithmetic on columns), a:b, C(col), i(col, ref=v); "
                   "read as data, never run as Python")
    g.add_argument("--cluster", default="auto", help="cluster variable (a column or built-in; several joined by '+' "
                   "for multi-way clustering, e.g. 'exporter + importer'; 'none' for robust errors). Default: the "
                   "country pair in both directions (pair_id), as the Advanced Guide: the two directions of a pair "
                   "share pair-specific shocks")
    g.add_argument("--years", default=None, help="years to use: START:END[:STEP] (e.g. 1996:2016:4) or Y1,Y2,…")
    g.add_argument("--panel", choices=["dots", "penppml"], default=None,
                   help="bundled panel: dots = annual world panel 2000–2020 (IMF DOTS): the customs union / EAEU event "
                   "study, BRI terms, both reporting sides, randomization inference; penppml = every 4th year to "
                   "2016 (the default without --data)")
    g.add_argument("--ri", type=_int_in(0, 100_000, "--ri"), default=None,
                   help="--panel dots: placebo blocs for randomization inference (default 99; 0 skips it)")
    g.add_argument("--score-reps", dest="score_reps", type=_int_in(0, 10**6, "--score-reps"), default=None,
                   help="--panel dots: wild score bootstrap draws (default 9999; 0 skips it)")
    g.add_argument("--seed", type=SEED, default=None,
                   help="--panel dots: random seed of the placebo draws and the bootstrap (default 2026)")
    g.add_argument("--by", default=None, help="one PPML per group of this column (e.g. sector), on Dask; --data may "
                   "be a file, a glob or a folder of CSV/Parquet files (ITPD-E and BACI layouts are recognised)")
    g.add_argument("--workers", type=_int_in(1, 4096, "--workers"), default=None,
                   help="--by / --panel dots: worker processes of a local Dask cluster (default: the machine's cores)")
    g.add_argument("--scheduler", default=None, help="--by / --panel dots: address of an existing Dask scheduler "
                   "(tcp://host:8786) instead of a local cluster")
    g.add_argument("--backend", choices=["kzecon", "pyfixest"], default="kzecon",
                   help="PPML estimator: kzecon's fast one (default) or pyfixest's fepois, same sample and answer")
    g.add_argument("--out", type=FOLDER, default=None, help="folder for estimates.csv, dropped.csv and a figure")
    g.set_defaults(func=cmd_gravity)


def add_panel(sub) -> None:
    """The ``kzecon panel`` command and its options."""
    pa = sub.add_parser("panel", help="panel models and the customs-union DiD with wild cluster bootstrap")
    pa.add_argument("--country", default=None, help="ISO-3 of the economy (default KAZ): the partner panel and the "
                    "customs-union design exist for Kazakhstan only; another economy is refused (exit 3)")
    pa.add_argument("--reps", type=_int_in(1, 10**6, "--reps"), default=9999,
                    help="wild bootstrap replications (default 9999)")
    pa.add_argument("--seed", type=SEED, default=2026, help="random seed (default 2026)")
    pa.add_argument("--out", type=FOLDER, default=None,
                    help="folder for did.csv, event_study.csv/.png and model tables")
    pa.set_defaults(func=cmd_panel)


def add_decompose(sub) -> None:
    """The ``kzecon decompose`` command and its options."""
    dc = sub.add_parser("decompose", help="why the tilt: each partner's share change split into the world's part, "
                        "policy and the economy's own")
    dc.add_argument("--country", default="KAZ", help="ISO-3 of the economy (default KAZ): any economy of the IMF DOTS "
                    "composition panel")
    dc.add_argument("--from", dest="start", type=YEAR, default=None,
                    help="first year of the period (default 2000, or the composition's first year)")
    dc.add_argument("--to", dest="end", type=YEAR, default=None,
                    help="last year (default: the last year the composition and the world's data both cover, 2020)")
    dc.add_argument("--out", type=FOLDER, required=True,
                    help="folder for decomposition.csv (country, partner, from_year, to_year, "
                    "share_from, share_to, change, world, policy, own; shares as fractions) and info.json (sources, "
                    "sides, years)")
    dc.set_defaults(func=cmd_decompose)


def add_brief(sub) -> None:
    """The ``kzecon brief`` command and its options."""
    br = sub.add_parser("brief", help="the whole pipeline on the bundled data: an HTML policy brief")
    br.add_argument("--out", type=FOLDER, required=True,
                    help="folder for index.html, figures/, findings.json and peers.csv")
    br.add_argument("--country", default="KAZ", help="ISO-3 of the economy studied (default KAZ): any economy of the "
                    "IMF DOTS composition panel except China and Russia; sections whose data exist only for "
                    "Kazakhstan say what they would need")
    br.add_argument("--reps", type=_int_in(1, 10**6, "--reps"), default=9999,
                    help="wild bootstrap replications (default 9999)")
    br.add_argument("--paths", type=_int_in(100, 10**7, "--paths"), default=4000,
                    help="forecast paths (default 4000)")
    br.add_argument("--seed", type=SEED, default=2026, help="random seed (default 2026)")
    br.add_argument("--no-cache", dest="no_cache", action="store_true", help="recompute even if nothing changed")
    br.add_argument("--pdf", action="store_true", help="also print index.pdf with headless Chromium")
    br.set_defaults(func=cmd_brief)


COMMANDS = (add_data, add_measures, add_alignment, add_products, add_timeseries, add_forecast, add_backtest,
            add_gravity, add_panel, add_decompose, add_brief)  # each adds its sub-command, in --help's order


def build_parser() -> argparse.ArgumentParser:
    """The ``kzecon`` argument parser: every command, option, default and help text."""
    p = _Parser(prog="kzecon", description="Kazakhstan's trade dependence: data, measures, models.")
    p.add_argument("--version", action="version", version=f"kzecon {kzecon.__version__}")
    p.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for add in COMMANDS:
        add(sub)
    return p


_SHOWN: dict[str, None] = {}


def _one_line_warning(message, category, filename, lineno, file=None, line=None):
    """Each distinct warning once per command (a model refitted at every backtest origin warns once), printed when
    the command has succeeded: a failed command prints its one error line and nothing else."""
    _SHOWN.setdefault(str(message), None)


def _flush_warnings() -> None:
    for text in _SHOWN:
        print(f"kzecon: warning: {text}", file=sys.stderr)
    _SHOWN.clear()


def _check_out(out: str) -> None:
    """--out before any work: not an existing file, and inside a folder this user can write (a DataFileError,
    exit 2, naming it)."""
    import os

    p = Path(out)
    if p.exists() and not p.is_dir():
        raise DataFileError(f"--out {out} is a file, not a folder")
    anc = p if p.exists() else next((a for a in p.absolute().parents if a.exists()), Path("/"))
    if not anc.is_dir() or not os.access(anc, os.W_OK | os.X_OK):
        raise DataFileError(f"--out {out}: cannot write in {anc}")


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that it unwinds like Ctrl-C: temporary folders removed, workers
    stopped, one line printed."""


def _on_sigterm(signum, frame):
    from kzecon.report.output import request_stop

    request_stop("terminated")
    raise Terminated()


def _on_sigint(signum, frame):
    """Ctrl-C: recorded (so that no output is committed even if a library swallows the exception) and raised."""
    from kzecon.report.output import request_stop

    request_stop("interrupted")
    raise KeyboardInterrupt()


def _quiet_interrupt(hook):
    """``sys.unraisablehook`` for a Ctrl-C (or SIGTERM) that landed inside a finalizer or weakref callback, where
    Python cannot propagate it: no traceback, and the signal sent again a moment later so that it stops the command
    where it can (one documented line, exit 130 or 143); the stop is recorded either way
    (:func:`kzecon.report.output.request_stop`), so no output is committed."""
    def quiet(info):
        if isinstance(info.exc_value, KeyboardInterrupt):
            import threading

            from kzecon.report.output import stop_requested

            sig = signal.SIGTERM if stop_requested() == "terminated" else signal.SIGINT
            again = threading.Timer(0.05, os.kill, (os.getpid(), sig))
            again.daemon = True
            again.start()
            return
        hook(info)

    return quiet


class _QuietPipe:
    """stdout that stops writing, silently, once its reader has gone (``kzecon … | head``): the command still
    finishes and commits its output folder; a closed pipe is not the user's mistake."""

    def __init__(self, stream):
        self.stream, self.closed_reader = stream, False

    def write(self, text):
        if not self.closed_reader:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self):
        if not self.closed_reader:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self):
        import os

        self.closed_reader = True
        try:  # the interpreter's own last flush must not fail either
            os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())
        except (OSError, ValueError):
            pass

    def __getattr__(self, name):
        return getattr(self.stream, name)


def main(argv=None) -> int:
    """Run ``kzecon`` with ``argv``: the exit code (kzecon errors as one line with their documented code)."""
    original = sys.stdout
    if not isinstance(sys.stdout, _QuietPipe):
        sys.stdout = _QuietPipe(sys.stdout)
    try:
        return _main(argv)
    except KeyboardInterrupt as stop:  # a signal that arrived while the command was already unwinding from another
        term = isinstance(stop, Terminated)
        _report_stop("terminated" if term else "interrupted")
        return EXIT_TERMINATED if term else EXIT_INTERRUPTED
    finally:
        if sys.stdout is not original and not getattr(sys.stdout, "closed_reader", False):
            sys.stdout = original


def console() -> None:
    """The ``kzecon`` command (the console script): :func:`main`, then exit with its code. Before exiting, the
    objects left are moved out of the garbage collector's reach (``gc.freeze``): everything is written by then, and the
    interpreter's last collection over a brief's objects took 0.7 s of its 0.8 s shutdown (0.1 s frozen)."""
    import gc

    code = main()
    gc.freeze()
    sys.exit(code)


_REPORTED: list[str] = []  # the stop line, once printed (a run prints it at most once)


def _report_stop(how: str) -> None:
    """Print ``kzecon: interrupted; nothing written`` (or terminated) once per run."""
    if not _REPORTED:
        _REPORTED.append(how)
        print(f"kzecon: {how}; nothing written", file=sys.stderr)


def _deaf() -> None:
    """Ignore SIGINT and SIGTERM from now on in this run (the handlers in place before it are restored at its end)."""
    import threading

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


def _main(argv) -> int:
    import signal
    import threading

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version (0) or a usage error (64, already printed in one line)
        return int(done.code or 0)
    _SHOWN.clear()
    _REPORTED.clear()
    from kzecon.report.output import clear_stop, stop_requested

    clear_stop()
    previous = previous_int = None
    unraisable = sys.unraisablehook
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        previous_int = signal.signal(signal.SIGINT, _on_sigint)
        sys.unraisablehook = _quiet_interrupt(unraisable)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            if not args.debug:
                warnings.showwarning = _one_line_warning
            if getattr(args, "out", None):
                _check_out(args.out)
            code = args.func(args)
            _flush_warnings()
            return code
    except KeyboardInterrupt as stop:
        if args.debug:
            raise
        _deaf()  # stopping already: a second signal (the group's, or one re-sent) must not cut the one line short
        term = isinstance(stop, Terminated) or stop_requested() == "terminated"
        _report_stop("terminated" if term else "interrupted")
        return EXIT_TERMINATED if term else EXIT_INTERRUPTED
    except KzeconError as err:
        if args.debug:
            raise
        print(f"kzecon: {type(err).__name__}: {err}", file=sys.stderr)
        return err.exit_code
    except MemoryError:
        if args.debug:
            raise
        print(f"kzecon: {DataFileError.__name__}: out of memory reading or estimating this input: select fewer "
              "years, countries or columns", file=sys.stderr)
        return DataFileError.exit_code
    except OSError as err:
        if args.debug:
            raise
        print(f"kzecon: {DataFileError.__name__}: {plain(err)}", file=sys.stderr)
        return DataFileError.exit_code
    except Exception as err:  # anything else is our bug: still one line, a distinct code
        if args.debug:
            raise
        print(f"kzecon: internal error ({type(err).__name__}: {plain(err, 200)}); rerun with --debug and report it",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        sys.unraisablehook = unraisable
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if previous_int is not None:
            signal.signal(signal.SIGINT, previous_int)


if __name__ == "__main__":
    raise SystemExit(main())
