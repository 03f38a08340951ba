"""Finding: the EAEU and BRI terms of the annual world gravity model, with their inference."""

from __future__ import annotations


def world_gravity(*, score_reps: int = 999, seed: int = 2026):
    """The EAEU and BRI terms on the annual IMF DOTS panel 2000–2020: the static and the event-study models on
    the preferred flow, the pre-trend test, the wild score bootstrap for the EAEU term, and the randomization
    inference over 99 placebo blocs stored by ``analyses/eaeu_randomization.py`` (its 99 refits take minutes; it is
    used only when computed on this DOTS file for this estimate, else a warning says why it is missing). A
    :class:`kzecon.study.eaeu.WorldGravityResults`.

    Parameters
    ----------
    score_reps : int, default 999
        Draws of the wild score bootstrap for the EAEU term (0 skips it).
    seed : int, default 2026
        Random seed of the bootstrap.

    Returns
    -------
    kzecon.study.eaeu.WorldGravityResults
        The static and event-study models; ``ri`` holds the stored randomization inference when it applies.

    Raises
    ------
    CoverageError
        The panel has no customs-union pairs (:func:`kzecon.study.eaeu.eaeu_models`).

    Warns
    -----
    DataQualityWarning
        The stored randomization inference is missing or was computed on another panel or estimate.

    See Also
    --------
    kzecon.study.eaeu.eaeu_models : The models with every option (reporting sides, randomization inference).

    Notes
    -----
    The two PPML fits of the 202-country panel take tens of seconds, too long for an example. The example runs the
    same models (:func:`kzecon.study.eaeu.eaeu_models` with ``ri_reps=0``, ``sides=False``) on a small simulated
    panel of twelve countries, 2000–2020, given the real codes so that the policy terms switch on as in the data.

    Examples
    --------
    >>> from kzecon.gravity.simulate import simulate_bloc_panel
    >>> from kzecon.study import eaeu
    >>> p = simulate_bloc_panel(n_countries=12, n_years=21, seed=1)  # years 2000–2020
    >>> names = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "CHN", "MNG", "UZB", "TJK", "GEO", "AZE", "UKR"]
    >>> codes = dict(zip(sorted(p["exporter"].unique()), names))
    >>> p = p.assign(exporter=p["exporter"].map(codes), importer=p["importer"].map(codes), rta=0)
    >>> r = eaeu.eaeu_models(eaeu.eaeu_frame(p), ri_reps=0, score_reps=19, seed=1,
    ...                      specs=("ppml_static", "ppml_event"), sides=False)
    >>> sorted(r.models), r.nobs
    (['ppml_event', 'ppml_static'], 2772)
    >>> round(r.pretrend.p_value, 3)
    0.284
    """
    import dataclasses
    import warnings

    from kzecon.errors import CoverageError, DataQualityWarning
    from kzecon.study import eaeu as world

    res = world.eaeu_models(ri_reps=0, score_reps=score_reps, seed=seed, specs=("ppml_static", "ppml_event"),
                            sides=False)
    try:
        ri = world.stored_randomization(res.models["ppml_static"])
    except CoverageError as err:
        warnings.warn(f"randomization inference for the EAEU term not shown: {err}", DataQualityWarning, stacklevel=2)
        return res
    return dataclasses.replace(res, ri={("ppml_static", "eaeu"): ri})
