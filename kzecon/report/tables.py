"""Tables from kzecon results: one HTML engine for the brief, maketables for papers.

:func:`html_table` renders any frame of a result (its own ``to_frame()``, a test battery, a forecast comparison, a
regression laid out by :func:`regression_frame`) through pandas' ``Styler``: escaped cells, one float format, CSS
classes by row, stable element ids, so a rebuilt brief is byte-identical. :func:`etable` hands kzecon results to
maketables (through :class:`KzeconExtractor`) for tables that mix kzecon, pyfixest, statsmodels and linearmodels
fits and for LaTeX, HTML, Word, Typst and Quarto output.
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
        The table's HTML: one ``<table id="T_<name>" class="...">`` with its own ``<style>`` block, no index column
        unless ``index``.

    See Also
    --------
    regression_frame : results laid out as a regression table for this function.
    kzecon.study.brief.environment : the brief's ``table`` filter, which calls this function.

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

    For a paper (LaTeX, Word, Typst, Quarto) or beside pyfixest, statsmodels and linearmodels fits use :func:`etable`.

    Parameters
    ----------
    results : mapping of str to EstimationResults, or sequence of EstimationResults
        The columns: ``{column title: result}``, or a list whose columns are titled by each result's ``model``.
        Each result is a :class:`kzecon.results.EstimationResults` (``params``, ``std_errors``, ``pvalues``,
        ``nobs``, ``n_dropped``, ``info``, ``stats`` are read).
    terms : sequence of str, optional
        The coefficient rows, in this order; a term a result does not have gives empty cells in its column.
        Default: every term of every result, in the order they first appear.
    labels : mapping of str to str, optional
        Reader's name of a term (``{"treat_post": "In the customs union"}``); a term without one keeps its name.
    stars : bool, default True
        Whether estimates carry significance stars (``***`` p < 0.01, ``**`` p < 0.05, ``*`` p < 0.10, from each
        result's own ``pvalues``: wild-bootstrap ones where the estimator gives them).
    digits : int, default 3
        Decimals of estimates, standard errors and statistics.
    info_rows : sequence of str, default ("fixed_effects", "covariance")
        Keys of each result's ``info`` shown as rows (label: the key with ``_`` as a space, capitalised); a row is
        left out when no result has the key.
    stats : sequence of str, default ("r2", "pseudo_r2", "p_wild")
        Keys of each result's ``stats`` shown below N (``r2`` as "R²", ``pseudo_r2`` as "Pseudo R²", ``p_wild`` as
        "Wild bootstrap p", any other key as it is); a row is left out when no result has a finite number for it.
    notes : str, optional
        The table's note (``attrs["notes"]``). Default: "Standard errors in parentheses." and, with ``stars``, the
        stars' legend.
    value_labels : mapping of str to str, optional
        Reader's wording of an ``info`` value (``{"exp_year + imp_year + pair": "exporter-year, importer-year,
        pair"}``); a value without one is shown as it is.

    Returns
    -------
    DataFrame
        One column per result (its title), every cell a string. Rows: each term's estimate (index: its label) and
        its standard error in parentheses (index: empty), the ``info_rows``, "N" (thousands separated),
        "Rows dropped" when any result dropped rows, then the ``stats``. ``attrs["row_classes"]``: ``""`` for an
        estimate row, ``"se"`` for a standard-error row, ``"stat"`` for every row below the coefficients;
        ``attrs["notes"]``: the note.

    Raises
    ------
    CoverageError
        ``results`` is empty.

    See Also
    --------
    html_table : renders the frame (pass ``index=True`` to show the row labels).
    etable : the same results as a maketables table for a paper.
    kzecon.results.ResultsSet.to_frame : the results as a tidy long table.

    Examples
    --------
    Trade with Russia against the reporter's total trade, within reporters and pooled:

    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit
    >>> from kzecon.report.tables import html_table, regression_frame
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]))
    >>> fits = {m: fit(rus, "log_trade", ["log_total"], entity="reporter", time="year", model=m)
    ...         for m in ("fe", "pooled")}
    >>> t = regression_frame(fits, labels={"log_total": "Total trade (log)", "const": "Constant"},
    ...                      info_rows=("model",), value_labels={"fe": "within", "pooled": "pooled OLS"})
    >>> t
                               fe      pooled
    Total trade (log)    0.776***    1.050***
                          (0.044)     (0.077)
    Constant                          -2.768*
                                      (1.663)
    Model                  within  pooled OLS
    N                         240         240
    R²                      0.866       0.852
    >>> t.attrs["row_classes"]
    ['', 'se', '', 'se', 'stat', 'stat', 'stat']
    >>> t.attrs["notes"]
    'Standard errors in parentheses. * p<0.10, ** p<0.05, *** p<0.01.'
    >>> 'class="regtable"' in html_table(t, "panel", classes="regtable", index=True)
    True
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
    linearmodels results, and out as LaTeX, HTML, Word, Typst or Quarto from one place.

    :func:`etable` registers one instance with maketables the first time it is called; maketables then asks
    :meth:`can_handle` of every model it is given and reads a kzecon fit through the other methods. Each method
    takes the fit (``model``) and reads only its public attributes: ``params``, ``std_errors``, ``tstats``,
    ``pvalues``, ``conf_int``, ``nobs``, ``stats`` and ``info``.

    See Also
    --------
    etable : the table this extractor feeds.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit
    >>> from kzecon.report.tables import KzeconExtractor
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]))
    >>> r = fit(rus, "log_trade", ["log_total"], entity="reporter", time="year", model="fe")
    >>> x = KzeconExtractor()
    >>> x.can_handle(r), x.depvar(r), x.stat(r, "N"), x.default_stat_keys(r)
    (True, 'log_trade', 240, ['N', 'r2'])
    >>> x.coef_table(r)[["b", "se", "ci95l", "ci95u"]].round(3)
                   b     se  ci95l  ci95u
    log_total  0.776  0.044  0.688  0.864
    """

    def can_handle(self, model) -> bool:
        """Whether maketables should use this extractor for ``model``.

        Parameters
        ----------
        model : EstimationResults
            Any fitted model maketables was given (kzecon, pyfixest, statsmodels, linearmodels …).

        Returns
        -------
        bool
            True for a :class:`kzecon.results.EstimationResults`, False for anything else.
        """
        from kzecon.results import EstimationResults

        return isinstance(model, EstimationResults)

    def coef_table(self, model) -> pd.DataFrame:
        """Coefficients, standard errors, statistics and p-values in maketables' layout.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        DataFrame
            Indexed by term: ``b`` (estimate), ``se`` (standard error), ``t`` (estimate / standard error), ``p``
            (the fit's p-value: wild-bootstrap where the estimator gives one), ``ci95l`` and ``ci95u`` (the 95%
            Wald interval of :meth:`kzecon.results.EstimationResults.conf_int`).
        """
        ci = model.conf_int(0.95)
        return pd.DataFrame({"b": model.params, "se": model.std_errors, "t": model.tstats, "p": model.pvalues,
                             "ci95l": ci.iloc[:, 0], "ci95u": ci.iloc[:, 1]})

    def depvar(self, model) -> str:
        """The dependent variable's name.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        str
            ``info["dependent"]``, else ``info["outcome"]``, else the fit's ``model`` name.
        """
        return str(model.info.get("dependent") or model.info.get("outcome") or model.model)

    def fixef_string(self, model) -> str | None:
        """The fixed effects, joined by ``+``.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        str or None
            ``info["fixed_effects"]`` without spaces around ``+`` (``"exp_year+imp_year+pair"``); None when the fit
            has none recorded.
        """
        fe = model.info.get("fixed_effects")
        return "+".join(f.strip() for f in str(fe).split("+")) if fe else None

    def stat(self, model, key: str):
        """One fit statistic by maketables' key (N, r2, pseudo_r2 …).

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.
        key : str
            ``"N"`` (observations used) or a key of the fit's ``stats`` (``"r2"``, ``"pseudo_r2"``, ``"p_wild"`` …).

        Returns
        -------
        int, float or None
            ``nobs`` for ``"N"``; the statistic when it is a number; None when the fit has no such number.
        """
        if key == "N":
            return int(model.nobs)
        v = model.stats.get(key)
        return v if isinstance(v, (int, float, np.number)) else None

    def vcov_info(self, model) -> dict:
        """The covariance type and clusters.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        dict
            ``vcov_type``: ``info["covariance"]`` as the fit words it (e.g. ``"clustered by pair_id (CRV1,
            G/(G-1))"``), None if not recorded; ``clustervar``: always None (the clusters are named in
            ``vcov_type``).
        """
        return {"vcov_type": model.info.get("covariance"), "clustervar": None}

    def var_labels(self, model):
        """Labels of the terms (none: maketables uses the names).

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        None
            Always: pass ``labels={term: label}`` to :func:`etable` for readers' names.
        """
        return None

    def supported_stats(self, model) -> set:
        """The statistic keys this extractor provides.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        set of str
            ``"N"`` and every key of the fit's ``stats`` whose value is a number (a bool such as a panel's
            ``balanced`` counts as one).
        """
        return {"N"} | {k for k, v in model.stats.items() if isinstance(v, (int, float, np.number))}

    def stat_labels(self, model):
        """Readers' labels of the statistics.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit (the labels are the same for every fit).

        Returns
        -------
        dict
            ``{"pseudo_r2": "Pseudo R²", "p_wild": "Wild bootstrap p"}``; maketables labels the others.
        """
        return {"pseudo_r2": "Pseudo R²", "p_wild": "Wild bootstrap p"}

    def default_stat_keys(self, model):
        """The statistics shown when none are asked for.

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        list of str
            ``"N"``, then ``"r2"`` and ``"pseudo_r2"`` where the fit has them.
        """
        return ["N"] + [k for k in ("r2", "pseudo_r2") if k in model.stats]

    def sample_split(self, model):
        """Sample split information (none for kzecon fits).

        Parameters
        ----------
        model : EstimationResults
            A kzecon fit.

        Returns
        -------
        None
            Always.
        """
        return None


