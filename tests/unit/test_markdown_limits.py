"""Markdown plans fit in a GitHub comment, however big the plan, and never fail."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.plan.model import Action, Change, Plan, RepositoryFailure, observed_digest
from reconciler.plan.reasons import Reason
from reconciler.render.markdown import DEFAULT_LIMIT, render_markdown

GITHUB_COMMENT_LIMIT = 65_536
REPOS = [f"octo-org/service-{n:02d}" for n in range(12)]
CYCLE = (Action.CREATE, Action.UPDATE, Action.RENAME, Action.DELETE, Action.UPDATE)


def label_change(repository: str, n: int, action: Action, *, attention: str | None = None) -> Change:
    before = None if action is Action.CREATE else {"name": f"old-{n}", "color": "ff0000", "description": "old"}
    after = None if action is Action.DELETE else {"name": f"label-{n}", "color": "00ff00", "description": "new"}
    reason = {Action.CREATE: Reason.MISSING, Action.DELETE: Reason.DECLARED_ABSENT}.get(action, Reason.DIFFERS)
    return Change.make(
        repository, "label", f"label-{n}", action, before, after, reason, f"reason {n}", attention=attention
    )


def file_change(repository: str, n: int, lines: int) -> Change:
    diff = "".join(f"-old line {i} with ```backticks```\n+new line {i}\n" for i in range(lines))
    return Change.make(
        repository,
        "workflow-file",
        f".github/workflows/w{n}.yml",
        Action.UPDATE,
        {"path": f".github/workflows/w{n}.yml", "sha": "a" * 40, "size": 10},
        {"path": f".github/workflows/w{n}.yml", "sha": "b" * 40, "size": 12},
        Reason.DIFFERS,
        "differs from its source",
        diff=f"--- a\n+++ b\n@@ -1 +1 @@\n{diff}",
    )


def plan_of(changes: list[Change], repositories: list[str] | None = None, **extra: object) -> Plan:
    return Plan(
        generator="reconciler test",
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
        github_url="https://api.github.com",
        desired_path="desired-state",
        desired_digest="sha256:d",
        observed_digest=observed_digest(changes),
        repositories=tuple(repositories or sorted({c.repository for c in changes})),
        changes=tuple(changes),
        **extra,  # type: ignore[arg-type]
    )


def big_plan() -> Plan:
    """3,000 changes over 12 repositories; every third repository has big workflow diffs."""
    changes: list[Change] = []
    for index in range(3_000):
        repo = REPOS[index % len(REPOS)]
        if index % 150 == 0 and REPOS.index(repo) % 3 == 0:
            changes.append(file_change(repo, index, lines=400))
        elif index % 97 == 0:
            changes.append(label_change(repo, index, Action.CREATE, attention="set it by hand"))
        else:
            changes.append(label_change(repo, index, CYCLE[index % len(CYCLE)]))
    return plan_of(changes, REPOS)


def expected_row(plan: Plan, repo: str) -> str:
    changes = [c for c in plan.changes if c.repository == repo and c.is_change]
    counts = [sum(1 for c in changes if c.action is a and c.attention is None) for a in CYCLE[:4]]
    attention = sum(1 for c in changes if c.attention is not None)
    return f"| `{repo}` | {' | '.join(str(n) for n in counts)} | {attention} |"


def test_a_3000_change_plan_fits_in_a_comment_and_names_every_repositorys_counts() -> None:
    plan = big_plan()
    assert len(plan.changes) == 3_000

    text = render_markdown(plan, artifact_hint="attached to workflow run https://github.com/o/r/actions/runs/1")

    assert len(text) <= DEFAULT_LIMIT < GITHUB_COMMENT_LIMIT
    assert "The full plan did not fit in a comment: download the plan artifact" in text
    assert "(attached to workflow run https://github.com/o/r/actions/runs/1)" in text
    for repo in REPOS:
        assert expected_row(plan, repo) in text
    # Deletions are still called out before anything else.
    assert text.index("> [!CAUTION]") < text.index("| Repository |")
    assert re.search(r"This plan deletes \d+ object\(s\)", text)


def test_a_plan_that_fits_is_shown_whole_with_fenced_diffs() -> None:
    plan = plan_of([file_change(REPOS[0], 1, lines=3), label_change(REPOS[0], 2, Action.DELETE)])

    text = render_markdown(plan)

    assert "did not fit" not in text
    assert "````diff\n--- a\n" in text, "the fence is longer than the backticks inside the diff"
    assert text.index("> [!CAUTION]") < text.index("<details>")
    assert "| `octo-org/service-00` | 0 | 1 | 0 | 1 | 0 |" in text


def test_detail_is_shed_in_steps() -> None:
    plan = plan_of([file_change(repo, n, lines=60) for n, repo in enumerate(REPOS[:3])])
    full = render_markdown(plan, limit=10**9)

    no_diffs = render_markdown(plan, limit=len(full) - 1)
    assert "```diff" not in no_diffs and "| Action | Kind | Name | Details |" in no_diffs
    assert "workflow diffs are left out" in no_diffs

    summary = render_markdown(plan, limit=len(no_diffs) - 1)
    assert "| Action |" not in summary and "only the summary is shown" in summary
    assert all(f"| `{repo}` | 0 | 1 | 0 | 0 | 0 |" in summary for repo in REPOS[:3])


def test_a_tiny_limit_still_yields_something_within_it() -> None:
    plan = big_plan()
    for limit in (0, 1, 50, 300, 2_000):
        assert len(render_markdown(plan, limit=limit)) <= limit


names = st.text(min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(REPOS[:4]),
            names,
            st.sampled_from(list(Action)),
            st.text(max_size=300),
            st.one_of(st.none(), st.text(max_size=80)),
        ),
        max_size=60,
    ),
    failures=st.lists(
        st.tuples(st.sampled_from(REPOS[4:8]), st.text(max_size=100)), max_size=3, unique_by=lambda f: f[0]
    ),
    limit=st.integers(min_value=0, max_value=6_000),
)
def test_rendering_never_raises_and_never_exceeds_the_limit(
    rows: list[tuple[str, str, Action, str, str | None]], failures: list[tuple[str, str]], limit: int
) -> None:
    changes = []
    for index, (repo, name, action, diff, attention) in enumerate(rows):
        before = None if action is Action.CREATE else {"name": name}
        after = None if action is Action.DELETE else {"name": name}
        changes.append(
            Change.make(
                repo,
                "label",
                f"{index}:{name}",
                action,
                before,
                after,
                Reason.DIFFERS,
                name,
                diff=diff or None,
                attention=attention,
            )
        )
    plan = plan_of(
        changes,
        REPOS[:8],
        failures=tuple(RepositoryFailure(repository=r, error=e) for r, e in failures),
    )

    text = render_markdown(plan, limit=limit)

    assert len(text) <= limit
