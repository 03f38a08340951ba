"""One results protocol for every public results class: ``summary()`` (text, also the ``repr``), ``to_frame()`` (a
tidy table, also the notebook's ``_repr_html_``), ``conf_int()`` with one default level (0.95) where intervals
exist, ``nobs`` where observations exist — and every public method still works after a pickle round trip (Dask,
process pools), giving the same numbers. The results classes are found by walking the package (every class marked by
``results_class`` or with both ``summary`` and ``to_frame``), so a new one without an instance here fails; each
instance is checked against the protocol types of :mod:`kzecon.results` (``Results``, ``IntervalResults``) and the
one ``to_frame`` signature. The numbers themselves are checked against references elsewhere; here, beside the
shape, the few methods rebuilt for the trip are checked against the library they replace (statsmodels'
``get_prediction`` and VAR Granger test called directly)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import kzecon
from kzecon import forecast, gravity, timeseries
from kzecon.gravity.simulate import simulate_bloc_panel
from kzecon.results import IntervalResults, Results, ResultsSet
from kzecon.study import customs_union, eaeu, pipeline, products
from kzecon.timeseries import stattests

# the public methods that need arguments, and the arguments the test calls them with
CALLS = {
    "forecast": ((3,), {}), "simulate": ((3, 200, 1), {}), "granger": (("alr_china", "alr_russia"), {}),
    "probability": (("china_above_russia", 2030), {}), "share": (("china", 2030), {}),
    "world_score": (("world_cal", "crps"), {}), "balance_in": ((2015,), {}), "counts": (("2014–2019",), {}),
    "p_value": (("ADF",), {}), "first_year": (("china_above_russia",), {}),
}


def _composition(years=range(1990, 2021), seed=5):
    rng = np.random.default_rng(seed)
    z = np.cumsum(rng.normal(0, 0.1, (len(years), 3)), axis=0) + np.log([0.3, 0.25, 0.2])
    ez = np.exp(z)
    sh = np.c_[ez, np.ones(len(years))] / (1 + ez.sum(axis=1, keepdims=True))
    return pd.DataFrame([{"year": y, "partner": p, "share": sh[i, j]} for i, y in enumerate(years)
                         for j, p in enumerate(["china", "russia", "eu", "rest"])])


@pytest.fixture(scope="module")
def results():
    warnings.simplefilter("ignore")
    panel = simulate_bloc_panel(12, 8, waves=((4, 3), (6, 2)), effect=0.1, seed=3)
    model = gravity.PPML(panel, "flow ~ bloc | exp_year + imp_year + pair")
    fit = model.fit()
    draw = gravity.inference.bloc_draw(panel, panel.attrs["pool"] + panel.attrs["members"], panel.attrs["waves"])
    comp = _composition()
    share = comp[comp["partner"] == "china"][["year", "share"]]
    y = pd.Series(np.r_[np.zeros(15), np.ones(15) * 2] + np.random.default_rng(1).normal(0, 0.3, 30),
                  index=range(1990, 2020))
    c = ["A", "B", "C"]
    flows = pd.DataFrame([{"exporter": i, "importer": j, "flow": 10.0 if i == j else 1.0 + k,
                           "delta": -0.5 if {i, j} == {"A", "B"} else 0.0}
                          for k, (i, j) in enumerate((i, j) for i in c for j in c)])
    dots = kzecon.data.load_gravity("dots")
    keep = set(eaeu.EAEU_MEMBERS) | {"CHN", "MNG", "UZB", "AZE", "GEO", "UKR", "TUR"}
    sub = dots[dots["exporter"].isin(keep) & dots["importer"].isin(keep)].reset_index(drop=True)
    out = {
        "TestResult": stattests.unit_root(y, "adf", regression="c", lags=1),
        "EstimationResults": fit,
        "ResultsSet": ResultsSet({"a": fit, "b": gravity.ppml(panel, "flow ~ bloc | exp_year + imp_year")}),
        "RandomizationResult": gravity.inference.randomization_inference(model, "bloc", draw, reps=4, seed=1),
        "ScoreBootstrapResult": gravity.inference.score_bootstrap(model, "bloc", reps=49, seed=1),
        "GEResult": gravity.ge.counterfactual(flows, "delta", kind="conditional", sigma=5.0),
        "BreakResult": stattests.bai_perron(y),
        "ShareBattery": timeseries.share_battery(share),
        "ShareModelResults": timeseries.arima(share),
        "CompositionModelResults": timeseries.composition_var(comp, reference="rest"),
        "WorldBacktest": forecast.world.world_backtest(origins=[2005], n_paths=100, statsforecast=False),
        "Backtest": forecast.backtest.run(comp, models=("rw", "world_cal"), start=2014, n_paths=100),
        "CompositionForecast": forecast.simulate(comp, model="world_cal", horizon=10, n_paths=300, seed=1),
        "TradeShares": pipeline.trade_shares("MNG"),
        "DependenceRisk": pipeline.dependence_risk(country="MNG", paths=200, backtest_paths=100),
        "Products": pipeline.products(),
        "UnAlignment": pipeline.un_alignment("MNG"),
        "Peers": pipeline.peers(paths=200),
        "CustomsUnion": pipeline.customs_union(reps=19),
        "PartnerModels": customs_union.partner_models(),
        "WorldGravityResults": eaeu.eaeu_models(eaeu.eaeu_frame(sub), ri_reps=0, score_reps=19,
                                                specs=("ppml_static", "ppml_event"), sides=False),
        "Decomposition": pipeline.decompose(country="KAZ", start=2005, end=2015,
                                            coefficients={"eaeu": -0.15, "bri_kaz_chn": -0.22, "bri_chn": 0.01}),
    }
    warnings.resetwarnings()
    return out


NAMES = ("TestResult", "EstimationResults", "ResultsSet", "RandomizationResult", "ScoreBootstrapResult", "GEResult",
         "BreakResult", "ShareBattery", "ShareModelResults", "CompositionModelResults", "WorldBacktest", "Backtest",
         "CompositionForecast", "TradeShares", "DependenceRisk", "Products", "UnAlignment", "Peers", "CustomsUnion",
         "PartnerModels", "WorldGravityResults", "Decomposition")  # the keys of the results fixture
INTERVALS = {"EstimationResults", "ResultsSet", "PartnerModels", "BreakResult", "ShareModelResults",
             "CompositionModelResults", "CompositionForecast", "DependenceRisk", "Products", "CustomsUnion",
             "WorldGravityResults"}  # conf_int(level=0.95)
NO_OBSERVATIONS = {"RandomizationResult", "ScoreBootstrapResult", "CompositionForecast"}  # draws / paths: nobs None
NOT_RESULTS = {  # classes that look like results (a to_frame, or a result's name) but are not public results
    "kzecon.forecast.drivers.DriverPaths": "the driver paths inside a CompositionForecast (its drivers_frame()); "
                                           "an input to the simulation, not a result with a summary",
    "kzecon.forecast.choice.ModelChoice": "a return holder (a CompositionForecast and the sentence saying how its "
                                          "model was chosen): the result is its .forecast",
}
INTERVAL_COLUMN = re.compile(r"^(conf_low|conf_high|lower|upper)(_\d+)?$")


def _kzecon_classes():
    """Every class defined in a kzecon module (the lazy packages imported by walking them)."""
    for info in pkgutil.walk_packages(kzecon.__path__, "kzecon."):
        mod = importlib.import_module(info.name)
        for obj in vars(mod).values():
            if inspect.isclass(obj) and obj.__module__ == mod.__name__ and not obj.__name__.startswith("_"):
                yield f"{mod.__name__}.{obj.__qualname__}", obj


def _is_results_class(cls) -> bool:
    if getattr(cls, "_is_protocol", False):  # the protocol types themselves
        return False
    return bool(getattr(cls, "__kzecon_results__", False)) or (
        callable(getattr(cls, "summary", None)) and callable(getattr(cls, "to_frame", None)))


@pytest.fixture(scope="module")
def results_classes():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {path: cls for path, cls in _kzecon_classes() if _is_results_class(cls)}


def _public(obj):
    for name, member in inspect.getmembers(type(obj)):
        if name.startswith("_") or name in ("backend",):
            continue
        yield name, member


def _call(obj, name):
    attr = getattr(obj, name)
    if not callable(attr) or isinstance(attr, (pd.DataFrame, pd.Series)):
        return attr
    args, kw = CALLS.get(name, ((), {}))
    if name == "wald_test":
        args = ([obj.params.index[-1]],)
    try:
        sig = inspect.signature(attr)
    except (TypeError, ValueError):
        return None
    required = [p for p in sig.parameters.values() if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(required) > len(args):
        return None  # a Mapping method of ResultsSet (get, …) or similar: not part of the protocol
    return attr(*args, **kw)


def _same(a, b):
    if isinstance(a, pd.DataFrame | pd.Series):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        else:
            pd.testing.assert_series_equal(a, b)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    elif isinstance(a, tuple) and any(isinstance(x, Results) for x in a):  # Products.fits: results, compared by table
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            pd.testing.assert_frame_equal(x.to_frame(), y.to_frame())
    elif isinstance(a, (str, int, float, bool, tuple)) or a is None:
        assert a == b


def test_every_results_class_has_an_instance_here(results, results_classes):
    """The package's results classes, found by walking it, are exactly the fixture's (so a new one must come with
    an instance here); the look-alikes set aside say why, and still exist."""
    names = [p.rsplit(".", 1)[1] for p in results_classes]
    assert len(set(names)) == len(names), f"two results classes share a name: {sorted(names)}"
    for path, cls in results_classes.items():
        name = path.rsplit(".", 1)[1]
        assert name in results, f"found class {path} with no instance in the protocol test (add one to `results`)"
        assert type(results[name]) is cls, f"the instance of {name} is a {type(results[name])}, not {path}"
    assert set(results) == set(names), f"instances of classes not found: {set(results) - set(names)}"
    assert set(NAMES) == set(results)
    everything = dict(_kzecon_classes())
    for path, why in NOT_RESULTS.items():
        assert path in everything and path not in results_classes and why, path
    for path, cls in everything.items():  # half a protocol is a mistake: a to_frame or summary alone is set aside
        half = not getattr(cls, "_is_protocol", False) and (callable(getattr(cls, "to_frame", None))
                                                            or callable(getattr(cls, "summary", None)))
        assert path in results_classes or path in NOT_RESULTS or not half, \
            f"{path} has half of the results protocol: make it a results class or say why not in NOT_RESULTS"


@pytest.mark.parametrize("name", NAMES)
def test_protocol_types_and_the_one_to_frame_signature(results, name):
    """``isinstance`` of the protocol types; ``to_frame`` takes no required argument, ``level`` (the one
    interval-level keyword) first and only where its table has interval columns, everything else keyword-only;
    ``conf_int(level=0.95)`` where intervals exist; ``nobs`` None only for draws or paths."""
    r = results[name]
    assert isinstance(r, Results)
    assert isinstance(r, IntervalResults) == (name in INTERVALS), name
    params = list(inspect.signature(type(r).to_frame).parameters.values())[1:]
    for p in params:
        assert p.default is not p.empty, f"{name}.to_frame: {p.name} has no default"
        if p.name == "level":
            assert p is params[0] and p.kind is p.POSITIONAL_OR_KEYWORD and 0 < p.default < 1, name
        else:
            assert p.kind is p.KEYWORD_ONLY, f"{name}.to_frame: {p.name} must be keyword-only (level alone is not)"
    frame = r.to_frame()
    bounds = [c for c in frame.columns if INTERVAL_COLUMN.match(str(c))]
    assert bool(bounds) == any(p.name == "level" for p in params), \
        f"{name}.to_frame: a level parameter exactly when its table has interval columns ({bounds})"
    if bounds:
        assert name in INTERVALS, f"{name}.to_frame has intervals: it needs conf_int(level=0.95)"
        default = inspect.signature(type(r).to_frame).parameters["level"].default
        pd.testing.assert_frame_equal(r.to_frame(level=default), frame)
        def width(t):
            lo, hi = ([c for c in t.columns if INTERVAL_COLUMN.match(str(c)) and c.startswith(side)][0]
                      for side in (("lower", "conf_low"), ("upper", "conf_high")))
            return float((t[hi].astype(float) - t[lo].astype(float)).sum())

        assert width(r.to_frame(level=0.5)) <= width(frame)
    if name in INTERVALS:
        ps = list(inspect.signature(type(r).conf_int).parameters.values())[1:]
        assert ps[0].name == "level" and ps[0].default == 0.95 and ps[0].kind is ps[0].POSITIONAL_OR_KEYWORD
        assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in ps[1:]), name
    assert (r.nobs is None) == (name in NO_OBSERVATIONS), name


@pytest.mark.parametrize("name", NAMES)
def test_protocol_and_pickle_round_trip(results, name):
    r = results[name]
    assert type(r).__name__ == name
    text = r.summary()
    assert isinstance(text, str) and len(text) > 20 and repr(r) == text
    frame = r.to_frame()
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    html = r._repr_html_()
    assert "<table" in html and name in html
    if name in INTERVALS:
        ci = r.conf_int()
        assert inspect.signature(type(r).conf_int).parameters["level"].default == 0.95
        lo = [c for c in ci.columns if c.startswith("lower")][0]
        hi = [c for c in ci.columns if c.startswith("upper")][0]
        assert (ci[lo] <= ci[hi]).all()
        narrow = r.conf_int(level=0.5)
        assert (narrow[hi] - narrow[lo]).sum() <= (ci[hi] - ci[lo]).sum()
    if name not in NO_OBSERVATIONS:
        n = r.nobs
        assert (n > 0).all() if isinstance(n, pd.Series) else int(n) > 0
    back = pickle.loads(pickle.dumps(r))
    assert back.summary() == text
    pd.testing.assert_frame_equal(back.to_frame(), frame)
    for attr, _ in _public(r):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before, after = _call(r, attr), _call(back, attr)
        _same(before, after)


def test_brent_scenarios_equal_statsmodels_prediction_and_survive_a_pickle():

    r = products.brent_exposure("exports_to_china")
    back = pickle.loads(pickle.dumps(r))
    assert back.backend is None
    sc = products.brent_scenarios(back, [50, 80, 110], level=0.9)
    X = pd.DataFrame({"const": 1.0, "log_brent": np.log([50.0, 80.0, 110.0]),
                      "trend": r.stats["last_year"] + 1 - r.stats["first_year"]})
    ref = r.backend.get_prediction(X).summary_frame(alpha=0.1)  # statsmodels' own prediction of the same fit
    np.testing.assert_allclose(sc["estimate"], np.exp(ref["mean"]), rtol=1e-12)
    np.testing.assert_allclose(sc["lower"], np.exp(ref["obs_ci_lower"]), rtol=1e-12)
    np.testing.assert_allclose(sc["upper"], np.exp(ref["obs_ci_upper"]), rtol=1e-12)


def test_wald_test_equals_statsmodels(results):
    """The results-level Wald test against statsmodels' on the same coefficients and covariance."""
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    X = sm.add_constant(pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)}))
    y = 1 + 0.3 * X["a"] + rng.normal(size=60)
    ols = sm.OLS(y, X).fit()
    from kzecon.results import EstimationResults

    r = EstimationResults("ols", ols.params, ols.bse, nobs=60, vcov=ols.cov_params())
    t = r.wald_test(["a", "b"])
    ref = ols.wald_test("a = 0, b = 0", use_f=False, scalar=True)
    assert t.statistic == pytest.approx(float(ref.statistic), rel=1e-12)
    assert t.p_value == pytest.approx(float(ref.pvalue), rel=1e-10) and t.detail["df"] == 2
    t1 = r.wald_test("a", [0.3])
    ref1 = ols.wald_test("a = 0.3", use_f=False, scalar=True)
    assert t1.statistic == pytest.approx(float(ref1.statistic), rel=1e-12)


