# Times the exact AUM line search of the R package aum on one scores file.
#
# Usage: Rscript bench/peers/line_search.R FILE MODE [REPS]
#
#   FILE  a CSV with a header row and the columns pred (the scores) and
#         label (0/1, or -1/1; 1 is positive); other columns are ignored.
#   MODE  rows     walk N - 1 events along the search direction
#                  (maxIterations = N, the number of examples);
#         max-auc  walk until the AUC has gone down from its best value
#                  (maxIterations = "max.auc").
#   REPS  timed repetitions, default 3.
#
# The errors are rates (aum_diffs_binary with denominator = "rate"), as in
# aumtrain's aum.rate loss. The search direction is the package's own: minus
# the mean of the left and right directional derivatives of AUM at pred.
#
# What is timed is one call of aum::aum_line_search(diffs, pred.vec = pred,
# maxIterations = M): AUM and its derivatives at pred, the lines of the
# search, and the walk over their intersections. Reading the file and
# building the diffs are not timed. The clock is the wall clock.
#
# Output: a CSV header and one line for the whole run set, on stdout; the time
# of each repetition goes to stderr as it is measured.

args <- commandArgs(trailingOnly = TRUE)
usage <- "usage: Rscript bench/peers/line_search.R FILE MODE [REPS]   (MODE: rows or max-auc)"
if (length(args) < 2 || length(args) > 3) {
  message(usage)
  quit(status = 2)
}
file <- args[[1]]
mode <- args[[2]]
reps <- if (length(args) == 3) suppressWarnings(as.integer(args[[3]])) else 3L
if (!mode %in% c("rows", "max-auc")) {
  message("MODE must be rows or max-auc, not '", mode, "'\n", usage)
  quit(status = 2)
}
if (is.na(reps) || reps < 1) {
  message("REPS must be a positive whole number\n", usage)
  quit(status = 2)
}
if (!requireNamespace("aum", quietly = TRUE)) {
  message("The R package aum is not installed; bench/peers/README.md says how to install it.")
  quit(status = 3)
}
suppressPackageStartupMessages(library(aum))
data.table::setDTthreads(1L)

# Read the scores. fread comes with data.table, which aum needs anyway.
scores <- data.table::fread(file, select = c("pred", "label"), colClasses = "double")
pred <- scores[["pred"]]
label <- scores[["label"]]
n <- length(pred)
if (n < 2 || anyNA(pred) || any(!is.finite(pred))) {
  stop("the column pred needs at least two finite numbers")
}

# One breakpoint per example, at score 0; fp and fn are divided by the number
# of negatives and of positives.
diffs <- aum::aum_diffs_binary(label, denominator = "rate")

max_iterations <- if (mode == "rows") n else "max.auc"

seconds <- numeric(reps)
result <- NULL
for (r in seq_len(reps)) {
  invisible(gc())
  start <- Sys.time()
  result <- aum::aum_line_search(diffs, pred.vec = pred, maxIterations = max_iterations)
  seconds[r] <- as.numeric(difftime(Sys.time(), start, units = "secs"))
  message(sprintf("%s N=%d rep %d: %.6f s", mode, n, r, seconds[r]))
}
walk <- result[["line_search_result"]]

if (mode == "rows") {
  # One row per step size reached: the first is step 0, each further one an
  # event popped from the queue (one step size, possibly with several
  # intersections at it). Rows the walk never reached are dropped by the
  # package, so the count is right even when the queue runs dry early.
  events <- nrow(walk) - 1L
  intersections <- sum(walk[["intersections"]][-1])
  # The row aum_linear_model would take with a numeric maxIterations: the
  # smallest AUM over the steps walked. auc is the AUC at that step size,
  # tied scores counting one half.
  best <- walk[which.min(walk[["aum"]])]
  step_size <- best[["step.size"]]
  aum_value <- best[["aum"]]
  auc_value <- best[["auc"]]
  last_step <- walk[["step.size"]][nrow(walk)]
  aum_at_0 <- walk[["aum"]][1]
  auc_at_0 <- walk[["auc"]][1]
} else {
  # A single row. Its q.size is the number of events (step sizes) popped off
  # the queue before the search stopped, the stopping one included; the
  # search stops once the AUC is more than 1e-6 below the best AUC seen, or
  # when no event is left. step.size is the midpoint between the first step
  # size with the best AUC and the step size where the search stopped; auc is
  # that best AUC. The package reports no AUM in this mode (-Inf).
  events <- walk[["q.size"]]
  intersections <- walk[["intersections"]]
  step_size <- walk[["step.size"]]
  aum_value <- NA_real_
  auc_value <- walk[["auc"]]
  last_step <- NA_real_
  # AUM at step 0 is not part of this result; aum::aum gives it (untimed).
  aum_at_0 <- aum::aum(diffs, pred)[["aum"]]
  auc_at_0 <- NA_real_
}

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
cat("tool,version,mode,N,reps,median_seconds,seconds,events,intersections,step_size,aum,auc,last_step,aum_at_0,auc_at_0\n")
cat(paste(
  "R_aum", as.character(utils::packageVersion("aum")), mode, n, reps,
  sprintf("%.6f", stats::median(seconds)),
  paste(sprintf("%.6f", seconds), collapse = ";"),
  events, intersections,
  num(step_size), num(aum_value), num(auc_value), num(last_step),
  num(aum_at_0), num(auc_at_0),
  sep = ","), "\n", sep = "")
