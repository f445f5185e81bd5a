# expected.R — independent expected values for tests/unit/test_stats.c.
#
# Run from the repository root:   Rscript tests/data/stats/expected.R
# Needs R with the Debian packages r-cran-psych and r-cran-multilevel
# (psych 2.2.9 and multilevel 2.7 when these values were made). The test
# suite itself never runs R: the output of this script, C initialisers
# with the R function that produced each value in a comment, was pasted
# into test_stats.c.
#
# Only R does the arithmetic here. What is *our* definition rather than a
# textbook one is written out plainly below:
#   - a rater's dimension score is the mean of the answered items, counted
#     when answered * 2 >= items (docs/statistics.md);
#   - which raters form each shown group is our anonymity rule; the sets
#     are written out by hand for L01 round 1 (see the comments), not
#     computed by a re-implementation of it;
#   - leader-round L03/1 has no self response and is left out.
suppressPackageStartupMessages({ library(psych); library(multilevel) })

dir <- "tests/data/stats"
items <- read.csv(file.path(dir, "items.csv"), colClasses = "character")
data <- read.csv(file.path(dir, "data.csv"), colClasses = c(rep("character", 5), "numeric"))
data <- data[!(data$leader == "L03"), ]          # no self response: skipped
data$lr <- paste(data$leader, data$round, sep = "/")

out <- function(name, value, source) {
  if (is.na(value)) {
    cat(sprintf("\t{\"%s\", 0, 0}, /* %s: NA */\n", name, source))
  } else {
    cat(sprintf("\t{\"%s\", %.17g, 1}, /* %s */\n", name, value, source))
  }
}

# The wide matrix raters x items of one leader-round (NA: no answer);
# rownames are the raters, attribute "group" their groups.
wide <- function(lr) {
  d <- data[data$lr == lr, ]
  raters <- unique(d$rater)
  m <- matrix(NA_real_, length(raters), nrow(items), dimnames = list(raters, items$item))
  for (k in seq_len(nrow(d))) m[d$rater[k], d$item[k]] <- d$score[k]
  attr(m, "group") <- d$group[match(raters, d$rater)]
  m
}

dim_items <- function(dim) items$item[items$dimension == dim]

# Our rater dimension score: mean of answered items when answered*2 >= J.
rater_score <- function(m, dim) {
  x <- m[, dim_items(dim), drop = FALSE]
  k <- rowSums(!is.na(x))
  s <- rowMeans(x, na.rm = TRUE)
  s[k == 0 | 2 * k < ncol(x)] <- NA
  s
}

# Figures of the raters `who` (rownames) of m for dim: n, mean(), sd(),
# and rwg.j() with ranvar = (A^2 - 1)/12 = 2 (A = 5) over the
# listwise-complete raters (rwg.j drops incomplete rows itself too).
figure <- function(tag, m, who, dim) {
  s <- rater_score(m, dim)[who]
  s <- s[!is.na(s)]
  x <- m[who, dim_items(dim), drop = FALSE]
  cc <- x[complete.cases(x), , drop = FALSE]
  out(paste(tag, "n"), length(s), "length() of the rater scores")
  out(paste(tag, "mean"), mean(s), "mean()")
  out(paste(tag, "sd"), if (length(s) >= 2) sd(s) else NA, "sd()")
  rwg <- if (nrow(cc) >= 2) rwg.j(cc, rep(1, nrow(cc)), ranvar = (5^2 - 1) / 12)$rwg.j else NA
  # Shown only with at least 3 (the threshold) listwise raters.
  out(paste(tag, "n_rwg"), nrow(cc), "nrow() of complete.cases()")
  out(paste(tag, "rwg"), if (nrow(cc) >= 3) rwg else NA, "multilevel::rwg.j(ranvar = (5^2-1)/12)")
}

