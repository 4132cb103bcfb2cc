"""The one table of resource kinds. Order is apply order."""

from __future__ import annotations

from reconciler.kinds.base import AnyKind
from reconciler.kinds.labels import LABELS
from reconciler.kinds.secrets import SECRETS
from reconciler.kinds.variables import VARIABLES
from reconciler.kinds.workflow_files import WORKFLOW_FILES
from reconciler.kinds.workflows import WORKFLOWS

# Variables and secrets before workflow files, so a workflow finds what it reads when it
# first runs; files before workflow state, because a workflow created in this apply can only
# be disabled once GitHub lists its file.
KINDS: tuple[AnyKind, ...] = (LABELS, VARIABLES, SECRETS, WORKFLOW_FILES, WORKFLOWS)
