"""R's classical tests and data-frame summaries, with the pylme call that must print
the same text (tests/migrate/test_rhtest.py, tests/migrate/test_rsummary.py).

Each case: ``(R code whose last value is printed, Python expression)``.  The Python
expression is evaluated with ``rhtest``, ``rsummary``, ``np``, ``pd`` and ``D``
(``pylme.datasets.load``) in scope.  ``freeze.py`` runs the R side into ``r_output.json``.
"""

_SMALL = ("x <- c(1.2, 3.4, 2.2, 5.1, 4.4, 6.0, 0.7)\n"
          "y <- c(2.1, 2.9, 3.5, 4.0, 6.2, 5.5, 1.0)\n")
_SMALL_PY = ("[1.2, 3.4, 2.2, 5.1, 4.4, 6.0, 0.7]", "[2.1, 2.9, 3.5, 4.0, 6.2, 5.5, 1.0]")
_MID = ("x <- c(3.1, 8.4, 1.5, 9.9, 4.2, 7.7, 2.6, 6.3, 5.8, 0.4, 11.2, 10.1, 12.5, 13.3)\n"
        "y <- c(2.2, 6.1, 3.3, 8.8, 1.4, 9.5, 4.1, 5.2, 7.0, 0.9, 12.4, 13.6, 10.2, 11.7)\n")
_MID_PY = ("[3.1, 8.4, 1.5, 9.9, 4.2, 7.7, 2.6, 6.3, 5.8, 0.4, 11.2, 10.1, 12.5, 13.3]",
           "[2.2, 6.1, 3.3, 8.8, 1.4, 9.5, 4.1, 5.2, 7.0, 0.9, 12.4, 13.6, 10.2, 11.7]")

