"""Problems as GitHub Actions workflow commands, which GitHub shows as annotations on the
pull request's changed lines: `::error file=F,line=L,col=C,title=T::message`."""

from __future__ import annotations

from reconciler.errors import Problem


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(problem: Problem) -> str:
    level = "error" if problem.severity == "error" else "warning"
    properties = {
        "file": problem.file,
        "line": str(problem.line),
        "col": str(problem.column),
        "title": f"reconciler: {problem.field}" if problem.field else "reconciler",
    }
    joined = ",".join(f"{key}={_escape_property(value)}" for key, value in properties.items())
    return f"::{level} {joined}::{_escape_data(problem.message)}"
