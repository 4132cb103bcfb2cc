"""Workflows: the `workflows:` block, the workflow-file kind (the files under
.github/workflows/) and the workflow-state kind (whether GitHub runs each one)."""

from reconciler.kinds.workflows.block import WORKFLOWS_BLOCK
from reconciler.kinds.workflows.file_kind import WORKFLOW_FILES
from reconciler.kinds.workflows.state import WORKFLOW_STATE

__all__ = ["WORKFLOWS_BLOCK", "WORKFLOW_FILES", "WORKFLOW_STATE"]
