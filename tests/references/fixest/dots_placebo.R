# Reference values for placebo refits of the DOTS static model: R fixest 0.12.2 (built from
# ../../../../shared/bench/r-fixest, README there), each placebo bloc fitted from scratch with tight tolerances.
# Inputs from make_dots_placebo.py (run it first, from this folder); writes dots_placebo.csv and the versions file.
suppressPackageStartupMessages({library(fixest); library(data.table)})
setFixest_nthreads(2)
d <- fread("dots_static.csv")
pl <- fread("dots_placebo_columns.csv")
fml <- flow ~ eaeu + rta + bri_kaz_chn + bri_chn | ey + iy + pair
out <- data.frame(draw = 0L, eaeu = coef(fepois(fml, d, glm.tol = 1e-12, fixef.tol = 1e-11))[["eaeu"]])
for (j in seq_len(ncol(pl))) {
  d$eaeu <- pl[[j]]
  out[nrow(out) + 1, ] <- list(j, coef(fepois(fml, d, glm.tol = 1e-12, fixef.tol = 1e-11))[["eaeu"]])
}
fwrite(out, "dots_placebo.csv")
writeLines(sprintf("R %s, fixest %s, data.table %s", paste(R.version$major, R.version$minor, sep = "."),
                   packageVersion("fixest"), packageVersion("data.table")), "dots_placebo.versions.txt")
