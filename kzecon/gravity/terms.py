"""Regressor terms of a formula, read as data: column names, a documented set of transforms and arithmetic on
columns — parsed with :mod:`ast` and evaluated by kzecon on the frame's columns, never by Python's ``eval``
(no user text runs as code).

A term is one of:

* a column name: ``rta``;
* a transform of an expression: ``log(x)``, ``log1p(x)``, ``exp(x)``, ``sqrt(x)``, ``abs(x)`` (also written
  ``np.log(x)``, ``numpy.log(x)``);
* arithmetic on columns and numbers: ``I(rta * post)``, ``I(dist / 1000)``, ``log(gdp_o * gdp_d)``
  (``+ - * / **``, parentheses) inside ``I(…)`` or a transform — outside them these operators have their formula
  meaning (:func:`kzecon.gravity.formula.expand`: ``a*b`` is ``a + b + a:b``);
* an interaction ``a:b`` (the product of its parts);
* a categorical variable's dummies: ``C(region)`` (every level but the first, named ``C(region)[T.level]``) or
  fixest's ``i(var)`` / ``i(var, ref=level)`` (every level, or all but ``ref``, named ``var::level``).

Anything else is a :class:`~kzecon.errors.UsageError` naming the term.
"""

from __future__ import annotations

import ast
import operator

import numpy as np
import pandas as pd

from kzecon.errors import SchemaError, UsageError

TRANSFORMS = {"log": np.log, "log1p": np.log1p, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs}
_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Pow: operator.pow}
_HELP = ("a term is a column, log/log1p/exp/sqrt/abs of an expression, arithmetic on columns inside I(…), "
         "a:b, C(col) or i(col, ref=level)")


def split_top_level(text: str, sep: str) -> list[str]:
    """``text`` split on ``sep`` where it stands outside parentheses and brackets, each part stripped (empty parts
    kept, for the caller to judge).

    Parameters
    ----------
    text : str
        The text to split.
    sep : str
        One character: ``"+"``, ``":"``, ``"*"`` …

    Returns
    -------
    list of str
        The parts (at least one).

    Examples
    --------
    >>> from kzecon.gravity.terms import split_top_level
    >>> split_top_level("rta + i(year, ref=2000) + log(a + b)", "+")
    ['rta', 'i(year, ref=2000)', 'log(a + b)']
    """
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == sep and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts


def _split_colon(term: str) -> list[str]:
    return split_top_level(term, ":")


def _func_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("np", "numpy"):
        return node.attr
    return None


def _parse(text: str, term: str) -> ast.expr:
    if not text:
        raise UsageError(f"regressor term {term!r} has an empty part; {_HELP}")
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        raise UsageError(f"regressor term {term!r} is not a valid expression; {_HELP}") from None


def columns_of(term: str) -> list[str]:
    """The column names a term reads (checks the term's grammar; :class:`UsageError` if it is not allowed).

    Parameters
    ----------
    term : str
        One regressor term (see the module notes for the grammar).

    Returns
    -------
    list of str
        The names of the columns it reads, in order (a name may repeat).

    Raises
    ------
    UsageError
        The term is not a valid expression or uses something outside the grammar (a function other than the
        transforms, ``I``, ``C`` and ``i``; a keyword other than ``ref`` …).

    Examples
    --------
    >>> from kzecon.gravity.terms import columns_of
    >>> columns_of("log(gdp_o * gdp_d):i(year, ref=2000)")
    ['gdp_o', 'gdp_d', 'year']
    """
    names: list[str] = []
    for part in _split_colon(term):
        _walk(_parse(part, term), term, names, top=True)
    return names


def _walk(node: ast.expr, term: str, names: list[str], top: bool = False) -> None:
    if isinstance(node, ast.Name):
        names.append(node.id)
    elif isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool):
        pass
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        _walk(node.left, term, names)
        _walk(node.right, term, names)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _walk(node.operand, term, names)
    elif isinstance(node, ast.Call) and not node.keywords and len(node.args) == 1 and (
            _func_name(node.func) in TRANSFORMS or (_func_name(node.func) == "I" and isinstance(node.func, ast.Name))):
        _walk(node.args[0], term, names)
    elif top and isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("C", "i"):
        _categorical_args(node, term)
        names.append(node.args[0].id)
    else:
        raise UsageError(f"regressor term {term!r}: {ast.unparse(node)!r} is not allowed; {_HELP}")


def _categorical_args(node: ast.Call, term: str) -> tuple[str, object | None]:
    kw = {k.arg: k.value for k in node.keywords}
    ok = (len(node.args) == 1 and isinstance(node.args[0], ast.Name)
          and set(kw) <= ({"ref"} if node.func.id == "i" else set())
          and all(isinstance(v, ast.Constant) or (isinstance(v, ast.UnaryOp) and isinstance(v.operand, ast.Constant))
                  for v in kw.values()))
    if not ok:
        raise UsageError(f"regressor term {term!r}: write C(column) or i(column) / i(column, ref=level)")
    ref = ast.literal_eval(kw["ref"]) if "ref" in kw else None
    return node.args[0].id, ref


