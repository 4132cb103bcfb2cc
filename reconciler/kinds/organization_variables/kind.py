"""Organisation Actions variables: one variable per organisation, its value and visibility,
and (for `visibility: selected`) its access list, one entry per repository that needs it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reconciler.desired.state import EffectiveRepository
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, absent
from reconciler.kinds.organization_access import (
    LiveAccess,
    Need,
    Wanted,
    access_cost,
    apply_organization,
    combine_needs,
    diff_access,
    live_access,
    removed_keys,
    selected_access,
)
from reconciler.kinds.organization_variables.block import ORGANIZATION_VARIABLES_BLOCK, PREFIX
from reconciler.kinds.organization_variables.live import (
    FAMILY,
    LiveOrganizationVariable,
    create_organization_variable,
    delete_organization_variable,
    list_organization_variables,
    update_organization_variable,
)
from reconciler.names import fold
from reconciler.plan.cost import RequestCost
from reconciler.plan.frozen import EMPTY, JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings

KIND = "organization-variable"


@dataclass(frozen=True)
class DesiredOrganizationVariables:
    items: tuple[Wanted, ...]
    complete: bool = True


@dataclass(frozen=True)
class ObservedOrganizationVariables:
    variables: tuple[LiveOrganizationVariable, ...]
    access: Mapping[str, tuple[LiveAccess, ...]] = field(default_factory=dict)


def _value(name: str, value: str, visibility: str) -> dict[str, JsonScalar]:
    return {"name": name, "value": value, "visibility": visibility}


def diff_organization_variables(
    organization: str, desired: DesiredOrganizationVariables, observed: ObservedOrganizationVariables
) -> list[Change]:
    """Pure: each variable's change, then its access entries; noops for the rest."""
    live = {fold(v.name): v for v in observed.variables}
    changes: list[Change] = []

    def change(
        action: Action,
        key: str,
        current: LiveOrganizationVariable | None,
        after: dict[str, JsonScalar] | None,
        reason: Reason,
        text: str | None = None,
        *,
        managed: bool = True,
    ) -> None:
        before = _value(current.name, current.value, current.visibility) if current else None
        changes.append(Change.make(organization, KIND, key, action, before, after, reason, text, managed=managed))

    for wanted in desired.items:
        key = fold(wanted.name)
        current = live.get(key)
        access = live_access(observed.access, key, current)
        if wanted.fate == "absent":
            action, reason = absent(current is not None)
            change(action, key, current, None, reason)
            continue
        if wanted.fate == "kept":
            if current is not None:
                kept = _value(current.name, current.value, current.visibility)
                change(Action.NOOP, key, current, kept, Reason.MATCHES, "no repository planned here needs it; kept")
            changes += diff_access(organization, KIND, wanted, access, complete=False)
            continue
        value = str(wanted.source)
        if current is None:
            change(Action.CREATE, key, None, _value(wanted.name, value, wanted.visibility), Reason.MISSING)
        elif (current.value, current.visibility) != (value, wanted.visibility):
            change(Action.UPDATE, key, current, _value(current.name, value, wanted.visibility), Reason.DIFFERS)
        else:
            change(Action.NOOP, key, current, _value(current.name, value, wanted.visibility), Reason.MATCHES)
        if wanted.visibility == "selected":
            changes += diff_access(organization, KIND, wanted, access, complete=desired.complete)

    declared = {fold(w.name) for w in desired.items}
    for key in sorted(live.keys() - declared):
        variable = live[key]
        kept = _value(variable.name, variable.value, variable.visibility)
        change(Action.NOOP, key, variable, kept, Reason.UNDECLARED_KEPT, managed=False)
    return changes


def _apply_one(writer: GitHubWriter, organization: str, change: Change) -> None:
    before, after = change.before or EMPTY, change.after or EMPTY
    if change.action is Action.CREATE:
        create_organization_variable(
            writer, organization, str(after["name"]), str(after["value"]), str(after["visibility"])
        )
    elif change.action is Action.UPDATE:
        update_organization_variable(
            writer, organization, str(before["name"]), str(after["value"]), str(after["visibility"])
        )
    elif change.action is Action.DELETE:
        delete_organization_variable(writer, organization, str(before["name"]))


class OrganizationVariablesKind:
    name = KIND
    plural = "organisation variables"
    scope: Literal["organization"] = "organization"
    blocks = (ORGANIZATION_VARIABLES_BLOCK,)
    importer = None
    address = PREFIX
    uninstalls = True
    # As for organisation secrets: an organisation admin (`admin:org`), which no repository role shows.
    role = "pull"

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("admin:org",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> tuple[Need, ...] | None:
        return ORGANIZATION_VARIABLES_BLOCK.needs_of(repository)

    def combine(
        self,
        organization: str,
        parts: Sequence[tuple[str, tuple[Need, ...]]],
        settings: PlanSettings,
        *,
        complete: bool,
    ) -> DesiredOrganizationVariables:
        return DesiredOrganizationVariables(tuple(combine_needs(organization, parts, complete=complete)), complete)

    def observe(
        self, reader: GitHubReader, organization: str, desired: DesiredOrganizationVariables
    ) -> ObservedOrganizationVariables:
        variables = tuple(list_organization_variables(reader, organization))
        return ObservedOrganizationVariables(
            variables, selected_access(reader, organization, FAMILY, variables, desired.items)
        )

    def diff(
        self, organization: str, desired: DesiredOrganizationVariables, observed: ObservedOrganizationVariables
    ) -> list[Change]:
        return diff_organization_variables(organization, desired, observed)

    def removed_keys(self, repository: str, key: str) -> tuple[str, ...]:
        return removed_keys(repository, key)

    def apply(self, writer: GitHubWriter, organization: str, changes: Sequence[Change]) -> list[Outcome]:
        return apply_organization(writer, organization, FAMILY, changes, lambda c: _apply_one(writer, organization, c))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        return access_cost(changes)


ORGANIZATION_VARIABLES = OrganizationVariablesKind()
