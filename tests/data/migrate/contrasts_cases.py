"""R snippets whose ``lm``/``glm``/``aov`` code factors otherwise than by treatment
contrasts; each sets ``result`` to a named coefficient vector (tests/migrate/
test_contrasts.py).  R's values: ``python tests/data/migrate/freeze_contrasts.py``
into contrasts_r.json."""

PULP = 'pulp <- read.csv("../bridge/scripts/data/pulp.csv", stringsAsFactors = TRUE)\n'
SUM = 'options(contrasts = c("contr.sum", "contr.poly"))\n'

CONTRAST_CASES = {
    "pulp_sum_lm": PULP + SUM + "result <- coef(lm(bright ~ operator, pulp))",
    "pulp_sum_aov": PULP + SUM + "lmod <- aov(bright ~ operator, pulp)\nresult <- coef(lmod)",
    "pulp_helmert_arg": PULP + 'fit <- lm(bright ~ operator, data = pulp, '
                        'contrasts = list(operator = "contr.helmert"))\nresult <- coef(fit)',
    "pulp_sum_arg_function": PULP + "fit <- lm(bright ~ operator, data = pulp, "
                             "contrasts = list(operator = contr.sum))\nresult <- coef(fit)",
    "pulp_contrasts_assign": PULP + "contrasts(pulp$operator) <- contr.helmert(4)\n"
                             "result <- coef(lm(bright ~ operator, data = pulp))",
    "ordered_poly_default": PULP + "pulp$level <- factor(pulp$operator, ordered = TRUE)\n"
                            "result <- coef(lm(bright ~ level, data = pulp))",
    "ordered_and_sum": PULP + SUM + 'pulp$half <- factor(rep(c("u", "v"), 10))\n'
                       "pulp$level <- factor(pulp$operator, ordered = TRUE)\n"
                       "result <- coef(lm(bright ~ half + level, data = pulp))",
    "cake_poly_interaction": "library(lme4)\n"
                             "result <- coef(lm(angle ~ recipe * temperature, data = cake))",
    "cake_sum_interaction": "library(lme4)\n" + SUM +
                            "result <- coef(lm(angle ~ recipe * temperature, data = cake))",
    "glm_binomial_sum": "library(lme4)\n" + SUM +
                        "fit <- glm(cbind(incidence, size - incidence) ~ period, "
                        "family = binomial, data = cbpp)\nresult <- coef(fit)",
    "glm_poisson_helmert_arg": "library(lme4)\n"
                               "fit <- glm(incidence ~ period + size, family = poisson, "
                               'data = cbpp, contrasts = list(period = "contr.helmert"))\n'
                               "result <- coef(fit)",
}
