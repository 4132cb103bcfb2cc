"""State objects rendered as GitHub's JSON, valid against GitHub's OpenAPI response schemas.

Every API URL is built from ``base`` (the address the client used to reach this server),
never stored: PyGithub refuses to follow URLs on another host or port. The ``html_url`` of
issues, pull requests, comments and workflow runs points at the sandbox too
(``base/OWNER/NAME/issues/N``), since reconciler prints them for a person to follow (a drift
issue, a plan comment, a failing run); other ``html_url``s point at github.com.
"""

from __future__ import annotations

from typing import Any

from .auth import effective_scopes
from .protocol import quote_segment
from .state import ROLES, Account, Comment, Issue, Label, RepoState, SandboxState, make_node_id, role_at_least

HTML_ROOT = "https://github.com"

_LICENSES: dict[str, tuple[str, str]] = {
    "mit": ("MIT License", "MIT"),
    "apache-2.0": ("Apache License 2.0", "Apache-2.0"),
    "gpl-3.0": ("GNU General Public License v3.0", "GPL-3.0"),
    "bsd-3-clause": ('BSD 3-Clause "New" or "Revised" License', "BSD-3-Clause"),
}


def account_or_placeholder(state: SandboxState, login: str) -> Account:
    # Authors are normally registered when their token is first used; a hand-edited state
    # may still name someone unknown, and a response must not fail because of that.
    return state.account(login) or Account(login=login, id=1, node_id=make_node_id("U", 1))


