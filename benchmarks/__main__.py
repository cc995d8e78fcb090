"""``python -m benchmarks <command>``: ``compare`` (see :mod:`benchmarks.compare`)."""

from __future__ import annotations

import sys

COMMANDS = ("compare",)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m benchmarks {{{','.join(COMMANDS)}}} [options]  (--help after the command)",
              file=sys.stderr)
        return 2
    from .compare import main as compare

    return compare(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