def test_carried_covariances_are_the_libraries(results):
    """The covariance each time-series fit carries is its library's ``cov_params()`` (standard errors are its
    diagonal), so Wald tests need no backend."""
    for name in ("ShareModelResults", "CompositionModelResults"):
        r = results[name]
        np.testing.assert_allclose(np.sqrt(np.diag(r.vcov)), r.std_errors.to_numpy(), rtol=1e-8)
    arima = results["ShareModelResults"]
    np.testing.assert_allclose(arima.vcov.to_numpy(), np.asarray(arima.backend.arima_res_.cov_params()), rtol=1e-12)
    var = results["CompositionModelResults"].backend  # statsmodels' own Wald test of one equation's lag terms
    names = [f"L1.{v}" for v in var.names]
    ref = var.test_causality("alr_china", var.names, kind="wald")  # every lag of every variable in one equation
    r = results["CompositionModelResults"].wald_test([f"alr_china:{n}" for n in names])
    assert r.statistic == pytest.approx(float(ref.test_statistic), rel=1e-10)


def test_hausman_works_from_the_carried_covariances(results):
    pm = results["PartnerModels"]
    back = pickle.loads(pickle.dumps(pm))
    assert back.hausman.statistic == pm.hausman.statistic and back["fe"].vcov is not None
    from kzecon.panel import hausman

    fe, re = back["fe"], back["re"]
    assert np.isfinite(hausman(fe, re).statistic)