def simple_user(base: str, account: Account) -> dict[str, Any]:
    login = account.login
    user_api = f"{base}/users/{login}"
    return {
        "login": login,
        "id": account.id,
        "node_id": account.node_id,
        "avatar_url": f"https://avatars.githubusercontent.com/u/{account.id}?v=4",
        "gravatar_id": "",
        "url": user_api,
        "html_url": f"{HTML_ROOT}/{login}",
        "followers_url": f"{user_api}/followers",
        "following_url": f"{user_api}/following{{/other_user}}",
        "gists_url": f"{user_api}/gists{{/gist_id}}",
        "starred_url": f"{user_api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{user_api}/subscriptions",
        "organizations_url": f"{user_api}/orgs",
        "repos_url": f"{user_api}/repos",
        "events_url": f"{user_api}/events{{/privacy}}",
        "received_events_url": f"{user_api}/received_events",
        "type": account.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def private_user(base: str, state: SandboxState, account: Account) -> dict[str, Any]:
    owned = state.repos_of(account.login)
    body = simple_user(base, account)
    body.update(
        {
            # The discriminator GitHub's schema uses to pick private-user over public-user.
            "user_view_type": "private",
            "name": account.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": account.email,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": sum(1 for r in owned if not r.private),
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": account.created_at,
            "updated_at": account.created_at,
            "private_gists": 0,
            "total_private_repos": sum(1 for r in owned if r.private),
            "owned_private_repos": sum(1 for r in owned if r.private),
            "disk_usage": sum(r.size for r in owned),
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
        }
    )
    return body


def license_simple(base: str, key: str | None) -> dict[str, Any] | None:
    if key is None:
        return None
    name, spdx = _LICENSES.get(key, (key, key.upper()))
    return {
        "key": key,
        "name": name,
        "spdx_id": spdx,
        "url": f"{base}/licenses/{key}",
        "node_id": make_node_id("L", sum(key.encode())),
    }


def permissions(scopes: list[str], role: str = "admin") -> dict[str, bool]:
    """What the token's owner may do here: their role, and nothing above read without ``repo``."""
    can_write = "repo" in effective_scopes(scopes)
    return {level: level == "pull" or (can_write and role_at_least(role, level)) for level in reversed(ROLES)}


def minimal_repository(
    base: str, state: SandboxState, repo: RepoState, scopes: list[str], role: str = "admin"
) -> dict[str, Any]:
    api = f"{base}/repos/{repo.owner}/{repo.name}"
    owner = account_or_placeholder(state, repo.owner)
    open_issues = repo.open_issue_count()
    return {
        "id": repo.id,
        "node_id": repo.node_id,
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": simple_user(base, owner),
        "html_url": f"{HTML_ROOT}/{repo.full_name}",
        "description": repo.description,
        "fork": repo.fork,
        "url": api,
        "archive_url": f"{api}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{api}/assignees{{/user}}",
        "blobs_url": f"{api}/git/blobs{{/sha}}",
        "branches_url": f"{api}/branches{{/branch}}",
        "collaborators_url": f"{api}/collaborators{{/collaborator}}",
        "comments_url": f"{api}/comments{{/number}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "compare_url": f"{api}/compare/{{base}}...{{head}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "contributors_url": f"{api}/contributors",
        "deployments_url": f"{api}/deployments",
        "downloads_url": f"{api}/downloads",
        "events_url": f"{api}/events",
        "forks_url": f"{api}/forks",
        "git_commits_url": f"{api}/git/commits{{/sha}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}",
        "git_tags_url": f"{api}/git/tags{{/sha}}",
        "git_url": f"git://github.com/{repo.full_name}.git",
        "issue_comment_url": f"{api}/issues/comments{{/number}}",
        "issue_events_url": f"{api}/issues/events{{/number}}",
        "issues_url": f"{api}/issues{{/number}}",
        "keys_url": f"{api}/keys{{/key_id}}",
        "labels_url": f"{api}/labels{{/name}}",
        "languages_url": f"{api}/languages",
        "merges_url": f"{api}/merges",
        "milestones_url": f"{api}/milestones{{/number}}",
        "notifications_url": f"{api}/notifications{{?since,all,participating}}",
        "pulls_url": f"{api}/pulls{{/number}}",
        "releases_url": f"{api}/releases{{/id}}",
        "ssh_url": f"git@github.com:{repo.full_name}.git",
        "stargazers_url": f"{api}/stargazers",
        "statuses_url": f"{api}/statuses/{{sha}}",
        "subscribers_url": f"{api}/subscribers",
        "subscription_url": f"{api}/subscription",
        "tags_url": f"{api}/tags",
        "teams_url": f"{api}/teams",
        "trees_url": f"{api}/git/trees{{/sha}}",
        "clone_url": f"{HTML_ROOT}/{repo.full_name}.git",
        "mirror_url": None,
        "hooks_url": f"{api}/hooks",
        "svn_url": f"{HTML_ROOT}/{repo.full_name}",
        "homepage": repo.homepage,
        "language": repo.language,
        "forks_count": repo.forks_count,
        "forks": repo.forks_count,
        "stargazers_count": repo.stargazers_count,
        "watchers_count": repo.stargazers_count,
        "watchers": repo.stargazers_count,
        "size": repo.size,
        "default_branch": repo.default_branch,
        "open_issues_count": open_issues,
        "open_issues": open_issues,
        "is_template": repo.is_template,
        "topics": list(repo.topics),
        "has_issues": repo.has_issues,
        "has_projects": repo.has_projects,
        "has_wiki": repo.has_wiki,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": repo.has_discussions,
        "archived": repo.archived,
        "disabled": repo.disabled,
        "visibility": repo.visibility,
        "pushed_at": repo.pushed_at,
        "created_at": repo.created_at,
        "updated_at": repo.updated_at,
        "permissions": permissions(scopes, role),
        "license": license_simple(base, repo.license_key),
        "allow_forking": True,
        "web_commit_signoff_required": False,
    }


def repository(
    base: str, state: SandboxState, repo: RepoState, scopes: list[str], role: str = "admin"
) -> dict[str, Any]:
    """The ``repository`` schema (``GET /user/repos``): minimal plus merge settings."""
    body = minimal_repository(base, state, repo, scopes, role)
    body.update(
        {
            "allow_rebase_merge": True,
            "allow_squash_merge": True,
            "allow_merge_commit": True,
            "allow_auto_merge": False,
            "delete_branch_on_merge": False,
        }
    )
    return body


def full_repository(
    base: str, state: SandboxState, repo: RepoState, scopes: list[str], role: str = "admin"
) -> dict[str, Any]:
    body = repository(base, state, repo, scopes, role)
    owner = account_or_placeholder(state, repo.owner)
    body.update(
        {
            "allow_update_branch": False,
            "use_squash_pr_title_as_default": False,
            "squash_merge_commit_title": "COMMIT_OR_PR_TITLE",
            "squash_merge_commit_message": "COMMIT_MESSAGES",
            "merge_commit_title": "MERGE_MESSAGE",
            "merge_commit_message": "PR_TITLE",
            "subscribers_count": max(1, repo.stargazers_count // 10),
            "network_count": repo.forks_count,
        }
    )
    if owner.type == "Organization":
        body["organization"] = simple_user(base, owner)
    return body


def label(base: str, repo: RepoState, item: Label) -> dict[str, Any]:
    return {
        "id": item.id,
        "node_id": item.node_id,
        "url": f"{base}/repos/{repo.owner}/{repo.name}/labels/{quote_segment(item.name)}",
        "name": item.name,
        "color": item.color,
        "default": item.default,
        "description": item.description,
    }


def author_association(repo: RepoState, state: SandboxState, login: str) -> str:
    if login.casefold() == repo.owner.casefold():
        return "OWNER"
    if login.casefold() == state.operator_login.casefold():
        return "MEMBER"
    return "NONE"


def issue(base: str, state: SandboxState, repo: RepoState, item: Issue) -> dict[str, Any]:
    api = f"{base}/repos/{repo.owner}/{repo.name}"
    kind = "pull" if item.is_pull_request else "issues"
    html = f"{base}/{repo.full_name}/{kind}/{item.number}"
    body: dict[str, Any] = {
        "id": item.id,
        "node_id": item.node_id,
        "url": f"{api}/issues/{item.number}",
        "repository_url": api,
        "labels_url": f"{api}/issues/{item.number}/labels{{/name}}",
        "comments_url": f"{api}/issues/{item.number}/comments",
        "events_url": f"{api}/issues/{item.number}/events",
        "html_url": html,
        "timeline_url": f"{api}/issues/{item.number}/timeline",
        "number": item.number,
        "state": item.state,
        "state_reason": item.state_reason,
        "title": item.title,
        "body": item.body,
        "user": simple_user(base, account_or_placeholder(state, item.author)),
        "labels": [label(base, repo, lab) for lab in repo.issue_labels(item)],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": item.locked,
        "active_lock_reason": None,
        "comments": repo.comment_count(item.number),
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": author_association(repo, state, item.author),
    }
    if item.is_pull_request:
        body["draft"] = item.pull.draft if item.pull else False
        body["pull_request"] = {
            "url": f"{api}/pulls/{item.number}",
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": item.pull.merged_at if item.pull else None,
        }
    return body


def comment(base: str, state: SandboxState, repo: RepoState, item: Comment) -> dict[str, Any]:
    api = f"{base}/repos/{repo.owner}/{repo.name}"
    parent = repo.find_issue(item.issue_number)
    kind = "pull" if parent is not None and parent.is_pull_request else "issues"
    return {
        "id": item.id,
        "node_id": item.node_id,
        "url": f"{api}/issues/comments/{item.id}",
        "html_url": f"{base}/{repo.full_name}/{kind}/{item.issue_number}#issuecomment-{item.id}",
        "issue_url": f"{api}/issues/{item.issue_number}",
        "body": item.body,
        "user": simple_user(base, account_or_placeholder(state, item.author)),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": author_association(repo, state, item.author),
    }