cat("/* ---- L01 round 1: self, others and the shown groups ---- */\n")
m <- wide("L01/1")
g <- attr(m, "group")
self <- rownames(m)[g == "self"]
nonself <- rownames(m)[g != "self"]
for (dim in c("omgeving", "regisserend", "verbindend")) {
  s <- rater_score(m, dim)
  out(paste("L01/1", dim, "self"), s[self], "our rater score: mean(na.rm = TRUE)")
  figure(paste("L01/1", dim, "others"), m, nonself, dim)
  o <- s[nonself]
  out(paste("L01/1", dim, "gap"), s[self] - mean(o[!is.na(o)]), "self - mean()")
}
by_group <- function(...) rownames(m)[g %in% c(...)]
# omgeving: b4 counts not (1 of 4 answered): bestuur 3, mt 3, raad 2 and
# peers 1 -> raad + peers make overig (3).
figure("L01/1 omgeving bestuur", m, by_group("bestuur"), "omgeving")
figure("L01/1 omgeving mt", m, by_group("mt"), "omgeving")
figure("L01/1 omgeving overig", m, by_group("raad", "peers"), "omgeving")
# regisserend: p1 answered none: bestuur 4, mt 3, raad 2, peers 0 -> raad
# alone (2) is too few, the smallest shown group (mt, 3) joins: overig 5.
figure("L01/1 regisserend bestuur", m, by_group("bestuur"), "regisserend")
figure("L01/1 regisserend overig", m, by_group("mt", "raad"), "regisserend")
# verbindend: everyone counts: bestuur 4, mt 3, overig = raad + peers (3).
figure("L01/1 verbindend bestuur", m, by_group("bestuur"), "verbindend")
figure("L01/1 verbindend mt", m, by_group("mt"), "verbindend")
figure("L01/1 verbindend overig", m, by_group("raad", "peers"), "verbindend")

cat("/* ---- L01 round 1: items (non-self raters who answered) ---- */\n")
for (it in items$item) {
  x <- m[nonself, it]
  out(paste("L01/1 item", it, "n"), sum(!is.na(x)), "sum(!is.na())")
  out(paste("L01/1 item", it, "mean"), if (sum(!is.na(x)) > 0) mean(x, na.rm = TRUE) else NA,
      "mean(na.rm = TRUE)")
}

shown <- function(it) sum(!is.na(m[nonself, it])) >= 3
means <- sapply(items$item, function(it) mean(m[nonself, it], na.rm = TRUE))
gaps <- sapply(items$item, function(it) m[self, it] - mean(m[nonself, it], na.rm = TRUE))
for (it in items$item)
  out(paste("L01/1 item", it, "gap"), if (shown(it)) gaps[[it]] else NA, "self score - mean(na.rm = TRUE)")
ok <- sapply(items$item, shown)
idx <- seq_len(nrow(items))
# Ties keep the item order: order() is stable.
top <- function(key, keep) head(items$item[idx[keep][order(key[keep])]], 5)
list_out <- function(name, v, source)
  cat(sprintf("static const char *const %s[] = {%s}; /* %s */\n", name,
              paste0('"', v, '"', collapse = ", "), source))
list_out("want_highest", top(-means, ok), "head(order(-mean), 5)")
list_out("want_lowest", top(means, ok), "head(order(mean), 5)")
list_out("want_gaps", top(-abs(gaps), ok & !is.na(gaps)), "head(order(-abs(gap)), 5)")

cat("/* ---- L01 round 1: roles x arenas (item scores pooled) ---- */\n")
pooled <- function(tag, its) {
  x <- m[nonself, its, drop = FALSE]
  out(paste(tag, "n"), sum(rowSums(!is.na(x)) > 0), "raters with a score: sum(rowSums(!is.na()) > 0)")
  out(paste(tag, "nscore"), sum(!is.na(x)), "sum(!is.na())")
  out(paste(tag, "mean"), mean(x, na.rm = TRUE), "mean(na.rm = TRUE) of the pooled scores")
}
roles <- c("regisserend", "verbindend")
arenas <- c("bedrijfsvoering", "sociaal")
for (r in roles) for (a in arenas)
  pooled(paste("L01/1 cell", r, a), items$item[items$dimension == r & items$arena == a])
for (r in roles) pooled(paste("L01/1 role", r), items$item[items$dimension == r & items$arena != ""])
for (a in arenas) pooled(paste("L01/1 arena", a), items$item[items$dimension %in% roles & items$arena == a])

