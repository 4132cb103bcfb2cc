"""The `organization_variables:` block: how layers compose it, what uninstalling removes (the
repository's access, and the variable once nothing needs it, as for repository variables), and
how `explain` shows it."""

from __future__ import annotations

from reconciler.desired.blocks import Removal
from reconciler.kinds.organization_access import Need
from reconciler.kinds.organization_block import OrganizationBlock
from reconciler.kinds.organization_variables.spec import OrganizationVariablesSpec

KEY = "organization_variables"
PREFIX = "organization-variable"


def _needs(spec: OrganizationVariablesSpec) -> list[Need]:
    return [Need(v.name, v.visibility, v.value, v.ensure == "present") for v in spec.items]


def _deletes(removal: Removal) -> bool:
    # A variable's value is in the desired state: it can be put back, so uninstall removes it.
    return True


def _words(need: Need) -> str:
    if not need.present:
        return f"{need.name}  no access for this repository; deleted once nothing needs it"
    return f"{need.name} = {need.source!r}  organisation variable, visibility {need.visibility}"


ORGANIZATION_VARIABLES_BLOCK = OrganizationBlock(
    key=KEY,
    prefix=PREFIX,
    spec=OrganizationVariablesSpec,
    description=(
        "Actions variables held once by the organisation and shared with the repositories this applies to "
        "(visibility selected: exactly those)."
    ),
    what="organisation variable",
    needs=_needs,
    deletes=_deletes,
    words=_words,
)
