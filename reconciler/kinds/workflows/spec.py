"""The `workflows:` block: workflow files a repository must have, and whether each runs."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from reconciler.desired.models import Ensure, StrictModel

WORKFLOWS_DIRECTORY = ".github/workflows/"


def _check_workflow_path(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if value.startswith("/") or "\\" in value:
        raise ValueError(f"{value!r} must be a relative path like '.github/workflows/name.yml'")
    parts = value.split("/")
    if ".." in parts or "." in parts or "" in parts:
        raise ValueError(f"{value!r} must not contain '..', '.' or empty segments")
    if not value.startswith(WORKFLOWS_DIRECTORY) or len(parts) != 3:
        raise ValueError(f"{value!r} is not a file directly under {WORKFLOWS_DIRECTORY}")
    if not value.endswith((".yml", ".yaml")):
        raise ValueError(f"{value!r} must end in .yml or .yaml, or GitHub will not run it")
    return value


class WorkflowFileSpec(StrictModel):
    """A workflow file a repository must have (or must not have), copied byte for byte."""

    path: Annotated[
        str,
        BeforeValidator(_check_workflow_path),
        Field(
            description="Where the file lives in the repository, e.g. .github/workflows/agent.yml.",
            json_schema_extra={"pattern": r"^\.github/workflows/[^/]+\.ya?ml$"},
        ),
    ]
    source: Annotated[
        str | None,
        Field(
            description=(
                "The file's body: a path relative to the desired-state directory, e.g. "
                "workflows/autonomous-agent-loop.yml. Required unless ensure is absent."
            ),
        ),
    ] = None
    state: Literal["enabled", "disabled"] = Field(
        default="enabled",
        description="Whether GitHub runs the workflow. 'disabled' is the runbook's emergency stop.",
    )
    ensure: Ensure = Field(default="present", description="'absent' deletes the file from the repository.")
    agent: bool = Field(
        default=False,
        description="An agent workflow: `reconciler stop` disables it everywhere at once (the runbook's SEV-1).",
    )

    @model_validator(mode="after")
    def _source_when_present(self) -> WorkflowFileSpec:
        if self.ensure == "present" and self.source is None:
            raise ValueError("'source' is required unless ensure is absent")
        return self


class WorkflowsSpec(StrictModel):
    """Workflow files under .github/workflows/. Files nobody declares are never touched."""

    mode: Literal["commit", "pull-request"] | None = Field(
        default=None,
        description=(
            "How file changes land: one commit on the default branch, or the same commit on the "
            "branch reconciler/sync with a pull request. Default: commit."
        ),
    )
    items: tuple[WorkflowFileSpec, ...] = Field(default=(), description="The declared workflow files.")
