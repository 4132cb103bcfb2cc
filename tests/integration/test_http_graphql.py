"""GraphQL through the same transport and scheduler, against a loopback GraphQL endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from reconciler.errors import NotFoundError, ServerError
from reconciler.github.http import Call, Limits
from reconciler.github.http.scheduler import Kind
from tests.hostile_server import Exchange, HostileServer, answer
from tests.http_support import FakeClock, reader, writer

QUERY = """
query Labels($owner: String!) {
  a: repository(owner: $owner, name: "a") { labels(first: 100) { nodes { name color } } }
  b: repository(owner: $owner, name: "b") { labels(first: 100) { nodes { name color } } }
  rateLimit { cost remaining resetAt }
}
"""
CALL = Call("read labels", "o")


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as running:
        yield running


def graphql_answer(body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return answer(200, body, headers={"X-RateLimit-Resource": "graphql", **(headers or {})})


def test_partial_data_comes_back_with_its_errors_and_cost(server: HostileServer) -> None:
    body = {
        "data": {
            "a": {"labels": {"nodes": [{"name": "bug", "color": "d73a4a"}]}},
            "b": None,
            "rateLimit": {"cost": 1, "remaining": 4999, "resetAt": "2026-12-31T00:00:00Z"},
        },
        "errors": [
            {"type": "NOT_FOUND", "path": ["b"], "message": "Could not resolve to a Repository with the name 'o/b'."}
        ],
    }
    server.route("/graphql", graphql_answer(body))
    github = reader(server.url)
    reply = github.graphql(QUERY, {"owner": "o"}, CALL)
    assert reply.data is not None and reply.data["b"] is None
    assert reply.data["a"]["labels"]["nodes"][0]["name"] == "bug"
    assert [e["type"] for e in reply.errors] == ["NOT_FOUND"]
    assert reply.cost == 1
    sent = server.requests()[0]
    assert (sent.method, sent.path) == ("POST", "/graphql")
    assert json.loads(sent.body) == {"query": QUERY, "variables": {"owner": "o"}}
    usage = github.session.usage()
    assert usage.count(Kind.QUERY) == 1 and usage.graphql_points == 1 and usage.graphql_cost == 1
    assert usage.rest_points == 0


def test_a_whole_query_failure_is_raised_typed(server: HostileServer) -> None:
    server.route(
        "/graphql", graphql_answer({"errors": [{"type": "NOT_FOUND", "message": "Could not resolve to a User"}]})
    )
    with pytest.raises(NotFoundError, match="GraphQL query failed: Could not resolve to a User"):
        reader(server.url).graphql('{ user(login: "x") { id } }', {}, CALL)


def test_github_enterprise_serves_graphql_beside_the_rest_api(server: HostileServer) -> None:
    server.route("/api/graphql", graphql_answer({"data": {"viewer": {"login": "me"}}}))
    reply = reader(f"{server.url}/api/v3").graphql("{ viewer { login } }", {}, CALL)
    assert reply.data == {"viewer": {"login": "me"}}
    assert server.requests()[0].path == "/api/graphql"


def test_graphql_budget_is_kept_apart_from_the_rest_budget(server: HostileServer) -> None:
    clock = FakeClock()
    reset = str(int(clock.now()) + 100)
    server.route(
        "/graphql",
        graphql_answer(
            {"data": {"viewer": {"login": "me"}}}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
        ),
    )
    server.route(
        "/user",
        answer(
            200,
            {"login": "me"},
            headers={"X-RateLimit-Resource": "core", "X-RateLimit-Remaining": "4000", "X-RateLimit-Reset": reset},
        ),
    )
    github = reader(server.url, clock, limits=Limits.github())
    github.graphql("{ viewer { login } }", {}, CALL)
    github.get("/user", Call("read the user"))
    assert clock.sleeps == [], "a spent GraphQL budget does not hold REST requests"
    github.graphql("{ viewer { login } }", {}, CALL)
    assert len(clock.sleeps) == 1 and 100 <= clock.sleeps[0] <= 102


def test_a_rate_limited_query_waits_for_the_reset_and_is_retried(server: HostileServer) -> None:
    clock = FakeClock()
    calls: list[int] = []

    def limited_once(exchange: Exchange) -> None:
        calls.append(1)
        if len(calls) == 1:
            headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(clock.now()) + 40)}
            exchange.reply(
                200, {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]}, headers=headers
            )
        else:
            exchange.reply(200, {"data": {"viewer": {"login": "me"}}})

    server.route("/graphql", limited_once)
    reply = reader(server.url, clock).graphql("{ viewer { login } }", {}, CALL)
    assert reply.data == {"viewer": {"login": "me"}}
    assert len(clock.sleeps) == 1 and 40 <= clock.sleeps[0] <= 42


def test_mutations_go_through_the_writer_cost_five_points_and_are_never_repeated(server: HostileServer) -> None:
    server.route("/graphql", answer(502, {"message": "Server Error"}))
    github = writer(server.url)
    with pytest.raises(ServerError):
        github.graphql('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }', {}, CALL)
    assert len(server.requests()) == 1, "a mutation that may have landed was sent again"
    usage = github.session.usage()
    assert usage.count(Kind.MUTATION) == 1 and usage.graphql_points == 5


def test_every_kind_of_request_pins_the_api_version(server: HostileServer) -> None:
    server.route("/graphql", graphql_answer({"data": {"viewer": {"login": "me"}}}))
    server.route("/repos/o/r/contents/f", answer(200, None, headers={"Content-Type": "application/vnd.github.raw"}))
    server.route("/repos/o/r/labels", answer(200, []))
    server.route("/repos/o/r/labels/x", answer(204))
    github = writer(server.url)
    github.graphql("{ viewer { login } }", {}, CALL)
    github.get_raw("/repos/o/r/contents/f", Call("read file", "o/r"))
    github.get_all("/repos/o/r/labels", Call("list labels", "o/r"))
    github.send("DELETE", "/repos/o/r/labels/x", Call("delete label", "o/r"))
    seen = server.requests()
    assert len(seen) == 4
    assert all(r.headers.get("x-github-api-version") == "2022-11-28" for r in seen)
    assert all(r.headers.get("user-agent", "").startswith("reconciler/") for r in seen)
