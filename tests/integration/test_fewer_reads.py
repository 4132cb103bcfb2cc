"""A plan reads only what could change: secrets, variables and workflows with nothing declared
and nothing pruned are not read at all. (Labels always are: their listing is also how a plan
finds out that a declared repository does not exist.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import KERNEL, run


def small_desired_state(root: Path, extra: str) -> Path:
    root.mkdir()
    (root / "kernel.yml").write_text(
        f"""version: 1
repositories:
  - repository: {KERNEL}
    labels:
      items:
        - {{name: bug, color: d73a4a}}
{extra}"""
    )
    return root


def test_kinds_with_nothing_declared_and_nothing_pruned_are_not_read(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = "    secrets: {items: []}\n    variables: {items: {}}\n    workflows: {items: []}\n"
    root = small_desired_state(workdir / "small", empty)
    live.stats.reset()

    code, out, _ = run(capsys, "plan", str(root))

    assert code == 0, out
    # Labels are read (over GraphQL, or REST where it cannot answer); nothing else is.
    assert set(live.stats.for_repo(KERNEL)) <= {"GET /repos/{owner}/{repo}/labels"}
    assert live.stats.total() > 0


def test_pruning_still_reads_what_it_may_delete(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pruning = "    secrets: {prune: true, items: []}\n    variables: {prune: true, items: {}}\n"
    root = small_desired_state(workdir / "small", pruning)
    live.stats.reset()

    code, out, _ = run(capsys, "plan", str(root))

    assert code == 0, out
    read = set(live.stats.for_repo(KERNEL))
    assert {"GET /repos/{owner}/{repo}/actions/secrets", "GET /repos/{owner}/{repo}/actions/variables"} <= read