def test_one_name_one_model():
    """The CLI's --model choices are the registry's; the per-series baselines of a forecast are the world
    backtest's simulator on the last ten changes (the same paths from the same draws)."""
    from kzecon.cli import build_parser
    from kzecon.forecast import registry
    from kzecon.forecast.world import simulate_rw

    p = build_parser()
    sub = next(a for a in p._actions if a.dest == "command").choices["forecast"]
    model = next(a for a in sub._actions if a.dest == "model")
    assert tuple(model.choices) == registry.FORECAST_CHOICES
    comp = _composition()
    wide = comp.pivot(index="year", columns="partner", values="share")[["china", "eu", "russia", "rest"]]
    z = np.log(wide[["china", "eu", "russia"]].to_numpy() / wide[["rest"]].to_numpy())
    for m in ("rw", "drift", "mean5"):
        fc = forecast.simulate(wide, model=m, horizon=4, n_paths=300, seed=9)
        ref = simulate_rw(z[None, -11:], np.ones((1, 3), bool), horizon=4, n_paths=300,
                          rng=np.random.default_rng(9), drift=m == "drift", mean5=m == "mean5")[0]
        ez = np.exp(ref)
        shares = ez / (1 + ez.sum(axis=-1, keepdims=True))
        got = fc.paths[:, :, [list(fc.parts).index(c) for c in ("china", "eu", "russia")]]
        np.testing.assert_allclose(got, shares, rtol=1e-12)
        assert fc.info["window"] == registry.BASELINE_WINDOW
