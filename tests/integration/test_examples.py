"""``python -m pylme.examples`` (the README's first command) runs and prints lme4's texts."""

from __future__ import annotations

import pylme.examples as examples


def test_list_names_every_example(capsys):
    assert examples.main(["--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [ex.r_call for ex in examples.EXAMPLES]
    assert any(line.startswith("summary(glmer(") for line in lines)


def test_examples_on_one_dataset_print_lme4_summaries(capsys):
    assert examples.main(["cbpp"]) == 0
    out = capsys.readouterr().out
    assert out.count("Generalized linear mixed model fit by maximum likelihood") == 2
    assert "(Intercept)  -1.3983     0.2312  -6.048 1.47e-09 ***" in out  # lme4's cbpp table
    assert "Gauss-Hermite Quadrature, nAGQ = 25) [glmerMod]" in out


def test_unknown_dataset_is_refused(capsys):
    assert examples.main(["nope"]) == 2
    assert "no example uses nope" in capsys.readouterr().err
