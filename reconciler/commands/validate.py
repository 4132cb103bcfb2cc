from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from reconciler.desired.loader import load_desired_state
from reconciler.errors import DesiredStateError
from reconciler.render.summary import plural


def run_validate(path: Path, out: Console, err: Console) -> int:
    """Check the desired state without contacting anything. Every problem is listed."""
    try:
        state = load_desired_state(path)
    except DesiredStateError as exc:
        for problem in exc.problems:
            err.print(
                Text(str(problem), style="red" if problem.severity == "error" else "yellow"), soft_wrap=True
            )
        err.print(Text(str(exc), style="bold red"), soft_wrap=True)
        return 1
    for warning in state.warnings:
        err.print(Text(str(warning), style="yellow"), soft_wrap=True)
    repos = plural(len(state.repositories), "repository", "repositories")
    out.print(f"Desired state is valid: {repos} declared.", soft_wrap=True)
    return 0
