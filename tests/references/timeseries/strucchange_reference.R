# Reference values for kzecon.timeseries.stattests from R (Debian r-cran-strucchange, r-cran-urca).
# Input: china_share_kaz.csv (China's share of Kazakhstan's total trade, kzecon's spliced series 1994–2025,
# Russia/Belarus 2010 interpolated), modelled on the logit scale.
# Run from this folder: Rscript strucchange_reference.R  → strucchange_reference.csv
suppressMessages({library(strucchange); library(urca)})  # and tseries below
d <- read.csv("china_share_kaz.csv")
z <- log(d$share / (1 - d$share))
n <- length(z)
tt <- seq_len(n)
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))

for (spec in c("const", "trend")) {
  f <- if (spec == "const") z ~ 1 else z ~ tt
  bp <- breakpoints(f, h = 0.15, breaks = 5)
  s <- summary(bp)
  for (m in 0:5) {
    add(sprintf("%s.rss.%d", spec, m), s$RSS["RSS", m + 1])
    add(sprintf("%s.bic.%d", spec, m), s$RSS["BIC", m + 1])
    if (m > 0) {
      b <- breakpoints(bp, breaks = m)$breakpoints
      for (j in seq_along(b)) add(sprintf("%s.bp.%d.%d", spec, m, j), b[j])
      ci <- suppressWarnings(confint(bp, breaks = m, level = 0.95)$confint)
      for (j in seq_len(nrow(ci))) {
        add(sprintf("%s.ci.%d.%d.lower", spec, m, j), ci[j, 1])
        add(sprintf("%s.ci.%d.%d.upper", spec, m, j), ci[j, 3])
      }
      ci90 <- suppressWarnings(confint(bp, breaks = m, level = 0.90)$confint)
      for (j in seq_len(nrow(ci90))) {
        add(sprintf("%s.ci90.%d.%d.lower", spec, m, j), ci90[j, 1])
        add(sprintf("%s.ci90.%d.%d.upper", spec, m, j), ci90[j, 3])
      }
    }
  }
  add(sprintf("%s.lwz_selected", spec),
      which.min(sapply(0:5, function(m) AIC(breakpoints(bp, breaks = m), k = 0.299 * log(n)^2.1))) - 1)
  fs <- Fstats(f, from = floor(0.15 * n))
  st <- sctest(fs, type = "supF")
  add(sprintf("%s.supF.statistic", spec), st$statistic)
  add(sprintf("%s.supF.p_value", spec), st$p.value)
  for (yr in c(2010, 2013, 2015)) {
    pt <- sum(d$year < yr)
    ch <- sctest(f, type = "Chow", point = pt)
    add(sprintf("%s.chow.%d.statistic", spec, yr), ch$statistic)
    add(sprintf("%s.chow.%d.p_value", spec, yr), ch$p.value)
  }
  cu <- sctest(efp(f, type = "OLS-CUSUM"))
  add(sprintf("%s.cusum.statistic", spec), cu$statistic)
  add(sprintf("%s.cusum.p_value", spec), cu$p.value)
}

# unit-root tests with fixed lags (urca)
add("adf.c.lag1", ur.df(z, type = "drift", lags = 1, selectlags = "Fixed")@teststat[1])
add("adf.ct.lag1", ur.df(z, type = "trend", lags = 1, selectlags = "Fixed")@teststat[1])
add("kpss.c.lag2", ur.kpss(z, type = "mu", use.lag = 2)@teststat)
add("kpss.ct.lag2", ur.kpss(z, type = "tau", use.lag = 2)@teststat)
add("pp.c.lag2", ur.pp(z, type = "Z-tau", model = "constant", use.lag = 2)@teststat)
add("pp.ct.lag2", ur.pp(z, type = "Z-tau", model = "trend", use.lag = 2)@teststat)
# tseries::pp.test (trend regression, Bartlett window with the given truncation lag) — the convention arch uses
suppressMessages(library(tseries))
add("pp.ct.lag2.tseries", pp.test(z, type = "Z(t_alpha)", lshort = TRUE)$statistic)  # lshort: trunc(4(n/100)^0.25) = 2
za <- ur.za(z, model = "intercept", lag = 1)
add("za.c.lag1", za@teststat)
add("za.c.lag1.bpoint", za@bpoint)
write.csv(out, "strucchange_reference.csv", row.names = FALSE)
cat(sprintf("R %s, strucchange %s, urca %s, tseries %s\n", getRversion(), packageVersion("strucchange"),
            packageVersion("urca"), packageVersion("tseries")),
    file = "strucchange_reference.versions.txt")
