# Writes a scores file for line_search.R (and for aumtrain aum) made in R, so
# that both tools read the very same numbers.
#
# Usage: Rscript bench/peers/make_scores.R N FILE [SEED]
#
# pred: N draws of N(0, 1) after set.seed(SEED) (default 1); label: 0, 1, 0,
# 1, ... (the first example negative). Numbers are written with 17
# significant digits, which read back to the same doubles.

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2 || length(args) > 3) {
  message("usage: Rscript bench/peers/make_scores.R N FILE [SEED]")
  quit(status = 2)
}
n <- suppressWarnings(as.numeric(args[[1]]))
seed <- if (length(args) == 3) suppressWarnings(as.integer(args[[3]])) else 1L
if (is.na(n) || n < 2 || n != round(n) || is.na(seed)) {
  message("N must be a whole number >= 2 (1e6 is fine) and SEED an integer")
  quit(status = 2)
}
set.seed(seed)
pred <- rnorm(n)
label <- rep(c(0L, 1L), length.out = n)
lines <- paste(sprintf("%.17g", pred), label, sep = ",")
writeLines(c("pred,label", lines), args[[2]])