HTEST_CASES = {
    "t_formula_sleep": ("t.test(extra ~ group, data = sleep)",
                        'rhtest.t_test("extra ~ group", data=D("sleep"))'),
    "t_one_sample_mu": ("t.test(sleep$extra, mu = 0.5)",
                        'rhtest.t_test(D("sleep")["extra"], mu=0.5, data_name="sleep$extra")'),
    "t_paired": ("x <- sleep$extra[1:10]\ny <- sleep$extra[11:20]\nt.test(y, x, paired = TRUE)",
                 'rhtest.t_test(D("sleep")["extra"][10:], D("sleep")["extra"][:10], '
                 'paired=True, data_name="y and x")'),
    "t_var_equal": ("t.test(len ~ supp, data = ToothGrowth, var.equal = TRUE)",
                    'rhtest.t_test("len ~ supp", data=D("ToothGrowth"), var_equal=True)'),
    "t_less": ("t.test(mtcars$mpg[mtcars$am == 0], mtcars$mpg[mtcars$am == 1], "
               "alternative = \"less\")",
               'rhtest.t_test(D("mtcars").query("am == 0")["mpg"], '
               'D("mtcars").query("am == 1")["mpg"], alternative="less", '
               'data_name="mtcars$mpg[mtcars$am == 0] and mtcars$mpg[mtcars$am == 1]")'),
    "t_conf90": ("t.test(iris$Sepal.Length, mu = 5.8, conf.level = 0.9)",
                 'rhtest.t_test(D("iris")["Sepal.Length"], mu=5.8, conf_level=0.9, '
                 'data_name="iris$Sepal.Length")'),
    "t_greater_dropped_level": (
        "t.test(weight ~ group, data = PlantGrowth[PlantGrowth$group != \"trt2\", ], "
        "alternative = \"greater\")",
        'rhtest.t_test("weight ~ group", data=D("PlantGrowth").query("group != \'trt2\'"), '
        'alternative="greater")'),
    "t_formula_one_sample": ("t.test(extra ~ 1, data = sleep, mu = 1)",
                             'rhtest.t_test("extra ~ 1", data=D("sleep"), mu=1)'),
    "chisq_2x2_yates": ("chisq.test(matrix(c(12, 5, 7, 9), nrow = 2))",
                        'rhtest.chisq_test(np.array([[12, 7], [5, 9]]), '
                        'data_name="matrix(c(12, 5, 7, 9), nrow = 2)")'),
    "chisq_2x2_nocorrect": ("m <- matrix(c(12, 5, 7, 9), nrow = 2)\nchisq.test(m, correct = FALSE)",
                            'rhtest.chisq_test(np.array([[12, 7], [5, 9]]), correct=False, '
                            'data_name="m")'),
    "chisq_rxc_warning": ("tab <- table(mtcars$cyl, mtcars$gear)\nchisq.test(tab)",
                          'rhtest.chisq_test(pd.crosstab(D("mtcars")["cyl"], D("mtcars")["gear"]), '
                          'data_name="tab")'),
    "chisq_xy_factors": ("chisq.test(mtcars$am, mtcars$vs)",
                         'rhtest.chisq_test(D("mtcars")["am"], D("mtcars")["vs"], '
                         'data_name="mtcars$am and mtcars$vs")'),
    "chisq_gof_p": ("chisq.test(c(20, 30, 50), p = c(0.25, 0.25, 0.5))",
                    'rhtest.chisq_test([20, 30, 50], p=[0.25, 0.25, 0.5], '
                    'data_name="c(20, 30, 50)")'),
    "chisq_gof_uniform_small": ("obs <- c(A = 3, B = 7, C = 2)\nchisq.test(obs)",
                                'rhtest.chisq_test(pd.Series({"A": 3, "B": 7, "C": 2}), '
                                'data_name="obs")'),
    "cor_pearson": ("cor.test(mtcars$mpg, mtcars$wt)",
                    'rhtest.cor_test(D("mtcars")["mpg"], D("mtcars")["wt"], '
                    'data_name="mtcars$mpg and mtcars$wt")'),
    "cor_pearson_greater_99": (
        "cor.test(iris$Sepal.Length, iris$Petal.Length, alternative = \"greater\", "
        "conf.level = 0.99)",
        'rhtest.cor_test(D("iris")["Sepal.Length"], D("iris")["Petal.Length"], '
        'alternative="greater", conf_level=0.99, '
        'data_name="iris$Sepal.Length and iris$Petal.Length")'),
    "cor_spearman_ties": ("cor.test(mtcars$mpg, mtcars$wt, method = \"spearman\")",
                          'rhtest.cor_test(D("mtcars")["mpg"], D("mtcars")["wt"], '
                          'method="spearman", data_name="mtcars$mpg and mtcars$wt")'),
    "cor_kendall_ties": ("cor.test(mtcars$mpg, mtcars$wt, method = \"kendall\")",
                         'rhtest.cor_test(D("mtcars")["mpg"], D("mtcars")["wt"], '
                         'method="kendall", data_name="mtcars$mpg and mtcars$wt")'),
    "cor_spearman_exact_n7": (_SMALL + "cor.test(x, y, method = \"spearman\")",
                              f'rhtest.cor_test({_SMALL_PY[0]}, {_SMALL_PY[1]}, '
                              'method="spearman", data_name="x and y")'),
    "cor_spearman_edgeworth_n14": (_MID + "cor.test(x, y, method = \"spearman\", "
                                   "alternative = \"greater\")",
                                   f'rhtest.cor_test({_MID_PY[0]}, {_MID_PY[1]}, '
                                   'method="spearman", alternative="greater", data_name="x and y")'),
    "cor_kendall_exact_n14": (_MID + "cor.test(x, y, method = \"kendall\")",
                              f'rhtest.cor_test({_MID_PY[0]}, {_MID_PY[1]}, '
                              'method="kendall", data_name="x and y")'),
    "cor_kendall_exact_less": (_SMALL + "cor.test(x, y, method = \"kendall\", alternative = \"less\")",
                               f'rhtest.cor_test({_SMALL_PY[0]}, {_SMALL_PY[1]}, '
                               'method="kendall", alternative="less", data_name="x and y")'),
    "cor_spearman_tiny_p": ("cor.test(iris$Petal.Length, iris$Petal.Width, method = \"spearman\", "
                            "exact = FALSE)",
                            'rhtest.cor_test(D("iris")["Petal.Length"], D("iris")["Petal.Width"], '
                            'method="spearman", exact=False, '
                            'data_name="iris$Petal.Length and iris$Petal.Width")'),
    "t_welch_with_na": ("t.test(Ozone ~ Month, data = airquality[airquality$Month %in% c(5, 8), ])",
                        'rhtest.t_test("Ozone ~ Month", data=D("airquality").query("Month in [5, 8]"))'),
    "cor_spearman_exact_negative": ("x <- c(1.2, 3.4, 2.2, 5.1, 4.4, 6.0, 0.7)\n"
                                    "cor.test(x, -x^2 + c(0, 1, 0, 0, 2, 0, 1), method = \"spearman\")",
                                    'rhtest.cor_test([1.2, 3.4, 2.2, 5.1, 4.4, 6.0, 0.7], '
                                    '-np.array([1.2, 3.4, 2.2, 5.1, 4.4, 6.0, 0.7]) ** 2 '
                                    '+ np.array([0, 1, 0, 0, 2, 0, 1]), method="spearman", '
                                    'data_name="x and -x^2 + c(0, 1, 0, 0, 2, 0, 1)")'),
    "cor_spearman_edgeworth_moderate": (
        "x <- c(3.1, 8.4, 1.5, 9.9, 4.2, 7.7, 2.6, 6.3, 5.8, 0.4, 11.2, 10.1)\n"
        "y <- c(9.2, 6.1, 3.3, 8.8, 1.4, 0.5, 4.1, 5.2, 7.0, 10.9, 2.4, 3.6)\n"
        "cor.test(x, y, method = \"spearman\")",
        'rhtest.cor_test([3.1, 8.4, 1.5, 9.9, 4.2, 7.7, 2.6, 6.3, 5.8, 0.4, 11.2, 10.1], '
        '[9.2, 6.1, 3.3, 8.8, 1.4, 0.5, 4.1, 5.2, 7.0, 10.9, 2.4, 3.6], method="spearman", '
        'data_name="x and y")'),
    "cor_kendall_continuity": ("cor.test(mtcars$mpg, mtcars$qsec, method = \"kendall\", "
                               "continuity = TRUE, exact = FALSE)",
                               'rhtest.cor_test(D("mtcars")["mpg"], D("mtcars")["qsec"], '
                               'method="kendall", continuity=True, exact=False, '
                               'data_name="mtcars$mpg and mtcars$qsec")'),
    "cor_kendall_exact_upper": (_MID + "cor.test(x, -y, method = \"kendall\", alternative = \"greater\")",
                                f'rhtest.cor_test({_MID_PY[0]}, -np.array({_MID_PY[1]}), '
                                'method="kendall", alternative="greater", data_name="x and -y")'),
    "cor_pearson_less_n4": ("cor.test(c(1, 2, 3.5, 3), c(2, 1, 4, 4.5), alternative = \"less\")",
                            'rhtest.cor_test([1, 2, 3.5, 3], [2, 1, 4, 4.5], alternative="less", '
                            'data_name="c(1, 2, 3.5, 3) and c(2, 1, 4, 4.5)")'),
    "chisq_dataframe_table": ("chisq.test(table(esoph$agegp, esoph$alcgp))",
                              'rhtest.chisq_test(pd.crosstab(D("esoph")["agegp"], D("esoph")["alcgp"]), '
                              'data_name="table(esoph$agegp, esoph$alcgp)")'),
    "cor_pearson_tiny_p": ("cor.test(iris$Petal.Length, iris$Petal.Width)",
                           'rhtest.cor_test(D("iris")["Petal.Length"], D("iris")["Petal.Width"], '
                           'data_name="iris$Petal.Length and iris$Petal.Width")'),
}

