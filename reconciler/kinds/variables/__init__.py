"""Actions variables: the `variables:` and `limits:` blocks, and the variable kind."""

from reconciler.kinds.variables.block import LIMITS_BLOCK, VARIABLES_BLOCK
from reconciler.kinds.variables.kind import VARIABLES

__all__ = ["LIMITS_BLOCK", "VARIABLES", "VARIABLES_BLOCK"]
