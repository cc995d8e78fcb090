"""``import pylme`` and a plain ``lmer`` fit load only what they need (issue 11, whole process).

Each check runs in a fresh interpreter (``sys.modules`` of this test process is shared
with every other test) and reads ``sys.modules`` there.  The heavy optional packages
load with the part of pylme that needs them: numba with the GLMM kernels, matplotlib
with ``pylme.plots``, tree-sitter with ``pylme.migrate``, statsmodels and rpy2 never
through pylme's own import.  A small ``lmer`` fit runs the linalg kernels interpreted,
so it loads no Numba either (:mod:`pylme.linalg.jit`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

import pylme

#: never loaded by ``import pylme`` nor by a plain lmer fit
HEAVY = ("numba", "llvmlite", "matplotlib", "statsmodels", "tree_sitter", "rpy2",
         "scipy.stats", "scipy.special", "scipy.optimize", "scipy.interpolate")
#: pylme's own parts that a plain lmer fit does not use
UNUSED_BY_LMER = ("pylme.glmm", "pylme.migrate", "pylme.rrandom", "pylme.plots", "pylme.optim",
                  "pylme.inference.anova", "pylme.inference.bootstrap", "pylme.families",
                  "conformance")


def _loaded_after(code: str) -> set[str]:
    """The module names in ``sys.modules`` after running ``code`` in a fresh interpreter."""
    script = textwrap.dedent(code) + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def _offenders(loaded: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in loaded if any(m == r or m.startswith(r + ".") for r in roots))


def test_import_pylme_loads_no_heavy_package():
    loaded = _loaded_after("import pylme")
    assert _offenders(loaded, HEAVY + UNUSED_BY_LMER) == []
    # nothing of the fitting stages either: they load on first use of pylme.lmer
    assert _offenders(loaded, ("pylme.fit", "pylme.deviance", "pylme.linalg", "pandas", "scipy")) == []


_PLAIN_FITS = """
    import pylme
    fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
    assert abs(fit.REMLcrit() - 1743.6282722424) < 1e-6
    fit = pylme.lmer("diameter ~ 1 + (1 | plate) + (1 | sample)", pylme.datasets.load("Penicillin"),
                     REML=False)
"""
def test_plain_lmer_fit_loads_no_heavy_package():
    """Numba included: small problems run the linalg kernels interpreted (pylme.linalg.jit)."""
    assert _offenders(_loaded_after(_PLAIN_FITS), HEAVY + UNUSED_BY_LMER) == []


def test_public_names_and_submodules_are_attributes():
    for name in pylme.__all__:
        assert getattr(pylme, name) is not None
    from pylme import LmerFit, glmer, lmer  # noqa: F401 - from-imports go through __getattr__

    listed = dir(pylme)
    for name in (*pylme.__all__, "rrandom", "migrate", "plots", "datasets", "inference", "glmm"):
        assert name in listed, name
    assert pylme.rrandom.__name__ == "pylme.rrandom"
    assert callable(pylme.options)  # the function, not the submodule of the same name
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        pylme.no_such_name  # noqa: B018


def test_lazy_submodules_in_a_fresh_interpreter():
    loaded = _loaded_after("""
        import pylme
        assert pylme.rrandom.__name__ == "pylme.rrandom"
        assert pylme.migrate.__name__ == "pylme.migrate"
        assert callable(pylme.options) and callable(pylme.lmer)
        assert "pylme.migrate" in sys.modules
    """.replace("import pylme", "import sys, pylme", 1))
    assert "pylme.rrandom" in loaded and "pylme.migrate" in loaded


def test_help_lists_the_lazy_parts():
    loaded = _loaded_after("""
        import pydoc, pylme
        text = pydoc.render_doc(pylme, renderer=pydoc.plaintext)
        for name in ("rrandom", "migrate", "plots", "lmer", "glmer", "LmerFit", "datasets"):
            assert name in text, name
    """)
    assert "pylme.fit" in loaded


def test_a_fit_pickles_into_a_fresh_interpreter(tmp_path):
    import pickle

    fit = pylme.lmer("Reaction ~ Days + (Days | Subject)", pylme.datasets.load("sleepstudy"))
    path = tmp_path / "fit.pkl"
    path.write_bytes(pickle.dumps(fit))
    loaded = _loaded_after(f"""
        import pickle, pathlib
        fit = pickle.loads(pathlib.Path({str(path)!r}).read_bytes())
        assert abs(fit.REMLcrit() - {fit.REMLcrit()!r}) == 0
    """)
    assert "pylme.results.model" in loaded
