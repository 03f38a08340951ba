# Reference values for multi-way clustered standard errors: R fixest 0.12.2 (built from ../../../../shared/bench/r-fixest,
# README there), on (1) the benchmark gravity panel a (../gravity/gravity_panels.py a, seed 12345; columns exp, imp,
# year, flow, rta, bri, ey, iy, pair) and (2) plm's Produc data (../panel/produc.csv).
# Run from this folder:  python make_panel_a.py   (writes panel_a.csv, regenerated from the seed, not kept)
#                        R_LIBS=~/rlib Rscript multiway_reference.R  → multiway_reference.csv, multiway_reference.versions.txt
suppressPackageStartupMessages({library(fixest); library(data.table)})
setFixest_nthreads(1)
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))
addm <- function(tag, m) {
  b <- coef(m); s <- se(m)
  for (n in names(b)) { add(paste(tag, n, "coef", sep = "|"), b[[n]]); add(paste(tag, n, "se", sep = "|"), s[[n]]) }
  add(paste(tag, "nobs", sep = "|"), nobs(m))
}
d <- fread("panel_a.csv")
# PPML, three-way fixed effects, errors clustered by exporter and importer; kzecon's convention: G/(G-1) with
# G the smaller cluster count, no K adjustment (fixest ssc(adj = FALSE), cluster.df = "min", its default)
m <- fepois(flow ~ rta + bri | ey + iy + pair, d, vcov = ~exp + imp, ssc = ssc(adj = FALSE), glm.tol = 1e-12,
            fixef.tol = 1e-10)
addm("ppml|exp+imp", m)
m <- fepois(flow ~ rta + bri | ey + iy + pair, d, vcov = ~exp + imp + year, ssc = ssc(adj = FALSE),
            glm.tol = 1e-12, fixef.tol = 1e-10)
addm("ppml|exp+imp+year", m)
# OLS of log flows (positive flows), exporter-year and importer-year effects, clustered by exporter and importer
dp <- d[flow > 0]
m <- feols(log(flow) ~ rta + bri + ln_dist | ey + iy, dp, vcov = ~exp + imp, ssc = ssc(adj = FALSE),
           fixef.tol = 1e-10)
addm("ols|exp+imp", m)
# Produc, two-way within model, two-way clustered by state and year, fixest's default small-sample correction
# (adj = TRUE, fixef.K = "nested": both effects nested in a cluster dimension, so K = the 4 slopes)
p <- fread("../panel/produc.csv")
m <- feols(log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp | state + year, p, vcov = ~state + year)
addm("produc|state+year", m)
m <- feols(log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp | state + year, p, vcov = ~state)
addm("produc|state", m)
fwrite(out, "multiway_reference.csv")
cat(sprintf("R %s, fixest %s, data.table %s\n", getRversion(), packageVersion("fixest"), packageVersion("data.table")),
    file = "multiway_reference.versions.txt")
