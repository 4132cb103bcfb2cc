"""reconciler: GitOps for GitHub repositories."""

from __future__ import annotations

__version__ = "0.1.0"
# The name on the package index (`reconciler` there is an unrelated project); the command and
# the import package are both `reconciler`.
DISTRIBUTION = "github-reconciler"
