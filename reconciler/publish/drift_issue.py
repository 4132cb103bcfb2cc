"""The drift report: one issue, opened on first drift, kept current, closed when it is gone.

The issue is found by its hidden marker. Issues carrying the `drift` label are searched
first, which is one short page when the issue exists; then every open issue, in case
someone took the label off, so a second issue is never opened beside the first.
"""

from __future__ import annotations

from reconciler.errors import ValidationFailedError
from reconciler.github.issues import LiveIssue, create_issue, create_issue_comment, list_open_issues, update_issue
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.labels.live import create_label, list_labels
from reconciler.names import fold
from reconciler.plan.model import Plan
from reconciler.publish.markers import drift_report_marker, marked
from reconciler.publish.outcome import Published, create_once
from reconciler.redaction import redact
from reconciler.render.markdown import DEFAULT_LIMIT, render_markdown

TITLE = "Drift: live GitHub differs from the desired state"
LABEL = "drift"
LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "reconciler found live GitHub differing from the desired state"
RESOLVED = "Drift resolved: live GitHub matches the desired state again."


def issue_body(plan: Plan, hidden: str, desired_path: str, artifact_hint: str | None = None) -> str:
    checked = plan.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    head = "\n".join(
        [
            hidden,
            "## Drift detected",
            "",
            f"Live GitHub no longer matches the desired state in `{desired_path}` "
            f"(last checked {checked} by {plan.generator}).",
            "",
            "Apply the desired state (`reconciler apply`), or change it to describe what is live. Every drift "
            "check updates this issue, and the first one that finds no drift closes it.",
            "",
            "",
        ]
    )
    # Redacted here, the one place the body is made: an error GitHub echoed a token in must
    # not be published to everyone who can read the repository.
    return redact(head + render_markdown(plan, limit=DEFAULT_LIMIT - len(head), artifact_hint=artifact_hint))


def find_report(reader: GitHubReader, repository: str, hidden: str, label: str | None) -> LiveIssue | None:
    searches: list[list[str] | None] = [[label], None] if label else [None]
    for labels in searches:
        found = [issue for issue in list_open_issues(reader, repository, labels) if marked(issue.body, hidden)]
        if found:
            return min(found, key=lambda issue: issue.number)
    return None


def _ensure_label(writer: GitHubWriter, repository: str, label: str) -> str:
    live = next((lab for lab in list_labels(writer, repository) if fold(lab.name) == fold(label)), None)
    if live is not None:
        return live.name
    try:
        create_label(writer, repository, name=label, color=LABEL_COLOR, description=LABEL_DESCRIPTION)
    except ValidationFailedError as exc:
        if not exc.already_exists:
            raise
    return label


def report_drift(
    writer: GitHubWriter,
    repository: str,
    plan: Plan,
    desired_path: str,
    *,
    label: str | None = LABEL,
    artifact_hint: str | None = None,
) -> Published:
    hidden = drift_report_marker(desired_path)
    body = issue_body(plan, hidden, desired_path, artifact_hint)
    existing = find_report(writer, repository, hidden, label)
    if existing is not None:
        if existing.body == body and existing.title == TITLE:
            return Published("unchanged", repository, existing.number, existing.html_url)
        update_issue(writer, repository, existing.number, title=TITLE, body=body)
        return Published("updated", repository, existing.number, existing.html_url)
    labels = [_ensure_label(writer, repository, label)] if label else []
    created = create_once(
        lambda: create_issue(writer, repository, title=TITLE, body=body, labels=labels),
        lambda: find_report(writer, repository, hidden, label),
    )
    return Published("created", repository, created.number, created.html_url)


def resolve_drift(writer: GitHubWriter, repository: str, desired_path: str, *, label: str | None = LABEL) -> Published:
    existing = find_report(writer, repository, drift_report_marker(desired_path), label)
    if existing is None:
        return Published("none", repository)
    create_issue_comment(writer, repository, existing.number, RESOLVED)
    update_issue(writer, repository, existing.number, state="closed", state_reason="completed")
    return Published("closed", repository, existing.number, existing.html_url)
