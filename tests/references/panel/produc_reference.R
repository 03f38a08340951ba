# Reference values for kzecon.panel's clustered standard errors: R plm on plm's Produc data (Munnell 1990; 48 US
# states × 17 years, Baltagi's textbook example), one-way and two-way within models, clustered by state.
# plm's vcovHC counts only the slope coefficients in k (fixed effects are swept out, not counted), as fixest does
# for effects nested in the clusters. Run from this folder: Rscript produc_reference.R → produc.csv (the data),
# produc_reference.csv, produc_reference.versions.txt
suppressMessages({library(plm)})
data("Produc", package = "plm")
write.csv(Produc[, c("state", "year", "gsp", "pcap", "pc", "emp", "unemp")], "produc.csv", row.names = FALSE)
p <- pdata.frame(Produc, index = c("state", "year"))
f <- log(gsp) ~ log(pcap) + log(pc) + log(emp) + unemp
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))
terms <- c("log(pcap)", "log(pc)", "log(emp)", "unemp")
addm <- function(tag, m, V) {
  b <- coef(m); se <- sqrt(diag(V))
  for (n in terms) { add(paste(tag, n, "coef", sep = "|"), b[n]); add(paste(tag, n, "se", sep = "|"), se[n]) }
}
for (eff in c("individual", "twoways")) {
  m <- plm(f, p, model = "within", effect = eff)
  for (ty in c("HC0", "HC1")) addm(paste(eff, "cluster_group", ty, sep = "|"), m, vcovHC(m, type = ty, cluster = "group"))
}
re2 <- tryCatch(plm(f, p, model = "random", effect = "twoways"), error = function(e) NULL)
if (!is.null(re2)) { V <- vcov(re2); b <- coef(re2); for (n in terms) { add(paste("random_twoways", n, "coef", sep = "|"), b[n]); add(paste("random_twoways", n, "se", sep = "|"), sqrt(V[n, n])) } }
write.csv(out, "produc_reference.csv", row.names = FALSE)
cat(sprintf("R %s, plm %s, sandwich %s\n", getRversion(), packageVersion("plm"), packageVersion("sandwich")),
    file = "produc_reference.versions.txt")
