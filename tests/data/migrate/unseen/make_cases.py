"""Development-only: run every case's R code with Rscript and freeze ``out`` into
cases.json (the tests read only the JSON; they need no R).

    .venv/bin/python tests/data/migrate/unseen/make_cases.py
"""

import json
import subprocess
from pathlib import Path

HERE = Path(__file__).parent
DF = ('df <- data.frame(a = 1:6, b = c(2.5, 3, 1, 4, 5, 6), '
      'x = c("u", "v", "w", "x", "y", "z"), d = 6:1)\n')
Z = 'z <- c("apple", "Banana", "cherry 12", "date", "a.b.c")\n'
CASES = {
    "neg_first_column": DF + "out <- df[, -1]",
    "neg_columns_c": DF + "out <- df[, -c(1, 3)]",
    "neg_rows_range": DF + "out <- df[-(1:2), ]",
    "neg_rows_and_column": DF + "out <- df[-c(1, 6), -2]",
    "neg_which_name": DF + 'out <- df[, -which(names(df) == "x")]',
    "neg_which_empty_keeps_none": DF + 'out <- df[, -which(names(df) == "nope")]',
    "neg_single_bracket_df": DF + "out <- df[-4]",
    "neg_vector_c": "v <- c(10, 20, 30, 40)\nout <- v[-c(1, 3)]",
    "neg_vector_which": "v <- c(10, 20, 30, 40)\nout <- v[-which(v > 25)]",
    "neg_vector_range": "v <- c(10, 20, 30, 40)\nout <- v[-(1:2)]",
    "cbind_named_vectors": "s <- 1:3\nx <- c(4.5, 5, 6)\nout <- cbind(s, u = x)",
    "cbind_frame_and_vector": DF + "sub <- df[df$a > 3, ]\nout <- cbind(sub, u = c(7, 8, 9))",
    "cbind_frame_expression": DF + "out <- cbind(df[, c(\"a\", \"b\")], a2 = df$a^2)",
    "data_frame_names": "a <- 1:3\ny <- c(2, 4, 6)\nout <- data.frame(a, b = y)",
    "rbind_vectors": "s <- c(1, 2, 3)\nu <- c(4, 5, 6)\nout <- rbind(s, u)",
    "rbind_named_vectors": "out <- rbind(first = c(1, 2), second = c(3, 4))",
    "rbind_frames": DF + "out <- rbind(df[1:2, ], df[5:6, ])",
    "grep_positions": Z + 'out <- grep("an", z)',
    "grep_values_ignore_case": Z + 'out <- grep("^b", z, value = TRUE, ignore.case = TRUE)',
    "grep_invert": Z + 'out <- grep("a", z, invert = TRUE)',
    "grepl_posix_class": Z + 'out <- grepl("[[:digit:]]+", z)',
    "grepl_fixed": Z + 'out <- grepl(".", z, fixed = TRUE)',
    "sub_backref": Z + 'out <- sub("(a)(n)", "\\\\2\\\\1", z)',
    "gsub_escaped_dot": Z + 'out <- gsub("\\\\.", "_", z)',
    "gsub_fixed_dot": Z + 'out <- gsub(".", "-", z, fixed = TRUE)',
    "gsub_perl_upper": Z + 'out <- gsub("\\\\b(\\\\w)", "\\\\U\\\\1", z, perl = TRUE)',
    "gsub_space_class": Z + 'out <- gsub("[[:space:]]+[[:digit:]]+", "", z)',
    "sub_whole_match": Z + 'out <- sub("[aeiou]", "<\\\\0>", z)',
    "regmatches_regexpr": Z + 'out <- regmatches(z, regexpr("[0-9]+", z))',
    "regmatches_gregexpr": Z + 'out <- regmatches(z, gregexpr("[aeiou]", z))',
    "strsplit_list": Z + 'out <- strsplit(z, "a")',
    "strsplit_fixed_first": 'out <- strsplit("x.y.z", ".", fixed = TRUE)[[1]]',
    "strsplit_chars": 'out <- strsplit("abc", "")[[1]]',
    "nchar_substr": Z + "out <- paste(nchar(z), substr(z, 2, 4))",
    "toupper_sprintf": Z + 'out <- sprintf("%s:%d", toupper(z), nchar(z))',
    "trimws_both": 'out <- trimws(c("  a ", "b  ", " c"))',
    "ave_default_mean": "g <- c(\"a\", \"b\", \"a\", \"b\", \"c\")\n"
                        "out <- ave(c(1, 2, 3, 5, 7), g)",
    "ave_two_groups_fun": ("g <- c(1, 1, 2, 2, 2)\nh <- c(\"x\", \"x\", \"x\", \"y\", \"y\")\n"
                           "out <- ave(c(1, 2, 3, 5, 7), g, h, FUN = function(v) v - mean(v))"),
    "apply_keeps_names": ("m <- data.frame(p = c(1, 2, 4), q = c(3, 5, 9))\n"
                          "out <- apply(m, 2, sd)"),
    "apply_rows_vector_result": ("m <- data.frame(p = c(1, 2, 4), q = c(3, 5, 9))\n"
                                 "out <- apply(m, 1, range)"),
    "do_call_rbind_rownames": DF + ("out <- do.call(rbind, lapply(split(df, df$d > 3), "
                                    "function(s) data.frame(n = nrow(s), m = mean(s$b))))"),
    "do_call_rbind_multirow": DF + "out <- do.call(rbind, split(df[, c(\"a\", \"b\")], df$a > 4))",
    "sapply_bracket_operator": 'out <- sapply(strsplit(c("a_1", "b_22"), "_"), `[`, 2)',
    "coef_position": ("fit <- lm(dist ~ speed, data = cars)\nout <- coef(fit)[2]"),
    "cbind_named_vectors_rownames": ("fit <- lm(dist ~ speed, data = cars)\n"
                                     "out <- cbind(est = coef(fit), twice = 2 * coef(fit))"),
    "sapply_class_over_columns": DF + "out <- sapply(df[, c(\"a\", \"x\")], class)",
    "lapply_over_columns": DF + "out <- unlist(lapply(df[, c(\"a\", \"b\")], sum))",
    "na_omit_frame": "d <- data.frame(a = c(1, NA, 3), b = c(\"u\", \"v\", NA))\nout <- na.omit(d)",
    "complete_cases": "d <- data.frame(a = c(1, NA, 3, 4), b = c(\"u\", \"v\", NA, \"w\"))\n"
                      "out <- d[complete.cases(d), ]",
    "set_operations": "out <- c(setdiff(c(4, 1, 2, 4, 3), c(2)), intersect(c(3, 1, 3), c(1, 3)), "
                      "union(c(2, 2), c(5, 2)))",
    "which_max_row_cell": DF + "out <- df[which.max(df$b), \"x\"]",
    "outer_product": "out <- outer(1:3, 1:2)",
    "outer_operator": 'out <- outer(1:3, c(10, 20), "-")',
    "reduce_accumulate_operator": "out <- unlist(Reduce(`+`, 1:4, accumulate = TRUE))",
    "mapply_simplifies": "out <- mapply(function(a, b) a * b, 1:3, 4:6)",
    "sort_table_keeps_names": 'out <- rev(sort(table(c("u", "v", "v", "w", "w", "w"))))',
    "unlist_named_scalars": DF + "out <- unlist(lapply(split(df, df$d > 2), nrow))",
    "formatC_fixed": 'out <- formatC(c(3.14159, 2.5), digits = 3, format = "f")',
    "formatC_width_flag": 'out <- formatC(c(7, 42), width = 4, flag = "0")',
    "table_of_filtered_frame": DF + "sub <- df[df$b > 2, ]\nout <- as.vector(table(sub$x > \"w\", sub$a > 4))",
    "order_several_keys_decreasing": DF + "out <- df[order(df$x > \"w\", df$b, decreasing = TRUE), \"a\"]",
    "order_factor_string_keys": ("d <- data.frame(f = factor(c(\"b\", \"a\", \"b\", \"a\"), levels = c(\"b\", \"a\")),"
                                 " s = c(\"B\", \"a\", \"A\", \"b\"))\n"
                                 "out <- order(d$f, d$s, decreasing = TRUE)"),
    "numeric_columns_by_mask": DF + "out <- df[, sapply(df, is.numeric)]",
    "is_type_checks": DF + ("out <- c(is.numeric(df$b), is.factor(factor(df$x)), "
                            "is.character(df$x), is.data.frame(df))"),
    "vector_list_filled_in_loop": "out <- vector(\"list\", 3)\nfor (i in 1:3) out[[i]] <- i * 10\nout <- unlist(out)",
    "table_as_data_frame": "out <- as.data.frame(table(c(\"a\", \"b\", \"a\"), c(\"u\", \"u\", \"v\")))",
    "table_as_data_frame_1d": "out <- as.data.frame(table(c(\"b\", \"a\", \"b\")))",
    "names_of_named_vector_variable": ("fit <- lm(dist ~ speed, data = cars)\nfe <- coef(fit)\n"
                                       "out <- paste(names(fe), round(fe, 2), sep = \" = \")"),
    "dplyr_mask_prefers_column": (
        "suppressPackageStartupMessages(library(dplyr))\nk <- 100\n"
        "out <- data.frame(x = c(1, 2, 3), k = c(10, 20, 30)) %>% mutate(z = x * k, w = z + 1)"),
    "dplyr_mask_global_not_column": (
        "suppressPackageStartupMessages(library(dplyr))\nk <- 100\n"
        "out <- data.frame(x = c(1, 2, 3)) %>% mutate(y = x + k) %>% filter(y > 101)"),
    "dplyr_mask_variable_frame_column_wins": (
        "suppressPackageStartupMessages(library(dplyr))\n"
        "d <- data.frame(x = c(1, 2, 3, 4), g = c(\"a\", \"a\", \"b\", \"b\"), k = c(10, 20, 30, 40))\n"
        "k <- 100\nout <- d %>% mutate(z = x * k)"),
    "dplyr_mask_summarise_column_wins": (
        "suppressPackageStartupMessages(library(dplyr))\n"
        "d <- data.frame(x = c(1, 2, 3, 4), g = c(\"a\", \"a\", \"b\", \"b\"), k = c(10, 20, 30, 40))\n"
        "k <- 100\nout <- as.data.frame(d %>% group_by(g) %>% summarise(s = sum(k), m = mean(x)))"),
    "dplyr_mask_assigned_column_wins": (
        "suppressPackageStartupMessages(library(dplyr))\n"
        "d <- as.data.frame(list(x = c(1, 2)))\nd$w <- c(5, 6)\nw <- 0\n"
        "out <- d %>% mutate(y = x + w)"),
    "dplyr_mask_later_assignment_is_column": (
        "suppressPackageStartupMessages(library(dplyr))\n"
        "d <- data.frame(x = c(1, 2, 3), h = c(5, 6, 7))\n"
        "out <- d %>% mutate(y = x + h)\nf <- function() { h <- 0; h }"),
}

