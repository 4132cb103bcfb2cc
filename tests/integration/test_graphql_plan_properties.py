"""Property: a plan made through GraphQL is the plan made over REST, whatever GitHub holds.

Random live states on the sandbox (labels with random names, colours and descriptions, more
than 100 of them, names that fold alike, aliases; workflow directories with random files and
blob ids; repositories that do not exist or that the token cannot see) are planned twice by
the real planner and HTTP client: through GraphQL, then with it off. The plans, failures
included, must be the same (their time is fixed), so a user never sees which way was taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import SourceRef
from reconciler.engine.planner import plan_repositories
from reconciler.github.http import HttpReader
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.kinds.workflows.block import DesiredWorkflow, DesiredWorkflows
from reconciler.plan.model import Plan
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.conftest import github_session
from tests.strategies import cased

OWNER = "acme"
TOKEN = "planner"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
WORDS = ["bug", "docs", "in progress", "status:wip", "area/api", "team: x", "p1", "sev-1", "old name", "🚀 launch"]
COLOURS = ["d73a4a", "D73A4A", "0e8a16", "ededed"]
DESCRIPTIONS = [None, "", "Something", "something", 'Ünïcödé and "quotes"']
FILES = ["ci.yml", "agent.yml", "lint.yaml", "release.yml"]
BODIES = [b"on: push\njobs: {}\n", b"on: [push]\njobs: {}\n", b"on: push\r\njobs: {}\r\n", b"name: x\n"]
SOURCE = SourceRef("x.yml", 1, 1)


@dataclass(frozen=True)
class LiveRepository:
    name: str
    exists: bool
    visible: bool
    labels: tuple[tuple[str, str, str | None], ...]
    extra_labels: int  # filler labels, to go past GraphQL's and REST's page of 100
    files: tuple[tuple[str, bytes], ...] | None  # None: no commit at all
    # A directory inside .github/workflows, perhaps named like a workflow file: never one.
    nested: str | None


@dataclass(frozen=True)
class Scenario:
    repositories: tuple[LiveRepository, ...]
    labels: tuple[LabelSpec, ...]
    prune: bool
    workflows: tuple[DesiredWorkflow, ...]
    mode: str


TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
ANY_NAME = st.text(TEXT, min_size=1, max_size=50).filter(lambda name: name.strip() == name and name != "")
ANY_COLOUR = st.text("0123456789abcdefABCDEF", min_size=6, max_size=6)
ANY_DESCRIPTION = st.none() | st.text(TEXT, max_size=100)


@st.composite
def live_label(draw: st.DrawFn) -> tuple[str, str, str | None]:
    # Mostly words the desired state also uses (in any case: names that fold alike, aliases),
    # else anything GitHub takes.
    if draw(st.integers(0, 3)) > 0:
        name = draw(st.sampled_from(WORDS).flatmap(cased))
        return name, draw(st.sampled_from(COLOURS)), draw(st.sampled_from(DESCRIPTIONS))
    return draw(ANY_NAME), draw(ANY_COLOUR), draw(ANY_DESCRIPTION)


@st.composite
def live_repositories(draw: st.DrawFn, name: str) -> LiveRepository:
    labels = tuple(draw(st.lists(live_label(), max_size=6)))
    files = draw(
        st.none()
        | st.lists(st.tuples(st.sampled_from(FILES), st.sampled_from(BODIES)), unique_by=lambda f: f[0]).map(tuple)
    )
    return LiveRepository(
        name=name,
        exists=draw(st.integers(0, 9)) > 0,
        visible=draw(st.integers(0, 9)) > 0,
        labels=labels,
        extra_labels=draw(st.sampled_from([0, 0, 0, 99, 101, 230])),
        files=files,
        nested=draw(st.none() | st.sampled_from([*FILES, "nested"])),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    count = draw(st.integers(1, 4))
    repositories = tuple(draw(live_repositories(f"repo-{n}")) for n in range(count))
    # Names and aliases from distinct words, so the desired state is valid.
    words = draw(st.permutations(WORDS))
    labels: list[LabelSpec] = []
    cursor = draw(st.integers(0, 4))
    for index in range(cursor):
        aliases = tuple(draw(cased(w)) for w in words[cursor : cursor + draw(st.integers(0, 2))])
        cursor += len(aliases)
        labels.append(
            LabelSpec(
                name=draw(cased(words[index])),
                color=draw(st.sampled_from(COLOURS)),
                description=draw(st.sampled_from(["", "Something", "Else"])),
                aliases=aliases,
            )
        )
    paths = draw(st.lists(st.sampled_from(FILES), unique=True, max_size=3))
    workflows = []
    for path in paths:
        present = draw(st.integers(0, 4)) > 0
        workflows.append(
            DesiredWorkflow(
                path=f".github/workflows/{path}",
                ensure="present" if present else "absent",
                state=draw(st.sampled_from(["enabled", "disabled"])),
                content=draw(st.sampled_from(BODIES)) if present else None,
                source=f"workflows/{path}" if present else None,
                ref=SOURCE,
            )
        )
    mode = draw(st.sampled_from(["commit", "commit", "pull-request"]))
    return Scenario(repositories, tuple(labels), draw(st.booleans()), tuple(workflows), mode)


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=False) as sandbox:
        yield sandbox


def load(sandbox: Sandbox, scenario: Scenario) -> None:
    sandbox.reset(seed=False)
    hidden: list[str] = []
    with sandbox.state.lock:
        sandbox.state.add_account(OWNER, type="Organization")
        sandbox.state.workflow_registration_lag = 0
        for live in scenario.repositories:
            if not live.exists:
                continue
            private = {"private": True, "visibility": "private"} if not live.visible else {}
            repo = sandbox.state.add_repo(OWNER, live.name, **private)
            if not live.visible:
                hidden.append(f"{OWNER}/{live.name}")
            for name, colour, description in live.labels:
                sandbox.state.add_label(repo, name, colour, description)
            for n in range(live.extra_labels):
                sandbox.state.add_label(repo, f"filler-{n:03}", "ededed", None if n % 2 else f"filler {n}")
            if live.files is not None:
                changes = {f".github/workflows/{name}": body for name, body in live.files}
                if live.nested is not None and live.nested not in dict(live.files):
                    changes[f".github/workflows/{live.nested}/inner.yml"] = BODIES[0]
                changes.setdefault("README.md", b"hello\n")
                sandbox.state.commit_files(repo, repo.default_branch, changes, "files")
    if hidden:
        # Every repository but the hidden ones: those are private and out of the token's reach.
        visible = {f"{OWNER}/{live.name}".casefold(): "admin" for live in scenario.repositories if live.visible}
        sandbox.set_token_grant(TOKEN, TokenGrant(role=None, repositories=visible))


def desired(scenario: Scenario) -> EffectiveState:
    blocks = {
        "labels": LabelsSpec(prune=scenario.prune, items=scenario.labels),
        "workflows": DesiredWorkflows(mode=scenario.mode, items=scenario.workflows),
    }
    return EffectiveState(
        root=Path("."),
        repositories=tuple(
            EffectiveRepository(f"{OWNER}/{live.name}", SOURCE, blocks) for live in scenario.repositories
        ),
        digest="test",
    )


def planned(sandbox: Sandbox, scenario: Scenario, *, graphql: bool) -> Plan:
    session = github_session(sandbox.url, TOKEN)
    try:
        return plan_repositories(desired(scenario), HttpReader(session), now=NOW, graphql=graphql)
    finally:
        session.close()


LABELS = "GET /repos/{owner}/{repo}/labels"
CONTENTS = "GET /repos/{owner}/{repo}/contents/{path}"


def requests_for(sandbox: Sandbox, repositories: list[LiveRepository], route: str) -> int:
    return sum(sandbox.stats.for_repo(f"{OWNER}/{live.name}").get(route, 0) for live in repositories)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_plans_through_graphql_and_rest_are_the_same(shared_sandbox: Sandbox, scenario: Scenario) -> None:
    sandbox = shared_sandbox
    load(sandbox, scenario)
    readable = [live for live in scenario.repositories if live.exists and live.visible]
    unreadable = [live for live in scenario.repositories if live not in readable]

    sandbox.stats.reset()
    through = planned(sandbox, scenario, graphql=True)
    queries = sandbox.stats.graphql_queries()
    # GraphQL answered for every readable repository: no REST label listing there; the others
    # were read over REST, which says why they cannot be planned, as it always did.
    assert requests_for(sandbox, readable, LABELS) == 0
    assert requests_for(sandbox, unreadable, LABELS) == len(unreadable)
    contents_through = requests_for(sandbox, readable, CONTENTS)

    sandbox.stats.reset()
    without = planned(sandbox, scenario, graphql=False)

    assert through == without
    assert queries >= 1, "the plan read nothing through GraphQL"
    assert sandbox.stats.graphql_queries() == 0, "GraphQL was used while turned off"
    # REST listed each readable repository's .github/workflows (when a file is declared: with
    # none, nothing can change and nothing is read); GraphQL's tree replaced those listings, and
    # the same file bodies were downloaded.
    listings = len(readable) if scenario.workflows else 0
    assert requests_for(sandbox, readable, CONTENTS) == contents_through + listings
    assert len(through.failures) == len(unreadable)
