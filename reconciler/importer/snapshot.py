"""What import reads of each repository, through the kinds' importers, in parallel.

A snapshot is generic: the repository, and one part per kind, in the form that kind's
importer reads and writes. Reading is read-only (the same port as `plan`), and a repository
that cannot be read does not stop the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from reconciler.errors import RUN_ENDING_ERRORS, GitHubError
from reconciler.github.port import GitHubReader
from reconciler.kinds.base import AnyImporter
from reconciler.kinds.registry import kinds
from reconciler.progress import PhaseStarted, Progress, RepositoryDone, no_progress


def importers() -> tuple[tuple[str, AnyImporter], ...]:
    """(kind name, importer) for every kind in force that import writes, in their `position`
    order (kinds that tie keep their registry order)."""
    found = [(kind.name, kind.importer) for kind in kinds() if kind.importer is not None]
    return tuple(sorted(found, key=lambda pair: pair[1].position))


@dataclass(frozen=True)
class LiveSnapshot:
    """What import read from one repository: kind name → that kind's importer's part. A kind
    with no part is not written (and, in a new entry, gets no block)."""

    repository: str
    parts: Mapping[str, Any] = field(default_factory=dict)


def importable(snapshot: LiveSnapshot) -> tuple[LiveSnapshot, list[str]]:
    """The snapshot without what desired state cannot declare, and a note for each such thing.

    The plan leaves undeclared objects alone, so leaving one out keeps the plan empty, where
    writing it would make the whole desired state fail validation.
    """
    notes: list[str] = []
    parts: dict[str, Any] = {}
    for name, importer in importers():
        if name in snapshot.parts:
            parts[name], left_out = importer.importable(snapshot.parts[name])
            notes += left_out
    return LiveSnapshot(snapshot.repository, parts), notes


def read_snapshot(reader: GitHubReader, repository: str) -> tuple[LiveSnapshot, list[str]]:
    """Everything import writes for one repository, and notes on what it leaves out."""
    notes: list[str] = []
    parts: dict[str, Any] = {}
    for name, importer in importers():
        parts[name], not_read = importer.read(reader, repository)
        notes += not_read
    snapshot, left_out = importable(LiveSnapshot(repository, parts))
    return snapshot, notes + left_out


@dataclass(frozen=True)
class Read:
    """One repository's snapshot and notes, or why it could not be read."""

    repository: str
    snapshot: LiveSnapshot | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None


def read_all(reader: GitHubReader, slugs: Sequence[str], progress: Progress = no_progress) -> list[Read]:
    """Every repository's snapshot, in the order named, read in parallel; `progress` hears of
    each repository as it is read."""

    def attempt(slug: str) -> Read:
        try:
            snapshot, notes = read_snapshot(reader, slug)
        except RUN_ENDING_ERRORS:
            # Every other repository would fail the same way.
            raise
        except GitHubError as exc:
            progress(RepositoryDone("import", slug, failed=1, error=str(exc)))
            return Read(slug, error=str(exc))
        progress(RepositoryDone("import", slug))
        return Read(slug, snapshot, tuple(notes))

    if not slugs:
        return []
    progress(PhaseStarted("import", len(slugs)))
    workers = max(1, min(reader.concurrency, len(slugs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import") as pool:
        return list(pool.map(attempt, slugs))
