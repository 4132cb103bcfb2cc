"""Checking bodies against models, GraphQL documents and answers, and Link headers."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict

from reconciler.errors import NotFoundError, PermissionDeniedError, ValidationFailedError
from reconciler.github.http import Call, UnexpectedResponseError, parse, parse_items
from reconciler.github.http.graphql import is_query_only, operation_kinds, reply_from
from reconciler.github.http.pagination import PageTrail, next_link

CALL = Call("list labels", "o/r")


class Label(BaseModel):
    model_config = ConfigDict(extra="ignore")
    name: str
    color: str


def test_a_body_that_fits_the_model_is_parsed_and_extra_fields_ignored() -> None:
    label = parse(Label, {"name": "bug", "color": "d73a4a", "id": 1}, CALL)
    assert label == Label(name="bug", color="d73a4a")
    assert parse_items(Label, [{"name": "a", "color": "000000"}], CALL)[0].name == "a"


def test_a_wrongly_typed_field_is_an_error_naming_the_call_and_the_field() -> None:
    with pytest.raises(UnexpectedResponseError) as caught:
        parse_items(Label, [{"name": "a", "color": "0"}, {"name": 7, "color": "0"}], CALL, "GET /repos/o/r/labels")
    message = str(caught.value)
    assert message.startswith("o/r list labels: unexpected answer from GET /repos/o/r/labels:")
    assert "[1].name" in message
    with pytest.raises(UnexpectedResponseError, match=r"color: Field required"):
        parse(Label, {"name": "a"}, CALL)
    with pytest.raises(UnexpectedResponseError, match=r"body: Input should be a valid dictionary"):
        parse(Label, ["not", "an", "object"], CALL)


def test_a_value_echoed_in_a_validation_error_is_not_shown() -> None:
    with pytest.raises(UnexpectedResponseError) as caught:
        parse(Label, {"name": ["ghp_leaked_secret_value"], "color": "0"}, CALL)
    assert "ghp_leaked_secret_value" not in str(caught.value)


@pytest.mark.parametrize(
    ("document", "kinds"),
    [
        ("{ viewer { login } }", {"query"}),
        (
            'query Labels($o: String!) { repository(owner: $o, name: "x") { labels(first: 10) { nodes { name } } } }',
            {"query"},
        ),
        ('mutation { addStar(input: {starrableId: "1"}) { clientMutationId } }', {"mutation"}),
        ("# mutation in a comment\nquery mutation { mutation: viewer { login } }", {"query"}),
        ('query { a: search(query: "mutation {") { issueCount } }', {"query"}),
        ("fragment F on User { login }\nquery Q { viewer { ...F } }", {"query"}),
        ("query A { viewer { login } }\nmutation B { x }", {"query", "mutation"}),
        ("subscription { x }", {"subscription"}),
    ],
)
def test_the_operations_a_document_defines(document: str, kinds: set[str]) -> None:
    assert operation_kinds(document) == kinds
    assert is_query_only(document) == (kinds == {"query"})


def test_partial_graphql_data_comes_back_with_its_errors_and_cost() -> None:
    body = {
        "data": {"a": {"name": "x"}, "b": None, "rateLimit": {"cost": 1, "remaining": 4999}},
        "errors": [{"type": "NOT_FOUND", "path": ["b"], "message": "Could not resolve to a Repository"}],
    }
    reply = reply_from(body, CALL, "POST /graphql")
    assert reply.data is not None and reply.data["a"] == {"name": "x"}
    assert reply.errors[0]["type"] == "NOT_FOUND"
    assert reply.cost == 1
    assert reply_from({"data": {"viewer": {"login": "me"}}}, CALL, "POST /graphql").cost is None


def test_a_whole_query_failure_is_a_typed_error() -> None:
    with pytest.raises(NotFoundError, match="Could not resolve"):
        reply_from({"data": None, "errors": [{"type": "NOT_FOUND", "message": "Could not resolve"}]}, CALL, "P")
    with pytest.raises(PermissionDeniedError):
        reply_from({"errors": [{"type": "FORBIDDEN", "message": "Resource not accessible"}]}, CALL, "P")
    with pytest.raises(ValidationFailedError) as caught:
        reply_from(
            {"errors": [{"message": "Field 'x' doesn't exist", "extensions": {"code": "undefinedField"}}]}, CALL, "P"
        )
    assert "undefinedField" in caught.value.codes
    with pytest.raises(UnexpectedResponseError, match="neither"):
        reply_from({}, CALL, "POST /graphql")
    with pytest.raises(UnexpectedResponseError, match="not an object"):
        reply_from({"data": [1]}, CALL, "POST /graphql")


def test_the_next_link_is_found_among_the_others() -> None:
    header = (
        '<https://api.github.com/repositories/1/labels?page=1>; rel="prev", '
        '<https://api.github.com/repositories/1/labels?page=3>; rel="next", '
        '<https://api.github.com/repositories/1/labels?page=5>; rel="last"'
    )
    assert next_link(header) == "https://api.github.com/repositories/1/labels?page=3"
    assert next_link('<https://x/a?page=2>; rel="last"') is None
    assert next_link(None) is None
    assert next_link("<https://x/a?page=2>; rel=next") == "https://x/a?page=2"


def test_a_page_trail_refuses_cycles_other_servers_and_endless_listings() -> None:
    base = "https://ghe.example.com/api/v3"
    first = f"{base}/repos/o/r/labels?per_page=100"
    trail = PageTrail(base, first, max_pages=3)
    second = trail.follow(first, f"{base}/repos/o/r/labels?per_page=100&page=2")
    with pytest.raises(ValueError, match="cycle"):
        trail.follow(second, first)
    with pytest.raises(ValueError, match="another server"):
        trail.follow(second, "https://evil.example.com/api/v3/repos/o/r/labels?page=3")
    with pytest.raises(ValueError, match="outside the API"):
        trail.follow(second, "https://ghe.example.com/login?page=3")
    third = trail.follow(second, "labels?per_page=100&page=3")
    assert third == f"{base}/repos/o/r/labels?per_page=100&page=3"
    with pytest.raises(ValueError, match="past 3 pages"):
        trail.follow(third, f"{base}/repos/o/r/labels?per_page=100&page=4")
