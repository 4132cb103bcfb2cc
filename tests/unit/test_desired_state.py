"""Loading desired state: every problem reported, each with file:line:column and the field."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from reconciler.errors import ConfigurationError, DesiredStateError, Problem
from reconciler.kinds.registry import load_desired_state


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Problems name files relative to the working directory, as a user at a terminal sees them.
    monkeypatch.chdir(tmp_path)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def problems(root: Path) -> list[Problem]:
    with pytest.raises(DesiredStateError) as caught:
        load_desired_state(root)
    return list(caught.value.problems)


def find(found: list[Problem], fragment: str) -> Problem:
    matches = [p for p in found if fragment in p.message]
    assert matches, f"no problem mentions {fragment!r}; got: {[str(p) for p in found]}"
    return matches[0]


def test_a_valid_file_loads_with_normalised_colours(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            labels:
              items:
                - name: bug
                  color: "#D73A4A"
        """,
    )
    state = load_desired_state(tmp_path)
    (repo,) = state.repositories
    assert repo.slug == "acme/widgets"
    assert repo.block("labels") is not None
    assert repo.block("labels").items[0].color == "d73a4a"
    assert repo.block("labels").prune is False
    assert str(repo.source) == "repos.yml:2:5"


def test_three_different_mistakes_are_all_reported_with_their_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            labels:
              items:
                - name: bug
                  color: red
                - name: docs
                  color: "0075ca"
                  colour: "0075ca"
                - name: help
                  color: "008672"
                  description: "%s"
        """
        % ("x" * 101),
    )
    found = problems(tmp_path)
    assert len(found) == 3
    colour = find(found, "is not a colour")
    assert (colour.file, colour.line, colour.field) == (
        "repos.yml",
        6,
        "repositories[0].labels.items[0].color",
    )
    unknown = find(found, "unknown key 'colour'")
    assert unknown.line == 9 and unknown.column == 11
    assert "did you mean 'color'" in unknown.message
    long = find(found, "too long: 101 characters")
    assert long.line == 12 and long.field.endswith("items[2].description")


def test_yaml_syntax_error_names_its_line_and_other_files_are_still_checked(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "repositories:\n  - repository: a/b\n    labels: [oops\n")
    write(tmp_path, "b.yml", "repositories:\n  - repository: not-a-slug\n")
    found = problems(tmp_path)
    syntax = find(found, "YAML syntax error")
    assert syntax.file == "a.yml" and syntax.line == 4
    assert "starts at 3:13" in syntax.message
    slug = find(found, "is not a repository")
    assert (slug.file, slug.line) == ("b.yml", 2)


def test_wrong_types_and_unknown_top_level_keys(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repository: acme/widgets
        repositories:
          - repository: acme/widgets
            labels:
              prune: sometimes
              items: {name: bug}
        """,
    )
    found = problems(tmp_path)
    assert find(found, "unknown key 'repository'").line == 1
    assert find(found, "valid boolean").field == "repositories[0].labels.prune"
    assert find(found, "valid tuple").field == "repositories[0].labels.items"


def test_unquoted_numeric_colour_gets_a_quoting_hint(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            labels:
              items:
                - {name: a, color: 123456}
                - {name: b, color: 5319e7}
        """,
    )
    found = problems(tmp_path)
    assert find(found, 'quote it, e.g. "123456"').field.endswith("items[0].color")
    assert find(found, 'quote it, e.g. "5319e7"').field.endswith("items[1].color")


def test_repository_declared_twice_across_files_case_insensitively(tmp_path: Path) -> None:
    write(tmp_path, "one.yml", "repositories:\n  - repository: Acme/Widgets\n")
    write(tmp_path, "two.yml", "repositories:\n  - repository: acme/widgets\n")
    (dup,) = problems(tmp_path)
    assert dup.file == "two.yml" and dup.line == 2
    assert "declared twice; first at one.yml:2:17" in dup.message


def test_label_and_alias_collisions_are_case_insensitive(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            labels:
              items:
                - {name: priority:high, color: d93f0b, aliases: [P1]}
                - {name: Priority:High, color: d93f0b}
                - {name: p1, color: d93f0b}
                - {name: status:done, color: 0e8a16, aliases: [Status:Done]}
        """,
    )
    found = problems(tmp_path)
    assert find(found, "label 'Priority:High' collides").line == 6
    assert find(found, "label 'p1' collides case-insensitively with alias 'P1'").line == 7
    assert find(found, "is the label's own name").field.endswith("items[3].aliases[0]")


