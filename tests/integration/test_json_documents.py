"""`--format json` of validate, verify and explain: stdout is one versioned document, valid
against the schema published for it (the copy that ships in the package); messages go to stderr."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reconciler.schemas import packaged
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run


def document(out: str, schema: str) -> dict[str, Any]:
    """The whole of stdout parses as one JSON document, valid against `schema`."""
    parsed: dict[str, Any] = json.loads(out)
    jsonschema.Draft202012Validator(packaged(schema)).validate(parsed)
    assert parsed["format_version"] == 1
    assert parsed["generator"].startswith("reconciler ")
    return parsed


def test_validate_json_on_a_good_desired_state(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "--format", "json")
    assert code == 0, err
    found = document(out, "validate.schema.json")
    assert found["valid"] is True and found["problems"] == [] and found["error"] is None
    assert found["declared"] == {"repository_targets": 2, "organisation_targets": 1, "packs": 1}


def test_validate_json_lists_every_problem_of_a_broken_desired_state(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = workdir / "bad"
    bad.mkdir()
    (bad / "a.yml").write_text(
        "repositories:\n"
        "  - repository: acme/widgets\n"
        "    labels:\n"
        "      items:\n"
        "        - {name: bug, color: red}\n"
        "        - {name: ok, colour: 00ff00}\n"
    )
    code, out, err = run(capsys, "validate", "bad", "--format", "json")
    assert code == 1
    found = document(out, "validate.schema.json")
    assert found["valid"] is False and found["declared"] is None
    places = {(p["file"], p["line"], p["severity"]) for p in found["problems"]}
    assert ("bad/a.yml", 5, "error") in places and ("bad/a.yml", 6, "error") in places
    assert any("'red' is not a colour" in p["message"] for p in found["problems"])
    assert "desired state has 2 errors" in err


def test_validate_json_when_there_is_nothing_to_read(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "missing", "--format", "json")
    assert code == 1
    found = document(out, "validate.schema.json")
    assert found["valid"] is False and "no desired state at missing" in found["error"]
    assert "no desired state at missing" in err


def test_verify_json_on_the_sandbox(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "verify", "--sandbox", "--format", "json", "--out", "health.md")
    assert code == 2, err
    found = document(out, "verify.schema.json")
    assert found["status"] == "drift" and found["exit_code"] == 2
    statuses = {check["name"]: check["status"] for check in found["checks"]}
    assert statuses["Token"] == "ok" and statuses["Required secrets"] == "drift"
    secrets = next(c for c in found["checks"] if c["name"] == "Required secrets")
    assert any(f["repository"] == RUNTIME and "CLAUDE_API_KEY" in f["text"] for f in secrets["findings"])
    # The plan inside is a plan document, as plan --format json writes it.
    jsonschema.Draft202012Validator(packaged("plan.schema.json")).validate(found["plan"])
    assert found["plan"]["repositories"] == sorted([KERNEL, RUNTIME, HANDBOOK])
    # The report file is still written; saying so is a message, so it goes to stderr.
    assert (workdir / "health.md").read_text().startswith("# reconciler verify: drift")
    assert "Report written to health.md" in err


def test_verify_json_when_broken_has_no_plan(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "--format", "json")  # no token, no --sandbox
    assert code == 1
    found = document(out, "verify.schema.json")
    assert found["status"] == "broken" and found["plan"] is None and found["plan_missing"]


def test_verify_report_file_is_the_old_name_of_out(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "--sandbox", "--report-file", "old.md", "--format", "markdown")
    assert code == 2
    assert (workdir / "old.md").read_text() == out


@pytest.mark.parametrize("repository", [RUNTIME, HANDBOOK])
def test_explain_json_on_the_sandbox(workdir: Path, capsys: pytest.CaptureFixture[str], repository: str) -> None:
    code, out, err = run(capsys, "explain", repository, "--sandbox", "--format", "json")
    assert code == 0, err
    assert err == ""
    found = document(out, "explain.schema.json")
    assert found["repository"] == repository
    assert found["packs"] == ["sovereign-autonomy"]
    assert any(t["layer"] == f"organization {ORG}" for t in found["targets"])
    labels = {k: v for k, v in found["values"].items() if k.startswith("label:")}
    assert labels, "the pack's labels are explained"
    assert all(v["origin"] is not None for v in labels.values())
