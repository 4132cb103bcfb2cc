"""``/repos/{owner}/{repo}/pulls``: open, find, edit and merge pull requests between branches
of one repository. A pull request is also an issue (number, comments, labels)."""

from __future__ import annotations

from typing import Any

from .. import pulls
from ..auth import check_workflow_write
from ..pagination import paginate
from ..protocol import ApiError, RequestContext, Response, validation_failed
from ..pull_representations import pull_request, pull_request_simple
from ..routing import Router
from ..state import Issue, RepoState, utc_now

DOCS = "https://docs.github.com/rest/pulls/pulls"
MERGE_METHODS = ("merge", "squash", "rebase")


def register(router: Router) -> None:
    pulls_path = "/repos/{owner}/{repo}/pulls"
    table = [
        ("GET", "", list_pulls, "list-pull-requests"),
        ("POST", "", create_pull, "create-a-pull-request"),
        ("GET", "/{pull_number}", get_pull, "get-a-pull-request"),
        ("PATCH", "/{pull_number}", update_pull, "update-a-pull-request"),
        ("PUT", "/{pull_number}/merge", merge_pull, "merge-a-pull-request"),
    ]
    for method, suffix, handler, anchor in table:
        router.add(method, pulls_path + suffix, handler, docs=f"{DOCS}#{anchor}")


# -- helpers ------------------------------------------------------------------------------------


def _pull(ctx: RequestContext, repo: RepoState) -> Issue:
    found = repo.find_issue(ctx.int_param("pull_number"))
    if found is None or found.pull is None:
        raise ApiError(404, "Not Found")
    return found


def _render(ctx: RequestContext, repo: RepoState, issue: Issue) -> dict[str, Any]:
    return pull_request(ctx.base_url, ctx.state, repo, issue, ctx.scopes, ctx.role)


def _custom(message: str) -> ApiError:
    return ApiError(
        422, "Validation Failed", errors=[{"resource": "PullRequest", "code": "custom", "message": message}]
    )


def _branch_name(repo: RepoState, value: Any, field_name: str) -> str:
    """A branch of this repository, given as ``branch`` or ``owner:branch``."""
    if value is None:
        raise validation_failed("PullRequest", "missing_field", field_name)
    if not isinstance(value, str):
        raise validation_failed("PullRequest", "invalid", field_name)
    owner, sep, branch = value.rpartition(":")
    if sep and owner.casefold() != repo.owner.casefold():
        # Pull requests from forks are beyond the sandbox: it has no forks to take them from.
        raise validation_failed("PullRequest", "invalid", field_name)
    if repo.branch_head(branch) is None:
        raise validation_failed("PullRequest", "invalid", field_name)
    return branch


