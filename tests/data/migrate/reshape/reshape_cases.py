"""R snippets with base R reshapes; each leaves a data frame in ``result`` (CASES) or
fails with R's error (ERRORS).  freeze_reshape.py stores R's frames and messages in
r_frames.json; tests/migrate/test_reshape.py translates each snippet, runs it and
compares the frame (column names and order, row names, column types, factor levels,
values) with R's."""

WIDE = """
wide <- data.frame(id = c(11, 12, 13), sex = factor(c("m", "f", "m")),
                   x.1 = c(5, 6, 7), x.2 = c(8, 9, 10), y.1 = c("a", "b", "c"),
                   y.2 = c("d", "e", "f"))
"""

CASES = {
    # varying as a list of vectors, v.names given, times default 1:2, id dropped and made anew
    "long_varying_list": WIDE + """
result <- reshape(wide, direction = "long", drop = "id",
                  varying = list(c("x.1", "x.2"), c("y.1", "y.2")), v.names = c("x", "y"))
""",
    # a vector of names split at sep: v.names and (numeric) times guessed, idvar in data
    "long_sep_guess": WIDE + """
result <- reshape(wide, direction = "long", varying = c("x.1", "x.2", "y.1", "y.2"),
                  idvar = "id")
""",
    # sep = "": split where a letter meets a digit; column numbers for varying
    "long_sep_empty_and_indices": """
d <- data.frame(subj = c("s1", "s2"), score1 = c(1.5, 2.5), score2 = c(3.5, 4.5),
                score3 = c(5, 6))
result <- reshape(d, direction = "long", varying = 2:4, sep = "", idvar = "subj")
""",
    # varying built with paste0() (a Python list of names), back to wide with varying
    "long_paste0_then_wide_varying": """
w <- data.frame(x1 = 1:2, x2 = 3:4, x3 = 5:6)
long <- reshape(w, direction = "long", varying = paste0("x", 1:3), sep = "")
result <- reshape(long, direction = "wide", idvar = "id", timevar = "time",
                  varying = list(paste0("v", 1:3)))
""",
    # times given (character and numbers), a timevar name, the v.names grouping of a vector
    "long_times_given": WIDE + """
a <- reshape(wide, direction = "long", varying = list(c("x.1", "x.2")), v.names = "x",
             times = c(10, 20), timevar = "week", idvar = "id", drop = c("y.1", "y.2"))
result <- reshape(wide, direction = "long", varying = c("x.1", "y.1", "x.2", "y.2"),
                  v.names = c("x", "y"), times = c("pre", "post"), timevar = "phase",
                  idvar = "id")
result$week_sum <- sum(a$week)
""",
    # a vector with v.names: R groups it by split(varying, rep(v.names, ntimes)), whose
    # groups come in sorted order -- with v.names not sorted, R pairs them crosswise
    "long_vnames_split_order": """
d <- data.frame(k = c("p", "q"), y1 = c(1, 2), x1 = c(3, 4), y2 = c(5, 6), x2 = c(7, 8))
result <- reshape(d, direction = "long", varying = c("y1", "x1", "y2", "x2"),
                  v.names = c("y", "x"), idvar = "k")
""",
    # factors: the varying factors unite their levels (rbind); a constant factor stays
    "long_with_factors": """
d <- data.frame(id = 1:3, grp = factor(c("b", "a", "b"), levels = c("b", "a")),
                r.1 = factor(c("lo", "hi", "lo")), r.2 = factor(c("mid", "lo", "top")))
result <- reshape(d, direction = "long", varying = c("r.1", "r.2"), idvar = "id")
""",
    # wide: one row per subject, x.<time> columns in order of appearance of the times
    "wide_basic": """
long <- data.frame(subj = c(1, 1, 2, 2, 3), visit = c(2, 1, 1, 2, 2),
                   grp = c("a", "a", "b", "b", "a"), val = c(10.5, 11, 12, 13.25, 14))
result <- reshape(long, direction = "wide", idvar = "subj", timevar = "visit")
""",
    # wide with factor v.names, two id columns and a sep
    "wide_two_ids_factor": """
long <- data.frame(school = c("A", "A", "A", "A", "B", "B"), cls = c(1, 1, 2, 2, 1, 1),
                   term = c("f", "s", "f", "s", "f", "s"),
                   grade = factor(c("x", "y", "y", "z", "x", "x")), n = c(3L, 4L, 5L, 6L, 7L, 8L))
result <- reshape(long, direction = "wide", idvar = c("school", "cls"), timevar = "term",
                  v.names = c("grade", "n"), sep = "_")
""",
    # wide -> long -> wide, explicitly and by R's reshapeLong/reshapeWide undo information
    "wide_long_roundtrip": WIDE + """
long <- reshape(wide, direction = "long", varying = c("x.1", "x.2", "y.1", "y.2"),
                idvar = "id")
again <- reshape(long, direction = "wide", idvar = "id", timevar = "time",
                 v.names = c("x", "y"))
undone <- reshape(long)
result <- reshape(undone, direction = "long", varying = c("x.1", "y.1", "x.2", "y.2"),
                  idvar = "id")
result$same_again <- identical(names(again), names(undone)) + 0 * nrow(result)
""",
    # stack()/unstack()
    "stack_unstack": """
d <- data.frame(g = factor(c("u", "v")), a = c(1, 2), b = c(3L, 4L))
s <- stack(d, select = c(a, b))
s2 <- stack(d)
u <- unstack(s)
result <- s
result$u <- c(u$a, u$b)
result$s2_values <- s2$values
""",
}

ERRORS = {
    "varying_lengths": WIDE + """
reshape(wide, direction = "long", varying = list(c("x.1", "x.2"), c("y.1")), v.names = c("x", "y"))
""",
    "times_length": WIDE + """
reshape(wide, direction = "long", varying = list(c("x.1", "x.2")), v.names = "x", times = 1:3)
""",
    "idvar_unique": """
d <- data.frame(id = c(1, 1), x.1 = 1:2, x.2 = 3:4)
reshape(d, direction = "long", varying = c("x.1", "x.2"), idvar = "id")
""",
    "guess_fails": """
d <- data.frame(id = 1:2, a.b.1 = 1:2, a.b.2 = 3:4)
reshape(d, direction = "long", varying = c("a.b.1", "a.b.2"))
""",
}
