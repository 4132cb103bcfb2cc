"""How `reconciler import` writes Actions variables, and the limits that are variables too.

Every value is written as quoted text, as the plan compares it. A variable a limit can hold
exactly is written as that limit, which overrides a pack's limit cleanly; written as a
variable it would clash with that limit and fail validation. Where another layer has the knob
in one form or both, the entry follows it, so no two layers disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from reconciler.desired.entry_edit import EntryEdit, EntryReport
from reconciler.desired.state import EffectiveRepository
from reconciler.desired.yaml_edit import Items, add_key, anchor, quoted
from reconciler.github.port import GitHubReader
from reconciler.kinds.base import declared_elsewhere
from reconciler.kinds.variables.block import KEY, LIMIT_PREFIX, LIMITS_KEY, PREFIX
from reconciler.kinds.variables.live import LiveVariable, list_variables
from reconciler.kinds.variables.spec import LimitsSpec, VariablesSpec
from reconciler.names import actions_name_problem, fold

Variables = tuple[LiveVariable, ...]
_CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class InheritedKnobs:
    """What other layers declare: case-folded names of variables declared as variables, and
    names of limits set. A limit and a variable for the same knob that disagree across layers
    fail validation, so the entry writes a knob in the form (or both forms) they use."""

    variables: frozenset[str] = frozenset()
    limits: frozenset[str] = frozenset()


def limit_for(variable: str, value: str) -> tuple[str, int] | None:
    """The limit that sets `variable` to exactly `value`, or None when no limit can."""
    limit = LimitsSpec.limit_for(variable)
    # Only the canonical spelling: a limit is written back as str(int), so "010" would differ.
    if limit is None or not _CANONICAL_INTEGER.fullmatch(value):
        return None
    try:
        LimitsSpec.model_validate({limit: int(value)})
    except ValidationError:
        return None
    return limit, int(value)


class _Limits:
    """The entry's `limits`, edited in place; a new block is added complete, at the end."""

    def __init__(self, entry: CommentedMap, report: EntryReport) -> None:
        self.entry, self.report = entry, report
        self.existing: Any = entry.get(LIMITS_KEY)
        self.pending: dict[str, int] = {}

    def __contains__(self, limit: str) -> bool:
        return isinstance(self.existing, CommentedMap) and limit in self.existing

    def set(self, limit: str, value: int) -> None:
        current = self.existing[limit] if limit in self else None
        if current == value and not isinstance(current, bool):
            return
        shared = anchor(self.existing)
        if shared is not None:
            self.report.notes.append(f"limit {limit} not updated: the limits come from the YAML anchor &{shared}")
        elif limit not in self:
            self.pending[limit] = value
            self.report.added["limit"] += 1
        else:
            self.existing[limit] = value
            self.report.updated["limit"] += 1

    def done(self) -> None:
        ordered = [(name, self.pending[name]) for name in LimitsSpec.model_fields if name in self.pending]
        if not ordered:
            return
        if isinstance(self.existing, CommentedMap):
            for name, value in ordered:
                add_key(self.existing, name, value)
        elif LIMITS_KEY in self.entry:
            self.entry[LIMITS_KEY] = CommentedMap(ordered)
        else:
            add_key(self.entry, LIMITS_KEY, CommentedMap(ordered))


def _set_variable(items: Items, declared_name: str | None, variable: LiveVariable, report: EntryReport) -> None:
    if declared_name is None:
        items.add((variable.name, quoted(variable.value)))
        report.added["variable"] += 1
        return
    current = items.existing[declared_name]
    if current is None:
        report.notes.append(f"variable {variable.name} exists but is declared null (absent) here: left as declared")
    elif isinstance(current, bool) or str(current) != variable.value:
        items.existing[declared_name] = quoted(variable.value)
        report.updated["variable"] += 1


class VariablesImporter:
    block = KEY
    position = 40

    def read(self, reader: GitHubReader, repository: str) -> tuple[Variables, list[str]]:
        return tuple(list_variables(reader, repository)), []

    def importable(self, part: Variables) -> tuple[Variables, list[str]]:
        notes: list[str] = []
        kept = []
        for variable in part:
            problem = actions_name_problem(variable.name, "variable")
            if problem is not None:
                notes.append(f"variable {variable.name} not imported: {problem}")
            else:
                kept.append(variable)
        return tuple(kept), notes

    def inherited(self, repository: EffectiveRepository | None) -> InheritedKnobs:
        if repository is None:
            return InheritedKnobs()
        declared: VariablesSpec | None = repository.block(KEY)
        limits: LimitsSpec | None = repository.block(LIMITS_KEY)
        variables = declared.items if declared is not None else {}
        return InheritedKnobs(
            variables=frozenset(
                fold(n)
                for n, v in variables.items()
                if v is not None and declared_elsewhere(repository, f"{PREFIX}:{fold(n)}")
            ),
            limits=frozenset(
                limit
                for limit in LimitsSpec.model_fields
                if limits is not None
                and getattr(limits, limit) is not None
                and declared_elsewhere(repository, f"{LIMIT_PREFIX}:{limit}")
            ),
        )

    def update(self, entry: CommentedMap, part: Variables, inherited: InheritedKnobs, edit: EntryEdit) -> None:
        if not part:
            return
        report = edit.report
        limits = _Limits(entry, report)
        items: Items | None = None  # looked at only when a variable goes there, so a note is made once
        for variable in sorted(part, key=lambda v: (fold(v.name), v.name)):
            key = fold(variable.name)
            declared = entry.get(KEY)
            declared_items = declared.get("items") if isinstance(declared, CommentedMap) else None
            explicit = next((str(k) for k in declared_items or () if fold(str(k)) == key), None)
            limit = LimitsSpec.limit_for(key)
            as_limit = limit_for(variable.name, variable.value)
            # A knob is written as a limit when it can be. Where any layer has it in the other form
            # too, this entry writes both forms, with one value, so no two layers disagree.
            by_limit = limit is not None and (limit in limits or limit in inherited.limits)
            by_variable = explicit is not None or key in inherited.variables
            want_limit = by_limit or (as_limit is not None and not by_variable)
            if want_limit and as_limit is None:
                report.notes.append(
                    f"variable {variable.name} not imported: its value {variable.value!r} is not one limit "
                    f"{limit} can have, and a limit declares it"
                )
                continue
            if by_variable or not want_limit:
                items = items or Items(entry, KEY, mapping=True)
                if items.editable:
                    _set_variable(items, explicit, variable, report)
            if want_limit and as_limit is not None:
                limits.set(*as_limit)
        if items is not None:
            items.done()
        limits.done()

    def addresses(self, key: str) -> tuple[str, ...]:
        # A variable a limit sets is declared at that limit.
        limit = LimitsSpec.limit_for(key)
        return (f"{PREFIX}:{key}",) if limit is None else (f"{PREFIX}:{key}", f"{LIMIT_PREFIX}:{limit}")


VARIABLES_IMPORTER = VariablesImporter()
