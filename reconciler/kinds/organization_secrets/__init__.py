"""Organisation Actions secrets: the `organization_secrets:` block, and the organisation-scoped
kind that keeps one secret per organisation and its access list."""

from reconciler.kinds.organization_secrets.block import ORGANIZATION_SECRETS_BLOCK
from reconciler.kinds.organization_secrets.kind import ORGANIZATION_SECRETS

__all__ = ["ORGANIZATION_SECRETS", "ORGANIZATION_SECRETS_BLOCK"]
