# Reference values for kzecon.panel from R plm (Debian r-cran-plm) and sandwich/lmtest, on plm's Grunfeld data
# (Grunfeld 1958; 10 firms × 20 years), the textbook panel example (Baltagi, Econometric Analysis of Panel Data).
# Run from this folder: Rscript plm_reference.R → grunfeld.csv (the data) and plm_reference.csv
suppressMessages({library(plm); library(lmtest)})
data("Grunfeld", package = "plm")
write.csv(Grunfeld, "grunfeld.csv", row.names = FALSE)
p <- pdata.frame(Grunfeld, index = c("firm", "year"))
f <- inv ~ value + capital
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))
addm <- function(tag, m, V = vcov(m)) {
  b <- coef(m); se <- sqrt(diag(V))
  for (n in c("value", "capital")) { add(paste(tag, n, "coef", sep = "."), b[n]); add(paste(tag, n, "se", sep = "."), se[n]) }
}
fe <- plm(f, p, model = "within")
addm("within", fe)
addm("within.cluster", fe, vcovHC(fe, type = "HC1", cluster = "group"))
addm("within.dk", fe, vcovSCC(fe, type = "HC0", maxlag = 2))
tw <- plm(f, p, model = "within", effect = "twoways")
addm("twoways", tw)
re <- plm(f, p, model = "random")
addm("random", re)
fd <- plm(f, p, model = "fd")
addm("fd", fd)
be <- plm(f, p, model = "between")
addm("between", be)
po <- plm(f, p, model = "pooling")
addm("pooling", po)
h <- phtest(fe, re)
add("hausman.statistic", h$statistic); add("hausman.p_value", h$p.value); add("hausman.df", h$parameter)
write.csv(out, "plm_reference.csv", row.names = FALSE)
cat(sprintf("R %s, plm %s, sandwich %s\n", getRversion(), packageVersion("plm"), packageVersion("sandwich")),
    file = "plm_reference.versions.txt")
