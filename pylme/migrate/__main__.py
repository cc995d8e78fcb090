"""``python -m pylme.migrate script.R -o script.py``."""

import argparse
import sys

from .cli import configure, handler


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pylme.migrate",
                                     description="Translate an R lme4 script to Python (pylme).")
    configure(parser)
    return handler(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
