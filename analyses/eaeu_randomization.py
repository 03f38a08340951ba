"""Randomization inference for the EAEU term of the annual world gravity, stored for the brief.

Runs :func:`kzecon.study.eaeu.eaeu_models` with 99 placebo blocs (the default of ``kzecon gravity --panel dots``:
blocs of the union's size and timing drawn from the comparable countries, seed 2026) and writes
``kzecon/data/reference/eaeu_randomization.csv``: one row per placebo draw (term, draw, placebo_estimate) with the
live estimate, the seed and the SHA-256 of the bundled ``gravity_dots`` file it was computed on. The brief quotes
the p-value from this file only when the hash and the estimate equal the live model's (else it says the stored run
is stale); 99 refits take minutes, too long for every build. Run: ``python analyses/eaeu_randomization.py``.
"""

from pathlib import Path

import kzecon
from kzecon.study import eaeu

REF = Path(kzecon.__file__).resolve().parent / "data" / "reference" / eaeu.RI_FILE


def main() -> None:
    res = eaeu.eaeu_models(ri_reps=99, score_reps=0, seed=2026, specs=("ppml_static", "ppml_event"), sides=False,
                           progress=print)
    r = res.ri[("ppml_static", "eaeu")]
    t = r.to_frame().assign(estimate=r.estimate, seed=r.seed,
                            gravity_dots_sha256=kzecon.data.describe("gravity_dots").sha256)
    t.to_csv(REF, index=False, lineterminator="\n", float_format="%.17g")
    print(r.summary())
    print(f"wrote {REF}")


if __name__ == "__main__":
    main()
