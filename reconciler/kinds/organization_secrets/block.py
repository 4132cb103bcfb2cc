"""The `organization_secrets:` block: how layers compose it, what uninstalling removes (the
repository's access always; the secret itself only with --include-secrets, once nothing needs
it), and how `explain` shows it."""

from __future__ import annotations

from reconciler.desired.blocks import Removal
from reconciler.kinds.organization_access import Need
from reconciler.kinds.organization_block import OrganizationBlock
from reconciler.kinds.organization_secrets.spec import OrganizationSecretsSpec

KEY = "organization_secrets"
PREFIX = "organization-secret"


def _needs(spec: OrganizationSecretsSpec) -> list[Need]:
    return [Need(s.name, s.visibility, s.from_env, s.ensure == "present") for s in spec.items]


def _deletes(removal: Removal) -> bool:
    # A secret's value cannot be read back: deleting one must be asked for.
    return removal.include_secrets


def _words(need: Need) -> str:
    if not need.present:
        gone = "; deleted once nothing needs it" if need.delete else ""
        return f"{need.name}  no access for this repository{gone}"
    how = f"from ${need.source} at apply time" if need.source else "set by a person"
    return f"{need.name}  organisation secret, visibility {need.visibility}, {how}"


ORGANIZATION_SECRETS_BLOCK = OrganizationBlock(
    key=KEY,
    prefix=PREFIX,
    spec=OrganizationSecretsSpec,
    description=(
        "Actions secrets held once by the organisation and shared with the repositories this applies to "
        "(visibility selected: exactly those). Presence only, as for secrets."
    ),
    what="organisation secret",
    needs=_needs,
    deletes=_deletes,
    words=_words,
)
