"""The `organization_variables:` block: Actions variables the organisation holds for the
repositories a pack or target applies to."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from reconciler.desired.models import Ensure, StrictModel
from reconciler.kinds.organization_secrets.spec import VISIBILITY_DESCRIPTION
from reconciler.kinds.variables.spec import VariableName, VariableValue


class OrganizationVariableSpec(StrictModel):
    """One organisation variable every repository this applies to needs."""

    name: VariableName
    value: VariableValue | None = Field(default=None, description="Its value. Required unless ensure is absent.")
    visibility: Literal["all", "private", "selected"] = Field(default="selected", description=VISIBILITY_DESCRIPTION)
    ensure: Ensure = Field(
        default="present",
        description="'absent': these repositories lose access, and the variable goes once none needs it.",
    )

    @model_validator(mode="after")
    def _value_when_present(self) -> OrganizationVariableSpec:
        if self.ensure == "present" and self.value is None:
            raise ValueError("'value' is required unless ensure is absent")
        return self


class OrganizationVariablesSpec(StrictModel):
    """Organisation variables the repositories this applies to need, shared with them by the
    organisation instead of copied into each one."""

    items: tuple[OrganizationVariableSpec, ...] = Field(default=(), description="The declared variables.")
