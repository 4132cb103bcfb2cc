"""Publishing rules that the sandbox cannot provoke: a create that lands and still fails."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from reconciler.errors import ConfigurationError, ServerError
from reconciler.github.port import LiveComment, LiveIssue, LiveLabel
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.reasons import Reason
from reconciler.publish.drift_issue import LABEL, report_drift
from reconciler.publish.markers import drift_report_marker, plan_comment_marker
from reconciler.publish.pr_comment import upsert_plan_comment
from reconciler.publish.targets import IssueTarget, parse_issue_target, parse_repository

REPO = "octo-org/desired-state"


class LandsThenFails:
    """Issues and comments in memory; every create is stored, then answered with a 502."""

    def __init__(self) -> None:
        self.issues: list[LiveIssue] = []
        self.comments: list[LiveComment] = []
        self.labels: list[LiveLabel] = [LiveLabel("DRIFT", "ffffff", None)]

    def list_open_issues(self, repository: str, labels: Sequence[str] | None = None) -> list[LiveIssue]:
        return list(self.issues)

    def list_issue_comments(self, repository: str, number: int) -> list[LiveComment]:
        return list(self.comments)

    def list_labels(self, repository: str) -> list[LiveLabel]:
        return list(self.labels)

    def create_issue(self, repository: str, *, title: str, body: str, labels: Sequence[str] = ()) -> LiveIssue:
        assert list(labels) == ["DRIFT"], "the live label's own spelling is used"
        self.issues.append(LiveIssue(len(self.issues) + 1, title, body, "open", f"https://github.com/{repository}/1"))
        raise ServerError("GitHub failed: Bad Gateway", status=502)

    def create_issue_comment(self, repository: str, number: int, body: str) -> LiveComment:
        self.comments.append(LiveComment(len(self.comments) + 1, body, "https://github.com/c/1"))
        raise ServerError("GitHub failed: Bad Gateway", status=502)


def plan() -> Plan:
    change = Change.make(REPO, "label", "bug", Action.CREATE, None, {"name": "bug"}, Reason.MISSING)
    return Plan(
        generator="reconciler test",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        github_url="https://api.github.com",
        desired_path="desired-state",
        desired_digest="sha256:d",
        observed_digest="sha256:o",
        repositories=(REPO,),
        changes=(change,),
    )


def test_an_issue_that_landed_before_a_502_is_found_instead_of_opened_twice() -> None:
    port = LandsThenFails()

    published = report_drift(port, REPO, plan(), "desired-state", label=LABEL)  # type: ignore[arg-type]

    assert (published.action, published.number) == ("created", 1)
    assert len(port.issues) == 1 and drift_report_marker("desired-state") in port.issues[0].body


def test_a_comment_that_landed_before_a_502_is_found_instead_of_posted_twice() -> None:
    port = LandsThenFails()

    published = upsert_plan_comment(port, IssueTarget(REPO, 7), plan(), "desired-state")  # type: ignore[arg-type]

    assert published.action == "created"
    assert len(port.comments) == 1 and port.comments[0].body.startswith(plan_comment_marker("desired-state"))


def test_markers_cannot_be_closed_early_by_the_path() -> None:
    hidden = plan_comment_marker("weird-->path, with spaces")
    assert hidden.count("-->") == 1 and hidden.endswith("-->")
    assert plan_comment_marker("a") not in plan_comment_marker("a-b")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("octo/repo#12", IssueTarget("octo/repo", 12)), (" o-1/r.x_y#3 ", IssueTarget("o-1/r.x_y", 3))],
)
def test_issue_targets_parse(text: str, expected: IssueTarget) -> None:
    assert parse_issue_target(text, "--comment-on") == expected


@pytest.mark.parametrize("text", ["octo/repo#", "octo/repo#-1", "octo/../#1", "-octo/repo#1", "octo/repo/x#1"])
def test_bad_issue_targets_are_refused(text: str) -> None:
    with pytest.raises(ConfigurationError, match="OWNER/NAME#NUMBER"):
        parse_issue_target(text, "--comment-on")


def test_repositories_parse_strictly() -> None:
    assert parse_repository("octo/repo", "--report-issue") == "octo/repo"
    for bad in ("octo", "octo/repo#1", "octo/repo/extra", "octo/.."):
        with pytest.raises(ConfigurationError, match="OWNER/NAME"):
            parse_repository(bad, "--report-issue")
