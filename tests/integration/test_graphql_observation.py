"""GraphQL observation end to end: batches, follow-up pages, and every way back to REST.

Plans are made by the real planner and HTTP client against the sandbox; each case compares
with the plan made over REST (`graphql=False`), which is what the user must see either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import SourceRef
from reconciler.engine.planner import plan_repositories
from reconciler.github.git_data import get_file
from reconciler.github.http import HttpReader
from reconciler.github.port import Call, GitHubReader, GraphQLReply
from reconciler.github.remembering import Remembering
from reconciler.github.repositories import get_repository
from reconciler.kinds.base import GraphQLObservation, GraphQLPage
from reconciler.kinds.labels import LABELS as LABELS_KIND
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.kinds.workflows import WORKFLOW_FILES
from reconciler.kinds.workflows.block import DesiredWorkflow, DesiredWorkflows
from reconciler.plan.cost import NOTHING, RequestCost
from reconciler.plan.model import Action, Change, Plan
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings
from reconciler.sandbox import Exchange, FleetSpec, Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.conftest import FAST_RETRY, github_session
from tests.integration.conftest import KERNEL, ORG, RUNTIME, run

FLEET = "fleet"
TOKEN = "planner"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
SOURCE = SourceRef("x.yml", 1, 1)
LABELS = "GET /repos/{owner}/{repo}/labels"
CONTENTS = "GET /repos/{owner}/{repo}/contents/{path}"
CI = ".github/workflows/ci.yml"


@pytest.fixture
def fleet() -> Iterator[Sandbox]:
    with Sandbox(seed=False) as sandbox:
        sandbox.set_rate_limit(remaining=100_000, limit=100_000)
        yield sandbox


def seed(sandbox: Sandbox, count: int) -> list[str]:
    return sandbox.seed_fleet(FleetSpec(FLEET, count))


def ci_body(sandbox: Sandbox, slug: str) -> bytes:
    """The CI workflow a fleet's repositories start with: declared as it is, no body is fetched."""
    session = github_session(sandbox.url, TOKEN)
    try:
        return get_file(HttpReader(session), slug, CI)
    finally:
        session.close()


def declared(slugs: list[str], body: bytes = b"on: push\n") -> EffectiveState:
    """Each repository manages its labels (one declared) and its CI workflow file."""
    blocks = {
        "labels": LabelsSpec(items=(LabelSpec(name="bug", color="d73a4a", description="Something isn't working"),)),
        "workflows": DesiredWorkflows(
            mode="commit",
            items=(DesiredWorkflow(CI, "present", "enabled", body, "workflows/ci.yml", SOURCE),),
        ),
    }
    return EffectiveState(
        root=Path("."), repositories=tuple(EffectiveRepository(s, SOURCE, blocks) for s in slugs), digest="t"
    )


def planned(sandbox: Sandbox, state: EffectiveState, *, graphql: bool, wrap: Any = None) -> Plan:
    session = github_session(sandbox.url, TOKEN)
    reader: GitHubReader = HttpReader(session)
    try:
        return plan_repositories(state, wrap(reader) if wrap else reader, now=NOW, graphql=graphql)
    finally:
        session.close()


@contextmanager
def repositories_per_query(sandbox: Sandbox) -> Iterator[list[int]]:
    """Watch the GraphQL queries sent: how many repositories each asked about."""
    sizes: list[int] = []

    def seen(exchange: Exchange) -> None:
        if exchange.route == "/graphql" and exchange.status == 200:
            query = json.loads(exchange.request_body)["query"]
            sizes.append(query.count(": repository("))

    sandbox.add_observer(seen)
    try:
        yield sizes
    finally:
        sandbox.remove_observer(seen)


def rest_reads(sandbox: Sandbox, slugs: list[str], route: str) -> int:
    return sum(sandbox.stats.for_repo(slug).get(route, 0) for slug in slugs)


def test_batches_grow_while_a_query_costs_one_point(fleet: Sandbox) -> None:
    slugs = seed(fleet, 300)
    state = declared(slugs, ci_body(fleet, slugs[0]))
    fleet.stats.reset()
    with repositories_per_query(fleet) as sizes:
        through = planned(fleet, state, graphql=True)
    # 25 first, alone (a cheap first question), then twice as many while GitHub charges 1
    # point, up to 100 repositories a query; queries after the first run a few at once, so
    # some start before the answer that would let them grow.
    assert sizes[0] == 25
    assert max(sizes) == 100
    assert sum(sizes) == 300
    assert len(sizes) <= 6
    assert fleet.stats.graphql_points() == len(sizes)
    assert rest_reads(fleet, slugs, LABELS) == rest_reads(fleet, slugs, CONTENTS) == 0
    assert through == planned(fleet, state, graphql=False)


