"""Actions variables: identity is the case-folded name; equality is the value.

Two sources feed the desired variables of a repository: the `variables` block, and `limits`,
each of which is one variable the pack's workflow reads. Validation has already refused a
limit and an explicit variable that disagree, so here they simply merge. Undeclared
variables are kept unless the repository's `variables` block says `prune: true`; limits
alone never prune.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reconciler.desired.state import EffectiveRepository
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, absent, apply_each, one_write_each, undeclared
from reconciler.kinds.variables.block import KEY, LIMITS_BLOCK, LIMITS_KEY, PREFIX, VARIABLES_BLOCK
from reconciler.kinds.variables.importing import VARIABLES_IMPORTER
from reconciler.kinds.variables.live import (
    LiveVariable,
    create_variable,
    delete_variable,
    list_variables,
    update_variable,
)
from reconciler.kinds.variables.spec import LimitsSpec, VariablesSpec
from reconciler.names import by_folded_name, fold
from reconciler.plan.cost import RequestCost
from reconciler.plan.frozen import EMPTY, JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

KIND = "variable"


@dataclass(frozen=True)
class DesiredVariable:
    name: str
    # None: the variable must not exist (declared null, or its pack is being uninstalled).
    value: str | None
    # Where the value was declared, for the plan's reason: "variables" or "limits.max_issues".
    origin: str


@dataclass(frozen=True)
class DesiredVariables:
    items: tuple[DesiredVariable, ...]
    prune: bool = False


def desired_variables(repository: EffectiveRepository) -> DesiredVariables | None:
    """The variables a repository must have, or None when it manages none."""
    variables: VariablesSpec | None = repository.block(KEY)
    limits: LimitsSpec | None = repository.block(LIMITS_KEY)
    if variables is None and limits is None:
        return None
    spec = variables or VariablesSpec()
    items: dict[str, DesiredVariable] = {}
    for name, value in spec.items.items():
        items[fold(name)] = DesiredVariable(name, value, "variables")
    if limits is not None:
        for name, (limit, value) in limits.variables().items():
            # An explicit variable with the same value wins (validation refused different ones).
            items.setdefault(fold(name), DesiredVariable(name, value, f"limits.{limit}"))
    return DesiredVariables(items=tuple(items.values()), prune=bool(spec.prune))


def _as_dict(name: str, value: str) -> dict[str, JsonScalar]:
    return {"name": name, "value": value}


def diff_variables(repository: str, desired: DesiredVariables, observed: Sequence[LiveVariable]) -> list[Change]:
    """Pure: the changes that make `observed` match `desired`, plus a noop for everything else."""
    live = by_folded_name(observed)
    changes: list[Change] = []

    def change(
        action: Action,
        key: str,
        before: LiveVariable | None,
        after: dict[str, JsonScalar] | None,
        reason: Reason,
        text: str | None = None,
        *,
        managed: bool = True,
    ) -> None:
        observed = _as_dict(before.name, before.value) if before else None
        changes.append(Change.make(repository, KIND, key, action, observed, after, reason, text, managed=managed))

    declared: set[str] = set()
    for wanted in desired.items:
        key = fold(wanted.name)
        declared.add(key)
        current = live.get(key)
        by_limit = wanted.origin != "variables"
        if wanted.value is None:
            action, reason = absent(current is not None)
            change(action, key, current, None, reason)
            continue
        if current is None:
            text = f"declared by {wanted.origin} but missing" if by_limit else None
            change(Action.CREATE, key, None, _as_dict(wanted.name, wanted.value), Reason.MISSING, text)
        elif current.value != wanted.value:
            # GitHub keeps names as it stored them: keep the live name, change only the value.
            after = _as_dict(current.name, wanted.value)
            text = f"value differs from {wanted.origin}" if by_limit else "value differs"
            change(Action.UPDATE, key, current, after, Reason.DIFFERS, text)
        else:
            text = f"matches {wanted.origin}" if by_limit else None
            change(Action.NOOP, key, current, _as_dict(current.name, current.value), Reason.MATCHES, text)

    for key in sorted(live.keys() - declared):
        variable = live[key]
        action, reason = undeclared(desired.prune)
        kept = None if action is Action.DELETE else _as_dict(variable.name, variable.value)
        change(action, key, variable, kept, reason, managed=False)
    return changes


def _apply_one(writer: GitHubWriter, repository: str, change: Change) -> None:
    before, after = change.before or EMPTY, change.after or EMPTY
    if change.action is Action.CREATE:
        create_variable(writer, repository, str(after["name"]), str(after["value"]))
    elif change.action is Action.UPDATE:
        update_variable(writer, repository, str(before["name"]), str(after["value"]))
    elif change.action is Action.DELETE:
        delete_variable(writer, repository, str(before["name"]))


class VariablesKind:
    name = KIND
    plural = "variables"
    blocks = (VARIABLES_BLOCK, LIMITS_BLOCK)
    importer = VARIABLES_IMPORTER
    address = PREFIX
    # As for secrets: GitHub's settings need admin for Actions variables.
    uninstalls = True
    role = "admin"

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("repo",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredVariables | None:
        return desired_variables(repository)

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredVariables) -> list[LiveVariable]:
        # Nothing declared and nothing pruned: no change is possible, so nothing is read.
        if not desired.items and not desired.prune:
            return []
        return list_variables(reader, repository)

    def diff(self, repository: str, desired: DesiredVariables, observed: list[LiveVariable]) -> list[Change]:
        return diff_variables(repository, desired, observed)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        return apply_each(changes, lambda c: _apply_one(writer, repository, c))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        return one_write_each(changes, creating=lambda c: c.action is Action.CREATE)


VARIABLES = VariablesKind()
