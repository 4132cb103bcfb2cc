"""A repository's entry written from its snapshot: new, or updated in place.

Each kind's importer writes its own blocks; what is generic is the order they go in, what
other layers already declare (each importer's `inherited`), and the guard that leaves a block
shared through a YAML anchor alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap

from reconciler.desired.entry_edit import EntryEdit, EntryReport, edit_unless_shared
from reconciler.desired.placement import Placements
from reconciler.desired.state import Declarations
from reconciler.errors import ReconcilerError
from reconciler.importer.planning import Planning
from reconciler.importer.snapshot import LiveSnapshot, importers
from reconciler.kinds.base import AnyImporter

# Kind name → its importer's `inherited` value. A kind left out inherits nothing.
Inherited = Mapping[str, Any]
NOTHING_INHERITED: Inherited = {}


def inherited_for(config: Declarations | None, planning: Planning, slug: str) -> Inherited:
    """What packs and organisation targets already declare for `slug`, before the import."""
    if config is None:
        return NOTHING_INHERITED
    try:
        state = planning.resolve(config, [slug])
    except ReconcilerError:
        # Neither declared nor selected (or the desired state does not resolve, which the
        # check after writing reports): nothing to take into account.
        return NOTHING_INHERITED
    repository = state.repositories[0]
    return {name: importer.inherited(repository) for name, importer in importers()}


def new_entry(
    snapshot: LiveSnapshot, placements: Placements, inherited: Inherited = NOTHING_INHERITED
) -> tuple[CommentedMap, EntryReport]:
    """A repository entry declaring everything in `snapshot`, each kind sorted by name.

    Blocks with nothing in them are left out: the plan then does not even read that kind.
    """
    entry = CommentedMap([("repository", snapshot.repository)])
    return entry, update_entry(entry, snapshot, placements, inherited)


def update_entry(
    entry: CommentedMap, snapshot: LiveSnapshot, placements: Placements, inherited: Inherited = NOTHING_INHERITED
) -> EntryReport:
    """Make `entry` declare what `snapshot` holds, keeping everything else as it is.

    Items match as the plan matches them (e.g. labels by case-folded name, workflow files by
    path). Something a person declared differently on purpose (absent, a null variable, an
    alias the plan renames) is left as declared and noted.
    """
    edit = EntryEdit(snapshot.repository, placements)
    for name, importer in importers():
        if name in snapshot.parts:
            value = inherited[name] if name in inherited else importer.inherited(None)
            _update(entry, importer, snapshot.parts[name], value, edit)
    return edit.report


def _update(entry: CommentedMap, importer: AnyImporter, part: Any, inherited: Any, edit: EntryEdit) -> None:
    def update(target: CommentedMap, within: EntryEdit) -> None:
        importer.update(target, part, inherited, within)

    edit_unless_shared(entry, importer.block, edit, update)
