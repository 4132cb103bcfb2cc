"""Pull requests rendered as GitHub's ``pull-request-simple`` (lists) and ``pull-request``."""

from __future__ import annotations

from typing import Any

from . import pulls
from . import representations as rep
from .state import Issue, RepoState, SandboxState


def _branch(
    base: str, state: SandboxState, repo: RepoState, branch: str, sha: str, scopes: list[str], role: str
) -> dict[str, Any]:
    return {
        "label": f"{repo.owner}:{branch}",
        "ref": branch,
        "sha": sha,
        "user": rep.simple_user(base, rep.account_or_placeholder(state, repo.owner)),
        "repo": rep.repository(base, state, repo, scopes, role),
    }


def pull_request_simple(
    base: str, state: SandboxState, repo: RepoState, issue: Issue, scopes: list[str], role: str = "admin"
) -> dict[str, Any]:
    pull = pulls.details(issue)
    api = f"{base}/repos/{repo.owner}/{repo.name}"
    url = f"{api}/pulls/{issue.number}"
    html = f"{base}/{repo.full_name}/pull/{issue.number}"
    head_sha, base_sha = pulls.tips(repo, issue)
    links = {
        "self": url,
        "html": html,
        "issue": f"{api}/issues/{issue.number}",
        "comments": f"{api}/issues/{issue.number}/comments",
        "review_comments": f"{url}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{url}/commits",
        "statuses": f"{api}/statuses/{head_sha}",
    }
    return {
        "url": url,
        "id": pull.id,
        "node_id": issue.node_id,
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": issue.number,
        "state": issue.state,
        "locked": issue.locked,
        "title": issue.title,
        "user": rep.simple_user(base, rep.account_or_placeholder(state, issue.author)),
        "body": issue.body,
        "labels": [rep.label(base, repo, lab) for lab in repo.issue_labels(issue)],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": issue.created_at,
        "updated_at": issue.updated_at,
        "closed_at": issue.closed_at,
        "merged_at": pull.merged_at,
        "merge_commit_sha": pull.merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": _branch(base, state, repo, pull.head, head_sha, scopes, role),
        "base": _branch(base, state, repo, pull.base, base_sha, scopes, role),
        "_links": {name: {"href": href} for name, href in links.items()},
        "author_association": rep.author_association(repo, state, issue.author),
        "auto_merge": None,
        "draft": pull.draft,
    }


def pull_request(
    base: str, state: SandboxState, repo: RepoState, issue: Issue, scopes: list[str], role: str = "admin"
) -> dict[str, Any]:
    pull = pulls.details(issue)
    body = pull_request_simple(base, state, repo, issue, scopes, role)
    mergeable, mergeable_state = pulls.mergeability(repo, issue)
    stats = pulls.diff_stats(repo, issue)
    body.update(
        {
            "merged": pull.merged,
            "mergeable": mergeable,
            "rebaseable": mergeable,
            "mergeable_state": mergeable_state,
            "merged_by": (
                rep.simple_user(base, rep.account_or_placeholder(state, pull.merged_by)) if pull.merged_by else None
            ),
            "comments": repo.comment_count(issue.number),
            "review_comments": 0,
            "maintainer_can_modify": False,
            "commits": stats.commits,
            "additions": stats.additions,
            "deletions": stats.deletions,
            "changed_files": stats.changed_files,
        }
    )
    return body
