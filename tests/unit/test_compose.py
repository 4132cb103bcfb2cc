"""Packs, organisation and repository layers: merge order, overrides, conflicts, provenance."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.desired.blocks import Removal
from reconciler.desired.models import SelectSpec
from reconciler.desired.resolve import resolve_static, skip_reason
from reconciler.engine.selection import resolve
from reconciler.errors import DesiredStateError
from reconciler.github.port import LiveRepository
from reconciler.kinds.registry import load_desired_config, load_desired_state

PACK = """
packs:
  - name: base
    labels:
      prune: false
      items:
        - {name: bug, color: d73a4a}
        - {name: priority:high, color: d93f0b, description: Next}
    variables:
      items: {TEAM: core}
    limits: {max_issues: 3, max_prs: 1}
    secrets:
      items: [{name: TOKEN}]
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> None:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())


def test_repository_overrides_a_pack_key_by_key_and_remembers_where_each_value_came_from() -> None:
    write("packs/base.yml", PACK)
    write(
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            packs: [base]
            labels:
              items:
                - {name: Priority:High, color: ff0000}
                - {name: bug, ensure: absent}
                - {name: team:widgets, color: ededed}
            limits: {max_issues: 1}
            variables:
              items: {TEAM: null}
        """,
    )
    (repo,) = load_desired_state(Path(".")).repositories
    assert repo.block("labels") is not None and repo.block("limits") is not None and repo.block("variables") is not None
    labels = {label.name.lower(): label for label in repo.block("labels").items}
    assert labels["priority:high"].color == "ff0000" and labels["priority:high"].name == "Priority:High"
    assert labels["bug"].ensure == "absent"
    assert "team:widgets" in labels
    assert (repo.block("limits").max_issues, repo.block("limits").max_prs) == (1, 1)
    assert repo.block("variables").items == {"TEAM": None}
    assert repo.packs == ("base",)
    assert str(repo.provenance["limit:max_issues"]) == "repos.yml:9:26 (repository)"
    assert [str(o) for o in repo.overridden["limit:max_issues"]] == ["packs/base.yml:10:26 (pack base)"]
    assert str(repo.provenance["limit:max_prs"]) == "packs/base.yml:10:38 (pack base)"
    assert repo.provenance["labels.prune"].layer == "pack base"


def test_organisation_layer_sits_between_packs_and_the_repository() -> None:
    write("packs/base.yml", PACK)
    write(
        "org.yml",
        """
        organizations:
          - organization: acme
            packs: [base]
            limits: {max_issues: 5, max_prs: 2}
        """,
    )
    write("repos.yml", "repositories:\n  - repository: acme/widgets\n    limits: {max_issues: 9}\n")
    config = load_desired_config(Path("."))

    class Directory:
        def list_organization_repositories(self, organization: str) -> list[LiveRepository]:
            return [LiveRepository("acme/widgets", "main", False), LiveRepository("acme/gadgets", "main", False)]

        def get_repository(self, repository: str) -> LiveRepository:
            raise AssertionError("a full run lists the organisation once")

    desired = resolve(config, Directory())
    by_slug = {r.slug: r for r in desired.repositories}
    widgets, gadgets = by_slug["acme/widgets"].block("limits"), by_slug["acme/gadgets"].block("limits")
    assert widgets is not None and gadgets is not None
    assert (widgets.max_issues, widgets.max_prs) == (9, 2)
    assert (gadgets.max_issues, gadgets.max_prs) == (5, 2)
    (selection,) = desired.selections
    assert selection.matched == ("acme/gadgets", "acme/widgets")


def test_two_packs_that_disagree_are_an_error_naming_both_places() -> None:
    write("packs/base.yml", PACK)
    write(
        "packs/other.yml",
        """
        packs:
          - name: other
            labels:
              items:
                - {name: BUG, color: "000000"}
                - {name: priority:high, color: d93f0b, description: Next}
        """,
    )
    write("repos.yml", "repositories:\n  - repository: acme/widgets\n    packs: [base, other]\n")
    with pytest.raises(DesiredStateError) as caught:
        load_desired_config(Path("."))
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("packs/other.yml", 5)
    assert "pack 'other' and pack 'base' (at packs/base.yml:6:11)" in problem.message


def test_an_unknown_pack_names_the_reference() -> None:
    write("repos.yml", "repositories:\n  - repository: acme/widgets\n    packs: [nope]\n")
    with pytest.raises(DesiredStateError) as caught:
        load_desired_config(Path("."))
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("repos.yml", 3) and "no pack named 'nope'" in problem.message


def test_uninstall_makes_absent_only_what_the_pack_alone_declares() -> None:
    write("packs/base.yml", PACK)
    write(
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            packs: [{name: base, uninstall: true}]
            labels:
              items: [{name: bug, color: d73a4a}]
        """,
    )
    (repo,) = load_desired_state(Path(".")).repositories
    assert repo.block("labels") is not None and repo.block("variables") is not None
    labels = {label.name: label.ensure for label in repo.block("labels").items}
    assert labels == {"bug": "present", "priority:high": "absent"}
    assert repo.block("variables").items == {
        "TEAM": None,
        "AUTONOMY_MAX_ISSUES": None,
        "AUTONOMY_MAX_PRS": None,
    }
    assert repo.block("secrets") is None, "secrets are only removed when asked"
    config = load_desired_config(Path("."))
    (with_secrets,) = resolve_static(config, Removal(include_secrets=True)).repositories
    assert with_secrets.block("secrets") is not None and with_secrets.block("secrets").items[0].ensure == "absent"
    assert repo.packs == () and repo.uninstalling == ("base",)


def test_selectors_say_why_they_leave_a_repository_out() -> None:
    select = SelectSpec(include=("svc-*",), exclude=("svc-old",), topics=("autonomy",))
    live = {
        "svc-a": LiveRepository("o/svc-a", "main", False, topics=("autonomy",)),
        "svc-old": LiveRepository("o/svc-old", "main", False, topics=("autonomy",)),
        "web": LiveRepository("o/web", "main", False, topics=("autonomy",)),
        "svc-b": LiveRepository("o/svc-b", "main", False),
        "svc-arch": LiveRepository("o/svc-arch", "main", True, topics=("autonomy",)),
        "svc-fork": LiveRepository("o/svc-fork", "main", False, fork=True, topics=("AUTONOMY",)),
    }
    reasons = {name: skip_reason(select, repo) for name, repo in live.items()}
    assert reasons == {
        "svc-a": None,
        "svc-old": "excluded by 'svc-old'",
        "web": "not matched by include",
        "svc-b": "lacks topic autonomy",
        "svc-arch": "archived",
        "svc-fork": "a fork",
    }
