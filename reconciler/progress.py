"""Progress through a run's repositories, as the engine and the importer report it.

A plain callable: the planner, the applier and the importer call it once when a phase starts
and once per repository it finished, from whichever thread did the work. How progress is
shown (a live display at a terminal, a line every few repositories, `-v`, a JSON log) is the
command line's business, so the engine stays free of any of it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PhaseStarted:
    phase: str  # "plan", "apply", "import"
    total: int  # repositories this phase will go through


@dataclass(frozen=True)
class RepositoryDone:
    phase: str
    repository: str
    changes: int = 0  # plan: changes found; apply: changes made; import: 0
    failed: int = 0  # apply: changes that failed or were skipped; plan, import: 1 if unreadable
    error: str | None = None  # the first failure, redacted like every other message


ProgressEvent = PhaseStarted | RepositoryDone
Progress = Callable[[ProgressEvent], None]


def no_progress(event: ProgressEvent) -> None:
    """The default: nobody is watching."""
