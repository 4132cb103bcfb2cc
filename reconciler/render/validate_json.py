"""`reconciler validate --format json`: a versioned document, described by `validate.schema.json`.

It says whether the desired state is valid and lists every problem with its place, so a
script or an editor integration reads the same facts the terminal shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import ConfigDict, Field

from reconciler import __version__
from reconciler.desired.state import Declarations
from reconciler.errors import Problem
from reconciler.plan.model import Frozen

VALIDATE_FORMAT_VERSION: Literal[1] = 1


class ProblemRecord(Frozen):
    """One problem, where it is and what is wrong, as `validate` prints it."""

    severity: Literal["error", "warning"] = Field(
        description="error: the desired state is invalid. warning: it is valid, but --strict fails on it."
    )
    file: str
    line: int = Field(description="1-based.")
    column: int = Field(description="1-based.")
    field: str = Field(description="The field's path in the document, e.g. repositories[0].labels; may be empty.")
    message: str


class Declared(Frozen):
    """What the desired-state files declare."""

    repository_targets: int
    organisation_targets: int
    packs: int


class ValidateReport(Frozen):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True, title="reconciler validate"
    )

    format_version: Literal[1] = VALIDATE_FORMAT_VERSION
    generator: str = Field(description="The reconciler version that checked.")
    path: str = Field(description="The desired-state directory (or file) checked, as given.")
    valid: bool = Field(description="False when there is an error, or a warning under --strict; exit code 1.")
    strict: bool = Field(description="Checked with --strict: warnings count as errors.")
    declared: Declared | None = Field(description="What the files declare; null when they do not load.")
    problems: tuple[ProblemRecord, ...] = Field(description="Every problem found, errors and warnings.")
    error: str | None = Field(
        default=None, description="Why nothing could be checked (e.g. no such directory); null otherwise."
    )
    notes: tuple[str, ...] = Field(default=(), description="E.g. that actionlint is not installed.")


def _record(problem: Problem) -> ProblemRecord:
    severity: Literal["error", "warning"] = "error" if problem.severity == "error" else "warning"
    return ProblemRecord(
        severity=severity,
        file=problem.file,
        line=problem.line,
        column=problem.column,
        field=problem.field,
        message=problem.message,
    )


def validate_report(
    path: Path,
    *,
    strict: bool,
    valid: bool,
    problems: Sequence[Problem] = (),
    config: Declarations | None = None,
    error: str | None = None,
    notes: Sequence[str] = (),
) -> ValidateReport:
    declared = (
        None
        if config is None
        else Declared(
            repository_targets=len(config.repositories),
            organisation_targets=len(config.organizations),
            packs=len(config.packs),
        )
    )
    return ValidateReport(
        generator=f"reconciler {__version__}",
        path=str(path),
        valid=valid,
        strict=strict,
        declared=declared,
        problems=tuple(_record(p) for p in problems),
        error=error,
        notes=tuple(notes),
    )


def render_validate_json(report: ValidateReport) -> str:
    return report.model_dump_json(indent=2) + "\n"