def _text(value: Any, field_name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise validation_failed("PullRequest", "invalid", field_name)
    return value


# -- handlers -----------------------------------------------------------------------------------


def list_pulls(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    wanted = ctx.query_value("state", "open")
    if wanted not in ("open", "closed", "all"):
        raise validation_failed("PullRequest", "invalid", "state")
    items = [p for p in repo.pulls() if wanted == "all" or p.state == wanted]
    head = ctx.query_value("head")
    if head:
        owner, sep, branch = head.rpartition(":")
        if sep and owner.casefold() != repo.owner.casefold():
            items = []
        items = [p for p in items if p.pull is not None and p.pull.head == branch]
    base = ctx.query_value("base")
    if base:
        items = [p for p in items if p.pull is not None and p.pull.base == base]
    sort = ctx.query_value("sort", "created")
    # GitHub's default direction: newest first for "created", ascending otherwise.
    descending = ctx.query_value("direction", "desc" if sort == "created" else "asc") == "desc"
    if sort == "updated":
        items.sort(key=lambda p: (p.updated_at, p.number), reverse=descending)
    elif sort == "popularity":
        items.sort(key=lambda p: (repo.comment_count(p.number), p.number), reverse=descending)
    elif sort == "long-running":
        items.sort(key=lambda p: (p.created_at, p.number), reverse=not descending)
    else:
        items.sort(key=lambda p: (p.created_at, p.number), reverse=descending)
    return paginate(ctx, items, lambda p: pull_request_simple(ctx.base_url, ctx.state, repo, p, ctx.scopes, ctx.role))


def get_pull(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    pull = _pull(ctx, repo)
    return Response(200, _render(ctx, repo, pull), last_modified=pull.updated_at)


def create_pull(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    data = ctx.json_object()
    title = _text(data.get("title"), "title")
    if not title or not title.strip():
        raise validation_failed("PullRequest", "missing_field", "title")
    body = _text(data.get("body"), "body")
    draft = data.get("draft", False)
    if not isinstance(draft, bool):
        raise validation_failed("PullRequest", "invalid", "draft")
    head = _branch_name(repo, data.get("head"), "head")
    base = _branch_name(repo, data.get("base"), "base")
    head_sha, base_sha = repo.branch_head(head), repo.branch_head(base)
    assert head_sha is not None and base_sha is not None
    if head == base or repo.git.is_ancestor(head_sha, base_sha):
        raise _custom(f"No commits between {base} and {head}")
    if repo.open_pull(head, base) is not None:
        raise _custom(f"A pull request already exists for {repo.owner}:{head}.")
    issue = ctx.state.add_pull(repo, title, author=ctx.login, head=head, base=base, body=body, draft=draft)
    location = ctx.api_url(f"/repos/{repo.owner}/{repo.name}/pulls/{issue.number}")
    return Response(201, _render(ctx, repo, issue), {"Location": location}, mutated=True)


def update_pull(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    pull = pulls.details(issue)
    data = ctx.json_object()
    # Validate everything before changing anything.
    title = _text(data.get("title"), "title")
    body_given = "body" in data
    body = _text(data.get("body"), "body")
    new_state = data.get("state")
    if new_state is not None and new_state not in ("open", "closed"):
        raise validation_failed("PullRequest", "invalid", "state")
    base = _branch_name(repo, data["base"], "base") if data.get("base") is not None else None
    if new_state == "open" and issue.state == "closed":
        if pull.merged:
            raise _custom("Cannot reopen a merged pull request")
        if repo.branch_head(pull.head) is None:
            raise validation_failed("PullRequest", "invalid", "state")
        if repo.open_pull(pull.head, base or pull.base) is not None:
            raise _custom(f"A pull request already exists for {repo.owner}:{pull.head}.")

    if title is not None:
        issue.title = title
    if body_given:
        issue.body = body
    if base is not None:
        pull.base = base
    now = utc_now()
    if new_state == "closed" and issue.state == "open":
        issue.state, issue.closed_at = "closed", now
    elif new_state == "open" and issue.state == "closed":
        issue.state, issue.closed_at = "open", None
    issue.updated_at = now
    return Response(200, _render(ctx, repo, issue), mutated=True)


def _not_mergeable(message: str = "Pull Request is not mergeable") -> ApiError:
    return ApiError(405, message)


def merge_pull(ctx: RequestContext) -> Response:
    repo = ctx.repo()
    issue = _pull(ctx, repo)
    pull = pulls.details(issue)
    data = ctx.json_object()
    method = data.get("merge_method") or "merge"
    if method not in MERGE_METHODS:
        raise validation_failed("PullRequest", "invalid", "merge_method")
    title = _text(data.get("commit_title"), "commit_title")
    message = _text(data.get("commit_message"), "commit_message")
    expected = _text(data.get("sha"), "sha")
    if pull.merged or issue.state != "open":
        raise _not_mergeable()
    head, base = pulls.tips(repo, issue)
    if expected is not None and expected != head:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    if pull.draft:
        raise _not_mergeable("Pull Request is still a draft")
    tree = pulls.merged_tree(repo, issue) if repo.branch_head(pull.head) is not None else None
    if tree is None:
        raise _not_mergeable()
    check_workflow_write(ctx.scopes, repo.git.diff_trees(repo.git.commits[base].tree, tree), app=ctx.by_installation)
    sha = pulls.merge(ctx.state, repo, issue, login=ctx.login, method=method, title=title, message=message)
    return Response(200, {"sha": sha, "merged": True, "message": "Pull Request successfully merged"}, mutated=True)
