"""Issues, their labels and comments: enough for drift-report issues and plan comments, and
for showing which labels issues carry when labels are renamed or deleted."""

from __future__ import annotations

from typing import Any

from .. import representations as rep
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..routing import Router
from ..state import Comment, Issue, Label, RepoState, utc_now

DOCS = "https://docs.github.com/rest/issues"
STATE_REASONS = ("completed", "not_planned", "duplicate", "reopened")
NEW_LABEL_COLOR = "ededed"


def register(router: Router) -> None:
    issues = "/repos/{owner}/{repo}/issues"
    table = [
        ("GET", "", list_issues, "issues#list-repository-issues"),
        ("POST", "", create_issue, "issues#create-an-issue"),
        ("GET", "/{issue_number}", get_issue, "issues#get-an-issue"),
        ("PATCH", "/{issue_number}", update_issue, "issues#update-an-issue"),
        ("GET", "/{issue_number}/labels", list_issue_labels, "labels#list-labels-for-an-issue"),
        ("POST", "/{issue_number}/labels", add_issue_labels, "labels#add-labels-to-an-issue"),
        ("GET", "/{issue_number}/comments", list_comments, "comments#list-issue-comments"),
        ("POST", "/{issue_number}/comments", create_comment, "comments#create-an-issue-comment"),
        ("GET", "/comments/{comment_id}", get_comment, "comments#get-an-issue-comment"),
        ("PATCH", "/comments/{comment_id}", update_comment, "comments#update-an-issue-comment"),
    ]
    for method, suffix, handler, anchor in table:
        router.add(method, issues + suffix, handler, docs=f"{DOCS}/{anchor}")


# -- helpers ------------------------------------------------------------------------------------


def _issue(ctx: RequestContext, repo: RepoState) -> Issue:
    found = repo.find_issue(ctx.int_param("issue_number"))
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def _comment(ctx: RequestContext, repo: RepoState) -> Comment:
    found = repo.find_comment(ctx.int_param("comment_id"))
    if found is None:
        raise ApiError(404, "Not Found")
    return found


def _render_issue(ctx: RequestContext, repo: RepoState, issue: Issue) -> dict[str, Any]:
    return rep.issue(ctx.base_url, ctx.state, repo, issue)


def _render_comment(ctx: RequestContext, repo: RepoState, comment: Comment) -> dict[str, Any]:
    return rep.comment(ctx.base_url, ctx.state, repo, comment)


def _label_names(value: Any) -> list[str]:
    """Label references as GitHub accepts them: names, or objects with a ``name``."""
    if not isinstance(value, list):
        raise validation_failed("Issue", "invalid", "labels")
    names: list[str] = []
    for item in value:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            raise validation_failed("Issue", "invalid", "labels")
        names.append(name)
    return names


def _resolve_labels(ctx: RequestContext, repo: RepoState, names: list[str]) -> list[Label]:
    # Naming a label that does not exist creates it, as GitHub does for issue writes.
    labels: list[Label] = []
    for name in names:
        label = repo.find_label(name) or ctx.state.add_label(repo, name, NEW_LABEL_COLOR)
        if label not in labels:
            labels.append(label)
    return labels


def _issue_labels_body(ctx: RequestContext) -> list[str]:
    data = ctx.json_body()
    if isinstance(data, dict):
        data = data.get("labels")
    if data is None:
        raise validation_failed("Issue", "missing_field", "labels")
    return _label_names(data)


def _touch(issue: Issue) -> None:
    issue.updated_at = utc_now()


# -- issues -------------------------------------------------------------------------------------


