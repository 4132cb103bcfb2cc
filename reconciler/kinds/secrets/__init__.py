"""Actions secrets: the `secrets:` block, and the secret kind (presence only: values cannot be read)."""

from reconciler.kinds.secrets.block import SECRETS_BLOCK
from reconciler.kinds.secrets.kind import SECRETS

__all__ = ["SECRETS", "SECRETS_BLOCK"]
