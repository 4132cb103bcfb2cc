"""The Action's run step, with a stand-in `reconciler` that records how it was called: which
command line each input becomes, how credentials travel, what the outputs and the job
summary say, and when the step fails. (tests/integration/test_action.py runs the real one.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.action_harness import StepRun, run_action_step

TOKEN = "ghp_action-test-token-0123456789"
PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAtest\n-----END RSA PRIVATE KEY-----\n"
CREDENTIAL_VARIABLES = (
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "RECONCILER_APP_ID",
    "RECONCILER_APP_PRIVATE_KEY",
    "RECONCILER_APP_INSTALLATION_ID",
    "GITHUB_APP_ID",
    "GITHUB_APP_PRIVATE_KEY",
    "GITHUB_APP_INSTALLATION_ID",
)

# Records argv and the credential variables it was given, prints FAKE_REPORT, writes a plan
# where --out asks for one, merges plans for `plan merge`, prints a matrix for `shards`.
FAKE = """
import json, os, sys
argv = sys.argv[1:]
seen = {name: os.environ.get(name) for name in CREDENTIAL_VARIABLES}
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({"argv": argv, "env": seen}) + "\\n")
def out_path():
    return argv[argv.index("--out") + 1] if "--out" in argv else None
if "shards" in argv:
    n = int(argv[argv.index("shards") + 1])
    print(json.dumps({"include": [{"shard": f"{k}/{n}"} for k in range(1, n + 1)]}, indent=2))
    sys.exit(0)
if argv[:2] == ["plan", "merge"]:
    plans = [json.load(open(p)) for p in argv[argv.index("merge") + 1 : argv.index("--out")]]
    merged = dict(plans[0], repositories=[r for p in plans for r in p["repositories"]],
                  changes=[c for p in plans for c in p["changes"]])
    json.dump(merged, open(out_path(), "w"))
    print(f"merged {len(plans)} plans")
    sys.exit(0)
if out_path() and os.environ.get("FAKE_PLAN"):
    open(out_path(), "w").write(open(os.environ["FAKE_PLAN"]).read())
