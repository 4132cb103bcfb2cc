"""Hidden markers that find reconciler's own comment or issue again.

A marker names the desired state it speaks for, so two desired-state directories can each
keep their own comment on one pull request without overwriting each other's.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

PLAN_COMMENT = "reconciler:plan-comment"
DRIFT_REPORT = "reconciler:drift-report"
AGENT_ALERT = "reconciler:agent-alert"


def marker(kind: str, desired_path: str) -> str:
    # Percent-encoding keeps '>' (and so '-->') out of the HTML comment, whatever the path.
    return f'<!-- {kind} path="{quote(desired_path, safe="/")}" -->'


def plan_comment_marker(desired_path: str) -> str:
    return marker(PLAN_COMMENT, desired_path)


def drift_report_marker(desired_path: str) -> str:
    return marker(DRIFT_REPORT, desired_path)


def alert_marker(desired_path: str, loop: str) -> str:
    """The marker of one agent loop's alert issue; `loop` is `owner/name:.github/workflows/file.yml`."""
    return marker(AGENT_ALERT, desired_path)[: -len(" -->")] + f' loop="{quote(loop, safe="/:")}" -->'


def alert_loop(body: str, desired_path: str) -> str | None:
    """The loop an alert issue of this desired state is about, from its marker; None for any
    other issue."""
    start = marker(AGENT_ALERT, desired_path)[: -len(" -->")] + ' loop="'
    at = body.find(start)
    if at < 0:
        return None
    end = body.find('" -->', at + len(start))
    return unquote(body[at + len(start) : end]) if end > 0 else None


def marked(body: str, hidden: str) -> bool:
    return hidden in body
