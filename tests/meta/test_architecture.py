"""Package hygiene: the pipeline's import direction, rpy2's confinement, public docstrings.

Stages, earliest first: errors/control → formula → design → linalg/deviance → optimize/
convergence → fit/results/inference/printing.  A module may import only from its own
stage or earlier ones (printing is standalone), so data flows one way.
"""

import ast
import importlib
import inspect
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pylme"

# stage of each top-level part of pylme (lower = earlier)
STAGES = {
    "errors": 0, "control": 0, "rstats": 0, "frozen": 0, "blas_threads": 0,
    "formula": 1,
    "design": 2,
    "linalg": 3, "deviance": 3,
    "optimize": 4, "convergence": 4, "polish": 4, "degenerate": 4, "arguments": 0,
    "printing": 0,  # pure formatting of plain numbers: must not depend on the model code
    "fit": 5, "results": 5, "inference": 5, "plots": 6, "examples": 6, "datasets": 0,
    "optim": 4,  # lme4's exact optimizers (minqa BOBYQA, lme4 Nelder-Mead)
    "glmm": 5, "families": 5,  # glmer: PIRLS and devfuns on the linalg kernels, stages, glue
    "options": 0,  # R's options(contrasts=): a global read by the design stage
    "rrandom": 0,  # R's random streams: used by simulate/bootMer, depends on nothing
    "numba_compile": 0,  # how every Numba kernel is compiled (linalg, glmm, rrandom): imports nothing of pylme
    "recording": 0,  # records fits for `pylme verify --python`: called by fit, imports nothing
    # the migration bridge and the command line sit on top of everything
    "migrate": 6, "cli": 6, "__main__": 6,
}


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        yield path, rel.parts[0].removesuffix(".py")


def _pylme_imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    package_parts = path.relative_to(ROOT).with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                base = list(package_parts[: len(package_parts) - node.level + 1])
                target = base + (node.module.split(".") if node.module else [])
                if target[:1] == ["pylme"] and len(target) > 1:
                    found.add(target[1])
                elif target == ["pylme"]:
                    found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("pylme."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("pylme."):
                    found.add(alias.name.split(".")[1])
    return found


@pytest.mark.parametrize("path, part", list(_modules()), ids=lambda v: str(v) if isinstance(v, str) else v.name)
def test_imports_flow_one_way(path, part):
    if part == "__init__":
        return
    own = STAGES[part]
    for target in _pylme_imports(path):
        if target in STAGES and target != part:
            assert STAGES[target] <= own or STAGES[target] == 0 and part != "printing", (
                f"{path.relative_to(ROOT)} (stage {part}) imports later stage {target}")
    if part == "printing":
        assert _pylme_imports(path) <= {"printing", "errors"}, f"{path} must only format plain numbers"


def test_rpy2_only_in_conformance_r_session():
    offenders = []
    for path in list(PACKAGE.rglob("*.py")) + list((ROOT / "conformance").rglob("*.py")):
        text = path.read_text()
        if ("import rpy2" in text or "from rpy2" in text) and path.name != "r_session.py":
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_public_api_is_defined_and_documented():
    import pylme

    for name in pylme.__all__:
        obj = getattr(pylme, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and obj.__doc__.strip(), f"pylme.{name} has no docstring"
    for method in ("fixef", "ranef", "coef", "VarCorr", "vcov", "fitted", "residuals", "REMLcrit", "deviance",
                   "logLik", "AIC", "BIC", "ngrps", "isSingular", "getME", "summary", "refit", "anova", "confint",
                   "predict", "simulate", "update", "profile", "drop1"):
        assert getattr(pylme.LmerFit, method).__doc__, f"LmerFit.{method} has no docstring"


def test_no_module_is_too_long():
    long = [f"{p.relative_to(ROOT)} ({n})" for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 600]
    assert long == []


def test_every_module_imports():
    for path, _ in _modules():
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if name == "pylme.plots":
            pytest.importorskip("matplotlib")
        importlib.import_module(name)
