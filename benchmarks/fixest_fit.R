# One timed fixest::fepois fit in a fresh process, beside kzecon's (benchmarks/gravity.py runs it).
# usage: R_LIBS=LIBDIR Rscript benchmarks/fixest_fit.R PANEL.csv NTHREADS "y ~ x1 + x2 | f1 + f2 + f3" CLUSTER [PLACEBO.csv TERM]
# Generalises ../shared/bench/r-fixest/fit_fixest.R (fixed formula) to any formula: reads the panel with
# data.table::fread, runs a tiny untimed warm-up fit (first-call costs), fits the formula clustered by CLUSTER, and
# prints one JSON line: fit wall/CPU seconds, coefficients, clustered SEs with ssc(adj = FALSE) (G/(G-1) only, as
# kzecon's), nobs, IRLS iterations. With PLACEBO.csv (one column per placebo draw, rows aligned with the panel):
# TERM is replaced by each column in turn and refitted in a plain loop (fixest has no warm start for refits),
# "placebo_seconds" and the placebo coefficients are added.
args <- commandArgs(trailingOnly = TRUE)
path <- args[1]; nthr <- as.integer(args[2]); fml <- as.formula(args[3]); cl <- args[4]
suppressPackageStartupMessages({library(data.table); library(fixest)})
setFixest_nthreads(nthr)
d <- fread(path, nThread = nthr)
fe <- trimws(strsplit(strsplit(args[3], "|", fixed = TRUE)[[1]][2], "+", fixed = TRUE)[[1]])
y <- trimws(strsplit(args[3], "~", fixed = TRUE)[[1]][1])
w <- d[1:min(nrow(d), 3000)]
invisible(tryCatch(fepois(as.formula(paste(y, "~ 1 |", paste(fe[1:2], collapse = "+"))), data = w),
                   error = function(e) NULL))
p0 <- proc.time()
fit <- fepois(fml, data = d, vcov = as.formula(paste("~", cl)), nthreads = nthr)
ct <- coeftable(fit)
p1 <- proc.time()
se0 <- se(summary(fit, vcov = as.formula(paste("~", cl)), ssc = ssc(adj = FALSE)))
f <- function(x) sprintf("%.15g", x)
js <- function(v) paste0("{", paste(sprintf('"%s": %s', names(v), f(v)), collapse = ", "), "}")
extra <- ""
if (length(args) >= 6) {
  pl <- fread(args[5], nThread = nthr); term <- args[6]
  q0 <- proc.time()
  est <- numeric(ncol(pl))
  for (j in seq_len(ncol(pl))) {
    d[[term]] <- pl[[j]]
    est[j] <- coef(fepois(fml, data = d, vcov = "iid", nthreads = nthr))[[term]]
  }
  q1 <- proc.time()
  extra <- sprintf(', "placebo_seconds": %.3f, "placebo": [%s]', (q1 - q0)[["elapsed"]], paste(f(est), collapse = ", "))
}
cat(sprintf(paste0('{"impl": "fixest", "version": "%s", "nthreads": %d, "rows": %d, "nobs": %d, ',
  '"t_fit": %.4f, "cpu_fit": %.3f, "coef": %s, "se_adj_false": %s, "iterations": %d%s}\n'),
  as.character(packageVersion("fixest")), nthr, nrow(d), nobs(fit), (p1 - p0)[["elapsed"]],
  (p1 - p0)[["user.self"]] + (p1 - p0)[["sys.self"]], js(coef(fit)), js(se0), as.integer(fit$iterations), extra))
