"""The `files:` block: files a repository must hold, copied byte for byte from `files/`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from reconciler.desired.models import Ensure, StrictModel


def _relative(value: Any) -> Any:
    if isinstance(value, str):
        parts = value.split("/")
        if value.startswith("/") or "" in parts or "." in parts or ".." in parts:
            raise ValueError(f"{value!r} must be a relative path like 'SECURITY.md' or 'docs/OWNERS'")
        if value.startswith(".github/workflows/"):
            raise ValueError(f"{value!r} is a workflow file: declare it under workflows")
    return value


class FileSpec(StrictModel):
    """One file a repository must hold (or, with ensure: absent, must not)."""

    path: Annotated[str, BeforeValidator(_relative), Field(description="Where the file lives in the repository.")]
    source: str | None = Field(default=None, description="Its body, relative to the desired-state directory.")
    ensure: Ensure = "present"

    @model_validator(mode="after")
    def _source_when_present(self) -> FileSpec:
        if self.ensure == "present" and self.source is None:
            raise ValueError("'source' is required unless ensure is absent")
        return self


class FilesSpec(StrictModel):
    """Files under the repository's default branch. Files nobody declares are never touched."""

    items: tuple[FileSpec, ...] = Field(default=(), description="The declared files.")
