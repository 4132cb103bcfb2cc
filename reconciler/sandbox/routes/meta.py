"""``GET /``: the API root, a map of URL templates for clients that discover rather than
hard-code paths. Built from the address the client used, so every template leads back here."""

from __future__ import annotations

from typing import Any

from ..api_versions import BREAKING_2026, at_least
from ..protocol import RequestContext, Response
from ..representations import HTML_ROOT
from ..routing import Router

DOCS = "https://docs.github.com/rest/meta/meta#github-api-root"
# Gone from the root in 2026-03-10 (GitHub's OpenAPI `x-github-breaking-changes`).
REMOVED_IN_2026 = ("authorizations_url", "hub_url")


def register(router: Router) -> None:
    router.add("GET", "/", get_root, accepted_scopes=(), docs=DOCS)


def root_document(base: str) -> dict[str, Any]:
    search = f"{base}/search"
    return {
        "current_user_url": f"{base}/user",
        "current_user_authorizations_html_url": f"{HTML_ROOT}/settings/connections/applications{{/client_id}}",
        "authorizations_url": f"{base}/authorizations",
        "code_search_url": f"{search}/code?q={{query}}{{&page,per_page,sort,order}}",
        "commit_search_url": f"{search}/commits?q={{query}}{{&page,per_page,sort,order}}",
        "emails_url": f"{base}/user/emails",
        "emojis_url": f"{base}/emojis",
        "events_url": f"{base}/events",
        "feeds_url": f"{base}/feeds",
        "followers_url": f"{base}/user/followers",
        "following_url": f"{base}/user/following{{/target}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "hub_url": f"{base}/hub",
        "issue_search_url": f"{search}/issues?q={{query}}{{&page,per_page,sort,order}}",
        "issues_url": f"{base}/issues",
        "keys_url": f"{base}/user/keys",
        "label_search_url": f"{search}/labels?q={{query}}&repository_id={{repository_id}}{{&page,per_page}}",
        "notifications_url": f"{base}/notifications",
        "organization_url": f"{base}/orgs/{{org}}",
        "organization_repositories_url": f"{base}/orgs/{{org}}/repos{{?type,page,per_page,sort}}",
        "organization_teams_url": f"{base}/orgs/{{org}}/teams",
        "public_gists_url": f"{base}/gists/public",
        "rate_limit_url": f"{base}/rate_limit",
        "repository_url": f"{base}/repos/{{owner}}/{{repo}}",
        "repository_search_url": f"{search}/repositories?q={{query}}{{&page,per_page,sort,order}}",
        "current_user_repositories_url": f"{base}/user/repos{{?type,page,per_page,sort}}",
        "starred_url": f"{base}/user/starred{{/owner}}{{/repo}}",
        "starred_gists_url": f"{base}/gists/starred",
        "topic_search_url": f"{search}/topics?q={{query}}{{&page,per_page}}",
        "user_url": f"{base}/users/{{user}}",
        "user_organizations_url": f"{base}/user/orgs",
        "user_repositories_url": f"{base}/users/{{user}}/repos{{?type,page,per_page,sort}}",
        "user_search_url": f"{search}/users?q={{query}}{{&page,per_page,sort,order}}",
    }


def get_root(ctx: RequestContext) -> Response:
    body = root_document(ctx.base_url)
    if at_least(ctx.api_version, BREAKING_2026):
        for name in REMOVED_IN_2026:
            del body[name]
    return Response(200, body)