_REGISTERED = False


def etable(results: Mapping | Sequence, **kwargs):
    """A maketables ``ETable`` of kzecon results (``{column title: result}`` or a list), mixable with pyfixest,
    statsmodels and linearmodels results: ``etable(fits).make("tex" | "html" | "docx" | "typst" | "quarto" |
    "gt")`` or ``.save(...)``. Keyword arguments go to ``maketables.ETable`` (``model_stats``, ``labels``,
    ``keep``, ``digits``, …).

    Parameters
    ----------
    results : mapping of str to fitted model, or sequence of fitted models
        The columns: ``{column title: fit}`` (the titles become ``model_heads`` unless given in ``kwargs``), or a
        list (columns untitled, numbered by maketables). A fit is a :class:`kzecon.results.EstimationResults`
        (read through :class:`KzeconExtractor`) or any model maketables reads itself (pyfixest, statsmodels,
        linearmodels).
    **kwargs
        Passed to ``maketables.ETable``, e.g. ``model_stats=["N", "r2"]``, ``labels={term: label}``,
        ``keep``/``drop`` (term patterns), ``digits``, ``notes``, ``caption``.

    Returns
    -------
    maketables.ETable
        The table: ``.make(type)`` returns it as ``type`` ("tex", "html", "typst", "quarto", "gt", "docx"),
        ``.save(type, file_name)`` writes it.

    Raises
    ------
    CoverageError
        ``results`` is empty.

    See Also
    --------
    regression_frame : the brief's own regression layout (rendered by :func:`html_table`).
    KzeconExtractor : how maketables reads a kzecon fit.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.panel import country_partner_panel, fit
    >>> from kzecon.report.tables import etable
    >>> p = country_partner_panel()
    >>> rus = p[p["partner"] == "RUS"].assign(log_total=lambda d: np.log(d["total_usd"]))
    >>> fits = {m: fit(rus, "log_trade", ["log_total"], entity="reporter", time="year", model=m)
    ...         for m in ("fe", "pooled")}
    >>> tex = etable(fits).make("tex")
    >>> print(next(line for line in tex.splitlines() if line.startswith("log_total")))
    log_total & \\makecell{0.776*** \\\\ (0.044)} & \\makecell{1.050*** \\\\ (0.077)} \\\\
    """
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
