"""Publication regression tables from any mix of kzecon results: Markdown, LaTeX (booktabs) and HTML.

One function, :func:`regression_table`, lays out coefficients with standard errors in parentheses under them
(significance stars optional), then rows for fixed effects and clustering (from each result's ``info``), N and
fit statistics, and notes. pandas' ``Styler`` writes the LaTeX (``hrules`` → booktabs rules) and HTML; the
Markdown is a pipe table. :func:`etable` hands kzecon results to maketables (through :class:`KzeconExtractor`) for
tables that mix kzecon, pyfixest, statsmodels and linearmodels fits and for Word, Typst and Quarto output; the
brief still uses :func:`regression_table`.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import CoverageError

STARS = ((0.01, "***"), (0.05, "**"), (0.10, "*"))


def _stars(p: float) -> str:
    for cut, s in STARS:
        if p < cut:
            return s
    return ""


@dataclass(frozen=True)
class RegressionTable:
    """A laid-out table: ``body`` (rows × model columns, strings) and ``notes``."""

    body: pd.DataFrame
    notes: str
    n_coef_rows: int

    def to_markdown(self) -> str:
        """The table as Markdown, notes below."""
        cols = [""] + list(self.body.columns)
        lines = ["| " + " | ".join(cols) + " |", "|" + "|".join(["---"] + [":---:"] * len(self.body.columns)) + "|"]
        for i, (idx, row) in enumerate(self.body.iterrows()):
            if i == self.n_coef_rows:
                lines.append("| " + " | ".join([""] * len(cols)) + " |")
            lines.append("| " + " | ".join([str(idx)] + [str(v) for v in row]) + " |")
        if self.notes:
            lines += ["", self.notes]
        return "\n".join(lines) + "\n"

    def to_latex(self, caption: str | None = None, label: str | None = None) -> str:
        """The table as a LaTeX tabular (booktabs rules), notes below."""
        def esc(s: str) -> str:
            for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("$", r"\$"), ("#", r"\#"),
                         ("_", r"\_"), ("{", r"\{"), ("}", r"\}"), ("~", r"\textasciitilde{}"), ("^", r"\^{}")):
                s = s.replace(a, b)
            return s

        body = self.body.copy()
        body.index = [esc(str(i)) for i in body.index]
        body.columns = [esc(str(c)) for c in body.columns]
        body = body.map(lambda v: re.sub(r"(\*+)$", r"$^{\1}$", esc(str(v))))
        body.index = [i.replace("R²", "$R^2$") for i in body.index]
        sty = body.style
        tex = sty.to_latex(hrules=True, column_format="l" + "c" * body.shape[1],
                           caption=esc(caption) if caption else None, label=label,
                           position_float="centering" if caption else None,
                           environment="table" if caption else None)
        lines = tex.splitlines()
        # a rule between the coefficients and the statistics rows
        try:
            start = next(i for i, ln in enumerate(lines) if ln.strip() == r"\midrule")
            lines.insert(start + 1 + self.n_coef_rows, r"\midrule")
        except StopIteration:
            pass
        if self.notes:
            note = r"\par\smallskip{\footnotesize " + esc(self.notes) + "}"
            end = next((i for i, ln in enumerate(lines) if ln.strip() == r"\end{table}"), len(lines))
            lines.insert(end, note)
        return "\n".join(lines) + "\n"

    def to_html(self, caption: str | None = None) -> str:
        """The table as an HTML ``<table class="regtable">``, notes in its footer."""
        head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in self.body.columns)
        rows = []
        for i, (idx, row) in enumerate(self.body.iterrows()):
            cls = ' class="stat"' if i >= self.n_coef_rows else (' class="se"' if str(idx) == "" else "")
            cells = "".join(f"<td>{_html.escape(str(v))}</td>" for v in row)
            rows.append(f"<tr{cls}><th>{_html.escape(str(idx))}</th>{cells}</tr>")
        cap = f"<caption>{_html.escape(caption)}</caption>" if caption else ""
        notes = f'<tfoot><tr><td colspan="{len(self.body.columns) + 1}">{_html.escape(self.notes)}</td></tr></tfoot>' \
            if self.notes else ""
        return (f'<table class="regtable">{cap}<thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
                f"{notes}</table>\n")

    def write(self, path_stem, caption: str | None = None) -> list:
        """Write ``<stem>.md``, ``<stem>.tex`` and ``<stem>.html``; returns the paths."""
        from pathlib import Path

        stem = Path(path_stem)
        out = []
        for ext, text in (("md", self.to_markdown()), ("tex", self.to_latex(caption)), ("html", self.to_html(caption))):
            p = stem.with_suffix(f".{ext}")
            p.write_text(text, encoding="utf-8")
            out.append(p)
        return out


def regression_table(results: Mapping | Sequence, *, terms: Sequence[str] | None = None,
                     labels: Mapping[str, str] | None = None, stars: bool = True, digits: int = 3,
                     info_rows: Sequence[str] = ("fixed_effects", "covariance"),
                     stats: Sequence[str] = ("r2", "pseudo_r2", "p_wild"), notes: str | None = None,
                     value_labels: Mapping[str, str] | None = None) -> RegressionTable:
    """Lay out results (``{column title: EstimationResults}`` or a list) as a regression table.

    Coefficient rows show ``estimate`` with stars (``p < 0.01 ***, 0.05 **, 0.10 *``) and, on the next row, the
    standard error in parentheses. ``info_rows`` come from each result's ``info`` (e.g. fixed effects,
    covariance); ``stats`` from its ``stats`` when present; N is always shown, with rows dropped when any.
    ``labels`` name the terms for a reader, ``value_labels`` the info values (e.g. a fixed-effects formula).
    """
    items = list(results.items()) if isinstance(results, Mapping) else [(r.model, r) for r in results]
    if not items:
        raise CoverageError("no results to tabulate")
    labels = dict(labels or {})
    all_terms = terms or list(dict.fromkeys(t for _, r in items for t in r.params.index))
    fmt = f"{{:.{digits}f}}"
    rows, index = [], []
    for t in all_terms:
        est, se = [], []
        for _, r in items:
            if t in r.params.index:
                p = float(r.pvalues[t])
                est.append(fmt.format(r.params[t]) + (_stars(p) if stars else ""))
                se.append("(" + fmt.format(r.std_errors[t]) + ")")
            else:
                est.append("")
                se.append("")
        rows += [est, se]
        index += [labels.get(t, t), ""]
    n_coef = len(rows)
    for key in info_rows:
        vals = [str(r.info.get(key, "")) for _, r in items]
        vals = [dict(value_labels or {}).get(v, v) for v in vals]
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
    default_notes = "Standard errors in parentheses." + (" * p<0.10, ** p<0.05, *** p<0.01." if stars else "")
    return RegressionTable(body=body, notes=notes if notes is not None else default_notes, n_coef_rows=n_coef)


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
