"""The plan as one comment on a pull request, updated in place on every push."""

from __future__ import annotations

from reconciler.github.issues import LiveComment, create_issue_comment, list_issue_comments, update_issue_comment
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.plan.model import Plan
from reconciler.publish.markers import marked, plan_comment_marker
from reconciler.publish.outcome import Published, create_once
from reconciler.publish.targets import IssueTarget
from reconciler.redaction import redact
from reconciler.render.markdown import DEFAULT_LIMIT, render_markdown


def comment_body(plan: Plan, hidden: str, artifact_hint: str | None = None) -> str:
    head = hidden + "\n"
    # Redacted where the body is made: a pull request's readers must never see a token.
    return redact(head + render_markdown(plan, limit=DEFAULT_LIMIT - len(head), artifact_hint=artifact_hint))


def find_comment(reader: GitHubReader, target: IssueTarget, hidden: str) -> LiveComment | None:
    """The oldest comment carrying the marker (comments are listed oldest first)."""
    return next(
        (c for c in list_issue_comments(reader, target.repository, target.number) if marked(c.body, hidden)), None
    )


def upsert_plan_comment(
    writer: GitHubWriter, target: IssueTarget, plan: Plan, desired_path: str, artifact_hint: str | None = None
) -> Published:
    hidden = plan_comment_marker(desired_path)
    body = comment_body(plan, hidden, artifact_hint)
    existing = find_comment(writer, target, hidden)
    if existing is not None:
        if existing.body == body:
            return Published("unchanged", target.repository, target.number, existing.html_url)
        update_issue_comment(writer, target.repository, existing.id, body)
        return Published("updated", target.repository, target.number, existing.html_url)
    created = create_once(
        lambda: create_issue_comment(writer, target.repository, target.number, body),
        lambda: find_comment(writer, target, hidden),
    )
    return Published("created", target.repository, target.number, created.html_url)
