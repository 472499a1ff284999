# Writes datasets/house_votes_84.csv from the HouseVotes84 data of the R package mlbench
# (Debian: apt-get install r-cran-mlbench).
#
# Usage, from the repository's top folder: Rscript datasets/make_house_votes_84.R
#
# Columns: V1..V16, the 16 votes as y or n, an empty cell where the vote is unknown (NA in R),
# then Class (democrat or republican), last as in the other shipped datasets. Rows in the
# package's order, no quotes, no row names.

if (!requireNamespace("mlbench", quietly = TRUE)) {
  message("The R package mlbench is not installed (Debian: apt-get install r-cran-mlbench).")
  quit(status = 3)
}
data("HouseVotes84", package = "mlbench", envir = environment())
votes <- paste0("V", 1:16)
stopifnot(nrow(HouseVotes84) == 435, all(c("Class", votes) %in% names(HouseVotes84)))
table <- HouseVotes84[c(votes, "Class")]
table[] <- lapply(table, as.character)
write.csv(table, "datasets/house_votes_84.csv", row.names = FALSE, quote = FALSE, na = "")