_MIXED_R = ('d <- data.frame(name = c("ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy"),\n'
            '                f = factor(c("a", "b", "c", "d", "e", "f", "g", "h", "a")),\n'
            '                ok = c(TRUE, FALSE, TRUE, TRUE, NA, FALSE, TRUE, TRUE, TRUE),\n'
            '                x = c(0.001234, 12.5, 3, 4.75, NA, 6, 7, 8, 1e5),\n'
            '                stringsAsFactors = FALSE)\n')
_MIXED_PY = ('pd.DataFrame({"name": ["ann", "bob", "cy", "dee", "eve", "fay", "gus", "hal", "ivy"], '
             '"f": pd.Categorical(list("abcdefgha")), '
             '"ok": pd.array([True, False, True, True, None, False, True, True, True], dtype="boolean"), '
             '"x": [0.001234, 12.5, 3, 4.75, np.nan, 6, 7, 8, 1e5]})')

SUMMARY_CASES = {
    "summary_iris": ("summary(iris)", 'rsummary.summary_df(D("iris"))'),
    "summary_toothgrowth": ("summary(ToothGrowth)", 'rsummary.summary_df(D("ToothGrowth"))'),
    "summary_airquality": ("summary(airquality)", 'rsummary.summary_df(D("airquality"))'),
    "summary_mtcars_wraps": ("summary(mtcars)", 'rsummary.summary_df(D("mtcars"))'),
    "summary_mixed": (_MIXED_R + "summary(d)", f"rsummary.summary_df({_MIXED_PY})"),
    "summary_warpbreaks": ("summary(warpbreaks)", 'rsummary.summary_df(D("warpbreaks"))'),
    "summary_vector": ("summary(mtcars$mpg)", 'rsummary.summary_default(D("mtcars")["mpg"])'),
    "summary_vector_na": ("summary(airquality$Ozone)",
                          'rsummary.summary_default(D("airquality")["Ozone"])'),
    "summary_factor": ("summary(iris$Species)", 'rsummary.summary_default(D("iris")["Species"])'),
    "summary_co2_ordered_other": ("summary(CO2)", 'rsummary.summary_df(D("CO2"))'),
    "summary_co2_maxsum": ("summary(CO2, maxsum = 4)", 'rsummary.summary_df(D("CO2"), maxsum=4)'),
    "summary_esoph": ("summary(esoph)", 'rsummary.summary_df(D("esoph"))'),
    "summary_factor_na_other": (
        'd <- data.frame(g = factor(c(letters[1:9], NA, "a", "b")), v = c(1:11, NA))\nsummary(d)',
        'rsummary.summary_df(pd.DataFrame({"g": pd.Categorical(list("abcdefghi") + [None, "a", "b"]), '
        '"v": pd.array(list(range(1, 12)) + [None], dtype="Int64")}))'),
    "summary_logical_vector": ("summary(c(TRUE, FALSE, NA, TRUE))",
                               'rsummary.summary_default(pd.array([True, False, None, True], '
                               'dtype="boolean"))'),
    "summary_character_vector": ("summary(letters)",
                                 "rsummary.summary_default(list('abcdefghijklmnopqrstuvwxyz'))"),
    "summary_small_numbers": ("summary(c(0.00012, 0.0035, 0.02, 1.5e-6))",
                              "rsummary.summary_default([0.00012, 0.0035, 0.02, 1.5e-6])"),
}