def test_labels_past_100_are_read_by_batched_follow_up_queries(fleet: Sandbox) -> None:
    slugs = seed(fleet, 4)
    extra = {slugs[0]: 150, slugs[1]: 250, slugs[2]: 91}  # with the 9 defaults: 159, 259 and 100 labels
    with fleet.state.lock:
        for slug, count in extra.items():
            repo = fleet.state.find_repo(*slug.split("/"))
            assert repo is not None
            for n in range(count):
                fleet.state.add_label(repo, f"extra-{n:03}", "ededed", f"number {n}")
    with repositories_per_query(fleet) as sizes:
        through = planned(fleet, declared(slugs), graphql=True)
    # The first page of all four; the second page of the two with more, together; the third of one.
    assert sizes == [4, 2, 1]
    assert rest_reads(fleet, slugs, LABELS) == 0
    assert through == planned(fleet, declared(slugs), graphql=False)


def test_a_repository_the_token_cannot_see_is_read_over_rest_and_fails_as_before(fleet: Sandbox) -> None:
    slugs = seed(fleet, 3)
    hidden = slugs[1]
    fleet.set_token_grant(
        TOKEN, TokenGrant(role=None, repositories={s.casefold(): "admin" for s in slugs if s != hidden})
    )
    with fleet.state.lock:
        repo = fleet.state.find_repo(*hidden.split("/"))
        assert repo is not None
        repo.private, repo.visibility = True, "private"
    state = declared([*slugs, f"{FLEET}/never-made"])
    through = planned(fleet, state, graphql=True)
    # GraphQL answered NOT_FOUND for those two; REST then says what it always said.
    assert fleet.stats.graphql_queries() == 1
    assert rest_reads(fleet, [hidden, f"{FLEET}/never-made"], LABELS) == 2
    assert rest_reads(fleet, [slugs[0], slugs[2]], LABELS) == 0
    assert [f.repository for f in through.failures] == [hidden, f"{FLEET}/never-made"]
    assert through == planned(fleet, state, graphql=False)


class OneAliasFails:
    """GitHub's partial answer: one repository's field null, with an error on its path."""

    def __init__(self, inner: GitHubReader, alias: str) -> None:
        self._inner = inner
        self._alias = alias

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def graphql(self, document: str, variables: Mapping[str, Any], call: Call) -> GraphQLReply:
        reply = self._inner.graphql(document, variables, call)
        data = {**(reply.data or {}), self._alias: None}
        error = {"type": "SERVICE_UNAVAILABLE", "path": [self._alias], "message": "Something went wrong"}
        return GraphQLReply(data, (*reply.errors, error), reply.cost)


def test_a_graphql_error_for_one_repository_reads_only_that_one_over_rest(fleet: Sandbox) -> None:
    slugs = seed(fleet, 3)
    state = declared(slugs, ci_body(fleet, slugs[0]))
    fleet.stats.reset()
    through = planned(fleet, state, graphql=True, wrap=lambda r: OneAliasFails(r, "r1"))
    assert rest_reads(fleet, [slugs[1]], LABELS) == rest_reads(fleet, [slugs[1]], CONTENTS) == 1
    assert rest_reads(fleet, [slugs[0], slugs[2]], LABELS) == rest_reads(fleet, [slugs[0], slugs[2]], CONTENTS) == 0
    assert not through.failures
    assert through == planned(fleet, state, graphql=False)


def test_a_server_without_graphql_is_read_over_rest_for_the_rest_of_the_plan(fleet: Sandbox) -> None:
    slugs = seed(fleet, 60)  # three batches' worth
    without = planned(fleet, declared(slugs), graphql=False)
    rest_only = fleet.stats.by_route()
    fleet.stats.reset()
    fleet.inject_fault(method="POST", path_pattern="^/graphql$", status=404, times=100)

    through = planned(fleet, declared(slugs), graphql=True)

    # One question, a 404, and then exactly the REST requests of a plan without GraphQL.
    assert fleet.stats.count("POST", "/graphql") == 1
    assert {route: n for route, n in fleet.stats.by_route().items() if route != "POST /graphql"} == rest_only
    assert through == without


