"""GitHub's GraphQL limits: cost, node limit, page sizes, the hourly points budget, headers."""

from __future__ import annotations

import json
import time

import requests

from reconciler.sandbox import Sandbox
from reconciler.sandbox.graphql import force_budget, secondary_points

from .graphql_queries import (
    DRY_RUN,
    OBSERVE,
    ORG,
    RATE_LIMIT_ONLY,
    THREE_POINTS,
    UNBOUNDED_LABELS,
    VIEWER,
    data_of,
    node_limit_query,
    post,
)

OBSERVE_VARIABLES = {"owner": ORG, "a": "sovereign-kernel", "b": "agent-runtime", "c": "operations-handbook"}


def used(response: requests.Response) -> int:
    return int(response.headers["X-RateLimit-Used"])


def test_every_answer_carries_the_graphql_budget_headers(http: requests.Session, sandbox: Sandbox) -> None:
    first = post(http, sandbox.url, OBSERVE, OBSERVE_VARIABLES)
    second = post(http, sandbox.url, OBSERVE, OBSERVE_VARIABLES)

    for response in (first, second):
        assert response.headers["X-RateLimit-Resource"] == "graphql"
        assert response.headers["X-RateLimit-Limit"] == "5000"
        assert int(response.headers["X-RateLimit-Reset"]) > time.time()
    assert (used(first), used(second)) == (1, 2)
    assert int(second.headers["X-RateLimit-Remaining"]) == 4998
    rate = data_of(second)["rateLimit"]
    assert (rate["cost"], rate["used"], rate["remaining"], rate["limit"]) == (1, 2, 4998, 5000)
    assert rate["resetAt"] == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(second.headers["X-RateLimit-Reset"])))


def test_graphql_points_are_a_budget_apart_from_rest_requests(http: requests.Session, sandbox: Sandbox) -> None:
    before = http.get(f"{sandbox.url}/rate_limit", timeout=30).json()["resources"]["core"]["used"]
    http.get(f"{sandbox.url}/repos/{ORG}/sovereign-kernel", timeout=30)

    answered = post(http, sandbox.url, OBSERVE, OBSERVE_VARIABLES)
    rest = http.get(f"{sandbox.url}/repos/{ORG}/sovereign-kernel", timeout=30)

    assert used(answered) == 1  # the REST request took nothing from GraphQL's points
    assert int(rest.headers["X-RateLimit-Used"]) == before + 2  # nor the query from REST's requests
    assert rest.headers["X-RateLimit-Resource"] == "core"


def test_nested_connections_multiply_into_the_cost(http: requests.Session, sandbox: Sandbox) -> None:
    # 3 x (1 request for 100 repositories + 100 requests for their labels) = 303 requests.
    answered = post(http, sandbox.url, THREE_POINTS)

    rate = data_of(answered)["rateLimit"]
    assert rate["cost"] == 3
    assert rate["nodeCount"] == 3 * (100 + 100 * 100)
    assert used(answered) == 3
    assert sandbox.stats.graphql_points() == 3 and sandbox.stats.graphql_queries() == 1


def test_over_500000_nodes_is_refused_whole_and_costs_nothing(http: requests.Session, sandbox: Sandbox) -> None:
    allowed = post(http, sandbox.url, node_limit_query(49))  # 494,900 nodes
    refused = post(http, sandbox.url, node_limit_query(50))  # 505,000 nodes

    assert "errors" not in allowed.json()
    assert refused.status_code == 200
    assert refused.json() == {
        "errors": [
            {
                "type": "MAX_NODE_LIMIT_EXCEEDED",
                "message": "By the time this query traverses to the labels connection, it is requesting up to "
                "505,000 possible nodes which exceeds the maximum limit of 500,000.",
            }
        ]
    }
    assert used(refused) == used(allowed)


def test_connections_need_first_or_last_to_list_and_at_most_100(http: requests.Session, sandbox: Sandbox) -> None:
    body = post(http, sandbox.url, UNBOUNDED_LABELS).json()

    repo = body["data"]["repository"]
    assert repo["nameWithOwner"] == f"{ORG}/sovereign-kernel"
    assert repo["counted"]["totalCount"] > 0  # counting needs no page size
    assert repo["listed"] is None and repo["excessive"] is None
    assert [(e["type"], e["path"], e["message"]) for e in body["errors"]] == [
        (
            "MISSING_PAGINATION_BOUNDARIES",
            ["repository", "listed"],
            "You must provide a `first` or `last` value to properly paginate the `labels` connection.",
        ),
        (
            "EXCESSIVE_PAGINATION",
            ["repository", "excessive"],
            "Requesting 101 records on the `labels` connection exceeds the `first` limit of 100 records.",
        ),
    ]
    assert [e["locations"] for e in body["errors"]] == [[{"line": 6, "column": 5}], [{"line": 7, "column": 5}]]


