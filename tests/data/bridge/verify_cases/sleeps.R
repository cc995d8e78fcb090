# runs longer than the test's --timeout: verify must stop it and exit 3
library(lme4)
Sys.sleep(60)
