"""Finding: the EAEU and BRI terms of the annual world gravity model, with their inference."""

from __future__ import annotations


def world_gravity(*, score_reps: int = 999, seed: int = 2026):
    """The EAEU and BRI terms on the annual IMF DOTS panel 2000–2020: the static and the event-study models on
    the preferred flow, the pre-trend test, the wild score bootstrap for the EAEU term, and the randomization
    inference over 99 placebo blocs stored by ``analyses/eaeu_randomization.py`` (its 99 refits take minutes; it is
    used only when computed on this DOTS file for this estimate, else a warning says why it is missing). A
    :class:`kzecon.study.eaeu.WorldGravityResults`."""
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
