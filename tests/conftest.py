"""Shared pytest configuration: the ``needs_r`` and ``slow`` markers.

* ``@pytest.mark.needs_r`` tests are skipped, with the message
  ``R/rpy2 not available: install r-base-core r-cran-lme4 and rpy2>=3.5.17,<3.6 to enable``,
  when rpy2 or R/lme4 cannot be loaded. ``tests/live/test_r_side.py`` applies
  the same skip itself (its ``needs_r`` helper); doing it here too is harmless
  and covers tests that only use the bare marker.
* ``slow`` is only registered (pyproject.toml): deselect with ``-m "not slow"``.
  The reference tests decide themselves which slow-tier cases to run
  (``PYLME_SLOW=1`` runs all of them).

R is probed lazily, once, and only when a collected test carries ``needs_r``:
the R-free suites never load rpy2.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

R_UNAVAILABLE_HINT = ("R/rpy2 not available: install r-base-core r-cran-lme4 and "
                      "rpy2>=3.5.17,<3.6 to enable")


@lru_cache(maxsize=1)
def r_status() -> tuple[bool, str]:
    """(available, reason) of R with lme4 through rpy2, probed once per session."""
    try:
        from conformance.r_session import r_available
    except Exception as exc:  # noqa: BLE001 - any import failure means no R
        return False, f"{R_UNAVAILABLE_HINT} ({exc})"
    return r_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    needs_r = [item for item in items if item.get_closest_marker("needs_r")]
    if needs_r and not r_status()[0]:
        skip_r = pytest.mark.skip(reason=R_UNAVAILABLE_HINT)
        for item in needs_r:
            item.add_marker(skip_r)


@pytest.fixture(scope="session")
def r_session():
    """One embedded R session with lme4 attached (tests using it must be ``needs_r``)."""
    ok, reason = r_status()
    if not ok:
        pytest.skip(R_UNAVAILABLE_HINT)
    from conformance.r_session import RSession

    return RSession()
