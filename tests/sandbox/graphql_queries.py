"""The GraphQL queries the sandbox tests send, and a small client for them.

Kept in one place so one test can hold every one of them to the pinned schema subset with
graphql-core alone (`test_sandbox_graphql_contract.py`), independently of the sandbox.
"""

from __future__ import annotations

from typing import Any

import requests

ORG = "Sovereign-Operating-System"

REPOSITORY_FIELDS = """
fragment RepositoryFields on Repository {
  nameWithOwner
  isArchived
  isFork
  isPrivate
  visibility
  viewerPermission
  defaultBranchRef { name target { oid } }
  repositoryTopics(first: 20) { nodes { topic { name } } }
}
"""

# What reconciler will read per repository: labels and the .github/workflows tree entries.
OBSERVE = """
query Observe($owner: String!, $a: String!, $b: String!, $c: String!) {
  r0: repository(owner: $owner, name: $a) { ...Observed }
  r1: repository(owner: $owner, name: $b) { ...Observed }
  r2: repository(owner: $owner, name: $c) { ...Observed }
  rateLimit { cost remaining used nodeCount limit resetAt }
}
fragment Observed on Repository {
  nameWithOwner
  labels(first: 100) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { name color description isDefault }
  }
  workflows: object(expression: "HEAD:.github/workflows") {
    ... on Tree { entries { name oid type mode path } }
  }
}
"""

REPOSITORY = (
    """
query Repository($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { ...RepositoryFields }
}
"""
    + REPOSITORY_FIELDS
)

LABEL_PAGE = """
query Labels($owner: String!, $name: String!, $after: String, $order: LabelOrder) {
  repository(owner: $owner, name: $name) {
    labels(first: 100, after: $after, orderBy: $order) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { name } }
    }
  }
}
"""

LABEL_BY_NAME = """
query Label($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { label(name: "BUG") { name } none: label(name: "no such label") { name } }
}
"""

LAST_LABELS = """
query LastLabels($owner: String!, $name: String!, $before: String) {
  repository(owner: $owner, name: $name) {
    labels(last: 2, before: $before) { pageInfo { hasPreviousPage hasNextPage } nodes { name } }
  }
}
"""

OBJECT = """
query Object($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $expression) {
      __typename
      oid
      ... on Tree { entries { name path oid type mode size object { ... on Blob { byteSize } } } }
      ... on Blob { byteSize isBinary isTruncated text }
      ... on Commit { message tree { oid } }
    }
  }
}
"""

ORGANIZATION_PAGE = (
    """
query Organization($login: String!, $after: String, $archived: Boolean, $fork: Boolean) {
  organization(login: $login) {
    login
    repositories(first: 5, after: $after, isArchived: $archived, isFork: $fork,
                 orderBy: {field: NAME, direction: ASC}) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { ...RepositoryFields }
    }
  }
}
"""
    + REPOSITORY_FIELDS
)

# 3 aliases, each 1 request for the repositories and 100 for their labels: 303 requests.
THREE_POINTS = """
{
  a: organization(login: "Sovereign-Operating-System") { ...Wide }
  b: organization(login: "Sovereign-Operating-System") { ...Wide }
  c: organization(login: "Sovereign-Operating-System") { ...Wide }
  rateLimit { cost nodeCount remaining used }
}
fragment Wide on Organization {
  repositories(first: 100) { nodes { labels(first: 100) { totalCount } } }
}
"""

DRY_RUN = """
{
  rateLimit(dryRun: true) { cost nodeCount remaining used }
  repository(owner: "Sovereign-Operating-System", name: "sovereign-kernel") {
    labels(first: 100) { nodes { name } }
  }
}
"""

RATE_LIMIT_ONLY = "{ rateLimit { cost limit remaining used resetAt } }"
VIEWER = "{ viewer { login } }"
UNBOUNDED_LABELS = """
{
  repository(owner: "Sovereign-Operating-System", name: "sovereign-kernel") {
    nameWithOwner
    counted: labels { totalCount }
    listed: labels { nodes { name } }
    excessive: labels(first: 101) { nodes { name } }
  }
}
"""


def node_limit_query(aliases: int) -> str:
    """``aliases`` times 100 repositories with 100 labels each: 10,100 nodes an alias."""
    body = "\n".join(
        f'  o{i}: organization(login: "{ORG}") {{ repositories(first: 100) {{ nodes {{ labels(first: 100) '
        "{ nodes { name } } } } }"
        for i in range(aliases)
    )
    return "{\n" + body + "\n}"


VALID_QUERIES: dict[str, str] = {
    "observe": OBSERVE,
    "repository": REPOSITORY,
    "label page": LABEL_PAGE,
    "last labels": LAST_LABELS,
    "label by name": LABEL_BY_NAME,
    "object": OBJECT,
    "organization page": ORGANIZATION_PAGE,
    "three points": THREE_POINTS,
    "dry run": DRY_RUN,
    "rate limit only": RATE_LIMIT_ONLY,
    "viewer": VIEWER,
    "unbounded labels": UNBOUNDED_LABELS,
    "node limit": node_limit_query(50),
}


def post(
    http: requests.Session,
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    path: str = "/graphql",
    **kwargs: Any,
) -> requests.Response:
    body: dict[str, Any] = {"query": query}
    if variables is not None:
        body["variables"] = variables
    return http.post(url + path, json=body, timeout=30, **kwargs)


def data_of(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data
