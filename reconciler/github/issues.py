"""Issues and comments, for publishing (the drift issue, the plan comment) and for counting
what a label deletion takes away.

Creating an issue or a comment is not idempotent: after a 5xx or a network error it may have
landed anyway, so those requests are never repeated (`idempotent=False`); callers look again
before trying twice. Both count against GitHub's content-creation limit (`creates=True`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.github.links import last_page
from reconciler.github.parse import Wire, parse, parse_items
from reconciler.github.paths import repo_path
from reconciler.github.port import Call, GitHubReader, GitHubWriter


@dataclass(frozen=True)
class LiveIssue:
    """An issue (never a pull request) as GitHub lists it."""

    number: int
    title: str
    body: str
    state: str
    html_url: str


@dataclass(frozen=True)
class LiveComment:
    """A comment on an issue or pull request."""

    id: int
    body: str
    html_url: str


class _Issue(Wire):
    number: int
    title: str
    body: str | None = None
    state: str
    html_url: str
    # Present on the pull requests GitHub lists among issues.
    pull_request: dict[str, Any] | None = None


class _Comment(Wire):
    id: int
    body: str | None = None
    html_url: str


def _issue(found: _Issue) -> LiveIssue:
    return LiveIssue(found.number, found.title, found.body or "", found.state, found.html_url)


def _comment(found: _Comment) -> LiveComment:
    return LiveComment(found.id, found.body or "", found.html_url)


def list_open_issues(reader: GitHubReader, repository: str, labels: Sequence[str] | None = None) -> list[LiveIssue]:
    """Every open issue (pull requests left out), carrying all of `labels` when given: one
    request per 100, nothing per issue."""
    path = repo_path(repository, "issues")
    call = Call("list open issues", repository)
    query = {"state": "open", **({"labels": ",".join(labels)} if labels else {})}
    found = parse_items(_Issue, reader.get_all(path, call, query=query), call, f"GET {path}")
    # GitHub lists pull requests among issues; they are never ours to report into.
    return [_issue(issue) for issue in found if issue.pull_request is None]


@dataclass(frozen=True)
class LabelledPullRequest:
    """An open pull request that carries a label someone must act on."""

    number: int
    title: str
    html_url: str


def open_pull_requests_labelled(reader: GitHubReader, repository: str, label: str) -> list[LabelledPullRequest]:
    """Open pull requests carrying `label`, newest first: the issues list filtered by label
    (GitHub lists pull requests among issues, with a `pull_request` key), one request per 100."""
    path = repo_path(repository, "issues")
    call = Call(f"list open pull requests labelled {label!r}", repository)
    items = reader.get_all(path, call, query={"state": "open", "labels": label})
    found = parse_items(_Issue, items, call, f"GET {path}")
    return [LabelledPullRequest(i.number, i.title, i.html_url) for i in found if i.pull_request is not None]


def count_open_issues(reader: GitHubReader, repository: str, label: str) -> int:
    """Open issues and pull requests that carry `label`, in one request: one item a page, so
    the number of the last page is the count."""
    path = repo_path(repository, "issues")
    call = Call(f"count issues labelled {label!r}", repository, fresh=True)
    reply = reader.get(path, call, query={"state": "open", "labels": label, "per_page": 1})
    pages = last_page(reply.headers.get("link"))
    if pages is not None:
        return pages
    return len(parse_items(_Issue, reply.body, call, f"GET {path}"))


def list_issue_comments(reader: GitHubReader, repository: str, number: int) -> list[LiveComment]:
    """Every comment on an issue or pull request, oldest first."""
    path = repo_path(repository, "issues", str(number), "comments")
    call = Call(f"list comments on #{number}", repository)
    return [_comment(c) for c in parse_items(_Comment, reader.get_all(path, call), call, f"GET {path}")]


def create_issue(
    writer: GitHubWriter, repository: str, *, title: str, body: str, labels: Sequence[str] = ()
) -> LiveIssue:
    path = repo_path(repository, "issues")
    call = Call("open issue", repository)
    payload: dict[str, Any] = {"title": title, "body": body, **({"labels": list(labels)} if labels else {})}
    reply = writer.send("POST", path, call, body=payload, idempotent=False, creates=True)
    return _issue(parse(_Issue, reply.body, call, f"POST {path}"))


def update_issue(
    writer: GitHubWriter,
    repository: str,
    number: int,
    *,
    title: str | None = None,
    body: str | None = None,
    state: str | None = None,
    state_reason: str | None = None,
) -> None:
    fields = (("title", title), ("body", body), ("state", state), ("state_reason", state_reason))
    payload = {k: v for k, v in fields if v is not None}
    writer.send(
        "PATCH", repo_path(repository, "issues", str(number)), Call(f"update issue #{number}", repository), body=payload
    )


def create_issue_comment(writer: GitHubWriter, repository: str, number: int, body: str) -> LiveComment:
    path = repo_path(repository, "issues", str(number), "comments")
    call = Call(f"comment on #{number}", repository)
    reply = writer.send("POST", path, call, body={"body": body}, idempotent=False, creates=True)
    return _comment(parse(_Comment, reply.body, call, f"POST {path}"))


def update_issue_comment(writer: GitHubWriter, repository: str, comment_id: int, body: str) -> None:
    path = repo_path(repository, "issues", "comments", str(comment_id))
    writer.send("PATCH", path, Call(f"update comment {comment_id}", repository), body={"body": body})
