# Reference values for random effects on an unbalanced panel: R plm's Swamy-Arora random-effects model on plm's
# EmplUK data (Arellano & Bond 1991; 140 UK firms, 1976-1984, unbalanced: 7-9 years a firm).
# Run from this folder: Rscript emplUK_reference.R -> emplUK.csv (the data), emplUK_reference.csv, .versions.txt
suppressMessages({library(plm)})
data("EmplUK", package = "plm")
write.csv(EmplUK[, c("firm", "year", "emp", "wage", "capital", "output")], "emplUK.csv", row.names = FALSE)
p <- pdata.frame(EmplUK, index = c("firm", "year"))
out <- data.frame(key = character(), value = numeric(), stringsAsFactors = FALSE)
add <- function(k, v) out[nrow(out) + 1, ] <<- list(k, as.numeric(v))
m <- plm(log(emp) ~ log(wage) + log(capital), p, model = "random", random.method = "swar")
b <- coef(m); se <- sqrt(diag(vcov(m)))
for (n in names(b)) { add(paste("random_swar", n, "coef", sep = "|"), b[[n]]); add(paste("random_swar", n, "se", sep = "|"), se[[n]]) }
th <- ercomp(m)$theta
add("random_swar|theta_min", min(th)); add("random_swar|theta_max", max(th))
write.csv(out, "emplUK_reference.csv", row.names = FALSE)
cat(sprintf("R %s, plm %s\n", getRversion(), packageVersion("plm")), file = "emplUK_reference.versions.txt")
