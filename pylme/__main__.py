"""``python -m pylme``: the ``pylme`` command (:func:`pylme.cli.main`)."""

import sys

from pylme.cli import main

if __name__ == "__main__":
    sys.exit(main())
