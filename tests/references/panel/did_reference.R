# Reference values for kzecon.panel.did / event_study from base R lm + sandwich::vcovCL (Debian r-cran-sandwich).
# Input: cu_rus.csv — log trade with Russia of 12 post-Soviet economies and Mongolia, 1995–2014 (COW v4, written
# by kzecon.panel.country_partner_panel; KAZ and BLR join the customs union in 2010).
# Two-way FE by dummies; clustered by reporter, HC1 (G/(G−1) · (n−1)/(n−K), K counting every dummy).
# Run from this folder: Rscript did_reference.R → did_reference.csv
suppressMessages(library(sandwich))
d <- read.csv("cu_rus.csv")
d$treat_post <- as.integer(d$treat_start > 0 & d$year >= d$treat_start)
rel <- ifelse(d$treat_start > 0, d$year - d$treat_start, NA)
rel <- pmin(pmax(rel, -5), 4)
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))
m <- lm(log_trade ~ treat_post + factor(reporter) + factor(year), data = d)
V <- vcovCL(m, cluster = ~reporter, type = "HC1")
add("did.coef", coef(m)["treat_post"]); add("did.se", sqrt(V["treat_post", "treat_post"]))
add("did.n", nobs(m)); add("did.k", length(coef(m)))
for (k in c(-5:-2, 0:4)) {
  nm <- paste0("rel_", ifelse(k < 0, "m", "p"), abs(k))
  d[[nm]] <- as.integer(!is.na(rel) & rel == k)
}
terms <- paste0("rel_", c("m5", "m4", "m3", "m2", "p0", "p1", "p2", "p3", "p4"))
f <- as.formula(paste("log_trade ~", paste(terms, collapse = " + "), "+ factor(reporter) + factor(year)"))
e <- lm(f, data = d)
Ve <- vcovCL(e, cluster = ~reporter, type = "HC1")
for (t in terms) { add(paste0("es.", t, ".coef"), coef(e)[t]); add(paste0("es.", t, ".se"), sqrt(Ve[t, t])) }
add("es.k", length(coef(e)))
write.csv(out, "did_reference.csv", row.names = FALSE)
