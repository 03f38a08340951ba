"""Tables from kzecon results: one HTML engine for the brief, maketables for papers.

:func:`html_table` renders any frame of a result (its own ``to_frame()``, a test battery, a forecast comparison, a
regression laid out by :func:`regression_frame`) through pandas' ``Styler``: escaped cells, one float format, CSS
classes by row, stable element ids, so a rebuilt brief is byte-identical. :func:`etable` hands kzecon results to
maketables (through :class:`KzeconExtractor`) for tables that mix kzecon, pyfixest, statsmodels and linearmodels
fits and for Markdown, LaTeX, Word, Typst and Quarto output.
"""

from __future__ import annotations

import html as _html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError

STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))


def _stars(p: float) -> str:
    for cut, s in STARS:
        if p < cut:
            return s
    return ""


def html_table(frame: pd.DataFrame, name: str, *, classes: str = "data", index: bool = False, precision: int = 3,
               na_rep: str = "NaN") -> str:
    """One frame as an HTML ``<table>``: the one table engine of the brief.

    Parameters
    ----------
    frame : DataFrame
        The cells as shown: floats are written with ``precision`` decimals, every other value as its string
        (HTML-escaped). ``frame.attrs["row_classes"]``, when set, gives each row a CSS class on its cells
        (e.g. ``"se"`` and ``"stat"`` in a regression table, ``"headline"`` for the headline model's row).
    name : str
        Stable id of the table in the page (``T_<name>``): the same frame gives the same bytes.
    classes : str, default "data"
        CSS classes of the ``<table>`` element.
    index : bool, default False
        Whether the row labels are shown (as header cells).
    precision : int, default 3
        Decimals of float cells.
    na_rep : str, default "NaN"
        What a missing value shows.

    Returns
    -------
    str
        The table's HTML.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.report.tables import html_table
    >>> html = html_table(pd.DataFrame({"p-value": [0.01234]}), "t")
    >>> "0.012" in html and 'id="T_t"' in html
    True
    """
    body = frame.set_axis(range(len(frame)))  # Styler's classes need unique row labels: the labels are shown below
    sty = body.style.format(precision=precision, na_rep=na_rep, escape="html").format_index(escape="html", axis=1)
    sty = sty.set_uuid(name)
    sty = sty.set_table_attributes(f'class="{classes}"')
    sty = sty.relabel_index([_html.escape(str(i)) for i in frame.index]) if index else \
        sty.hide(axis="index")
    rows = frame.attrs.get("row_classes")
    if rows is not None:
        sty = sty.set_td_classes(pd.DataFrame([[c] * frame.shape[1] for c in rows], columns=frame.columns))
    return sty.to_html()


