# Times aum::aum_linear_model, the R package's gradient descent on AUM with
# an exact line search at every step, and scores the learned weights on a
# held-out test set.
#
# Usage: Rscript bench/peers/linear_model.R CSV LABEL STEPS SEED [REPS]
#
#   CSV    a CSV with a header row: the label column and numeric features
#          (every other column), e.g. datasets/spam.csv.
#   LABEL  the label column (1 positive, 0 or -1 negative).
#   STEPS  gradient steps (max.steps of aum_linear_model).
#   SEED   set.seed(SEED) before the split; the same random state is then
#          used for the initial weights of every repetition.
#   REPS   timed repetitions, default 3. Each starts from the same random
#          state, so all of them learn the same weights and only the times
#          differ.
#
# The steps, in order:
#   1. a stratified split: in each class, round(25%) of the rows (drawn at
#      random) go to test, the rest to train;
#   2. features standardised with the train mean and sd (scale()); a column
#      that is constant on train is dropped;
#   3. the train labels become error diffs with rates as errors
#      (aum_diffs_binary(label, denominator = "rate"));
#   4. timed: aum:::aum_linear_model(list(subtrain = X), list(subtrain = diffs),
#      max.steps = STEPS). With its defaults it starts from N(0, 1) weights
#      (rnorm), and at each step searches the line exactly for the first
#      minimum of AUM (maxIterations = "min.aum"); the model has no
#      intercept during training, as AUM does not depend on one;
#   5. the test AUC of the learned weights (ties count one half) and the
#      test AUM (rates), both computed outside the timing.
#
# Output: a CSV header and one line on stdout; each repetition's time goes
# to stderr as it is measured.

args <- commandArgs(trailingOnly = TRUE)
usage <- "usage: Rscript bench/peers/linear_model.R CSV LABEL STEPS SEED [REPS]"
if (length(args) < 4 || length(args) > 5) {
  message(usage)
  quit(status = 2)
}
csv <- args[[1]]
label_col <- args[[2]]
steps <- suppressWarnings(as.integer(args[[3]]))
seed <- suppressWarnings(as.integer(args[[4]]))
reps <- if (length(args) == 5) suppressWarnings(as.integer(args[[5]])) else 3L
if (is.na(steps) || steps < 1 || is.na(seed) || is.na(reps) || reps < 1) {
  message("STEPS and REPS must be positive whole numbers and SEED an integer\n", usage)
  quit(status = 2)
}
if (!requireNamespace("aum", quietly = TRUE)) {
  message("The R package aum is not installed; bench/peers/README.md says how to install it.")
  quit(status = 3)
}
suppressPackageStartupMessages(library(aum))
data.table::setDTthreads(1L)

data <- as.data.frame(data.table::fread(csv))
if (!label_col %in% names(data)) {
  stop("no column '", label_col, "' in ", csv)
}
y <- data[[label_col]]
if (!all(y %in% c(-1, 0, 1))) {
  stop("the label column must hold 1 for positives and 0 or -1 for negatives")
}
y <- ifelse(y == 1, 1, 0)
X <- as.matrix(data[setdiff(names(data), label_col)])
storage.mode(X) <- "double"
if (anyNA(X)) {
  stop("the features must be numbers without missing values")
}

# 1. Stratified 75/25 split.
set.seed(seed)
is_test <- rep(FALSE, length(y))
for (cls in c(0, 1)) {
  rows <- which(y == cls)
  is_test[rows[sample.int(length(rows), round(0.25 * length(rows)))]] <- TRUE
}
X_train <- X[!is_test, , drop = FALSE]
X_test <- X[is_test, , drop = FALSE]
y_train <- y[!is_test]
y_test <- y[is_test]

# 2. Standardise with train statistics.
train_sd <- apply(X_train, 2, stats::sd)
keep <- train_sd > 0
X_train <- scale(X_train[, keep, drop = FALSE])
X_test <- scale(X_test[, keep, drop = FALSE],
                center = attr(X_train, "scaled:center"),
                scale = attr(X_train, "scaled:scale"))

# 3. Error diffs of the train labels.
diffs_train <- aum::aum_diffs_binary(y_train, denominator = "rate")
diffs_test <- aum::aum_diffs_binary(y_test, denominator = "rate")

# AUC with tied scores counting one half (the Mann-Whitney statistic).
auc_ties_half <- function(score, label) {
  r <- rank(score, ties.method = "average")
  n_pos <- sum(label == 1)
  n_neg <- sum(label == 0)
  (sum(r[label == 1]) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
}

# 4. Timed fits, each from the same random state (the one after the split).
# aum_linear_model has a help page but is not exported by the package (as of
# version 2024.6.19), so it is taken from the package's namespace when it is
# not among the exports.
fit <- if ("aum_linear_model" %in% getNamespaceExports("aum")) {
  getExportedValue("aum", "aum_linear_model")
} else {
  get("aum_linear_model", envir = asNamespace("aum"))
}
state <- .Random.seed
seconds <- numeric(reps)
test_auc <- numeric(reps)
model <- NULL
for (r in seq_len(reps)) {
  assign(".Random.seed", state, envir = globalenv())
  invisible(gc())
  start <- Sys.time()
  model <- fit(list(subtrain = X_train), list(subtrain = diffs_train), max.steps = steps)
  seconds[r] <- as.numeric(difftime(Sys.time(), start, units = "secs"))
  # 5. Test scores; the intercept does not change AUC or AUM.
  test_auc[r] <- auc_ties_half(as.numeric(X_test %*% model$weight.vec), y_test)
  message(sprintf("steps=%d rep %d: %.6f s, test AUC %.6f", steps, r, seconds[r], test_auc[r]))
}
if (length(unique(test_auc)) != 1) {
  warning("the repetitions learned different weights")
}
test_score <- as.numeric(X_test %*% model$weight.vec)
test_aum <- aum::aum(diffs_test, test_score)[["aum"]]
loss <- model$loss
first <- loss[loss$step.number == 0, ]
last <- loss[loss$step.number == max(loss$step.number), ]
# In min.aum mode the search table's "iterations" column is the number of
# events each line search walked (q.size).
events <- sum(model$search$iterations)

num <- function(x) sprintf("%.17g", x)
cat("tool,version,data,label,train_rows,test_rows,features,steps,seed,reps,median_seconds,seconds,line_search_events,subtrain_aum_start,subtrain_aum_end,subtrain_auc_end,test_auc,test_aum\n")
cat(paste(
  "R_aum", as.character(utils::packageVersion("aum")), basename(csv), label_col,
  nrow(X_train), nrow(X_test), ncol(X_train), max(loss$step.number), seed, reps,
  sprintf("%.6f", stats::median(seconds)),
  paste(sprintf("%.6f", seconds), collapse = ";"),
  events, num(first$aum), num(last$aum), num(last$auc),
  num(stats::median(test_auc)), num(test_aum),
  sep = ","), "\n", sep = "")
