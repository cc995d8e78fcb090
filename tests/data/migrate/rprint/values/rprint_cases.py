"""Cases for rprint(): each name maps to (R code, Python expression, options).

The R code's value is printed by R (``capture.output(print(.))``, frozen into
r_print.json by freeze.py); the Python expression is evaluated in the test with
``np``, ``pd``, ``rbase`` and the data sets ``mtcars``, ``iris``, ``ToothGrowth``,
``sleepstudy`` in scope, and printed with ``rprint(value, **options)``.  The Python
objects are those a migrated script holds for the R value (pylme.migrate's
translation of the same R code where one exists).
"""

MT = 'pylme.datasets.load("mtcars")'

CASES = {
    # ---- scalars
    "scalar_2.25": ("2.25", "2.25", {}),
    "scalar_third": ("1/3", "1 / 3", {}),
    "scalar_1e-10": ("1e-10", "1e-10", {}),
    "scalar_123456789": ("123456789", "123456789.0", {}),
    "scalar_1e15": ("1e15", "1e15", {}),
    "scalar_1e5": ("1e5", "1e5", {}),
    "scalar_123456.7": ("123456.7", "123456.7", {}),
    "scalar_neg_half": ("-0.5", "-0.5", {}),
    "scalar_NA": ("NA", "np.nan", {}),
    "scalar_TRUE": ("TRUE", "True", {}),
    "scalar_string": ('"a"', '"a"', {}),
    "scalar_integer": ("5L", "5", {}),
    "scalar_np_float": ("0.1 + 0.2", "np.float64(0.1) + np.float64(0.2)", {}),
    "scalar_pi_digits3": ("print(pi, digits = 3)", "np.pi", {"digits": 3}),
    "scalar_Inf": ("-Inf", "-np.inf", {}),
    # ---- vectors
    "int_1_20": ("1:20", "np.arange(1, 20 + 1)", {}),
    "int_1_100": ("1:100", "np.arange(1, 100 + 1)", {}),
    "dbl_mixed": ("c(1.5, 2.25, 3)", "np.array([1.5, 2.25, 3])", {}),
    "dbl_wide_range": ("c(0.001, 1000)", "np.array([0.001, 1000])", {}),
    "dbl_sci": ("c(1e-8, 1)", "np.array([1e-8, 1])", {}),
    "dbl_with_NA": ("c(1, NA, 3.5)", "np.array([1, np.nan, 3.5])", {}),
    "dbl_seq_wrap": ("seq(0, 3, by = 0.1)", "np.round(np.arange(0, 31) * 0.1, 10)", {}),
    "dbl_list_of_floats": ("c(-1.2345678, 22.5, 0.000123)", "[-1.2345678, 22.5, 0.000123]", {}),
    "dbl_series_column": ("head(mtcars$mpg)", f"{MT}['mpg'].head(6)", {}),
    "dbl_big_wrap": ("(1:30) * 1234.5", "np.arange(1, 31) * 1234.5", {}),
    "chr_with_NA": ('c("a", NA, "bc")', 'np.array(["a", None, "bc"], dtype=object)', {}),
    "chr_letters": ("letters", "np.array(list('abcdefghijklmnopqrstuvwxyz'))", {}),
    "lgl_with_NA": ("c(TRUE, FALSE, NA)", 'pd.array([True, False, None], dtype="boolean")', {}),
    "lgl_numpy": ("c(TRUE, FALSE, TRUE)", "np.array([True, False, True])", {}),
    "empty_numeric": ("numeric(0)", "np.array([], dtype=float)", {}),
    "empty_character": ("character(0)", "np.array([], dtype=object)", {}),
    # ---- named vectors
    "named_coef": ('c("(Intercept)" = 1.2345, x = -0.5)',
                   "pd.Series([1.2345, -0.5], index=['(Intercept)', 'x'])", {}),
    "named_wrap": ("setNames((1:26) / 7, paste0(letters, 'name'))",
                   "pd.Series(np.arange(1, 27) / 7, index=[c + 'name' for c in 'abcdefghijklmnopqrstuvwxyz'])",
                   {}),
    "named_chr": ('c(first = "x", second = NA, third = "long value")',
                  "pd.Series(['x', None, 'long value'], index=['first', 'second', 'third'])", {}),
    "named_int": ("c(a = 1L, bb = 22L)", "pd.Series([1, 22], index=['a', 'bb'])", {}),
    "tapply_mean": ("tapply(mtcars$mpg, mtcars$cyl, mean)",
                    f"rbase.tapply({MT}['mpg'], {MT}['cyl'], np.mean)", {}),
    # ---- factors
    "factor_unused": ('factor(c("a", "b", "a"), levels = c("a", "b", "c"))',
                      'rbase.factor(np.array(["a", "b", "a"]), levels=np.array(["a", "b", "c"]))', {}),
    "factor_NA": ('factor(c("lo", NA, "high", "lo"))',
                  'rbase.factor(np.array(["lo", None, "high", "lo"], dtype=object))', {}),
    "factor_iris_species": ("iris$Species", "iris['Species']", {}),
    "factor_ordered": ('factor(c("lo", "hi"), levels = c("lo", "hi"), ordered = TRUE)',
                       'pd.Categorical(["lo", "hi"], categories=["lo", "hi"], ordered=True)', {}),
    "factor_sleep_subject": ("head(sleepstudy$Subject)", "sleepstudy['Subject'].head(6)", {}),
    # ---- data frames
    "df_head_mtcars": ("head(mtcars)", f"{MT}.head(6)", {}),
    "df_head_iris": ("head(iris)", "iris.head(6)", {}),
    "df_head_toothgrowth": ("head(ToothGrowth)", "ToothGrowth.head(6)", {}),
    "df_head_sleepstudy": ("head(sleepstudy)", "sleepstudy.head(6)", {}),
    "df_tail_iris": ("tail(iris, 3)", "iris.tail(3)", {}),
    "df_na_character": ('data.frame(x = c(1.5, NA, 3), s = c("a", NA, "ccc"), '
                        'f = factor(c("u", NA, "v")), stringsAsFactors = FALSE)',
                        'pd.DataFrame({"x": [1.5, np.nan, 3], "s": pd.array(["a", None, "ccc"], dtype="string"), '
                        '"f": rbase.factor(np.array(["u", None, "v"], dtype=object))})', {}),
    "df_int_logical": ("data.frame(i = 1:3, b = c(TRUE, NA, FALSE), p = c(1e-10, 0.5, 1))",
                       'pd.DataFrame({"i": np.arange(1, 4), "b": pd.array([True, None, False], dtype="boolean"), '
                       '"p": [1e-10, 0.5, 1]})', {}),
    "df_wide_wrap": ('{d <- head(mtcars); names(d) <- paste0(names(d), "_measured"); d}',
                     f'{MT}.head(6).add_suffix("_measured")', {}),
    "df_mtcars_full": ("mtcars", MT, {}),
    "df_zero_rows": ("mtcars[0, 1:3]", f"{MT}.iloc[0:0, 0:3]", {}),
    "df_negative": ("data.frame(a = c(-1.5, 2, 10.25), b = c(100, -2000, 3))",
                    'pd.DataFrame({"a": [-1.5, 2, 10.25], "b": [100.0, -2000, 3]})', {}),
    # ---- tables
    "table_cyl": ("table(mtcars$cyl)", f"rbase.table({MT}['cyl'])", {"kind": "table"}),
    "table_cyl_gear": ("table(mtcars$cyl, mtcars$gear)",
                       f"rbase.table({MT}['cyl'], {MT}['gear'])", {"kind": "table"}),
    "table_dnn": ("with(mtcars, table(cyl, gear))",
                  f"rbase.table({MT}['cyl'], {MT}['gear'], dnn=['cyl', 'gear'])", {"kind": "table"}),
    "table_zero_counts": ('table(factor(c("a", "a", "c"), levels = c("a", "b", "c")))',
                          'rbase.table(rbase.factor(np.array(["a", "a", "c"]), levels=np.array(["a", "b", "c"])))',
                          {"kind": "table"}),
    "table_species": ("table(iris$Species)", "rbase.table(iris['Species'])", {"kind": "table"}),
    "table_prop": ("prop.table(table(mtcars$cyl))",
                   f"rbase.table({MT}['cyl']) / rbase.table({MT}['cyl']).to_numpy().sum()",
                   {"kind": "table"}),
    "table_xtabs_1d": ("xtabs(~ cyl, mtcars)", f"rbase.table({MT}['cyl'], dnn=['cyl'])",
                       {"kind": "table"}),
    # ---- matrices
    "matrix_int": ("matrix(1:6, 2)", "np.arange(1, 7).reshape(2, 3, order='F')", {}),
    "matrix_dbl": ("matrix(c(1.5, -2, 3.25, 4, 1e-3, 6), 3)",
                   "np.array([1.5, -2, 3.25, 4, 1e-3, 6]).reshape(3, 2, order='F')", {}),
    "matrix_dimnames": ('matrix(c(1.5, 2, 3, 4), 2, dimnames = list(c("r1", "r2"), c("A", "B")))',
                        'pd.DataFrame([[1.5, 3], [2, 4]], index=["r1", "r2"], columns=["A", "B"])', {}),
    "matrix_wide": ("matrix((1:40) * 1000.5, 2)",
                    "(np.arange(1, 41) * 1000.5).reshape(2, 20, order='F')", {}),
    # ---- NULL and lists
    "null": ("NULL", "None", {}),
    "list_unnamed": ('list(1, "a")', '[1, "a"]', {}),
    "list_of_numbers": ("list(1, 2.5)", "[1, 2.5]", {"kind": "list"}),
    "list_empty": ("list()", "[]", {}),
    "list_with_null": ("list(a = NULL, b = factor(c('x', 'y')))",
                       "{'a': None, 'b': rbase.factor(np.array(['x', 'y']))}", {}),
    "list_named": ('list(a = 1, b = c("x", "y"))', '{"a": 1, "b": np.array(["x", "y"])}', {}),
    "list_nested": ("list(a = 1:3, b = list(c = 2.5, d = TRUE))",
                    '{"a": np.arange(1, 4), "b": {"c": 2.5, "d": True}}', {}),
    "list_of_frame": ("list(head(ToothGrowth, 2), 'x')", "[ToothGrowth.head(2), 'x']", {}),
}
