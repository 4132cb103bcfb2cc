"""Secrets, variables and limits in desired state: what loads, and every mistake with file:line."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import jsonschema
import pytest

from reconciler.errors import DesiredStateError, Problem
from reconciler.kinds.registry import load_desired_state
from reconciler.kinds.variables.spec import LimitsSpec

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(directory: Path, text: str, name: str = "repos.yml") -> Path:
    path = directory / name
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


def test_secrets_variables_and_limits_load() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            secrets:
              prune: true
              items:
                - name: CODEX_API_KEY
                  from_env: DEMO_CODEX
                - name: CLAUDE_API_KEY
            variables:
              items:
                AUTONOMY_DEFAULT_AGENT: codex
                RETRIES: 3
            limits:
              max_issues: 3
              max_runtime_minutes: 60
        """,
    )
    (repo,) = load_desired_state(Path.cwd()).repositories
    assert repo.block("secrets") is not None and repo.block("secrets").prune
    assert [(s.name, s.from_env) for s in repo.block("secrets").items] == [
        ("CODEX_API_KEY", "DEMO_CODEX"),
        ("CLAUDE_API_KEY", None),
    ]
    assert repo.block("variables") is not None
    assert repo.block("variables").items == {"AUTONOMY_DEFAULT_AGENT": "codex", "RETRIES": "3"}
    assert repo.block("limits") is not None
    assert repo.block("limits").variables() == {
        "AUTONOMY_MAX_ISSUES": ("max_issues", "3"),
        "AUTONOMY_MAX_RUNTIME_MINUTES": ("max_runtime_minutes", "60"),
    }


def test_bad_secret_names_are_errors_with_file_and_line() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            secrets:
              items:
                - name: 1PASSWORD
                - name: GITHUB_TOKEN
                - name: api-key
                - name: OK_NAME
                  from_env: not a variable
        """,
    )
    found = problems(Path.cwd())
    digit = find(found, "must not start with a digit")
    assert (digit.file, digit.line, digit.field) == ("repos.yml", 5, "repositories[0].secrets.items[0].name")
    assert find(found, "GITHUB_ prefix is reserved").line == 6
    assert find(found, "only letters, digits and underscores").line == 7
    assert find(found, "not an environment variable name").line == 9
    assert len(found) == 4


def test_secret_and_variable_names_collide_case_insensitively() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            secrets:
              items:
                - name: CODEX_API_KEY
                - name: codex_api_key
            variables:
              items:
                REGION: eu
                region: us
        """,
    )
    found = problems(Path.cwd())
    secret = find(found, "secret 'codex_api_key' collides case-insensitively")
    assert secret.line == 6 and "repos.yml:5:" in secret.message
    variable = find(found, "variable 'region' collides case-insensitively")
    assert (variable.line, variable.column) == (10, 9)


def test_bad_variable_names_point_at_the_key() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            variables:
              items:
                GOOD: "1"
                github_sha: abc
        """,
    )
    (problem,) = problems(Path.cwd())
    assert (problem.line, problem.column) == (6, 9)
    assert problem.field == "repositories[0].variables.items.github_sha"
    assert "GITHUB_ prefix is reserved" in problem.message


def test_variable_values_are_text_with_a_quoting_hint_for_floats_and_booleans() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            variables:
              items:
                VERSION: 1.10
                ENABLED: true
                COUNT: 3
        """,
    )
    found = problems(Path.cwd())
    assert len(found) == 2
    version = find(found, 'quote it, e.g. "1.10"')
    assert version.line == 5 and version.field.endswith("items.VERSION")
    assert find(found, 'quote it, e.g. "true"').line == 6


def test_out_of_range_and_unknown_limits_are_errors_with_file_and_line() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            limits:
              max_issues: 99
              max_runtime_minutes: 1
              max_isues: 3
              max_prs: "2"
        """,
    )
    found = problems(Path.cwd())
    high = find(found, "99 is out of range for max_issues: 0 to 50")
    assert (high.file, high.line, high.field) == ("repos.yml", 4, "repositories[0].limits.max_issues")
    assert find(found, "1 is out of range for max_runtime_minutes: 5 to 360").line == 5
    typo = find(found, "unknown key 'max_isues'")
    assert typo.line == 6 and "did you mean 'max_issues'" in typo.message
    assert find(found, "valid integer").line == 7


def test_a_limit_and_a_variable_that_disagree_name_both_places() -> None:
    write(
        Path.cwd(),
        """
        repositories:
          - repository: acme/widgets
            variables:
              items:
                AUTONOMY_MAX_ISSUES: "5"
                autonomy_max_prs: 1
            limits:
              max_issues: 3
              max_prs: 1
        """,
    )
    (clash,) = problems(Path.cwd())
    assert (clash.file, clash.line, clash.field) == ("repos.yml", 8, "repositories[0].limits.max_issues")
    assert "sets AUTONOMY_MAX_ISSUES to '3'" in clash.message
    assert "to '5' at repos.yml:5:" in clash.message


def test_every_limit_maps_to_the_variable_the_pack_workflow_reads() -> None:
    workflow = (ROOT / "desired-state" / "workflows" / "autonomous-agent-loop.yml").read_text()
    for limit in LimitsSpec.model_fields:
        variable = LimitsSpec.variable_for(limit)
        assert variable is not None and f"vars.{variable}" in workflow, limit


def test_the_schema_flags_what_validate_flags() -> None:
    schema = json.loads((ROOT / "schemas" / "desired-state.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)

    def flagged(repo: dict[str, object]) -> bool:
        return bool(list(validator.iter_errors({"repositories": [{"repository": "a/b", **repo}]})))

    assert flagged({"secrets": {"items": [{"name": "GITHUB_TOKEN"}]}})
    assert flagged({"secrets": {"items": [{"name": "1X"}]}})
    assert flagged({"variables": {"items": {"bad-name": "x"}}})
    assert flagged({"variables": {"items": {"X": True}}})
    assert flagged({"limits": {"max_issues": 51}})
    assert flagged({"limits": {"max_files": 3}})
    assert not flagged(
        {
            "secrets": {"items": [{"name": "CODEX_API_KEY", "from_env": "SRC"}]},
            "variables": {"items": {"A": "x", "B": 3}},
            "limits": {"max_issues": 50, "max_runtime_minutes": 360},
        }
    )
