"""`reconciler verify --format json`: a versioned document, described by `verify.schema.json`.

The same facts as the terminal table and the Markdown report: each check with its status,
findings and notes, the overall status and exit code, and the plan verify made (a plan
document, as `plan --format json` writes it) when it could make one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import ConfigDict, Field

from reconciler.checks.model import Check, HealthReport, Status
from reconciler.plan.model import Frozen, Plan

VERIFY_FORMAT_VERSION: Literal[1] = 1


class FindingRecord(Frozen):
    """One thing wrong, in one repository when it is about one."""

    status: Status
    text: str
    repository: str | None = Field(description="owner/name; null for a finding about the whole run.")


class CheckRecord(Frozen):
    name: str = Field(description="E.g. Token, Permissions, Rate limit.")
    status: Status = Field(
        description="ok; drift (apply, or a person, makes it match); broken (fix it first); "
        "skipped (not checked: something it needs is broken)."
    )
    detail: str
    findings: tuple[FindingRecord, ...]
    notes: tuple[str, ...] = Field(description="Worth knowing, not wrong: e.g. low rate-limit headroom.")


class VerifyDocument(Frozen):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True, title="reconciler verify"
    )

    format_version: Literal[1] = VERIFY_FORMAT_VERSION
    generator: str = Field(description="The reconciler version that verified.")
    created_at: datetime
    github_url: str = Field(description="The API verified against; empty when none could be reached.")
    status: Literal["ok", "drift", "broken"] = Field(description="The worst status of any check.")
    exit_code: int = Field(description="As the command exits: 0 healthy, 2 drift, 1 broken.")
    checks: tuple[CheckRecord, ...]
    plan: Plan | None = Field(description="The plan verify made; null when it could not make one.")
    plan_missing: str | None = Field(description="Why there is no plan; null when there is one.")


def _check(check: Check) -> CheckRecord:
    return CheckRecord(
        name=check.name,
        status=check.status,
        detail=check.detail,
        findings=tuple(FindingRecord(status=f.status, text=f.text, repository=f.repository) for f in check.findings),
        notes=check.notes,
    )


def verify_document(report: HealthReport) -> VerifyDocument:
    overall = report.status
    status: Literal["ok", "drift", "broken"] = (
        "broken" if overall is Status.BROKEN else "drift" if overall is Status.DRIFT else "ok"
    )
    return VerifyDocument(
        generator=report.generator,
        created_at=report.created_at,
        github_url=report.github_url,
        status=status,
        exit_code=report.exit_code,
        checks=tuple(_check(c) for c in report.checks),
        plan=report.plan,
        plan_missing=None if report.plan is not None else (report.plan_missing or "not made"),
    )


def render_health_json(report: HealthReport) -> str:
    return verify_document(report).model_dump_json(indent=2) + "\n"
