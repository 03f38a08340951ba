"""Writes the inputs of dots_placebo.R (not kept: dots_static.csv, dots_placebo_columns.csv): the bundled IMF DOTS
world panel as the package's static EAEU model reads it (``kzecon.study.eaeu.eaeu_frame``; fixed effects as integer
codes of exporter-year, importer-year and exporter>importer) and the first three placebo blocs of the randomization
inference (``kzecon.gravity.inference.bloc_draw`` on the comparable pool, seed 2026 — the draws
``randomization_inference(..., seed=2026)`` makes). Run from this folder:
    python make_dots_placebo.py && R_LIBS=~/rlib Rscript dots_placebo.R   → dots_placebo.csv, dots_placebo.versions.txt
"""

import numpy as np
import pandas as pd

from kzecon.gravity import inference
from kzecon.study import eaeu

f = eaeu.eaeu_frame()
d = f[["flow", "eaeu", "rta", "bri_kaz_chn", "bri_chn"]].copy()
d["ey"] = pd.factorize(f["exporter"] + "_" + f["year"].astype(str))[0]
d["iy"] = pd.factorize(f["importer"] + "_" + f["year"].astype(str))[0]
d["pair"] = pd.factorize(f["exporter"] + ">" + f["importer"])[0]
d.to_csv("dots_static.csv", index=False)
draw = inference.bloc_draw(f, eaeu.comparable_pool(f), eaeu.EAEU_WAVES)
rng = np.random.default_rng(2026)
cols = {f"p{j + 1}": draw(rng)[0].astype(np.int8) for j in range(3)}
pd.DataFrame(cols).to_csv("dots_placebo_columns.csv", index=False)
