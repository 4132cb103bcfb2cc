"""The `organization_secrets:` block: Actions secrets the organisation holds for the
repositories a pack or target applies to (presence only: values cannot be read)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from reconciler.desired.models import StrictModel
from reconciler.kinds.secrets.spec import SecretSpec

VISIBILITY_DESCRIPTION = (
    "Which repositories get it: all of the organisation's, its private ones, or only those selected, which are "
    "the repositories this declaration applies to (its access list). Default: selected."
)


class OrganizationSecretSpec(SecretSpec):
    """One organisation secret every repository this applies to needs. Its value never appears
    in desired state: `from_env` names where apply reads it, or a person sets it."""

    visibility: Literal["all", "private", "selected"] = Field(default="selected", description=VISIBILITY_DESCRIPTION)


class OrganizationSecretsSpec(StrictModel):
    """Organisation secrets the repositories this applies to need, shared with them by the
    organisation instead of copied into each one."""

    items: tuple[OrganizationSecretSpec, ...] = Field(default=(), description="The declared secrets.")