def test_a_query_that_fails_whole_is_read_over_rest_and_the_next_batch_asks_again(fleet: Sandbox) -> None:
    slugs = seed(fleet, 40)
    # A 502 each time the client asks: the first batch (25 repositories) gives up on GraphQL.
    fleet.inject_fault(method="POST", path_pattern="^/graphql$", status=502, times=FAST_RETRY.attempts)
    with repositories_per_query(fleet) as sizes:
        through = planned(fleet, declared(slugs), graphql=True)
    assert rest_reads(fleet, slugs[:25], LABELS) == 25
    # Smaller after the failure (it may have been too big to finish in time), and answered.
    assert sizes == [12, 3]
    assert rest_reads(fleet, slugs[25:], LABELS) == 0
    assert through == planned(fleet, declared(slugs), graphql=False)


def test_a_remembering_reader_sees_the_same_either_way(sandbox: Sandbox) -> None:
    """verify and --changed-only plan through a reader that remembers; what later callers
    read through it (verify's check of the changed workflow bodies) is what the plan saw."""
    slugs = [KERNEL, RUNTIME]
    session = github_session(sandbox.url)
    try:
        plans = []
        for graphql in (True, False):
            shared = Remembering(HttpReader(session))
            plans.append(plan_repositories(declared(slugs), shared, now=NOW, graphql=graphql))
            sandbox.stats.reset()
            bodies = [shared.get_raw(f"/repos/{slug}/contents/{CI}", Call("read")) for slug in slugs]
            assert bodies and sandbox.stats.total() == 0, "a body the plan read was read again"
    finally:
        session.close()
    assert plans[0] == plans[1]


def test_import_plans_what_it_read_and_asks_graphql_nothing(live: Sandbox, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", f"{ORG}/community-site")
    assert code == 0, out + err
    assert "`reconciler plan` shows no changes" in out
    assert live.stats.graphql_queries() == 0


class ArchivedKind:
    """A kind from outside reconciler, observed through GraphQL by its own selection: whether
    the repository is archived (over REST, `GET /repos/{owner}/{repo}`)."""

    name = "archived-flag"
    plural = "archived flags"
    blocks = ()
    address = "archived"
    role = "pull"
    uninstalls = False
    importer = None

    def __init__(self) -> None:
        self.graphql = GraphQLObservation("archivedFlag: isArchived", self.read, self.observe_with)

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ()

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> bool:
        return False

    def read(self, answer: Mapping[str, Any], earlier: bool | None) -> GraphQLPage[bool]:
        return GraphQLPage(bool(answer["archivedFlag"]))

    def observe_with(self, reader: GitHubReader, repository: str, desired: bool, archived: bool) -> bool:
        return archived

    def observe(self, reader: GitHubReader, repository: str, desired: bool) -> bool:
        return get_repository(reader, repository).archived

    def diff(self, repository: str, desired: bool, observed: bool) -> list[Change]:
        state = {"archived": observed}
        action, reason = (Action.NOOP, Reason.MATCHES) if observed == desired else (Action.UPDATE, Reason.DIFFERS)
        return [Change.make(repository, self.name, "archived", action, state, {"archived": desired}, reason)]

    def apply(self, writer: Any, repository: str, changes: Any) -> list[Any]:
        return []

    def cost(self, changes: Any) -> RequestCost:
        return NOTHING


def test_a_kind_brings_its_own_selection_and_reading_and_shares_the_query(fleet: Sandbox) -> None:
    slugs = seed(fleet, 3)
    with fleet.state.lock:
        repo = fleet.state.find_repo(*slugs[1].split("/"))
        assert repo is not None
        repo.archived = True
    state = declared(slugs, ci_body(fleet, slugs[0]))
    kinds = (LABELS_KIND, WORKFLOW_FILES, ArchivedKind())
    fleet.stats.reset()
    session = github_session(fleet.url, TOKEN)
    try:
        through = plan_repositories(state, HttpReader(session), kinds=kinds, now=NOW, graphql=True)
        assert fleet.stats.graphql_queries() == 1
        assert rest_reads(fleet, slugs, "GET /repos/{owner}/{repo}") == 0
        without = plan_repositories(state, HttpReader(session), kinds=kinds, now=NOW, graphql=False)
        assert rest_reads(fleet, slugs, "GET /repos/{owner}/{repo}") == 3
    finally:
        session.close()
    assert through == without
    flagged = [c.repository for c in through.changes if c.kind == "archived-flag" and c.is_change]
    assert flagged == [slugs[1]]
