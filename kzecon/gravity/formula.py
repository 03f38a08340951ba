"""Gravity specifications as fixest/pyfixest formulas: ``"flow ~ rta + bri | exp_year + imp_year + pair"``.

Left of ``~`` the flow; then the regressors (column names, or the terms :mod:`kzecon.gravity.terms` reads as
data: ``log(dist)``, ``I(rta * post)``, ``rta:post``, ``C(region)``, ``i(year, ref=2000)``; no user text is
evaluated as Python) with fixest's meaning: ``rta*lang`` is ``rta + lang + rta:lang``, while ``/``, ``^`` and
``-`` outside parentheses (nesting, crossing, removal in R) are refused with the ``I(…)`` to write instead; after
``|`` the fixed effects. A fixed effect is a column of the frame, an
interaction of columns written ``exporter^year`` (fixest's syntax), or one of kzecon's built-ins, made from the
frame's ``exporter``, ``importer`` and ``year`` when it has no column of that name:

* ``exp_year`` — exporter × year, ``imp_year`` — importer × year (multilateral resistances);
* ``pair`` — directional pair (exporter → importer), ``pair_id`` — country pair regardless of direction;
* ``exporter``, ``importer``, ``year``.

Clusters are named the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzecon.errors import SchemaError, UsageError

from .terms import columns_of, split_top_level

BUILTIN_FE = {
    "exp_year": ("exporter", "year"),
    "imp_year": ("importer", "year"),
    "pair": ("exporter", "importer"),
    "pair_id": None,  # symmetric: computed below
    "exporter": ("exporter",),
    "importer": ("importer",),
    "year": ("year",),
}

_NAME = re.compile(r"^[A-Za-z_.][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class GravityFormula:
    """A parsed specification: ``depvar``, regressor ``terms``, ``fixed_effects``.

    Made by :func:`parse` (``kzecon.gravity.parse_formula``); :class:`~kzecon.gravity.PPML` and
    :func:`~kzecon.gravity.ppml` accept one in place of the formula string.

    Attributes
    ----------
    depvar : str
        The flow column (left of ``~``).
    terms : tuple of str
        The regressor terms as written, with ``a*b`` and parentheses expanded (``rta*lang`` →
        ``rta``, ``lang``, ``rta:lang``); data terms such as ``log(dist)`` or ``i(year, ref=2000)`` are kept as
        written and made into columns when a model reads the frame.
    fixed_effects : tuple of str
        The fixed effects after ``|`` (columns, ``a^b`` interactions or built-ins), spaces removed; ``()`` for none.

    Examples
    --------
    >>> from kzecon.gravity import GravityFormula
    >>> f = GravityFormula("flow", ("rta", "log(dist)"), ("exp_year", "imp_year"))
    >>> f.text
    'flow ~ rta + log(dist) | exp_year + imp_year'
    """

    depvar: str
    terms: tuple[str, ...]
    fixed_effects: tuple[str, ...]

    @property
    def text(self) -> str:
        """The formula as written, ``depvar ~ regressors | fixed effects``."""
        rhs = " + ".join(self.terms) if self.terms else "1"
        return f"{self.depvar} ~ {rhs}" + (f" | {' + '.join(self.fixed_effects)}" if self.fixed_effects else "")

    def __str__(self) -> str:
        return self.text


def parse(formula: str) -> GravityFormula:
    """Parse ``"y ~ x1 + x2 | fe1 + fe2"``; a malformed formula is a :class:`UsageError` that says what is wrong.

    Exported as ``kzecon.gravity.parse_formula``.

    Parameters
    ----------
    formula : str
        ``"flow ~ regressors | fixed effects"`` in fixest's syntax (see the module notes): one column on the left;
        regressors joined by ``+`` (``a*b``, ``a:b``, ``(a + b):c``, data terms such as ``log(dist)``,
        ``I(rta * post)``, ``C(region)``, ``i(year, ref=2000)``); after ``|`` the fixed effects joined by ``+``.

    Returns
    -------
    GravityFormula
        The flow, the expanded regressor terms (each once) and the fixed effects.

    Raises
    ------
    UsageError
        No ``~``; more than one column on the left; more than one ``|`` (instrumental variables are not supported);
        ``0``/``-1``; an empty term; nothing after ``|``; a fixed effect that is not a name or ``a^b``; a fixed
        effect named twice; a term outside the grammar of :mod:`kzecon.gravity.terms`; ``/``, ``^``, ``-`` outside
        parentheses or a bare number as a factor (see :func:`expand`).

    See Also
    --------
    expand : how ``*``, ``:`` and parentheses expand.

    Examples
    --------
    >>> from kzecon.gravity import parse_formula
    >>> f = parse_formula("flow ~ rta*lang + i(year, ref=2000) | exp_year + imp_year + exporter^importer")
    >>> f.terms
    ('rta', 'lang', 'rta:lang', 'i(year, ref=2000)')
    >>> f.fixed_effects
    ('exp_year', 'imp_year', 'exporter^importer')
    """
    if not isinstance(formula, str) or "~" not in formula:
        raise UsageError(f"formula {formula!r} must read 'flow ~ regressors | fixed effects' (no '~' found)")
    lhs, rhs = formula.split("~", 1)
    depvar = lhs.strip()
    if not _NAME.match(depvar):
        raise UsageError(f"formula {formula!r}: the left-hand side must be one column name, got {depvar!r}")
    parts = rhs.split("|")
    if len(parts) > 2:
        raise UsageError(f"formula {formula!r}: at most one '|' (regressors | fixed effects); instrumental "
                         "variables are not supported")
    written = _split_terms(parts[0])
    if any(t in ("0", "-1") for t in written):
        raise UsageError(f"formula {formula!r}: the constant is absorbed by the fixed effects; drop '0' / '-1'")
    written = tuple(t for t in written if t != "1")
    terms = tuple(dict.fromkeys(x for t in written for x in expand(t, formula)))  # a*b: a, b, a:b; each term once
    for t in terms:
        if not _NAME.match(t):
            columns_of(t)  # the term's grammar, before any data is read (UsageError naming it)
    if len(parts) == 2 and not parts[1].strip():
        raise UsageError(f"formula {formula!r}: nothing after '|'; name the fixed effects (e.g. exp_year + imp_year "
                         "+ pair) or drop the '|' for a model without them")
    fes = _split_terms(parts[1]) if len(parts) == 2 else ()
    for f in fes:
        if not all(_NAME.match(p.strip()) for p in f.split("^")):
            raise UsageError(f"formula {formula!r}: fixed effect {f!r} must be a column name or columns joined by "
                             "'^' (e.g. exporter^year)")
    if len(set(fes)) < len(fes):
        raise UsageError(f"formula {formula!r} names a fixed effect twice")
    return GravityFormula(depvar, terms, tuple(f.replace(" ", "") for f in fes))


def expand(term: str, formula: str = "") -> tuple[str, ...]:
    """A written term in R's and fixest's formula meaning: ``a*b`` is ``a + b + a:b`` (``a*b*c`` every main effect
    and interaction, lower orders first); parentheses group terms — ``(a + b)`` is ``a + b``, ``(a + b):c`` is
    ``a:c + b:c``, ``a*(b + c)`` is ``a + b + c + a:b + a:c``; any other term is itself. Operators whose formula
    meaning differs from arithmetic and that kzecon does not read as fixest does — ``/`` (nesting), ``^`` or ``**``
    (crossing), ``-`` (removing a term) outside parentheses — and a bare number as a factor (``2*x``) are a
    :class:`UsageError` saying how to write the arithmetic (inside ``I(…)``).

    Parameters
    ----------
    term : str
        One term of the right-hand side, as split on top-level ``+``.
    formula : str, default ""
        The whole formula, quoted in error messages (nothing is quoted when empty).

    Returns
    -------
    tuple of str
        The terms it stands for, each once, in order.

    Raises
    ------
    UsageError
        ``/``, ``^``/``**`` or ``-`` outside parentheses, an empty factor around ``*``, or a bare number.

    Examples
    --------
    >>> from kzecon.gravity.formula import expand
    >>> expand("rta*(lang + contig)")
    ('rta', 'lang', 'contig', 'rta:lang', 'rta:contig')
    """
    where = f"formula {formula!r}: " if formula else ""
    for op, meaning in (("/", "nesting (a + a:b)"), ("^", "crossing"), ("-", "removing a term")):
        if len(split_top_level(term.replace("**", "^"), op)) > 1:
            raise UsageError(f"{where}term {term!r}: '{op if op != '^' else '^ or **'}' outside parentheses means "
                             f"{meaning} in R and fixest formulas, which kzecon does not read; write the arithmetic "
                             f"inside I(…), e.g. I({term.replace('^', '**')})")
    from itertools import combinations, product

    factors = split_top_level(term, "*")
    if len(factors) > 1:
        if any(not f for f in factors):
            raise UsageError(f"{where}term {term!r} has an empty factor around '*'")
        sets = [expand(f, formula) for f in factors]
        out = [":".join(p) for k in range(1, len(sets) + 1) for c in combinations(sets, k) for p in product(*c)]
        return tuple(dict.fromkeys(out))
    parts = split_top_level(term, ":")
    if len(parts) > 1:
        return tuple(dict.fromkeys(":".join(p) for p in product(*(expand(q, formula) for q in parts))))
    if term.startswith("(") and _closes_at_end(term):
        inner = _split_terms(term[1:-1])
        return tuple(dict.fromkeys(x for t in inner for x in expand(t, formula)))
    if re.fullmatch(r"[0-9.eE+]+", term):
        raise UsageError(f"{where}the number {term!r} is not a regressor (in R and fixest a formula cannot multiply by "
                         "a constant); write I(2 * x) to scale a column")
    return (term,)


def _closes_at_end(term: str) -> bool:
    """Whether the parenthesis opening ``term`` is the one that closes at its last character."""
    depth = 0
    for i, ch in enumerate(term):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return i == len(term) - 1
    return False


def _split_terms(s: str) -> tuple[str, ...]:
    """Split on top-level '+' (not inside parentheses or braces)."""
    out = split_top_level(s, "+")
    if any(t == "" for t in out) and [t for t in out if t]:
        raise UsageError(f"formula part {s.strip()!r} has an empty term (a doubled or trailing '+')")
    return tuple(t for t in out if t)


def key(frame: pd.DataFrame, name: str, what: str = "fixed effect") -> np.ndarray:
    """Integer group codes (0…G−1, −1 for missing) of a fixed effect or cluster named as in a formula.

    Parameters
    ----------
    frame : DataFrame
        The data; a column of the name is used first, then ``a^b`` interactions, then kzecon's built-ins
        (``exp_year``, ``imp_year``, ``pair``, ``pair_id``, ``exporter``, ``importer``, ``year``) built from its
        ``exporter``, ``importer`` and ``year`` columns.
    name : str
        The fixed effect or cluster as written in a formula.
    what : str, default "fixed effect"
        What the name is, for error messages (``"cluster"`` for clusters).

    Returns
    -------
    ndarray of int
        One code per row, in order of first appearance; −1 where a part is missing.

    Raises
    ------
    SchemaError
        The name is neither a column nor a built-in the frame's columns can make.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.formula import key
    >>> f = pd.DataFrame({"exporter": ["KAZ", "CHN", "KAZ"], "importer": ["CHN", "KAZ", "CHN"],
    ...                   "year": [2019, 2019, 2020]})
    >>> key(f, "pair").tolist(), key(f, "pair_id").tolist(), key(f, "exp_year").tolist()
    ([0, 1, 0], [0, 0, 0], [0, 1, 2])
    """
    if name in frame.columns:
        codes, _ = pd.factorize(frame[name], sort=False)
        return codes
    if "^" in name:
        return _combine([key(frame, p.strip(), what) for p in name.split("^")])
    if name in BUILTIN_FE:
        need = ["exporter", "importer"] if name == "pair_id" else list(BUILTIN_FE[name])
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise SchemaError(f"{what} '{name}' is neither a column of the data nor buildable: kzecon's built-in "
                              f"'{name}' needs column(s) {', '.join(repr(c) for c in missing)}; found "
                              f"{', '.join(map(str, frame.columns))}")
        if name == "pair_id":
            both, _ = pd.factorize(pd.concat([frame["exporter"], frame["importer"]], ignore_index=True), sort=False)
            e, i = both[: len(frame)], both[len(frame):]
            lo, hi = np.minimum(e, i), np.maximum(e, i)
            bad = (e < 0) | (i < 0)
            return np.where(bad, -1, pd.factorize(lo.astype(np.int64) * (hi.max() + 1) + hi, sort=False)[0])
        return _combine([pd.factorize(frame[c], sort=False)[0] for c in BUILTIN_FE[name]])
    raise SchemaError(f"{what} '{name}' is not a column of the data ({', '.join(map(str, frame.columns))}) nor one "
                      f"of kzecon's built-ins ({', '.join(BUILTIN_FE)})")


def _combine(codes: list[np.ndarray]) -> np.ndarray:
    out = codes[0].astype(np.int64)
    bad = out < 0
    for c in codes[1:]:
        bad |= c < 0
        out = out * (int(c.max()) + 1) + c
    out = pd.factorize(np.where(bad, -1, out), sort=False)[0]
    return np.where(bad, -1, out)
