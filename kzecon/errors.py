"""One exception hierarchy for kzecon.

Every error a user can trigger with bad input derives from :class:`KzeconError`, and its
message names the offending column, country and year where there is one. The CLI turns a
``KzeconError`` into one line on stderr and the exception's ``exit_code`` (documented in docs/errors.md).
"""

from __future__ import annotations

import re

# numpy 2 writes scalars as np.float64(1.5) in repr(); a user reads plain numbers
_NUMPY_REPR = re.compile(r"\bnp\.(?:float|int|uint|complex)\d*\(([^()]*)\)|\bnp\.(?:bool_?|str_)\(([^()]*)\)")
MAX_MESSAGE = 400


def plain(message: str, limit: int = MAX_MESSAGE) -> str:
    """A message as a user reads it: numpy scalar reprs shown as plain numbers, cut to ``limit`` characters.

    Parameters
    ----------
    message : str
        The message (anything: it is turned into text with ``str``).
    limit : int, default 400
        Longest message returned (:data:`MAX_MESSAGE`); a longer one is cut and ends in ``" …"``.

    Returns
    -------
    str
        ``np.float64(0.215)`` written as ``0.215``, ``np.int64(3)`` as ``3``, and so on.

    Examples
    --------
    >>> import numpy as np
    >>> from kzecon.errors import plain
    >>> plain(f"share {np.float64(0.215)!r} in {np.int64(2023)!r}")
    'share 0.215 in 2023'
    >>> plain("x" * 50, limit=20)
    'xxxxxxxxxxxxxxxxxx …'
    """
    msg = _NUMPY_REPR.sub(lambda m: m.group(1) if m.group(1) is not None else m.group(2), str(message))
    return msg if len(msg) <= limit else msg[: limit - 2].rstrip() + " …"


class KzeconError(ValueError):
    """Base class of every error kzecon raises on purpose. It is a ``ValueError``, as the errors of pandas,
    statsmodels and linearmodels for bad input are: ``except ValueError`` catches kzecon's too."""

    exit_code = 1

    def __str__(self) -> str:
        return plain(super().__str__())


class UsageError(KzeconError):
    """Options or a specification that cannot be meant as given (a malformed formula, --end before --start)."""

    exit_code = 64


class DataError(KzeconError):
    """Input data that cannot be used as given."""

    exit_code = 3


class DataFileError(DataError):
    """A file that is missing, unreadable, or not in the format it claims to be."""

    exit_code = 2


class SchemaError(DataError):
    """Missing or mistyped columns, negative or non-finite values, duplicate keys."""


class CountryCodeError(DataError):
    """Unknown or ambiguous country names or codes."""


class CoverageError(DataError):
    """Years or partners missing where a result needs them; an empty selection."""


class IntegrityError(DataError):
    """A bundled data file whose SHA-256 differs from the manifest."""


class UpdateError(DataError):
    """The data updater could not fetch or parse a response."""

    exit_code = 4


class EstimationError(KzeconError):
    """A model that cannot be estimated on the data given."""

    exit_code = 5


class ConvergenceError(EstimationError):
    """An iterative estimator that did not converge."""


class SpecificationError(EstimationError):
    """A model specification that cannot be estimated (collinear, absorbed, too short).

    Parameters
    ----------
    message : str, default ""
        What is wrong, naming the terms and the data.
    terms : tuple of str, default ()
        The regressors at fault, when the fault is theirs (absorbed by the fixed effects or collinear); empty
        otherwise. Kept as the ``terms`` attribute, so a caller can drop them and estimate again.

    Examples
    --------
    >>> from kzecon.errors import EstimationError, SpecificationError
    >>> err = SpecificationError("rta is absorbed by the pair fixed effects", terms=("rta",))
    >>> err.terms, err.exit_code, isinstance(err, EstimationError)
    (('rta',), 5, True)
    """

    def __init__(self, message: str = "", *, terms: tuple[str, ...] = ()):
        super().__init__(message)
        self.terms = tuple(terms)


class KzeconWarning(UserWarning):
    """Base class of kzecon's warnings."""


class DroppedRowsWarning(KzeconWarning):
    """Rows were dropped, imputed or clipped; the result records how many and why."""


class CollinearityWarning(KzeconWarning):
    """Regressors left out of a model because they are not identified on its sample (absorbed by the fixed effects
    or collinear with other regressors); the result lists them in ``omitted``."""


class DataQualityWarning(KzeconWarning):
    """A known defect of a source (undercount, suppressed cells, incomplete years)."""


EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it
EXIT_TERMINATED = 143  # SIGTERM (128 + 15), as shells report it
EXIT_INTERNAL = 70  # a bug in kzecon (sysexits EX_SOFTWARE); never a user's mistake