def evaluate(frame: pd.DataFrame, term: str, numeric, present=()) -> tuple[list[np.ndarray], list[str]]:
    """The columns a term makes on ``frame`` (NaN where an input is missing or a transform is undefined) and their
    names. ``numeric(frame, column, what)`` reads one column as floats (the caller's validation). ``present``: the
    model's other terms — in an interaction, ``C(col)`` has a column for every level unless the interaction without
    it is a term of its own (``x:C(region)`` alone: one slope per region; beside ``x``: all but the first), R's and
    fixest's rule.

    Parameters
    ----------
    frame : DataFrame
        The data the term reads.
    term : str
        One regressor term.
    numeric : callable
        ``numeric(frame, column, what) -> ndarray``: reads one column as floats, raising the caller's errors for
        non-numeric or infinite values.
    present : sequence of str, default ()
        The model's other terms (for the interaction rule above).

    Returns
    -------
    tuple of (list of ndarray, list of str)
        The columns (float, NaN where undefined) and their names: the term itself, or ``C(col)[T.level]`` /
        ``col::level`` per dummy, ``a:b`` per product.

    Raises
    ------
    UsageError
        The term is outside the grammar.
    SchemaError
        The term reads a column that is not in the frame, or ``ref`` is not a value of the column.

    Examples
    --------
    >>> import pandas as pd
    >>> from kzecon.gravity.terms import evaluate
    >>> f = pd.DataFrame({"year": [2000, 2001, 2002], "rta": [0, 1, 1]})
    >>> cols, names = evaluate(f, "rta:i(year, ref=2000)", lambda fr, c, what: fr[c].to_numpy(float))
    >>> names, [c.tolist() for c in cols]
    (['rta:year::2001', 'rta:year::2002'], [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    """
    parts = _split_colon(term)
    nodes = [_parse(p, term) for p in parts]
    for n in nodes:
        _walk(n, term, [], top=True)
    for name in columns_of(term):
        if name not in frame.columns:
            raise SchemaError(f"regressor term {term!r} reads column '{name}', which is not in the data; found "
                              f"{', '.join(map(str, frame.columns))}")
    blocks: list[tuple[list[np.ndarray], list[str]]] = []
    for j, (part, node) in enumerate(zip(parts, nodes, strict=True)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("C", "i"):
            margin = ":".join(p for i, p in enumerate(parts) if i != j)
            blocks.append(_dummies(frame, node, term, full=len(parts) > 1 and margin not in set(present)))
        else:
            with np.errstate(all="ignore"):
                v = np.asarray(_value(node, frame, numeric, term), dtype=float)
            v = np.where(np.isfinite(v), v, np.nan) if v.ndim else np.full(len(frame), float(v))
            blocks.append(([v], [part if len(parts) > 1 else term]))
    cols, names = blocks[0]
    for more_cols, more_names in blocks[1:]:  # an interaction: every product of the parts' columns
        cols = [a * b for a in cols for b in more_cols]
        names = [f"{a}:{b}" for a in names for b in more_names]
    return cols, names


def _value(node: ast.expr, frame: pd.DataFrame, numeric, term: str):
    if isinstance(node, ast.Name):
        return numeric(frame, node.id, f"regressor term {term!r}: column")
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.BinOp):
        return _BINOPS[type(node.op)](_value(node.left, frame, numeric, term), _value(node.right, frame, numeric, term))
    if isinstance(node, ast.UnaryOp):
        v = _value(node.operand, frame, numeric, term)
        return -v if isinstance(node.op, ast.USub) else v
    fn = _func_name(node.func)
    arg = _value(node.args[0], frame, numeric, term)
    return arg if fn == "I" else TRANSFORMS[fn](arg)


def _dummies(frame: pd.DataFrame, node: ast.Call, term: str, full: bool = False) -> tuple[list[np.ndarray], list[str]]:
    col, ref = _categorical_args(node, term)
    s = frame[col]
    levels = pd.Index(pd.unique(s.dropna())).sort_values()
    if node.func.id == "C" and full:  # every level (an interaction whose margin is not in the model)
        keep, names = levels, [f"C({col})[{lv}]" for lv in levels]
    elif node.func.id == "C":
        keep, names = levels[1:], [f"C({col})[T.{lv}]" for lv in levels[1:]]
    else:
        if ref is not None and not (levels == ref).any():
            raise SchemaError(f"regressor term {term!r}: ref={ref!r} is not a value of column '{col}'")
        keep = levels[levels != ref] if ref is not None else levels
        names = [f"{col}::{lv}" for lv in keep]
    miss = s.isna().to_numpy()
    vals = s.to_numpy()
    cols = [np.where(miss, np.nan, (vals == lv).astype(float)) for lv in keep]
    return cols, names
