# coalsim from R: run a batch, then read its CSV files and summary.json.
#
#   Rscript examples/read_batch.R [COALSIM] [OUT]
#
# COALSIM is the coalsim binary (default: `coalsim` on the PATH, e.g. after
# `cargo install --path .`); OUT the output folder (default: a temporary
# one). Needs base R and jsonlite (Debian: apt-get install r-base-core
# r-cran-jsonlite; elsewhere install.packages("jsonlite")).

args <- commandArgs(trailingOnly = TRUE)
coalsim <- if (length(args) >= 1) args[1] else "coalsim"
out <- if (length(args) >= 2) args[2] else file.path(tempdir(), "coalsim-batch")

# Two rules for the same coalition: the default scenario, and the same with
# consensus (a two-line scenario file states only what differs).
consensus <- file.path(tempdir(), "consensus.toml")
writeLines(c("[governance]", 'decision_rule = "consensus"'), consensus)
batch <- function(scenario, dir) {
  status <- system2(coalsim, c("batch", scenario, "--runs", "400", "--seed", "7", "--out", dir),
                    stdout = FALSE)
  if (status != 0) stop("coalsim batch failed (status ", status, ")")
  runs <- read.csv(file.path(dir, "runs.csv"))           # one row per run
  # Booleans are written true/false (R before 4.3 reads them as text).
  runs$success <- runs$success == "true"
  list(
    runs = runs,
    rounds = read.csv(file.path(dir, "rounds.csv")),      # tidy: round, measure, mean, sd, lo, hi
    summary = jsonlite::fromJSON(file.path(dir, "summary.json"))
  )
}
results <- list(
  majority = batch(character(0), file.path(out, "majority")),     # the embedded default
  consensus = batch(consensus, file.path(out, "consensus"))
)

for (rule in names(results)) {
  r <- results[[rule]]
  runs <- r$runs
  stopifnot(nrow(runs) == r$summary$runs)
  # The summary's success count is the count of successful runs in runs.csv.
  stopifnot(sum(runs$success) == r$summary$success$count)
  cat(sprintf(
    "%-9s success %.1f%% (95%% CI %.1f%%-%.1f%%), %.1f weeks on average, %.2f hours per member per month\n",
    rule, 100 * r$summary$success$estimate, 100 * r$summary$success$lo, 100 * r$summary$success$hi,
    mean(runs$rounds), mean(runs$hours_per_member_month)
  ))
  cat("          endings:", paste(names(table(runs$outcome)), table(runs$outcome), sep = " ", collapse = ", "), "\n")
}

# Run i of both batches used the same random stream (seed 7, stream i):
# a paired difference in success.
d <- results$consensus$runs$success - results$majority$runs$success
stopifnot(identical(results$consensus$runs$stream, results$majority$runs$stream))
se <- sd(d) / sqrt(length(d))
cat(sprintf("consensus - majority, paired: %+.3f (95%% CI %+.3f to %+.3f)\n",
            mean(d), mean(d) - 1.96 * se, mean(d) + 1.96 * se))

# Members over time, from the tidy rounds table.
m <- results$majority$rounds
members <- m[m$measure == "members", c("round", "mean")]
cat(sprintf("majority: %.1f members on average in week 26 among the coalitions still going\n",
            members$mean[members$round == 26]))
