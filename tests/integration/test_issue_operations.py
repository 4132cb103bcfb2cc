"""Issues and comments through `reconciler.github.issues`, over HTTP to the sandbox."""

from __future__ import annotations

from reconciler.errors import ServerError
from reconciler.github.http import HttpWriter
from reconciler.github.issues import (
    create_issue,
    create_issue_comment,
    list_issue_comments,
    list_open_issues,
    update_issue,
    update_issue_comment,
)
from reconciler.sandbox import Sandbox
from tests.conftest import github_session

KERNEL = "Sovereign-Operating-System/sovereign-kernel"
ISSUES = "GET /repos/{owner}/{repo}/issues"


def writer(sandbox: Sandbox) -> HttpWriter:
    return HttpWriter(github_session(sandbox.url, "t"))


def test_open_issues_leave_out_pull_requests_and_follow_every_page(sandbox: Sandbox) -> None:
    port = writer(sandbox)
    seeded = list_open_issues(port, KERNEL)
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "sovereign-kernel")
        assert repo is not None
        pulls = {i.number for i in repo.issues if i.is_pull_request and i.state == "open"}
        for n in range(130):
            sandbox.state.add_issue(repo, f"extra {n}", author="someone", body=f"body {n}")
    assert pulls, "the seed has an open pull request to leave out"
    sandbox.stats.reset()

    issues = list_open_issues(port, KERNEL)

    assert len(issues) == len(seeded) + 130
    assert not {i.number for i in issues} & pulls
    assert sandbox.stats.count("GET", "/repos/{owner}/{repo}/issues") == 2, "two pages of 100, nothing per issue"
    assert sandbox.stats.total() == 2


def test_issue_lifecycle_and_label_filter(sandbox: Sandbox) -> None:
    port = writer(sandbox)

    created = create_issue(port, KERNEL, title="Drift", body="<!-- m -->\nreport", labels=["operations"])
    update_issue(port, KERNEL, created.number, body="<!-- m -->\nreport 2", title="Drift again")
    labelled = list_open_issues(port, KERNEL, labels=["operations"])
    update_issue(port, KERNEL, created.number, state="closed", state_reason="completed")

    assert [(i.number, i.title, i.body) for i in labelled] == [(created.number, "Drift again", "<!-- m -->\nreport 2")]
    assert created.html_url.endswith(f"/issues/{created.number}")
    assert created.number not in {i.number for i in list_open_issues(port, KERNEL)}
    with sandbox.state.lock:
        repo = sandbox.state.find_repo("Sovereign-Operating-System", "sovereign-kernel")
        assert repo is not None
        issue = repo.find_issue(created.number)
        assert issue is not None and (issue.state, issue.state_reason) == ("closed", "completed")


def test_comments_are_created_listed_oldest_first_and_edited(sandbox: Sandbox) -> None:
    port = writer(sandbox)
    first = create_issue_comment(port, KERNEL, 2, "first")
    second = create_issue_comment(port, KERNEL, 2, "second")

    update_issue_comment(port, KERNEL, first.id, "first, edited")

    bodies = [c.body for c in list_issue_comments(port, KERNEL, 2)]
    assert bodies[-2:] == ["first, edited", "second"]
    assert second.html_url.endswith(f"#issuecomment-{second.id}")


def test_creating_an_issue_or_a_comment_is_never_retried_after_a_server_error(sandbox: Sandbox) -> None:
    port = writer(sandbox)
    sandbox.inject_fault(method="POST", path_pattern="/issues(/2/comments)?$", status=502, times=2)

    for attempt in (
        lambda: create_issue(port, KERNEL, title="t", body="b"),
        lambda: create_issue_comment(port, KERNEL, 2, "c"),
    ):
        try:
            attempt()
        except ServerError as exc:
            assert exc.status == 502
        else:
            raise AssertionError("a 502 must surface, not be retried")
    assert sandbox.stats.count("POST", "/repos/{owner}/{repo}/issues") == 1
    assert sandbox.stats.count("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments") == 1
