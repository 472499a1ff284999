# The R package aum's exact line search, timed on the problems that
#   build/bench/bench_line_search --write-problems DIR
# writes (scores ~ N(0, 1) drawn with seed 1, labels alternating 0, 1, rate), for comparison
# with bench_line_search: N rows at N = 1e4, 1e5, 1e6 and the max.auc walk at N = 1e3, 3e3,
# 1e4, on one thread, median wall-clock seconds of REPS runs (default 3).
#   Rscript bench/peers/line_search.R DIR [REPS]
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript bench/peers/line_search.R DIR [REPS]")
problem_dir <- args[1]
reps <- if (length(args) > 1) as.integer(args[2]) else 3L
suppressMessages({
  library(aum)
  library(data.table)
})
setDTthreads(1L)

time_walk <- function(n, iterations) {
  problem <- fread(file.path(problem_dir, sprintf("line_search_%d.csv", n)))
  diffs <- aum::aum_diffs_binary(problem$label, denominator = "rate")
  seconds <- numeric(reps)
  for (r in seq_len(reps)) {
    seconds[r] <- system.time(
      result <- aum::aum_line_search(diffs, pred.vec = problem$pred, maxIterations = iterations)
    )[["elapsed"]]
  }
  walk <- result$line_search_result
  data.frame(N = n, walk = if (is.character(iterations)) iterations else "N rows",
             median_seconds = median(seconds), events = nrow(walk) - 1,
             largest_step = max(walk$step.size))
}

timings <- rbind(
  do.call(rbind, lapply(c(1e4, 1e5, 1e6), function(n) time_walk(n, n))),
  do.call(rbind, lapply(c(1e3, 3e3, 1e4), function(n) time_walk(n, "max.auc"))))
print(timings, row.names = FALSE)
