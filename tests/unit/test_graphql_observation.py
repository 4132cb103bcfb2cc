"""GraphQL observation, piece by piece: the query a batch sends, how its answer is split and
read, how batches are sized, and when GraphQL is given up for REST."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse

from reconciler.engine.graphql_batch import Ask, batch_query, split_answer
from reconciler.engine.graphql_fetch import FIRST_BATCH, MAX_BATCH, MAX_FAILURES, BatchSize, GraphQLKinds
from reconciler.engine.prefetch import Prefetch, graphql_wanted
from reconciler.errors import AuthenticationError, GitHubError, NotFoundError, UnexpectedResponseError
from reconciler.github.git_data import LiveFile
from reconciler.github.port import Call, GraphQLReply
from reconciler.kinds.labels.graphql import read_labels
from reconciler.kinds.labels.kind import LABELS_GRAPHQL
from reconciler.kinds.labels.live import LiveLabel
from reconciler.kinds.workflows.file_kind import WORKFLOW_FILES_GRAPHQL
from reconciler.kinds.workflows.graphql import read_workflow_files
from tests.fake_port import FakePort


def test_a_batch_is_one_query_of_aliased_repositories_that_asks_what_it_cost() -> None:
    query = batch_query(
        [Ask("octo/widgets", LABELS_GRAPHQL.selection), Ask('we"ird/na\\me', WORKFLOW_FILES_GRAPHQL.selection)]
    )
    (operation,) = parse(query.document).definitions
    assert isinstance(operation, OperationDefinitionNode)
    fields = [(s.alias or s.name).value for s in operation.selection_set.selections if isinstance(s, FieldNode)]
    assert fields == ["r0", "r1", "rateLimit"]
    assert "r1: repository(owner: $o1, name: $n1)" in query.document
    # Names travel as variables, never spliced into the query's text.
    assert query.variables == {"o0": "octo", "n0": "widgets", "o1": 'we"ird', "n1": "na\\me"}
    assert "rateLimit { cost remaining resetAt }" in query.document


def test_batches_of_one_size_send_the_same_document_so_it_can_be_parsed_once() -> None:
    first = batch_query([Ask(f"o/a{n}", LABELS_GRAPHQL.selection) for n in range(3)])
    second = batch_query([Ask(f"p/b{n}", LABELS_GRAPHQL.selection) for n in range(3)])
    assert first.document == second.document
    assert first.variables != second.variables


def answered(data: dict[str, Any], *errors: dict[str, Any], cost: int | None = 1) -> GraphQLReply:
    return GraphQLReply(data, tuple(errors), cost)


def test_an_answer_is_split_by_alias_and_an_error_blames_only_its_repository() -> None:
    reply = answered(
        {"r0": {"labels": {}}, "r1": None, "r2": {"labels": None}, "rateLimit": {"cost": 1, "remaining": 4321}},
        {"type": "NOT_FOUND", "path": ["r1"], "message": "Could not resolve to a Repository"},
        {"type": "SERVICE_UNAVAILABLE", "path": ["r2", "labels"], "message": "timeout"},
    )
    answer = split_answer(reply, 3)
    assert answer.repositories == ({"labels": {}}, None, None)
    assert (answer.cost, answer.remaining) == (1, 4321)


def test_an_error_that_names_no_repository_leaves_no_answer_trusted() -> None:
    reply = answered({"r0": {"labels": {}}, "r1": {"labels": {}}}, {"message": "Something went wrong"})
    assert split_answer(reply, 2).repositories == (None, None)


def page(names: list[str], *, next_cursor: str | None = None) -> dict[str, Any]:
    nodes = [{"name": n, "color": "ededed", "description": None} for n in names]
    info = {"hasNextPage": next_cursor is not None, "endCursor": next_cursor or (names[-1] if names else None)}
    return {"labels": {"nodes": nodes, "pageInfo": info}}


def test_labels_are_read_page_after_page_with_the_cursor_github_gave() -> None:
    first = read_labels(page(["a", "b"], next_cursor="Y3Vyc29y"), None)
    assert first.part == (LiveLabel("a", "ededed", None), LiveLabel("b", "ededed", None))
    assert first.more is not None and 'after: "Y3Vyc29y"' in first.more
    last = read_labels(page(["c"]), first.part)
    assert [label.name for label in last.part] == ["a", "b", "c"] and last.more is None


@pytest.mark.parametrize(
    "answer",
    [
        {"labels": None},
        {"labels": {"nodes": [{"name": 3}], "pageInfo": {"hasNextPage": False}}},
        {"labels": {"nodes": [], "pageInfo": {"hasNextPage": True, "endCursor": None}}},
    ],
)
def test_a_malformed_label_answer_is_an_unexpected_response(answer: dict[str, Any]) -> None:
    with pytest.raises(UnexpectedResponseError):
        read_labels(answer, None)


def entry(name: str, kind: str = "blob", mode: int = 0o100644, size: int = 3) -> dict[str, Any]:
    return {"name": name, "oid": f"oid-{name}", "type": kind, "mode": mode, "size": size}


def test_the_workflow_tree_gives_regular_files_as_a_directory_listing_does() -> None:
    tree = {
        "entries": [
            entry("ci.yml"),
            entry("run.yml", mode=0o100755),
            entry("linked.yml", mode=0o120000),  # a symbolic link: `symlink` in a listing
            entry("vendored", kind="commit", mode=0o160000),  # a submodule
            entry("nested", kind="tree", mode=0o040000),
        ]
    }
    read = read_workflow_files({"workflowFiles": tree}, None)
    assert read.part == (
        LiveFile(".github/workflows/ci.yml", "oid-ci.yml", 3),
        LiveFile(".github/workflows/run.yml", "oid-run.yml", 3),
    )
    assert read.more is None


@pytest.mark.parametrize("found", [None, {}])
def test_no_directory_or_a_file_in_its_place_is_no_workflow_files(found: Any) -> None:
    assert read_workflow_files({"workflowFiles": found}, None).part == ()


def test_batches_grow_while_a_query_costs_a_point_and_shrink_when_it_costs_more() -> None:
    size = BatchSize()
    assert size.current == FIRST_BATCH
    size.cost(FIRST_BATCH, 1)
    assert size.current == 2 * FIRST_BATCH
    size.cost(10, 1)  # a short last batch says nothing about a full one
    assert size.current == 2 * FIRST_BATCH
    for _ in range(5):
        size.cost(size.current, 1)
    assert size.current == MAX_BATCH
    size.cost(MAX_BATCH, 2)
    assert size.current == MAX_BATCH
    size.cost(MAX_BATCH, 8)
    assert size.current == MAX_BATCH * 2 // 8
    size.failed()
    assert size.current == MAX_BATCH // 8
    for _ in range(10):
        size.failed()
    assert size.current == 1


@pytest.mark.parametrize(
    ("value", "on"),
    [(None, True), ("", True), ("1", True), ("0", False), (" Off ", False), ("false", False), ("no", False)],
)
def test_the_switch_turns_graphql_observation_off(value: str | None, on: bool) -> None:
    environ = {} if value is None else {"RECONCILER_GRAPHQL": value}
    assert graphql_wanted(environ) is on


class ScriptedGraphQL(FakePort):
    """Answers each GraphQL query with the next scripted reply (or raises it)."""

    def __init__(self, *replies: GraphQLReply | GitHubError) -> None:
        super().__init__({})
        self.replies = list(replies)
        self.queries: list[str] = []
        self.asked = threading.Semaphore(0)

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        self.queries.append(document)
        self.asked.release()
        reply = self.replies.pop(0)
        if isinstance(reply, GitHubError):
            raise reply
        return reply


def repositories(count: int) -> list[GraphQLKinds]:
    return [GraphQLKinds(f"o/r{n}", {"label": LABELS_GRAPHQL}) for n in range(count)]


def no_labels(count: int, remaining: int = 5000) -> GraphQLReply:
    data: dict[str, Any] = {f"r{n}": page([]) for n in range(count)}
    data["rateLimit"] = {"cost": 1, "remaining": remaining}
    return answered(data)


@pytest.mark.parametrize(
    "failure",
    [
        NotFoundError("Not Found", status=404),  # no GraphQL endpoint
        AuthenticationError("Bad credentials", status=401),
    ],
)
def test_no_endpoint_or_a_rejected_token_means_rest_for_the_rest_of_the_plan(failure: GitHubError) -> None:
    reader = ScriptedGraphQL(failure)
    with Prefetch(reader, repositories(FIRST_BATCH + 5), enabled=True) as prefetch:
        assert prefetch.parts("o/r0") == {}
        assert prefetch.parts(f"o/r{FIRST_BATCH}") == {}
    assert len(reader.queries) == 1


def test_a_query_that_fails_whole_leaves_later_batches_to_ask_again() -> None:
    typed = NotFoundError("GraphQL query failed: Could not resolve", status=200)
    reader = ScriptedGraphQL(typed, no_labels(FIRST_BATCH // 2))
    with Prefetch(reader, repositories(FIRST_BATCH + 5), enabled=True) as prefetch:
        assert prefetch.parts("o/r0") == {}
        assert prefetch.parts(f"o/r{FIRST_BATCH}") == {"label": ()}
    assert len(reader.queries) == 2


def test_queries_that_keep_failing_whole_are_given_up_for_the_plan() -> None:
    failures = [UnexpectedResponseError("POST /graphql", "HTML, not JSON", Call("q")) for _ in range(MAX_FAILURES)]
    reader = ScriptedGraphQL(*failures)
    with Prefetch(reader, repositories(3 * FIRST_BATCH), enabled=True) as prefetch:
        for n in range(3 * FIRST_BATCH):
            assert prefetch.parts(f"o/r{n}") == {}
    assert len(reader.queries) == MAX_FAILURES


def test_a_nearly_spent_graphql_budget_is_left_alone() -> None:
    reader = ScriptedGraphQL(no_labels(FIRST_BATCH, remaining=1))
    with Prefetch(reader, repositories(FIRST_BATCH + 5), enabled=True) as prefetch:
        assert prefetch.parts("o/r0") == {"label": ()}
        assert prefetch.parts(f"o/r{FIRST_BATCH}") == {}
    assert len(reader.queries) == 1


def test_a_cursor_that_leads_back_is_read_over_rest() -> None:
    looping = {"r0": page(["a"], next_cursor="c1"), "rateLimit": {"cost": 1, "remaining": 5000}}
    again = {"r0": page(["b"], next_cursor="c1"), "rateLimit": {"cost": 1, "remaining": 5000}}
    reader = ScriptedGraphQL(answered(looping), answered(again))
    with Prefetch(reader, repositories(1), enabled=True) as prefetch:
        assert prefetch.parts("o/r0") == {}
    assert len(reader.queries) == 2


def test_with_one_query_in_flight_it_reads_one_batch_ahead_of_the_planner_and_no_further() -> None:
    reader = ScriptedGraphQL(no_labels(FIRST_BATCH), no_labels(2 * FIRST_BATCH), no_labels(4 * FIRST_BATCH))
    with Prefetch(reader, repositories(10 * FIRST_BATCH), enabled=True, in_flight=1) as prefetch:
        assert prefetch.parts("o/r0") == {"label": ()}
        # While the first batch is planned, the second is read; the third waits for a worker.
        assert reader.asked.acquire(timeout=5) and reader.asked.acquire(timeout=5)
        assert not reader.asked.acquire(timeout=0.1)
        assert prefetch.parts(f"o/r{FIRST_BATCH}") == {"label": ()}
    assert len(reader.queries) in (2, 3)  # the third may have started before the plan ended
    assert [q.count(": repository(") for q in reader.queries[:2]] == [FIRST_BATCH, 2 * FIRST_BATCH]


def test_turned_off_it_asks_nothing() -> None:
    reader = ScriptedGraphQL()
    with Prefetch(reader, repositories(3), enabled=False) as prefetch:
        assert prefetch.parts("o/r1") == {}
    assert reader.queries == []


class HeldGraphQL(FakePort):
    """Answers every query with empty label lists for the repositories it asks about, after
    holding it until the test lets it go; counts the queries in flight at once."""

    def __init__(self) -> None:
        super().__init__({})
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.asked: list[int] = []

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        count = document.count(": repository(")
        with self.lock:
            self.asked.append(count)
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        # The first query goes alone; the test holds the others to see how many run at once.
        if len(self.asked) > 1:
            assert self.release.wait(timeout=5)
        with self.lock:
            self.in_flight -= 1
        return no_labels(count)


def wait_until(condition: Any, timeout: float = 5.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return True
        done.wait(0.01)
    return bool(condition())


def test_once_graphql_answers_a_few_queries_run_at_once_and_no_more_batches_ahead() -> None:
    reader = HeldGraphQL()
    with Prefetch(reader, repositories(40 * FIRST_BATCH), enabled=True, in_flight=3) as prefetch:
        assert prefetch.parts("o/r0") == {"label": ()}
        # The first answer proved GraphQL works: three queries go at once, and no fourth,
        # though the planner has asked for nothing beyond the first batch.
        assert wait_until(lambda: reader.in_flight == 3)
        assert not wait_until(lambda: len(reader.asked) > 4, timeout=0.2)
        reader.release.set()
        last = sum(reader.asked[:4]) - 1
        assert prefetch.parts(f"o/r{last}") == {"label": ()}
    assert reader.most_in_flight == 3
    # Each batch was asked about once, none twice, and the first alone was the first size.
    assert reader.asked[0] == FIRST_BATCH
