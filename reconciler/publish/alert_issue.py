"""Alert issues: one open issue per failing agent loop, kept current, closed on recovery.

Each issue carries a hidden marker naming the desired state and the loop
(`<!-- reconciler:agent-alert path="desired-state" loop="owner/name:.github/workflows/x.yml" -->`).
Every run lists the report repository's open issues once and finds its alerts by marker, never
by title or label, so an edited title or a removed label never leads to a second issue; and an
issue is opened through `create_once`, so a create that landed behind a server error is found
instead of repeated.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from reconciler.errors import ValidationFailedError
from reconciler.github.issues import LiveIssue, create_issue, create_issue_comment, list_open_issues, update_issue
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.labels.live import create_label, list_labels
from reconciler.names import fold
from reconciler.publish.markers import alert_loop, alert_marker
from reconciler.publish.outcome import Published, create_once
from reconciler.redaction import redact


@dataclass(frozen=True)
class IssueLabel:
    """A label an alert issue carries, and how to create it where it is missing."""

    name: str
    color: str
    description: str


@dataclass(frozen=True)
class AlertText:
    title: str
    body: str


def open_alerts(reader: GitHubReader, repository: str, desired_path: str) -> dict[str, LiveIssue]:
    """This desired state's open alert issues, by loop (case-folded, as GitHub compares
    repository names); the oldest where two claim one loop."""
    found: dict[str, LiveIssue] = {}
    for issue in sorted(list_open_issues(reader, repository), key=lambda i: i.number):
        loop = alert_loop(issue.body, desired_path)
        if loop is not None:
            found.setdefault(fold(loop), issue)
    return found


def _ensure_labels(writer: GitHubWriter, repository: str, labels: Sequence[IssueLabel]) -> list[str]:
    live = {fold(label.name): label.name for label in list_labels(writer, repository)}
    names = []
    for label in labels:
        if fold(label.name) in live:
            names.append(live[fold(label.name)])
            continue
        try:
            create_label(writer, repository, name=label.name, color=label.color, description=label.description)
        except ValidationFailedError as exc:
            if not exc.already_exists:
                raise
        names.append(label.name)
    return names


def keep_alert(
    writer: GitHubWriter,
    repository: str,
    loop: str,
    text: AlertText,
    desired_path: str,
    labels: Sequence[IssueLabel],
    existing: LiveIssue | None,
) -> Published:
    """Open the loop's alert issue, or bring the open one up to date."""
    hidden = alert_marker(desired_path, loop)
    # Redacted where the body is made: an error GitHub echoed a token in is never published.
    body = redact(f"{hidden}\n{text.body}")
    if existing is not None:
        if existing.body == body and existing.title == text.title:
            return Published("unchanged", repository, existing.number, existing.html_url)
        update_issue(writer, repository, existing.number, title=text.title, body=body)
        return Published("updated", repository, existing.number, existing.html_url)
    names = _ensure_labels(writer, repository, labels)
    created = create_once(
        lambda: create_issue(writer, repository, title=text.title, body=body, labels=names),
        lambda: open_alerts(writer, repository, desired_path).get(fold(loop)),
    )
    return Published("created", repository, created.number, created.html_url)


def close_alert(writer: GitHubWriter, repository: str, issue: LiveIssue, comment: str) -> Published:
    create_issue_comment(writer, repository, issue.number, redact(comment))
    update_issue(writer, repository, issue.number, state="closed", state_reason="completed")
    return Published("closed", repository, issue.number, issue.html_url)


def publish_alerts(
    writer: GitHubWriter,
    repository: str,
    desired_path: str,
    alerts: Mapping[str, AlertText],
    recovered: Mapping[str, str],
    unknown: Collection[str],
    labels: Sequence[IssueLabel],
) -> dict[str, Published]:
    """Keep one issue per loop in `alerts`; close the open ones of loops that recovered (with
    their comment), or that nothing monitors any more. A loop in `unknown` could not be read:
    its issue is left as it is, since it may still be failing."""
    existing = open_alerts(writer, repository, desired_path)
    done = {
        loop: keep_alert(writer, repository, loop, text, desired_path, labels, existing.get(fold(loop)))
        for loop, text in alerts.items()
    }
    keep = {fold(loop) for loop in (*alerts, *unknown)}
    comments = {fold(loop): comment for loop, comment in recovered.items()}
    for loop, issue in existing.items():
        if loop in keep:
            continue
        comment = comments.get(loop, "Recovered: this agent loop is no longer monitored here. Closing.")
        done[alert_loop(issue.body, desired_path) or loop] = close_alert(writer, repository, issue, comment)
    return done
