"""How POST /graphql refuses: credentials, bodies, syntax, validation and variables, in GitHub's words.

Refusals before execution answer HTTP 200 with `errors` and no `data`, and cost no points.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant

from .graphql_queries import ORG, REPOSITORY, VIEWER, post


def refused(response: requests.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" not in body
    assert response.headers["X-RateLimit-Used"] == "0"  # nothing was charged
    errors: list[dict[str, Any]] = body["errors"]
    return errors


def test_without_a_token_github_asks_for_one(sandbox: Sandbox) -> None:
    response = requests.post(f"{sandbox.url}/graphql", json={"query": VIEWER}, timeout=30)

    assert response.status_code == 401
    body = response.json()
    assert body["message"] == "This endpoint requires you to be authenticated."
    assert body["documentation_url"] == (
        "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"
    )
    assert sandbox.stats.graphql_queries() == 0


def test_a_revoked_token_gets_bad_credentials(http: requests.Session, sandbox: Sandbox) -> None:
    sandbox.set_token_grant("test-token", TokenGrant(valid=False))

    response = post(http, sandbox.url, VIEWER)

    assert response.status_code == 401
    assert response.json()["message"] == "Bad credentials"
    assert response.json()["documentation_url"] == "https://docs.github.com/graphql"


@pytest.mark.contract_violations_expected  # the request body is not JSON
def test_a_body_that_is_not_json_is_a_400(http: requests.Session, sandbox: Sandbox) -> None:
    response = http.post(f"{sandbox.url}/graphql", data=b"{not json", timeout=30)

    assert response.status_code == 400
    assert response.json()["message"] == "Problems parsing JSON"
    assert response.headers["X-RateLimit-Resource"] == "graphql"


@pytest.mark.contract_violations_expected  # there is no query to hold to the schema
def test_a_body_without_a_query_is_refused(http: requests.Session, sandbox: Sandbox) -> None:
    response = http.post(f"{sandbox.url}/graphql", json={"variables": {}}, timeout=30)

    assert refused(response) == [{"message": "A query attribute must be specified and must be a string."}]


def test_a_syntax_error_names_the_token_and_where(http: requests.Session, sandbox: Sandbox) -> None:
    errors = refused(post(http, sandbox.url, '{ repository(owner: "a" }'))

    assert errors == [{"message": 'Parse error on "}" (RCURLY) at [1, 25]', "locations": [{"line": 1, "column": 25}]}]


def test_an_unfinished_document_is_a_parse_error(http: requests.Session, sandbox: Sandbox) -> None:
    assert refused(post(http, sandbox.url, "{ viewer {"))[0]["message"] == "Unexpected end of document"


def test_an_unknown_field_is_named_with_its_type_and_path(http: requests.Session, sandbox: Sandbox) -> None:
    query = 'query Look {\n  repository(owner: "a", name: "b") {\n    nameWithOwner\n    stars\n  }\n}'

    errors = refused(post(http, sandbox.url, query))

    assert errors == [
        {
            "path": ["query Look", "repository", "stars"],
            "extensions": {"code": "undefinedField", "typeName": "Repository", "fieldName": "stars"},
            "locations": [{"line": 4, "column": 5}],
            "message": "Field 'stars' doesn't exist on type 'Repository'",
        }
    ]


@pytest.mark.parametrize(
    ("query", "message", "code"),
    [
        (
            "{ repository { name } }",
            "Field 'repository' is missing required arguments: name, owner",
            "missingRequiredArguments",
        ),
        (
            '{ repository(owner: "a", name: "b") { labels(first: 1, color: "x") { totalCount } } }',
            "Field 'labels' doesn't accept argument 'color'",
            "argumentNotAccepted",
        ),
        (
            '{ repository(owner: "a", name: "b") { labels(first: "ten") { totalCount } } }',
            "Argument 'first' on Field 'labels' has an invalid value (\"ten\"). Expected type 'Int'.",
            "argumentLiteralsIncompatible",
        ),
        (
            '{ repository(owner: "a", name: "b") { defaultBranchRef } }',
            "Field must have selections (field 'defaultBranchRef' returns Ref but has no selections. "
            "Did you mean 'defaultBranchRef { ... }'?)",
            "selectionMismatch",
        ),
        (
            '{ repository(owner: "a", name: "b") { name { first } } }',
            "Selections can't be made on scalars (field 'name' returns String but has selections [first])",
            "selectionMismatch",
        ),
        (
            'query($unused: Int) { repository(owner: "a", name: "b") { name } }',
            "Variable $unused is declared by anonymous query but not used",
            "variableNotUsed",
        ),
        (
            '{ repository(owner: "a", name: "b") { ... on Blob { oid } } }',
            "Fragment on Blob can't be spread inside Repository",
            "cannotSpreadFragment",
        ),
        (
            'mutation { addLabel(name: "x") { id } }',
            "Schema is not configured for mutations",
            "missingMutationConfiguration",
        ),
    ],
)
@pytest.mark.contract_violations_expected  # each query breaks GitHub's schema on purpose
def test_validation_errors_use_githubs_messages(
    http: requests.Session, sandbox: Sandbox, query: str, message: str, code: str
) -> None:
    errors = refused(post(http, sandbox.url, query))

    assert [e["message"] for e in errors] == [message]
    assert errors[0]["extensions"]["code"] == code
    assert errors[0]["locations"] and errors[0]["path"][0] in ("query", "mutation")


def test_a_missing_variable_is_refused_with_its_type(http: requests.Session, sandbox: Sandbox) -> None:
    errors = refused(post(http, sandbox.url, REPOSITORY, {"owner": ORG}))

    assert [e["message"] for e in errors] == ["Variable $name of type String! was provided invalid value"]
    assert errors[0]["locations"] == [{"line": 2, "column": 35}]
    assert errors[0]["extensions"]["value"] is None


def test_variables_may_come_as_a_json_string(http: requests.Session, sandbox: Sandbox) -> None:
    body = {"query": REPOSITORY, "variables": json.dumps({"owner": ORG, "name": "agent-runtime"})}

    response = http.post(f"{sandbox.url}/graphql", json=body, timeout=30)

    assert response.json()["data"]["repository"]["nameWithOwner"] == f"{ORG}/agent-runtime"


def test_the_operation_is_chosen_by_name(http: requests.Session, sandbox: Sandbox) -> None:
    two = "query Me { viewer { login } } query Limit { rateLimit { limit } }"

    chosen = http.post(f"{sandbox.url}/graphql", json={"query": two, "operationName": "Limit"}, timeout=30)
    unnamed = http.post(f"{sandbox.url}/graphql", json={"query": two}, timeout=30)

    assert chosen.json() == {"data": {"rateLimit": {"limit": 5000}}}
    assert refused(unnamed) == [{"message": "An operation name is required"}]


def test_answered_queries_are_counted_in_the_request_stats(http: requests.Session, sandbox: Sandbox) -> None:
    post(http, sandbox.url, VIEWER)
    post(http, sandbox.url, "{ viewer { nope } }")  # refused: answered, but no points
    requests.post(f"{sandbox.url}/graphql", json={"query": VIEWER}, timeout=30)  # 401: not a GraphQL answer

    assert sandbox.stats.graphql_queries() == 2
    assert sandbox.stats.graphql_points() == 1
    assert sandbox.stats.snapshot()["graphql"] == {"queries": 2, "points": 1}