def test_errors_inside_an_anchored_list_are_reported_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/one
            labels:
              items: &shared
                - {name: bug, color: nope}
          - repository: acme/two
            labels:
              items: *shared
        """,
    )
    assert len(problems(tmp_path)) == 1


def test_workflow_sources_are_not_desired_state_documents(tmp_path: Path) -> None:
    write(tmp_path, "repos.yml", "repositories:\n  - repository: acme/widgets\n")
    write(tmp_path, "workflows/agent.yml", "on: push\njobs: {}\n")
    state = load_desired_state(tmp_path)
    assert [r.slug for r in state.repositories] == ["acme/widgets"]


def test_missing_directory_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        load_desired_state(tmp_path / "nope")
    assert "no desired-state files" in problems(tmp_path)[0].message


def test_digest_changes_when_any_input_changes(tmp_path: Path) -> None:
    path = write(tmp_path, "repos.yml", "repositories:\n  - repository: acme/widgets\n")
    first = load_desired_state(tmp_path).digest
    assert load_desired_state(tmp_path).digest == first
    path.write_text(path.read_text() + "# a comment\n")
    assert load_desired_state(tmp_path).digest != first


def test_select_narrows_and_rejects_undeclared_repositories(tmp_path: Path) -> None:
    write(tmp_path, "repos.yml", "repositories:\n  - repository: acme/one\n  - repository: acme/two\n")
    state = load_desired_state(tmp_path)
    assert [r.slug for r in state.select(["ACME/two"]).repositories] == ["acme/two"]
    with pytest.raises(ConfigurationError, match="acme/three"):
        state.select(["acme/three"])


WORKFLOW = "name: Agent\non: workflow_dispatch\njobs:\n  run:\n    runs-on: ubuntu-latest\n    steps: []\n"


def test_workflow_sources_are_read_and_checked(tmp_path: Path) -> None:
    write(tmp_path, "workflows/good.yml", WORKFLOW)
    write(tmp_path, "workflows/no-jobs.yml", "on: push\n")
    write(tmp_path, "workflows/broken.yml", "on: [push\n")
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            workflows:
              items:
                - path: .github/workflows/good.yml
                  source: workflows/good.yml
                - path: .github/workflows/missing.yml
                  source: workflows/missing.yml
                - path: .github/workflows/no-jobs.yml
                  source: workflows/no-jobs.yml
                - path: .github/workflows/broken.yml
                  source: workflows/broken.yml
                - path: .github/workflows/good.yml
                  source: workflows/good.yml
                - path: ../escape.yml
                  source: workflows/good.yml
                - path: .github/workflows/old.yml
                  ensure: absent
                - path: .github/workflows/needs-source.yml
        """,
    )
    found = problems(tmp_path)
    assert find(found, "'workflows/missing.yml' does not exist").line == 8
    assert find(found, "needs a top-level 'jobs' key").file == "workflows/no-jobs.yml"
    assert find(found, "not valid YAML").file == "workflows/broken.yml"
    assert find(found, "is declared twice").line == 13
    assert find(found, "must not contain '..'").line == 15
    assert find(found, "'source' is required unless ensure is absent").line == 19
    assert len(found) == 6


def test_workflow_paths_must_be_directly_under_github_workflows(tmp_path: Path) -> None:
    write(tmp_path, "workflows/good.yml", WORKFLOW)
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            workflows:
              items:
                - {path: /etc/passwd.yml, source: workflows/good.yml}
                - {path: .github/agent.yml, source: workflows/good.yml}
                - {path: .github/workflows/sub/agent.yml, source: workflows/good.yml}
                - {path: .github/workflows/agent.txt, source: workflows/good.yml}
                - {path: .github/workflows/agent.yml, source: ../outside.yml}
        """,
    )
    found = problems(tmp_path)
    assert [p.line for p in found] == [5, 6, 7, 8, 9]


def test_workflow_bytes_are_kept_exactly(tmp_path: Path) -> None:
    (tmp_path / "workflows").mkdir()
    body = WORKFLOW.replace("\n", "\r\n").replace("Agent", "Agent ✓").encode()
    (tmp_path / "workflows" / "crlf.yml").write_bytes(body)
    write(
        tmp_path,
        "repos.yml",
        """
        repositories:
          - repository: acme/widgets
            workflows:
              mode: pull-request
              items:
                - {path: .github/workflows/crlf.yml, source: workflows/crlf.yml, state: disabled}
        """,
    )
    (repo,) = load_desired_state(tmp_path).repositories
    assert repo.block("workflows") is not None
    assert repo.block("workflows").mode == "pull-request"
    (workflow,) = repo.block("workflows").items
    assert workflow.content == body and workflow.state == "disabled"


def test_packs_and_organisation_targets_are_checked_like_repositories(tmp_path: Path) -> None:
    write(tmp_path, "workflows/broken.yml", "on: [push\n")
    write(
        tmp_path,
        "packs/p.yml",
        """
        packs:
          - name: p
            labels:
              items:
                - {name: operations, color: "006b75"}
                - {name: OPERATIONS, color: "006b75"}
            workflows:
              items:
                - {path: .github/workflows/a.yml, source: workflows/missing.yml}
                - {path: .github/workflows/b.yml, source: workflows/broken.yml}
            variables:
              items: {TEAM: a, team: b, AUTONOMY_MAX_ISSUES: "7"}
            limits: {max_issues: 3}
        organizations:
          - organization: acme
            secrets:
              items: [{name: X, from_env: GITHUB_TOKEN}, {name: x}]
        """,
    )
    found = problems(tmp_path)
    assert find(found, "label 'OPERATIONS' collides").file == "packs/p.yml"
    assert find(found, "'workflows/missing.yml' does not exist").field == "packs[0].workflows.items[0].source"
    assert find(found, "not valid YAML").file == "workflows/broken.yml"
    assert find(found, "variable 'team' collides").line == 12
    assert find(found, "limit max_issues sets AUTONOMY_MAX_ISSUES to '3'").line == 13
    assert "reconciler's own token" in find(found, "GITHUB_TOKEN holds").message
    assert find(found, "secret 'x' collides").field.startswith("organizations[0].secrets")


def test_a_null_variable_against_another_layers_limit_is_a_clash(tmp_path: Path) -> None:
    write(tmp_path, "packs/p.yml", "packs:\n  - name: p\n    variables:\n      items: {AUTONOMY_MAX_ISSUES: null}\n")
    write(
        tmp_path,
        "repos.yml",
        "repositories:\n  - repository: acme/widgets\n    packs: [p]\n    limits: {max_issues: 1}\n",
    )
    (clash,) = problems(tmp_path)
    assert (clash.file, clash.line) == ("repos.yml", 4)
    assert "declared absent (null) at packs/p.yml:4:36 (pack p)" in clash.message