ENCODE = r'''
encode <- function(v) {
  if (is.data.frame(v) || is.matrix(v)) {
    rn <- rownames(v)
    return(list(kind = "frame", names = if (is.null(colnames(v))) NULL else colnames(v),
                rownames = rn,
                columns = lapply(seq_len(ncol(v)), function(j) unname(as.vector(v[, j])))))
  }
  if (is.list(v)) return(list(kind = "list", items = lapply(v, encode)))
  list(kind = "vector", values = unname(as.vector(v)), names = names(v))
}
cat(jsonlite::toJSON(encode(out), digits = NA, auto_unbox = FALSE, null = "null"))
'''


def main() -> None:
    out = {"header": {
        "produced_by": "tests/data/migrate/unseen/make_cases.py: Rscript on each case's "
                       "code, then jsonlite::toJSON(encode(out), digits = NA)",
        "R": subprocess.run(["Rscript", "-e", "cat(R.version.string)"], capture_output=True,
                            text=True).stdout,
        "dplyr": subprocess.run(["Rscript", "-e", 'cat(format(packageVersion("dplyr")))'],
                                capture_output=True, text=True).stdout,
    }, "cases": {}}
    for name, code in CASES.items():
        res = subprocess.run(["Rscript", "-e", code + "\n" + ENCODE], capture_output=True,
                             text=True, check=True)
        out["cases"][name] = {"r": code, "value": json.loads(res.stdout)}
    (HERE / "cases.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
