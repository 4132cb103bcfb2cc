"""The GraphQL contract checker, exercised with hand-built exchanges (no sandbox needed)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .checker import ContractChecker
from .graphql_checker import GraphQLContractChecker
from .test_checker import FakeExchange

HEADERS = {
    "content-type": "application/json; charset=utf-8",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-reset": "1900000000",
    "x-ratelimit-resource": "graphql",
}
LABELS = '{ repository(owner: "o", name: "r") { nameWithOwner labels(first: 1) { nodes { name isDefault } } } }'
TREE = """{ repository(owner: "o", name: "r") {
  object(expression: "HEAD:.github") { oid ... on Tree { entries { mode } } } } }"""
OID = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def checker() -> GraphQLContractChecker:
    return GraphQLContractChecker.from_file()


def exchange(query: str, response: Any, *, status: int = 200, **headers: str) -> FakeExchange:
    return FakeExchange(
        "POST",
        "/graphql",
        status,
        response_body=json.dumps(response).encode(),
        request_body=json.dumps({"query": query}).encode(),
        response_headers={**HEADERS, **headers},
        route="/graphql",
    )


def labels_data(**repository: Any) -> dict[str, Any]:
    base = {"nameWithOwner": "o/r", "labels": {"nodes": [{"name": "bug", "isDefault": True}]}}
    return {"data": {"repository": {**base, **repository}}}


def test_an_answer_shaped_like_the_schema_passes(checker: GraphQLContractChecker) -> None:
    assert checker.check(exchange(LABELS, labels_data())) == []


def test_a_value_of_the_wrong_type_is_named(checker: GraphQLContractChecker) -> None:
    found = checker.check(exchange(LABELS, labels_data(labels={"nodes": [{"name": "bug", "isDefault": "yes"}]})))

    assert found == ['POST /graphql -> 200: repository/labels/nodes/0/isDefault: "yes" is not a Boolean']


def test_missing_and_unasked_fields_are_named(checker: GraphQLContractChecker) -> None:
    found = checker.check(exchange(LABELS, {"data": {"repository": {"nameWithOwner": "o/r", "isFork": False}}}))

    assert found == [
        "POST /graphql -> 200: repository: 'labels' is missing",
        "POST /graphql -> 200: repository: 'isFork' was not asked for",
    ]


def test_a_null_in_a_non_null_place_needs_an_error_to_explain_it(checker: GraphQLContractChecker) -> None:
    unexplained = labels_data(nameWithOwner=None)
    explained = {
        "data": {"repository": None},
        "errors": [{"type": "NOT_FOUND", "path": ["repository"], "message": "Could not resolve to a Repository"}],
    }

    assert checker.check(exchange(LABELS, unexplained)) == [
        "POST /graphql -> 200: repository/nameWithOwner: null for String! with no error to explain it"
    ]
    assert checker.check(exchange(LABELS, explained)) == []


def test_fragments_on_a_concrete_type_are_optional_without_typename(checker: GraphQLContractChecker) -> None:
    blob = {"data": {"repository": {"object": {"oid": OID}}}}
    tree = {"data": {"repository": {"object": {"oid": OID, "entries": [{"mode": "040000"}]}}}}

    assert checker.check(exchange(TREE, blob)) == []
    assert checker.check(exchange(TREE, tree)) == [
        'POST /graphql -> 200: repository/object/entries/0/mode: "040000" is not a Int'
    ]


def test_data_for_an_invalid_query_is_a_violation(checker: GraphQLContractChecker) -> None:
    found = checker.check(exchange("{ repository(owner: 1) { stars } }", {"data": {"repository": None}}))

    assert found and all("answered data to a request GitHub refuses" in f or "no error" in f for f in found)


def test_a_valid_query_refused_as_invalid_is_a_violation(checker: GraphQLContractChecker) -> None:
    refusal = {"errors": [{"path": ["query"], "extensions": {"code": "undefinedField"}, "message": "no"}]}

    assert checker.check(exchange(LABELS, refusal)) == ["POST /graphql -> 200: a valid query was refused as invalid"]


def test_the_rate_limit_headers_must_be_graphqls_and_add_up(checker: GraphQLContractChecker) -> None:
    found = checker.check(exchange(LABELS, labels_data(), **{"x-ratelimit-resource": "core", "x-ratelimit-used": "7"}))

    assert found == [
        "POST /graphql -> 200: x-ratelimit-resource is 'core', not 'graphql'",
        "POST /graphql -> 200: x-ratelimit-remaining 4999 is not limit 5000 minus used 7",
    ]


def test_a_dry_run_answers_rate_limit_alone(checker: GraphQLContractChecker) -> None:
    query = "{ rateLimit(dryRun: true) { cost } viewer { login } }"

    assert checker.check(exchange(query, {"data": {"rateLimit": {"cost": 1}}})) == []
    assert checker.check(exchange(query, {"data": {"rateLimit": {"cost": 1}, "viewer": {"login": "x"}}})) == [
        "POST /graphql -> 200: data: a dry run answers rateLimit alone, not 'viewer'"
    ]


def test_errors_keep_to_githubs_fields(checker: GraphQLContractChecker) -> None:
    odd = {"errors": [{"message": "x", "locations": [{"line": 1}], "severity": "high"}]}

    assert checker.check(exchange("{ viewer { nope } }", odd)) == [
        "POST /graphql -> 200: an error with fields GitHub does not send: ['severity']",
        'POST /graphql -> 200: a location that is not {line, column}: {"line": 1}',
    ]


def test_a_refused_request_needs_githubs_error_body(checker: GraphQLContractChecker) -> None:
    good = {"message": "This endpoint requires you to be authenticated.", "documentation_url": "https://docs"}

    assert checker.check(exchange(LABELS, good, status=401)) == []
    assert checker.check(exchange(LABELS, {"error": "no"}, status=401)) == [
        "POST /graphql -> 401: an error response without GitHub's `message`"
    ]


def test_the_rest_checker_hands_graphql_exchanges_over(contract_checker: ContractChecker) -> None:
    assert contract_checker.check(exchange(LABELS, labels_data())) == []
    assert contract_checker.check(exchange(LABELS, labels_data(nameWithOwner=3))) == [
        "POST /graphql -> 200: repository/nameWithOwner: 3 is not a String"
    ]
