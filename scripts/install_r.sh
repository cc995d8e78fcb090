#!/usr/bin/env bash
# Install R 4.2 and lme4 1.1-31 (with lmerTest, pbkrtest, mlmRev, nlme; dplyr, ggplot2 and
# tidyr for the migration bridge's fixture scripts) from Debian,
# unless they are already present. Needs root (as on CI); otherwise says what to run.
set -euo pipefail
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'quit(status = !all(sapply(c("lme4","nlme","mlmRev","lmerTest","dplyr","ggplot2","tidyr"), requireNamespace, quietly = TRUE)))' >/dev/null 2>&1; then
    exit 0
fi
PKGS="r-base-core r-cran-lme4 r-cran-lmertest r-cran-pbkrtest r-cran-mlmrev r-cran-nlme r-cran-dplyr r-cran-ggplot2 r-cran-tidyr"
if [ "$(id -u)" -ne 0 ]; then
    echo "R/lme4 missing and not root: run 'sudo apt-get install -y $PKGS' to enable the live-R tests" >&2
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq $PKGS >/dev/null
