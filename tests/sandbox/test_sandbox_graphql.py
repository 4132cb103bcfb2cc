"""POST /graphql: the query shapes reconciler reads, answered as GitHub's schema says.

Expectations come from the sandbox's REST answers for the same repositories, so GraphQL and
REST must agree on labels, files and repository facts.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant

from .graphql_queries import (
    LABEL_BY_NAME,
    LABEL_PAGE,
    LAST_LABELS,
    OBJECT,
    OBSERVE,
    ORG,
    ORGANIZATION_PAGE,
    REPOSITORY,
    data_of,
    post,
)

OBSERVED = ("sovereign-kernel", "agent-runtime", "operations-handbook")


def rest(http: requests.Session, sandbox: Sandbox, path: str, **params: Any) -> Any:
    response = http.get(sandbox.url + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def rest_workflow_entries(http: requests.Session, sandbox: Sandbox, name: str) -> list[dict[str, Any]] | None:
    response = http.get(f"{sandbox.url}/repos/{ORG}/{name}/contents/.github/workflows", timeout=30)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return sorted(({"name": e["name"], "oid": e["sha"], "path": e["path"]} for e in response.json()), key=str)


def test_aliased_repositories_read_labels_and_workflow_tree_in_one_query(
    http: requests.Session, sandbox: Sandbox
) -> None:
    variables = {"owner": ORG, "a": OBSERVED[0], "b": OBSERVED[1], "c": OBSERVED[2]}

    data = data_of(post(http, sandbox.url, OBSERVE, variables))

    for alias, name in zip(("r0", "r1", "r2"), OBSERVED, strict=True):
        repo = data[alias]
        assert repo["nameWithOwner"] == f"{ORG}/{name}"
        # GraphQL's default order is CREATED_AT, which REST shows as ascending ids.
        labels = sorted(rest(http, sandbox, f"/repos/{ORG}/{name}/labels", per_page=100), key=lambda la: la["id"])
        assert repo["labels"]["totalCount"] == len(labels)
        assert repo["labels"]["pageInfo"]["hasNextPage"] is False
        assert repo["labels"]["nodes"] == [
            {"name": la["name"], "color": la["color"], "description": la["description"], "isDefault": la["default"]}
            for la in labels
        ]
        expected_tree = rest_workflow_entries(http, sandbox, name)
        if expected_tree is None:
            assert repo["workflows"] is None  # no .github/workflows: null, and no error
        else:
            entries = repo["workflows"]["entries"]
            assert all(e["type"] == "blob" and e["mode"] == 0o100644 for e in entries)
            assert sorted(({k: e[k] for k in ("name", "oid", "path")} for e in entries), key=str) == expected_tree
    assert data["rateLimit"]["cost"] == 1
    assert sandbox.stats.count("POST", "/graphql") == 1


def test_a_repository_that_does_not_exist_is_null_with_not_found_and_the_others_answer(
    http: requests.Session, sandbox: Sandbox
) -> None:
    variables = {"owner": ORG, "a": OBSERVED[0], "b": "no-such-repository", "c": OBSERVED[2]}

    response = post(http, sandbox.url, OBSERVE, variables)

    assert response.status_code == 200
    body = response.json()
    assert body["data"]["r1"] is None
    assert body["data"]["r0"]["nameWithOwner"] == f"{ORG}/{OBSERVED[0]}"
    assert body["data"]["r2"]["nameWithOwner"] == f"{ORG}/{OBSERVED[2]}"
    assert body["errors"] == [
        {
            "type": "NOT_FOUND",
            "path": ["r1"],
            "locations": [{"line": 4, "column": 3}],
            "message": f"Could not resolve to a Repository with the name '{ORG}/no-such-repository'.",
        }
    ]


def test_repository_fields_agree_with_rest(http: requests.Session, sandbox: Sandbox) -> None:
    for listed in rest(http, sandbox, f"/orgs/{ORG}/repos", per_page=100):
        name = listed["name"]
        expected = rest(http, sandbox, f"/repos/{ORG}/{name}")
        head = rest(http, sandbox, f"/repos/{ORG}/{name}/git/ref/heads/{expected['default_branch']}")

        repo = data_of(post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": name}))["repository"]

        assert repo["nameWithOwner"] == expected["full_name"]
        assert repo["isArchived"] is expected["archived"]
        assert repo["isFork"] is expected["fork"]
        assert repo["isPrivate"] is expected["private"]
        assert repo["visibility"] == expected["visibility"].upper()
        assert repo["viewerPermission"] == "ADMIN"
        assert repo["defaultBranchRef"] == {
            "name": expected["default_branch"],
            "target": {"oid": head["object"]["sha"]},
        }
        assert [n["topic"]["name"] for n in repo["repositoryTopics"]["nodes"]] == expected["topics"]


def test_archived_forked_and_private_repositories_say_so(http: requests.Session, sandbox: Sandbox) -> None:
    listing = rest(http, sandbox, f"/orgs/{ORG}/repos", per_page=100)
    for flag, field in (("archived", "isArchived"), ("fork", "isFork"), ("private", "isPrivate")):
        marked = next(r for r in listing if r[flag])

        repo = data_of(post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": marked["name"]}))["repository"]

        assert repo[field] is True, marked["name"]


def test_viewer_permission_follows_the_tokens_role(http: requests.Session, sandbox: Sandbox) -> None:
    sandbox.set_token_grant("test-token", TokenGrant(role="push"))

    repo = data_of(post(http, sandbox.url, REPOSITORY, {"owner": ORG, "name": OBSERVED[0]}))["repository"]

    assert repo["viewerPermission"] == "WRITE"


def test_object_expressions_resolve_trees_blobs_commits_or_null(http: requests.Session, sandbox: Sandbox) -> None:
    def obj(expression: str) -> Any:
        variables = {"owner": ORG, "name": "sovereign-kernel", "expression": expression}
        return data_of(post(http, sandbox.url, OBJECT, variables))["repository"]["object"]

    readme = rest(http, sandbox, f"/repos/{ORG}/sovereign-kernel/contents/README.md")
    text = base64.b64decode(readme["content"]).decode()
    head = rest(http, sandbox, f"/repos/{ORG}/sovereign-kernel/git/ref/heads/main")["object"]["sha"]

    assert obj("main:README.md") == {
        "__typename": "Blob",
        "oid": readme["sha"],
        "byteSize": readme["size"],
        "isBinary": False,
        "isTruncated": False,
        "text": text,
    }
    tree = obj("HEAD:.github")
    assert tree["__typename"] == "Tree"
    workflows = next(e for e in tree["entries"] if e["name"] == "workflows")
    assert workflows == {**workflows, "path": ".github/workflows", "type": "tree", "mode": 0o040000, "size": 0}
    assert workflows["object"] == {}  # a tree, so the Blob fragment selects nothing
    assert obj(f"{head}:.github/workflows")["entries"] == obj("HEAD:.github/workflows/")["entries"]
    commit = obj("HEAD")
    assert commit["__typename"] == "Commit" and commit["oid"] == head
    assert obj("HEAD:no/such/path") is None
    assert obj("no-such-branch:README.md") is None


def test_a_binary_file_has_no_text(http: requests.Session, sandbox: Sandbox) -> None:
    data = bytes(range(256))
    put = http.put(
        f"{sandbox.url}/repos/{ORG}/sovereign-kernel/contents/assets/logo.bin",
        json={"message": "Add a binary file", "content": base64.b64encode(data).decode()},
        timeout=30,
    )
    assert put.status_code == 201, put.text

    variables = {"owner": ORG, "name": "sovereign-kernel", "expression": "HEAD:assets/logo.bin"}
    blob = data_of(post(http, sandbox.url, OBJECT, variables))["repository"]["object"]

    assert blob["isBinary"] is True and blob["text"] is None and blob["byteSize"] == 256


def add_labels(http: requests.Session, sandbox: Sandbox, name: str, count: int) -> None:
    for index in range(count):
        created = http.post(
            f"{sandbox.url}/repos/{ORG}/{name}/labels",
            json={"name": f"bulk {index:03}", "color": f"{index:06x}"},
            timeout=30,
        )
        assert created.status_code == 201, created.text


def all_label_pages(http: requests.Session, sandbox: Sandbox, order: dict[str, str] | None) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        variables = {"owner": ORG, "name": "operations-handbook", "after": after, "order": order}
        page = data_of(post(http, sandbox.url, LABEL_PAGE, variables))["repository"]["labels"]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            return pages
        after = page["pageInfo"]["endCursor"]


def test_labels_paginate_past_100_with_opaque_cursors(http: requests.Session, sandbox: Sandbox) -> None:
    add_labels(http, sandbox, "operations-handbook", 231)
    listed: list[dict[str, Any]] = []
    page_number = 1
    while batch := rest(http, sandbox, f"/repos/{ORG}/operations-handbook/labels", per_page=100, page=page_number):
        listed += batch
        page_number += 1
    expected = [label["name"] for label in sorted(listed, key=lambda label: label["id"])]  # creation order

    pages = all_label_pages(http, sandbox, None)

    assert [len(page["edges"]) for page in pages] == [100, 100, len(expected) - 200]
    assert all(page["totalCount"] == len(expected) for page in pages)
    assert [edge["node"]["name"] for page in pages for edge in page["edges"]] == expected  # creation order
    assert [page["pageInfo"]["hasPreviousPage"] for page in pages] == [False, True, True]
    for page in pages:
        assert page["pageInfo"]["startCursor"] == page["edges"][0]["cursor"]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        assert not any(name in edge["cursor"] for edge in page["edges"] for name in ("bulk", "5000"))

    by_name = all_label_pages(http, sandbox, {"field": "NAME", "direction": "DESC"})
    names = [edge["node"]["name"] for page in by_name for edge in page["edges"]]
    assert names == sorted(expected, key=str.casefold, reverse=True)


def test_last_and_before_page_backwards(http: requests.Session, sandbox: Sandbox) -> None:
    listed = rest(http, sandbox, f"/repos/{ORG}/operations-handbook/labels", per_page=100)
    labels = [la["name"] for la in sorted(listed, key=lambda la: la["id"])]
    variables = {"owner": ORG, "name": "operations-handbook"}

    last = data_of(post(http, sandbox.url, LAST_LABELS, variables))["repository"]["labels"]
    cursor = data_of(post(http, sandbox.url, LABEL_PAGE, variables))["repository"]["labels"]["edges"][-2]["cursor"]
    before = data_of(post(http, sandbox.url, LAST_LABELS, {**variables, "before": cursor}))["repository"]["labels"]

    assert [n["name"] for n in last["nodes"]] == labels[-2:]
    assert last["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}
    assert [n["name"] for n in before["nodes"]] == labels[-4:-2]
    assert before["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": True}


def test_a_cursor_that_is_not_ours_is_refused(http: requests.Session, sandbox: Sandbox) -> None:
    variables = {"owner": ORG, "name": "operations-handbook", "after": "bm90LWEtY3Vyc29y"}

    body = post(http, sandbox.url, LABEL_PAGE, variables).json()

    assert body["data"] == {"repository": {"labels": None}}
    assert body["errors"][0]["type"] == "INVALID_CURSOR_ARGUMENTS"
    assert body["errors"][0]["path"] == ["repository", "labels"]
    assert body["errors"][0]["message"] == "`bm90LWEtY3Vyc29y` does not appear to be a valid cursor."


def test_organization_repositories_page_through_the_organisation(http: requests.Session, sandbox: Sandbox) -> None:
    listing = rest(http, sandbox, f"/orgs/{ORG}/repos", per_page=100)
    names: list[str] = []
    after = None
    while True:
        variables = {"login": ORG, "after": after}
        repos = data_of(post(http, sandbox.url, ORGANIZATION_PAGE, variables))["organization"]["repositories"]
        assert repos["totalCount"] == len(listing)
        names += [node["nameWithOwner"] for node in repos["nodes"]]
        if not repos["pageInfo"]["hasNextPage"]:
            break
        after = repos["pageInfo"]["endCursor"]

    assert names == sorted((r["full_name"] for r in listing), key=lambda n: n.split("/")[1].casefold())

    variables = {"login": ORG, "archived": False, "fork": False}
    kept = data_of(post(http, sandbox.url, ORGANIZATION_PAGE, variables))["organization"]["repositories"]
    assert kept["totalCount"] == sum(1 for r in listing if not r["archived"] and not r["fork"])
    assert not any(n["isArchived"] or n["isFork"] for n in kept["nodes"])


def test_an_organisation_that_does_not_exist_is_not_found(http: requests.Session, sandbox: Sandbox) -> None:
    body = post(http, sandbox.url, ORGANIZATION_PAGE, {"login": "no-such-org"}).json()

    assert body["data"] == {"organization": None}
    assert body["errors"][0]["type"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "Could not resolve to an Organization with the login of 'no-such-org'."


def test_the_enterprise_server_path_answers_the_same(http: requests.Session, sandbox: Sandbox) -> None:
    variables = {"owner": ORG, "name": OBSERVED[0]}

    on_github = data_of(post(http, sandbox.url, REPOSITORY, variables))
    on_ghes = data_of(post(http, sandbox.url, REPOSITORY, variables, path="/api/graphql"))

    assert on_ghes == on_github
    assert sandbox.stats.count("POST", "/api/graphql") == 1


def test_label_lookup_by_name_is_case_insensitive(http: requests.Session, sandbox: Sandbox) -> None:
    labels = rest(http, sandbox, f"/repos/{ORG}/{quote(OBSERVED[2])}/labels", per_page=100)

    repo = data_of(post(http, sandbox.url, LABEL_BY_NAME, {"owner": ORG, "name": OBSERVED[2]}))["repository"]

    assert repo == {"label": {"name": next(la["name"] for la in labels if la["name"].lower() == "bug")}, "none": None}
