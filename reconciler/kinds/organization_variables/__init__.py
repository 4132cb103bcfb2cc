"""Organisation Actions variables: the `organization_variables:` block, and the
organisation-scoped kind that keeps one variable per organisation and its access list."""

from reconciler.kinds.organization_variables.block import ORGANIZATION_VARIABLES_BLOCK
from reconciler.kinds.organization_variables.kind import ORGANIZATION_VARIABLES

__all__ = ["ORGANIZATION_VARIABLES", "ORGANIZATION_VARIABLES_BLOCK"]
