"""Hidden markers that find reconciler's own comment or issue again.

A marker names the desired state it speaks for, so two desired-state directories can each
keep their own comment on one pull request without overwriting each other's.
"""

from __future__ import annotations

from urllib.parse import quote

PLAN_COMMENT = "reconciler:plan-comment"
DRIFT_REPORT = "reconciler:drift-report"


def marker(kind: str, desired_path: str) -> str:
    # Percent-encoding keeps '>' (and so '-->') out of the HTML comment, whatever the path.
    return f'<!-- {kind} path="{quote(desired_path, safe="/")}" -->'


def plan_comment_marker(desired_path: str) -> str:
    return marker(PLAN_COMMENT, desired_path)


def drift_report_marker(desired_path: str) -> str:
    return marker(DRIFT_REPORT, desired_path)


def marked(body: str, hidden: str) -> bool:
    return hidden in body
