"""Property: over random live and desired label sets, plan → apply → plan converges safely.

Runs the real planner, applier and HTTP client against the sandbox over HTTP, so the
property holds for GitHub's case-insensitive, rename-keeps-id semantics, not a model of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.desired.state import EffectiveRepository, EffectiveState
from reconciler.desired.yaml_source import SourceRef
from reconciler.engine.applier import apply_plan
from reconciler.engine.planner import plan_repositories
from reconciler.github.http import HttpReader, HttpWriter
from reconciler.kinds.labels.spec import LabelSpec, LabelsSpec
from reconciler.names import fold
from reconciler.plan.model import Action
from reconciler.sandbox import Sandbox
from tests.conftest import github_session
from tests.strategies import cased

OWNER, NAME = "acme", "widgets"
SLUG = f"{OWNER}/{NAME}"
POOL = [
    "bug",
    "docs",
    "p1",
    "in progress",
    "status:wip",
    "area/api",
    "team: x",
    "wontfix",
    "sev-1",
    "old name",
]
COLOURS = ["d73a4a", "D73A4A", "0e8a16", "ededed"]
DESCRIPTIONS = [None, "", "Something", "something"]


@dataclass(frozen=True)
class LiveLabelSeed:
    name: str
    color: str
    description: str | None


@dataclass(frozen=True)
class Scenario:
    live: list[LiveLabelSeed]
    issues: list[list[int]]  # per issue: indexes into live
    desired: list[LabelSpec]
    prune: bool


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    live_words = draw(st.lists(st.sampled_from(POOL), unique=True, max_size=8))
    live = [
        LiveLabelSeed(draw(cased(w)), draw(st.sampled_from(COLOURS)), draw(st.sampled_from(DESCRIPTIONS)))
        for w in live_words
    ]
    issues = draw(
        st.lists(st.lists(st.integers(0, max(0, len(live) - 1)), unique=True, max_size=3), max_size=4)
        if live
        else st.just([])
    )
    # Names and aliases are drawn from distinct words, so the desired state is valid.
    words = draw(st.permutations(POOL))
    count = draw(st.integers(0, 5))
    desired: list[LabelSpec] = []
    cursor = count
    for index in range(count):
        n_aliases = draw(st.integers(0, 2))
        aliases = tuple(draw(cased(w)) for w in words[cursor : cursor + n_aliases])
        cursor += n_aliases
        desired.append(
            LabelSpec(
                name=draw(cased(words[index])),
                color=draw(st.sampled_from(COLOURS)),
                description=draw(st.sampled_from(["", "Something", "Else"])),
                aliases=aliases,
            )
        )
    return Scenario(live, issues, desired, draw(st.booleans()))


@pytest.fixture(scope="module")
def shared_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    state: Path = tmp_path_factory.mktemp("properties") / "state.json"
    with Sandbox(state, seed=False) as sandbox:
        yield sandbox


def load(sandbox: Sandbox, scenario: Scenario) -> dict[int, set[int]]:
    """Put the scenario's live labels and issues in the sandbox; return issue → label ids."""
    sandbox.reset(seed=False)
    with sandbox.state.lock:
        sandbox.state.add_account(OWNER, type="Organization")
        repo = sandbox.state.add_repo(OWNER, NAME)
        ids = [sandbox.state.add_label(repo, s.name, s.color, s.description).id for s in scenario.live]
        links = {}
        for picks in scenario.issues:
            issue = sandbox.state.add_issue(repo, "an issue", author=OWNER)
            issue.label_ids = [ids[i] for i in picks]
            links[issue.number] = set(issue.label_ids)
    return links


def live_labels(sandbox: Sandbox) -> dict[int, str]:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(OWNER, NAME)
        assert repo is not None
        return {label.id: label.name for label in repo.labels}


def issue_links(sandbox: Sandbox) -> dict[int, set[int]]:
    with sandbox.state.lock:
        repo = sandbox.state.find_repo(OWNER, NAME)
        assert repo is not None
        return {issue.number: set(issue.label_ids) for issue in repo.issues}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_apply_converges_and_never_loses_what_it_must_keep(shared_sandbox: Sandbox, scenario: Scenario) -> None:
    sandbox = shared_sandbox
    links_before = load(sandbox, scenario)
    labels_before = live_labels(sandbox)
    session = github_session(sandbox.url, "t")
    desired = EffectiveState(
        root=Path("."),
        repositories=(
            EffectiveRepository(
                SLUG,
                SourceRef("x.yml", 1, 1),
                {"labels": LabelsSpec(prune=scenario.prune, items=tuple(scenario.desired))},
            ),
        ),
        digest="test",
    )
    reader, writer = HttpReader(session), HttpWriter(session)
    try:
        plan = plan_repositories(desired, reader)
        report = apply_plan(plan, writer)
        assert not report.failed, [o.error for o in report.failed]
        again = plan_repositories(desired, reader)
    finally:
        session.close()

    # 1. Applying the plan, then planning again, gives an empty plan.
    assert not again.has_changes, [(c.action, c.key, c.reason_text) for c in again.actionable]

    labels_after = live_labels(sandbox)
    declared = {fold(s.name) for s in scenario.desired}
    aliases = {fold(a) for s in scenario.desired for a in s.aliases}
    deleted = {label_id: name for label_id, name in labels_before.items() if label_id not in labels_after}
    for name in deleted.values():
        # 2. No undeclared label is ever deleted without prune, and an alias never is.
        assert scenario.prune, f"{name!r} was deleted with prune off"
        assert fold(name) not in aliases, f"{name!r} matches an alias and was deleted"
        assert fold(name) not in declared

    # 3. Every issue that carried a renamed (or any surviving) label still carries it.
    links_after = issue_links(sandbox)
    for number, label_ids in links_before.items():
        assert links_after[number] == label_ids - deleted.keys()
    for change in plan.changes:
        if change.action is Action.RENAME:
            assert change.before is not None and change.after is not None
            old_id = next(i for i, n in labels_before.items() if n == change.before["name"])
            assert labels_after[old_id] == change.after["name"], "a rename must keep the label's id"
            carried = [n for n, ids in links_before.items() if old_id in ids]
            assert all(old_id in links_after[n] for n in carried)