def regression_frame(results: Mapping | Sequence, *, terms: Sequence[str] | None = None,
                     labels: Mapping[str, str] | None = None, stars: bool = True, digits: int = 3,
                     info_rows: Sequence[str] = ("fixed_effects", "covariance"),
                     stats: Sequence[str] = ("r2", "pseudo_r2", "p_wild"), notes: str | None = None,
                     value_labels: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Results (``{column title: EstimationResults}`` or a list) laid out as a regression table, for
    :func:`html_table`.

    Coefficient rows show ``estimate`` with stars (``p < 0.01 ***, 0.05 **, 0.10 *``) and, on the next row, the
    standard error in parentheses. ``info_rows`` come from each result's ``info`` (e.g. fixed effects,
    covariance); ``stats`` from its ``stats`` when present; N is always shown, with rows dropped when any.
    ``labels`` name the terms for a reader, ``value_labels`` the info values (e.g. a fixed-effects formula).
    ``attrs["row_classes"]`` marks the standard-error rows ``"se"`` and the statistics ``"stat"``;
    ``attrs["notes"]`` holds the notes (``notes``, else the standard-error and stars legend).

    For a paper (LaTeX, Word, Markdown) or beside pyfixest, statsmodels and linearmodels fits use :func:`etable`.
    """
    items = list(results.items()) if isinstance(results, Mapping) else [(r.model, r) for r in results]
    if not items:
        raise CoverageError("no results to tabulate")
    labels = dict(labels or {})
    value_labels = dict(value_labels or {})
    all_terms = terms or list(dict.fromkeys(t for _, r in items for t in r.params.index))
    fmt = f"{{:.{digits}f}}"
    rows, index, kinds = [], [], []
    for t in all_terms:
        est = [fmt.format(r.params[t]) + (_stars(float(r.pvalues[t])) if stars else "") if t in r.params.index
               else "" for _, r in items]
        se = ["(" + fmt.format(r.std_errors[t]) + ")" if t in r.params.index else "" for _, r in items]
        rows += [est, se]
        index += [labels.get(t, t), ""]
        kinds += ["", "se"]
    for key in info_rows:
        vals = [value_labels.get(v, v) for v in (str(r.info.get(key, "")) for _, r in items)]
        if any(vals):
            rows.append(vals)
            index.append(key.replace("_", " ").capitalize())
    rows.append([f"{r.nobs:,d}" for _, r in items])
    index.append("N")
    if any(r.n_dropped for _, r in items):
        rows.append([f"{r.n_dropped:,d}" for _, r in items])
        index.append("Rows dropped")
    for key in stats:
        vals = [r.stats.get(key) for _, r in items]
        if any(v is not None and np.isfinite(v) for v in vals if isinstance(v, (int, float))):
            rows.append([fmt.format(v) if isinstance(v, (int, float)) and np.isfinite(v) else "" for v in vals])
            index.append({"r2": "R²", "pseudo_r2": "Pseudo R²", "p_wild": "Wild bootstrap p"}.get(key, key))
    body = pd.DataFrame(rows, index=index, columns=[str(k) for k, _ in items])
    body.attrs["row_classes"] = kinds + ["stat"] * (len(rows) - len(kinds))
    default_notes = "Standard errors in parentheses." + (" * p<0.10, ** p<0.05, *** p<0.01." if stars else "")
    body.attrs["notes"] = notes if notes is not None else default_notes
    return body


# ---------------------------------------------------------------------------------------------- maketables
class KzeconExtractor:
    """maketables' extractor protocol for :class:`kzecon.results.EstimationResults`: every kzecon estimate (fast
    PPML, panel models, DiD, Brent elasticities) goes into maketables' ETable beside pyfixest, statsmodels and
    linearmodels results, and out as Markdown, LaTeX, HTML, Word or Typst from one place."""

    def can_handle(self, model) -> bool:
        """Whether maketables should use this extractor for ``model``."""
        from kzecon.results import EstimationResults

        return isinstance(model, EstimationResults)

    def coef_table(self, model) -> pd.DataFrame:
        """Coefficients, standard errors, statistics and p-values in maketables' layout."""
        ci = model.conf_int(0.95)
        return pd.DataFrame({"b": model.params, "se": model.std_errors, "t": model.tstats, "p": model.pvalues,
                             "ci95l": ci.iloc[:, 0], "ci95u": ci.iloc[:, 1]})

    def depvar(self, model) -> str:
        """The dependent variable's name."""
        return str(model.info.get("dependent") or model.info.get("outcome") or model.model)

    def fixef_string(self, model) -> str | None:
        """The fixed effects, joined by ``+``."""
        fe = model.info.get("fixed_effects")
        return "+".join(f.strip() for f in str(fe).split("+")) if fe else None

    def stat(self, model, key: str):
        """One fit statistic by maketables' key (N, r2, pseudo_r2 …)."""
        if key == "N":
            return int(model.nobs)
        v = model.stats.get(key)
        return v if isinstance(v, (int, float, np.number)) else None

    def vcov_info(self, model) -> dict:
        """The covariance type and clusters."""
        return {"vcov_type": model.info.get("covariance"), "clustervar": None}

    def var_labels(self, model):
        """Labels of the terms (none: maketables uses the names)."""
        return None

    def supported_stats(self, model) -> set:
        """The statistic keys this extractor provides."""
        return {"N"} | {k for k, v in model.stats.items() if isinstance(v, (int, float, np.number))}

    def stat_labels(self, model):
        """Readers' labels of the statistics."""
        return {"pseudo_r2": "Pseudo R²", "p_wild": "Wild bootstrap p"}

    def default_stat_keys(self, model):
        """The statistics shown when none are asked for."""
        return ["N"] + [k for k in ("r2", "pseudo_r2") if k in model.stats]

    def sample_split(self, model):
        """Sample split information (none for kzecon fits)."""
        return None


_REGISTERED = False


def etable(results: Mapping | Sequence, **kwargs):
    """A maketables ``ETable`` of kzecon results (``{column title: result}`` or a list), mixable with pyfixest,
    statsmodels and linearmodels results: ``etable(fits).make("md" | "tex" | "html" | "docx")`` or ``.save(...)``.
    Keyword arguments go to ``maketables.ETable`` (``model_stats``, ``labels``, ``keep``, ``digits``, …)."""
    import maketables

    global _REGISTERED
    if not _REGISTERED:
        maketables.register_extractor(KzeconExtractor())
        _REGISTERED = True
    items = list(results.items()) if isinstance(results, Mapping) else [(None, r) for r in results]
    if not items:
        raise CoverageError("no results to tabulate")
    heads = [h for h, _ in items]
    if all(h is not None for h in heads):
        kwargs.setdefault("model_heads", [str(h) for h in heads])
    return maketables.ETable([r for _, r in items], **kwargs)
