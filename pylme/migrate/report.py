"""The TODO report: at the end of the output file (comments) and on stderr."""

from __future__ import annotations

from .context import Todo

__all__ = ["report_text", "report_comment"]


def report_text(todos: tuple[Todo, ...], script: str) -> str:
    """``script:LINE: TODO(pylme-migrate): reason`` lines, one per TODO."""
    if not todos:
        return f"{script}: translated with 0 TODOs"
    lines = [f"{script}: {len(todos)} TODO(s) left for a person"]
    for todo in todos:
        first = todo.source.splitlines()[0] if todo.source else ""
        lines.append(f"{script}:{todo.line}: TODO(pylme-migrate): {todo.reason}: {first}")
    return "\n".join(lines)


def report_comment(todos: tuple[Todo, ...], script: str) -> str:
    """The report as a comment block for the end of the Python file."""
    return "\n".join(["# " + "-" * 70, "# pylme migrate report"] +
                     ["# " + line for line in report_text(todos, script).splitlines()])