def test_a_dry_run_prices_the_query_without_running_or_charging_it(http: requests.Session, sandbox: Sandbox) -> None:
    priced = post(http, sandbox.url, DRY_RUN)
    real = post(http, sandbox.url, DRY_RUN.replace("dryRun: true", "dryRun: false"))

    assert data_of(priced) == {"rateLimit": {"cost": 1, "nodeCount": 100, "remaining": 5000, "used": 0}}
    assert used(priced) == 0
    assert set(data_of(real)) == {"rateLimit", "repository"}
    assert used(real) == 1


def test_asking_only_for_the_rate_limit_is_free(http: requests.Session, sandbox: Sandbox) -> None:
    post(http, sandbox.url, RATE_LIMIT_ONLY)
    answered = post(http, sandbox.url, RATE_LIMIT_ONLY)

    assert data_of(answered)["rateLimit"]["used"] == 0
    assert used(answered) == 0


def test_a_spent_budget_is_refused_with_githubs_rate_limit_error(http: requests.Session, sandbox: Sandbox) -> None:
    reset = int(time.time()) + 600
    force_budget(sandbox.state, remaining=0, reset_epoch=reset, now=int(time.time()))
    user = http.get(f"{sandbox.url}/user", timeout=30).json()

    refused = post(http, sandbox.url, VIEWER)
    free = post(http, sandbox.url, RATE_LIMIT_ONLY)
    rest = http.get(f"{sandbox.url}/repos/{ORG}/sovereign-kernel", timeout=30)

    assert refused.status_code == 200
    assert refused.json() == {
        "errors": [
            {
                "type": "RATE_LIMIT",
                "code": "graphql_rate_limit",
                "message": f"API rate limit already exceeded for user ID {user['id']}.",
            }
        ]
    }
    assert free.json() == refused.json()  # even the free rateLimit query, once nothing is left
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Reset"] == str(reset)
    assert rest.status_code == 200  # REST's budget is untouched
    assert sandbox.stats.graphql_points() == 0


def test_a_query_costing_more_than_is_left_is_refused(http: requests.Session, sandbox: Sandbox) -> None:
    force_budget(sandbox.state, remaining=2, reset_epoch=int(time.time()) + 600, now=int(time.time()))

    refused = post(http, sandbox.url, THREE_POINTS)
    cheap = post(http, sandbox.url, VIEWER)

    assert refused.json()["errors"][0]["type"] == "RATE_LIMIT"
    assert "API rate limit exceeded for user ID" in refused.json()["errors"][0]["message"]
    assert refused.headers["X-RateLimit-Remaining"] == "2"
    assert data_of(cheap) == {"viewer": {"login": "sandbox-operator"}}
    assert cheap.headers["X-RateLimit-Remaining"] == "1"


def test_each_token_has_its_own_budget_and_a_past_reset_starts_afresh(http: requests.Session, sandbox: Sandbox) -> None:
    post(http, sandbox.url, VIEWER)
    post(http, sandbox.url, VIEWER)

    other = post(http, sandbox.url, VIEWER, headers={"Authorization": "token another-token"})
    assert used(other) == 1

    now = int(time.time())
    force_budget(sandbox.state, remaining=0, reset_epoch=now - 1, now=now - 100)  # an hour already over
    renewed = post(http, sandbox.url, VIEWER)
    assert used(renewed) == 1 and int(renewed.headers["X-RateLimit-Reset"]) >= now + 3599


def test_the_budget_survives_a_restart(http: requests.Session, sandbox: Sandbox) -> None:
    post(http, sandbox.url, THREE_POINTS)
    sandbox.stop()
    with Sandbox(sandbox.state_file) as again:
        answered = post(http, again.url, VIEWER)

    assert used(answered) == 4


def test_secondary_points_are_1_for_a_query_and_5_for_a_mutation() -> None:
    def body(query: str, **extra: str) -> bytes:
        return json.dumps({"query": query, **extra}).encode()

    assert secondary_points(body(VIEWER)) == 1
    assert secondary_points(body('mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }')) == 5
    both = "query Read { viewer { login } } mutation Write { x }"
    assert secondary_points(body(both, operationName="Write")) == 5
    assert secondary_points(body(both, operationName="Read")) == 1
    assert secondary_points(b"not json") == 1