def list_issues(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    wanted_state = ctx.query_value("state", "open")
    if wanted_state not in ("open", "closed", "all"):
        raise validation_failed("Issue", "invalid", "state")
    items = [i for i in repo.issues if wanted_state == "all" or i.state == wanted_state]
    label_filter = ctx.query_value("labels")
    if label_filter:
        # Every listed label must be on the issue; names compare case-insensitively.
        wanted = {n.strip().casefold() for n in label_filter.split(",") if n.strip()}
        items = [i for i in items if wanted <= {lab.name.casefold() for lab in repo.issue_labels(i)}]
    since = ctx.query_value("since")
    if since:
        items = [i for i in items if i.updated_at >= since]
    creator = ctx.query_value("creator")
    if creator:
        items = [i for i in items if i.author.casefold() == creator.casefold()]
    sort_key = ctx.query_value("sort", "created")
    descending = ctx.query_value("direction", "desc") != "asc"

    def key(i: Issue) -> tuple[Any, int]:
        if sort_key == "updated":
            return (i.updated_at, i.number)
        if sort_key == "comments":
            return (repo.comment_count(i.number), i.number)
        return (i.created_at, i.number)

    items.sort(key=key, reverse=descending)
    return paginate(ctx, items, lambda i: _render_issue(ctx, repo, i))


def get_issue(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    return Response(200, _render_issue(ctx, repo, issue), last_modified=issue.updated_at)


def _title(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise validation_failed("Issue", "invalid", "title")
    if not value.strip():
        raise validation_failed("Issue", "missing_field", "title")
    return value


def _body(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise validation_failed("Issue", "invalid", "body")
    return value


def create_issue(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    if not repo.has_issues:
        raise ApiError(410, "Issues are disabled for this repo")
    data = ctx.json_object()
    if data.get("title") is None:
        raise validation_failed("Issue", "missing_field", "title")
    title = _title(data["title"])
    body = _body(data.get("body"))
    names = _label_names(data["labels"]) if data.get("labels") is not None else []
    issue = ctx.state.add_issue(repo, title, author=ctx.login, body=body)
    issue.label_ids = [lab.id for lab in _resolve_labels(ctx, repo, names)]
    location = ctx.api_url(f"/repos/{repo.owner}/{repo.name}/issues/{issue.number}")
    return Response(201, _render_issue(ctx, repo, issue), {"Location": location}, mutated=True)


def update_issue(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    data = ctx.json_object()
    # Validate the whole request before changing anything.
    title = _title(data["title"]) if data.get("title") is not None else None
    body_given = "body" in data
    body = _body(data.get("body"))
    new_state = data.get("state")
    if new_state is not None and new_state not in ("open", "closed"):
        raise validation_failed("Issue", "invalid", "state")
    reason_given = "state_reason" in data
    reason = data.get("state_reason")
    if reason is not None and reason not in STATE_REASONS:
        raise validation_failed("Issue", "invalid", "state_reason")
    names = _label_names(data["labels"]) if data.get("labels") is not None else None

    if title is not None:
        issue.title = title
    if body_given:
        issue.body = body
    if new_state == "closed" and issue.state != "closed":
        issue.state = "closed"
        issue.closed_at = utc_now()
        issue.state_reason = None if issue.is_pull_request else (reason or "completed")
    elif new_state == "open" and issue.state != "open":
        issue.state = "open"
        issue.closed_at = None
        issue.state_reason = None if issue.is_pull_request else "reopened"
    elif reason_given and not issue.is_pull_request:
        issue.state_reason = reason
    if names is not None:
        issue.label_ids = [lab.id for lab in _resolve_labels(ctx, repo, names)]
    _touch(issue)
    return Response(200, _render_issue(ctx, repo, issue), mutated=True)


# -- issue labels -------------------------------------------------------------------------------


def list_issue_labels(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    return paginate(ctx, repo.issue_labels(issue), lambda lab: rep.label(ctx.base_url, repo, lab))


def add_issue_labels(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    for label in _resolve_labels(ctx, repo, _issue_labels_body(ctx)):
        if label.id not in issue.label_ids:
            issue.label_ids.append(label.id)
    _touch(issue)
    body = [rep.label(ctx.base_url, repo, lab) for lab in repo.issue_labels(issue)]
    return Response(200, body, mutated=True)


# -- comments -----------------------------------------------------------------------------------


def _comment_body(data: dict[str, Any]) -> str:
    value = data.get("body")
    if value is None:
        raise validation_failed("IssueComment", "missing_field", "body")
    if not isinstance(value, str):
        raise validation_failed("IssueComment", "invalid", "body")
    return value


def list_comments(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    items = [c for c in repo.comments if c.issue_number == issue.number]
    since = ctx.query_value("since")
    if since:
        items = [c for c in items if c.updated_at >= since]
    items.sort(key=lambda c: (c.created_at, c.id))
    return paginate(ctx, items, lambda c: _render_comment(ctx, repo, c))


def create_comment(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _issue(ctx, repo)
    text = _comment_body(ctx.json_object())
    comment = ctx.state.add_comment(repo, issue, text, author=ctx.login)
    _touch(issue)
    location = ctx.api_url(f"/repos/{repo.owner}/{repo.name}/issues/comments/{comment.id}")
    return Response(201, _render_comment(ctx, repo, comment), {"Location": location}, mutated=True)


def get_comment(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    comment = _comment(ctx, repo)
    return Response(200, _render_comment(ctx, repo, comment), last_modified=comment.updated_at)


def update_comment(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    comment = _comment(ctx, repo)
    comment.body = _comment_body(ctx.json_object())
    comment.updated_at = utc_now()
    return Response(200, _render_comment(ctx, repo, comment), mutated=True)
