"""Every public callable of pylme has an explicit, documented signature.

Walks the public API — the functions and user-built classes of ``pylme.__all__``, the
public methods of :class:`pylme.LmerFit` (and of the other result classes), the
functions of ``pylme.plots``, ``pylme.datasets.load``/``info`` and the inference
functions behind the methods — and asserts, per callable:

* no ``**kwargs`` (a VAR_KEYWORD parameter) except the documented allow-list below;
* every parameter name appears in the docstring's numpydoc ``Parameters`` section;
* the docstring names the lme4 / R counterpart;
* each ``LmerFit`` inference method has the same parameters, defaults and kinds as
  the :mod:`pylme.inference` function it delegates to (so the two cannot drift apart).
"""

from __future__ import annotations

import inspect
import re

import pytest

import pylme
import pylme.datasets
import pylme.plots
from pylme.inference import anova as anova_mod
from pylme.inference import bootstrap, confint, predict, profile, simulate, update

#: VAR_KEYWORD parameters that are part of the API on purpose, with the reason.
ALLOWED_VAR_KEYWORD = {
    # models given by keyword are labelled by the keyword (R labels anova rows by the
    # argument expressions, which Python cannot see); every value is checked to be a fit
    ("anova", "named_models"),
}

#: Constructor parameters of user-built classes are documented as Attributes.
USER_CLASSES = ("LmerControl", "ConvCheck")

#: (delegating LmerFit method, the inference function it calls)
DELEGATIONS = [
    ("anova", anova_mod.anova), ("drop1", anova_mod.drop1), ("confint", confint.confint),
    ("profile", profile.profile), ("predict", predict.predict), ("simulate", simulate.simulate),
    ("update", update.update),
]


def _public_methods(cls) -> list[tuple[str, object]]:
    out = []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or isinstance(member, property):
            continue
        if inspect.isfunction(member):
            out.append((f"{cls.__name__}.{name}", member))
    return out


def _callables() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for name in pylme.__all__:
        obj = getattr(pylme, name)
        if inspect.isfunction(obj):
            found.append((f"pylme.{name}", obj))
        elif inspect.isclass(obj):
            found += _public_methods(obj)
    for name in pylme.plots.__all__:
        obj = getattr(pylme.plots, name)
        if inspect.isfunction(obj):
            found.append((f"pylme.plots.{name}", obj))
    found.append(("pylme.datasets.load", pylme.datasets.load))
    found += [(f"{fn.__module__}.{fn.__name__}", fn) for _, fn in DELEGATIONS]
    found += [("pylme.inference.profile.Profile.confint", profile.Profile.confint),
              ("pylme.inference.confint.boot_confint", confint.boot_confint)]
    unique: dict[int, tuple[str, object]] = {}
    for label, fn in found:
        unique.setdefault(id(fn), (label, fn))
    return sorted(unique.values(), key=lambda item: item[0])


CALLABLES = _callables()


def _section(doc: str, title: str) -> str:
    """The body of a numpydoc section (up to the next underlined header)."""
    lines = inspect.cleandoc(doc).splitlines()
    for i in range(len(lines) - 1):
        if lines[i].strip() == title and set(lines[i + 1].strip()) == {"-"}:
            body = []
            for j in range(i + 2, len(lines)):
                if j + 1 < len(lines) and lines[j + 1].strip() and set(lines[j + 1].strip()) == {"-"} \
                        and lines[j].strip():
                    break
                body.append(lines[j])
            return "\n".join(body)
    return ""


def _documented(doc: str, *titles: str) -> set[str]:
    names: set[str] = set()
    for title in titles:
        for line in _section(doc, title).splitlines():
            if line and not line[0].isspace():
                head = line.split(" : ")[0]
                names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _params(fn) -> list[inspect.Parameter]:
    params = list(inspect.signature(fn).parameters.values())
    return params[1:] if params and params[0].name == "self" else params


@pytest.mark.parametrize("label, fn", CALLABLES, ids=[c[0] for c in CALLABLES])
def test_no_bare_kwargs(label, fn):
    for p in _params(fn):
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            assert (fn.__name__, p.name) in ALLOWED_VAR_KEYWORD, f"{label} takes **{p.name}"


@pytest.mark.parametrize("label, fn", CALLABLES, ids=[c[0] for c in CALLABLES])
def test_every_parameter_is_documented(label, fn):
    doc = fn.__doc__ or ""
    documented = _documented(doc, "Parameters")
    missing = [p.name for p in _params(fn) if p.name not in documented]
    assert not missing, f"{label}: parameters {missing} are not in its docstring's Parameters section"


@pytest.mark.parametrize("label, fn", CALLABLES, ids=[c[0] for c in CALLABLES])
def test_docstring_names_the_r_counterpart(label, fn):
    doc = fn.__doc__ or ""
    assert re.search(r"\blme4\b|\bR\b|lmerTest|pbkrtest|\bboot\b|pylme's own|R's", doc), \
        f"{label}: the docstring does not name its lme4/R counterpart"


@pytest.mark.parametrize("name", USER_CLASSES)
def test_user_classes_document_their_fields(name):
    cls = getattr(pylme, name)
    documented = _documented(cls.__doc__ or "", "Parameters", "Attributes")
    missing = [p.name for p in _params(cls) if p.name not in documented]
    assert not missing, f"pylme.{name}: {missing} undocumented"


@pytest.mark.parametrize("method, function", DELEGATIONS, ids=[d[0] for d in DELEGATIONS])
def test_methods_mirror_the_inference_functions(method, function):
    ours = _params(getattr(pylme.LmerFit, method))
    theirs = _params(function)[1:]  # without the fit
    assert [(p.name, p.kind, p.default) for p in ours] == [(p.name, p.kind, p.default) for p in theirs]


def test_the_walk_covers_the_api():
    labels = {c[0] for c in CALLABLES}
    for expected in ("pylme.lmer", "pylme.anova", "pylme.bootMer", "LmerFit.confint", "LmerFit.predict",
                     "LmerFit.update", "pylme.plots.caterpillar", "pylme.datasets.load"):
        assert expected in labels
    assert len(CALLABLES) >= 45


def test_section_parser_finds_parameters():
    doc = """Title.

    Parameters
    ----------
    a, b : int
        Text.
    *others : LmerFit
    **named : LmerFit

    Returns
    -------
    int
    """
    assert _documented(doc, "Parameters") == {"a", "b", "others", "named"}
    assert _documented("no sections", "Parameters") == set()
