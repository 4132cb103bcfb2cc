"""What every kind's import needs to edit a repository's entry, apart from YAML itself: the
report of what it did, the edit it works in, the guard that keeps a block shared through a
YAML anchor as it is, and the words a note gives for what validation refuses.

Nothing a person wrote is removed: an importer adds and changes, and where a person declared
something differently on purpose, it leaves it and says so in a note.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from reconciler.desired.placement import Placements
from reconciler.desired.yaml_edit import shared


@dataclass
class EntryReport:
    """What writing one repository's entry did, for the command's report."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    # Live objects the entry does not declare as they are, and why (for the person to decide).
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


@dataclass
class EntryEdit:
    """What an importer edits one repository's entry with: the repository, where the bodies
    of files it declares go, and the report it adds to."""

    repository: str
    placements: Placements
    report: EntryReport = field(default_factory=EntryReport)


def edit_unless_shared(
    entry: CommentedMap, block: str, edit: EntryEdit, update: Callable[[CommentedMap, EntryEdit], None]
) -> None:
    """Run `update`, unless `block` is shared through a YAML anchor: editing it would edit
    every entry that uses it. Then it only runs on a copy, to say whether it is out of date."""
    anchor = shared(entry.get(block))
    if anchor is None:
        update(entry, edit)
        return
    trial = EntryEdit(edit.repository, edit.placements)
    with edit.placements.trial():
        update(copy.deepcopy(entry), trial)
    edit.report.notes.extend(trial.report.notes)
    if trial.report.changed:
        edit.report.notes.append(
            f"{block} not updated: they come from the YAML anchor &{anchor}, which other entries may share; "
            "update them there by hand"
        )


def first_message(exc: ValidationError) -> str:
    """Why validation refuses a value, as a note says it: the validator's own words."""
    error = exc.errors(include_url=False)[0]
    context = error.get("ctx", {})
    return str(context.get("error", error["msg"])) if error["type"] == "value_error" else str(error["msg"])