print(os.environ.get("FAKE_REPORT", "fake report"))
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
"""


def change(repository: str, action: str, attention: str | None = None) -> dict[str, Any]:
    return {"repository": repository, "kind": "label", "key": action, "action": action, "attention": attention}


def plan_json(repositories: list[str], changes: list[dict[str, Any]]) -> str:
    return json.dumps({"format_version": 1, "repositories": repositories, "changes": changes, "failures": []})


class FakeRun:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.bin = tmp_path / "bin"
        self.bin.mkdir()
        (self.bin / "python").symlink_to(sys.executable)
        fake = self.bin / "reconciler"
        fake.write_text(f"#!{sys.executable}\nCREDENTIAL_VARIABLES = {CREDENTIAL_VARIABLES!r}\n{FAKE}")
        fake.chmod(0o755)
        self.log = tmp_path / "calls.jsonl"
        self.runs = 0

    def __call__(self, inputs: dict[str, str], **job_env: str) -> StepRun:
        self.runs += 1
        self.log.write_text("")
        return run_action_step(
            "run",
            inputs,
            bin_dir=self.bin,
            work=self.tmp / f"run{self.runs}",
            job_env={"FAKE_LOG": str(self.log), **job_env},
            cwd=self.tmp,
        )

    def calls(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines()]


@pytest.fixture
def fake(tmp_path: Path) -> FakeRun:
    return FakeRun(tmp_path)


def everything_visible(run: StepRun, fake: FakeRun) -> str:
    """All a user or a log reader sees, and every command line reconciler was given."""
    argv = " ".join(" ".join(call["argv"]) for call in fake.calls())
    return run.log + run.summary + json.dumps(run.outputs) + argv


def test_a_token_input_reaches_reconciler_as_gh_token_and_nowhere_else(fake: FakeRun) -> None:
    run = fake({"command": "plan", "github-token": TOKEN}, GITHUB_TOKEN="the-workflows-own-token")

    assert run.returncode == 0, run.log
    (call,) = fake.calls()
    assert call["env"]["GH_TOKEN"] == TOKEN
    # The job's own token would take over if left beside it; the input wins.
    assert call["env"]["GITHUB_TOKEN"] is None
    assert TOKEN not in everything_visible(run, fake)


def test_app_inputs_reach_reconciler_as_its_app_variables_and_replace_any_token(fake: FakeRun) -> None:
    run = fake(
        {"command": "drift", "app-id": "12345", "app-private-key": PEM, "app-installation-id": "678"},
        GH_TOKEN="a-token-in-the-job-env",
    )

    assert run.returncode == 0, run.log
    (call,) = fake.calls()
    assert call["env"]["RECONCILER_APP_ID"] == "12345"
    assert call["env"]["RECONCILER_APP_PRIVATE_KEY"] == PEM
    assert call["env"]["RECONCILER_APP_INSTALLATION_ID"] == "678"
    assert call["env"]["GH_TOKEN"] is None and call["env"]["GITHUB_TOKEN"] is None
    assert "MIIEpAIBAAKCAQEAtest" not in everything_visible(run, fake)


def test_app_inputs_win_over_a_token_input_so_one_workflow_serves_either(fake: FakeRun) -> None:
    run = fake({"command": "plan", "app-id": "12345", "app-private-key": PEM, "github-token": TOKEN})

    (call,) = fake.calls()
    assert run.returncode == 0 and call["env"]["RECONCILER_APP_ID"] == "12345" and call["env"]["GH_TOKEN"] is None


@pytest.mark.parametrize(
    "inputs",
    [
        {"command": "plan", "github-token": TOKEN},
        {"command": "plan", "app-id": "12345", "app-private-key": PEM},
    ],
    ids=["token input", "app inputs"],
)
def test_credential_inputs_leave_no_github_app_variables_from_the_job_to_reconciler(
    fake: FakeRun, inputs: dict[str, str]
) -> None:
    # reconciler also reads GITHUB_APP_*: left beside the inputs they would override a token
    # input, or be half of another App beside the App inputs.
    job_app = {"GITHUB_APP_ID": "999", "GITHUB_APP_PRIVATE_KEY": "another-apps-key", "GITHUB_APP_INSTALLATION_ID": "1"}

    run = fake(inputs, **job_app)

    assert run.returncode == 0, run.log
    (call,) = fake.calls()
    assert all(call["env"][name] is None for name in job_app), call["env"]


def test_without_credential_inputs_the_job_environment_is_left_to_reconciler(fake: FakeRun) -> None:
    fake({"command": "plan"}, GITHUB_TOKEN=TOKEN)

    (call,) = fake.calls()
    assert call["env"]["GITHUB_TOKEN"] == TOKEN


def test_half_an_app_is_refused_before_reconciler_runs(fake: FakeRun) -> None:
    run = fake({"command": "plan", "app-id": "12345"})

    assert run.returncode == 1 and fake.calls() == []
    assert "::error title=reconciler action::app-id and app-private-key go together" in run.stdout


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "plan", "report-issue": "octo/ops"}, "report-issue is for drift monitor only, not plan"),
        ({"command": "apply", "comment-on": "octo/ops#3"}, "comment-on is for plan only, not apply"),
        ({"command": "plan", "shard": "two of four"}, "shard must be K/N"),
        ({"command": "shards"}, "shards needs shard-count"),
        ({"command": "destroy"}, "command must be validate, plan, apply"),
    ],
)
def test_inputs_that_make_no_sense_fail_the_step_and_say_why(
    fake: FakeRun, inputs: dict[str, str], message: str
) -> None:
    run = fake(inputs)

    assert run.returncode == 1 and message in run.stdout
    assert fake.calls() == [] and run.outputs["exit-code"] == "1"


def test_plan_saves_the_plan_and_counts_its_changes(fake: FakeRun, tmp_path: Path) -> None:
    saved = tmp_path / "fake-plan.json"
    saved.write_text(
        plan_json(
            ["octo/a", "octo/b", "octo/c"],
            [
                change("octo/a", "create"),
                change("octo/a", "create"),
                change("octo/a", "rename"),
                change("octo/b", "delete"),
                change("octo/b", "update", attention="set the secret by hand"),
                change("octo/c", "noop"),
            ],
        )
    )
    run = fake(
        {"command": "plan", "changed-only": "origin/main", "comment-on": "octo/ops#7"},
        FAKE_PLAN=str(saved),
        FAKE_EXIT="2",
        FAKE_REPORT="**3 to change**",
    )

    assert run.returncode == 0, "changes alone do not fail the step"
    (call,) = fake.calls()
    plan_file = run.outputs["plan-file"]
    assert call["argv"] == [
        "plan",
        "desired-state",
        "--format",
        "markdown",
        "--out",
        plan_file,
        "--detailed-exitcode",
        "--changed-only",
        "origin/main",
        "--comment-on",
        "octo/ops#7",
    ]
    assert json.loads(Path(plan_file).read_text())["repositories"] == ["octo/a", "octo/b", "octo/c"]
    assert {k: run.outputs[k] for k in ("exit-code", "has-changes", "changes", "creates", "renames", "deletes")} == {
        "exit-code": "2",
        "has-changes": "true",
        "changes": "4",
        "creates": "2",
        "renames": "1",
        "deletes": "1",
    }
    assert run.outputs["updates"] == "0" and run.outputs["needs-attention"] == "1"
    assert run.outputs["repositories"] == "3" and run.outputs["repositories-with-changes"] == "2"
    assert (
        run.summary.startswith("### reconciler plan: changes to make (exit 2)\n") and "**3 to change**" in run.summary
    )
    assert Path(run.outputs["report-file"]).read_text() == "**3 to change**\n"


@pytest.mark.parametrize(("code", "fails_with"), [("0", 0), ("2", 0), ("1", 1), ("3", 3)])
def test_only_errors_fail_the_step_by_default(fake: FakeRun, code: str, fails_with: int) -> None:
    run = fake({"command": "drift"}, FAKE_EXIT=code)

    assert run.returncode == fails_with and run.outputs["exit-code"] == code


def test_fail_on_changes_turns_exit_2_into_a_failed_step(fake: FakeRun) -> None:
    run = fake({"command": "monitor", "fail-on-changes": "true"}, FAKE_EXIT="2")

    assert run.returncode == 2
    assert "::error title=reconciler monitor::exit 2 (an alert is open) and fail-on-changes is set" in run.stdout


def test_reports_cannot_issue_workflow_commands(fake: FakeRun) -> None:
    # A label description on live GitHub, say, that a plan quotes.
    run = fake({"command": "plan"}, FAKE_REPORT="::add-mask::nothing\n::error::forged")

    lines = run.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[start].removeprefix("::stop-commands::")
    assert len(token) >= 32
    assert lines.index(f"::{token}::") > lines.index("::error::forged") > start


def test_validate_keeps_its_annotations_and_runs_strict_with_github_format(fake: FakeRun) -> None:
    run = fake(
        {"command": "validate"}, FAKE_REPORT="::error file=x.yml,line=1::bad\nDesired state is invalid.", FAKE_EXIT="1"
    )

    (call,) = fake.calls()
    assert call["argv"] == ["validate", "desired-state", "--format", "github", "--strict"]
    assert "stop-commands" not in run.stdout and "::error file=x.yml,line=1::bad" in run.stdout
    assert run.returncode == 1
    assert "Desired state is invalid." in run.summary and "::error" not in run.summary


def test_args_are_split_like_a_shell_without_running_anything(fake: FakeRun, tmp_path: Path) -> None:
    fake({"command": "apply", "args": "--repo 'octo/with space' --allow-deletions 3 $(touch pwned)"})

    (call,) = fake.calls()
    assert call["argv"][:3] == ["apply", "desired-state", "--auto-approve"]
    assert call["argv"][3:] == ["--repo", "octo/with space", "--allow-deletions", "3", "$(touch", "pwned)"]
    assert not (tmp_path / "pwned").exists()


def test_shards_become_a_matrix_output(fake: FakeRun) -> None:
    run = fake({"command": "shards", "shard-count": "3", "shard-by": "owner"})

    (call,) = fake.calls()
    assert call["argv"] == ["shards", "3", "--format", "github-matrix", "--shard-by", "owner"]
    assert run.outputs["matrix"] == '{"include":[{"shard":"1/3"},{"shard":"2/3"},{"shard":"3/3"}]}'


def test_a_shard_plan_is_named_after_its_shard(fake: FakeRun, tmp_path: Path) -> None:
    saved = tmp_path / "fake-plan.json"
    saved.write_text(plan_json(["octo/a"], []))
    run = fake({"command": "drift", "shard": "2/4"}, FAKE_PLAN=str(saved))

    (call,) = fake.calls()
    assert Path(run.outputs["plan-file"]).name == "plan-2-of-4.json"
    assert call["argv"][-2:] == ["--shard", "2/4"] and run.outputs["changes"] == "0"


def test_merge_plans_merges_the_shards_then_publishes_the_merged_plan(fake: FakeRun, tmp_path: Path) -> None:
    shards = tmp_path / "shard-plans"
    shards.mkdir()
    (shards / "plan-1-of-2.json").write_text(plan_json(["octo/a"], [change("octo/a", "create")]))
    (shards / "plan-2-of-2.json").write_text(plan_json(["octo/b"], [change("octo/b", "update")]))

    run = fake(
        {"command": "drift", "merge-plans": f"{shards}/*.json", "report-issue": "octo/ops"},
        FAKE_EXIT="2",
        GITHUB_TOKEN=TOKEN,
    )

    merge, publish = fake.calls()
    merged = run.outputs["plan-file"]
    assert merge["argv"] == [
        "plan",
        "merge",
        str(shards / "plan-1-of-2.json"),
        str(shards / "plan-2-of-2.json"),
        "--out",
        merged,
    ]
    assert publish["argv"] == ["drift", "--from-plan", merged, "--format", "markdown", "--report-issue", "octo/ops"]
    assert run.returncode == 0 and run.outputs["changes"] == "2" and run.outputs["repositories"] == "2"


def test_merge_plans_that_match_nothing_fail_rather_than_publish_an_empty_plan(fake: FakeRun, tmp_path: Path) -> None:
    run = fake({"command": "drift", "merge-plans": f"{tmp_path}/nothing-here/*.json", "report-issue": "octo/ops"})

    assert run.returncode == 1 and fake.calls() == [] and "merge-plans matched no file" in run.stdout
