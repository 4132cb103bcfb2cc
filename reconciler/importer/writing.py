"""Writing what was read: a new entry for each repository not declared yet, the declared ones
updated in place wherever they are, then every file written at once and validated with the
normal loader; when the result does not validate, every file is put back."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reconciler.desired.entry_edit import EntryReport
from reconciler.errors import DesiredStateError
from reconciler.importer.entries import NOTHING_INHERITED, Inherited, new_entry, update_entry
from reconciler.importer.snapshot import Read
from reconciler.importer.workspace import Workspace, write_all
from reconciler.kinds.registry import load_desired_config
from reconciler.names import fold


@dataclass(frozen=True)
class WrittenEntry:
    repository: str
    path: Path
    report: EntryReport
    # A new entry, rather than one updated in place.
    new: bool


@dataclass(frozen=True)
class Imported:
    entries: tuple[WrittenEntry, ...]
    # File bodies written under the desired-state directory (relative to it), in order.
    new_files: tuple[str, ...]


def write_imported(
    reads: Sequence[Read],
    inherited: Mapping[str, Inherited],
    root: Path,
    target: Path | None,
    today: date,
) -> Imported:
    """Write every repository read (by slug, `inherited` says what other layers declare for
    it): into `target` when given, else into its own file. Raises the loader's
    DesiredStateError, with nothing written, when the result does not validate."""
    workspace = Workspace(root)
    written: list[WrittenEntry] = []
    for read in reads:
        if read.snapshot is None:
            continue
        slug = read.snapshot.repository
        from_layers = inherited.get(slug, NOTHING_INHERITED)
        found = workspace.declared.get(fold(slug))
        if found is not None:
            document, entry = found
            report = update_entry(entry, read.snapshot, workspace.placements, from_layers)
            document.dirty = document.dirty or report.changed
            written.append(WrittenEntry(slug, document.path, report, new=False))
        else:
            entry, report = new_entry(read.snapshot, workspace.placements, from_layers)
            path = target or workspace.repository_file(slug)
            workspace.add(path, entry, today)
            written.append(WrittenEntry(slug, path, report, new=True))
        report.notes[:0] = read.notes

    new_files = tuple(sorted(workspace.placements.new_files))
    undo = write_all(root, workspace.changes())
    try:
        load_desired_config(root)
    except DesiredStateError:
        undo()
        raise
    return Imported(tuple(written), new_files)