cat("/* ---- L01: trend from round 1 to round 2 ---- */\n")
m2 <- wide("L01/2")
g2 <- attr(m2, "group")
for (dim in c("omgeving", "regisserend", "verbindend")) {
  s1 <- rater_score(m, dim); s2 <- rater_score(m2, dim)
  out(paste("L01 trend", dim, "self"), s2[g2 == "self"] - s1[g == "self"], "difference of rater scores")
  o1 <- s1[g != "self"]; o2 <- s2[g2 != "self"]
  out(paste("L01 trend", dim, "others"), mean(o2, na.rm = TRUE) - mean(o1, na.rm = TRUE),
      "difference of mean(na.rm = TRUE)")
}

cat("/* ---- Reliability over L01/1, L01/2, L02/1, L04/1 (non-self) ---- */\n")
lrs <- c("L01/1", "L01/2", "L02/1", "L04/1")
for (dim in c("omgeving", "regisserend", "verbindend", "leeg")) {
  X <- NULL; scores <- NULL; cl <- NULL
  for (lr in lrs) {
    w <- wide(lr); gg <- attr(w, "group")
    w <- w[gg != "self", , drop = FALSE]
    X <- rbind(X, w[, dim_items(dim), drop = FALSE])
    s <- rater_score(w, dim)
    scores <- c(scores, s[!is.na(s)]); cl <- c(cl, rep(lr, sum(!is.na(s))))
  }
  cc <- X[complete.cases(X), , drop = FALSE]
  out(paste("rel", dim, "n_alpha"), nrow(cc), "nrow() of complete.cases()")
  a <- if (ncol(cc) >= 2 && nrow(cc) >= 3)
    suppressWarnings(psych::alpha(as.data.frame(cc), check.keys = FALSE)$total$raw_alpha) else NA
  out(paste("rel", dim, "alpha"), a, "psych::alpha()$total$raw_alpha")
  out(paste("rel", dim, "icc n"), length(scores), "length()")
  if (length(unique(cl)) >= 2 && length(scores) > length(unique(cl))) {
    df <- data.frame(y = scores, lr = factor(cl))
    fit <- aov(y ~ lr, data = df)
    tab <- summary(fit)[[1]]
    msb <- tab[1, "Mean Sq"]; msw <- tab[2, "Mean Sq"]
    N <- length(scores); G <- nlevels(df$lr); ng <- table(df$lr)
    k0 <- (N - sum(ng^2) / N) / (G - 1)
    out(paste("rel", dim, "msb"), msb, "summary(aov())[[1]] Mean Sq, between")
    out(paste("rel", dim, "msw"), msw, "summary(aov())[[1]] Mean Sq, within")
    out(paste("rel", dim, "k0"), k0, "(N - sum(table()^2)/N) / (G - 1)")
    # Unequal group sizes: multilevel::ICC1 uses the mean group size N/G,
    # not k0, so ICC(1) is computed from aov's mean squares and k0.
    out(paste("rel", dim, "icc1"), (msb - msw) / (msb + (k0 - 1) * msw),
        "(MSB - MSW) / (MSB + (k0 - 1) MSW) from aov()")
    out(paste("rel", dim, "icc1 multilevel"), multilevel::ICC1(fit),
        "multilevel::ICC1(aov()) with N/G; differs: groups unequal")
    out(paste("rel", dim, "icc1k"), multilevel::ICC2(fit), "multilevel::ICC2(aov())")
  }
}

cat("/* ---- Balanced clusters (icc_balanced.csv): ICC1 as in multilevel ---- */\n")
b <- read.csv(file.path(dir, "icc_balanced.csv"), colClasses = c("character", "numeric"))
fit <- aov(score ~ factor(cluster), data = b)
out("balanced icc1", multilevel::ICC1(fit), "multilevel::ICC1(aov()): k0 = N/G when balanced")
out("balanced icc1k", multilevel::ICC2(fit), "multilevel::ICC2(aov())")
tab <- summary(fit)[[1]]
out("balanced msb", tab[1, "Mean Sq"], "summary(aov())[[1]] Mean Sq, between")
out("balanced msw", tab[2, "Mean Sq"], "summary(aov())[[1]] Mean Sq, within")
