"""`reconciler import` end to end: live sandbox → desired-state YAML → an empty plan."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from reconciler.gitobjects import blob_sha
from reconciler.kinds.registry import load_desired_config
from reconciler.sandbox import Sandbox
from reconciler.sandbox.seed import REPOSITORIES, SEEDED_SECRET_VALUE
from reconciler.sandbox.seed_files import AGENT_LOOP, OUTDATED_AGENT_LOOP
from tests.integration.conftest import KERNEL, ORG, ROOT, RUNTIME, run

SITE = f"{ORG}/community-site"
DESIGN = f"{ORG}/design-system"
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/desired-state.schema.json\n"
# Every seeded repository an organisation import takes by default: not archived, not a fork.
ACTIVE = sorted(
    spec["name"] for spec in REPOSITORIES if not spec["attrs"].get("archived") and not spec["attrs"].get("fork")
)


def plan_is_empty(capsys: pytest.CaptureFixture[str], *args: str) -> None:
    code, out, err = run(capsys, "plan", *args, "--detailed-exitcode")
    assert code == 0, out + err
    assert "No changes." in out


def every_file(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("slug", [SITE, DESIGN])
def test_importing_a_repository_no_selector_targets_makes_its_plan_empty(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], slug: str
) -> None:
    code, out, err = run(capsys, "import", slug)
    assert code == 0, out + err
    name = slug.split("/")[1]
    written = workdir / "desired-state" / "repositories" / f"{name}.yml"
    text = written.read_text()
    assert text.startswith(SCHEMA_LINE)
    assert re.search(r"^# Imported from GitHub by `reconciler import` on \d{4}-\d{2}-\d{2}", text, re.M)
    assert f"+ {slug}: desired-state/repositories/{name}.yml (added 9 labels)" in out
    assert "`reconciler plan` shows no changes" in out
    assert "warning" not in err
    plan_is_empty(capsys, "--repo", slug)


def test_the_kernel_round_trips_into_a_fresh_directory(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = workdir / "fresh"
    fresh.mkdir()
    code, out, err = run(capsys, "import", KERNEL, "--path", "fresh")
    assert code == 0, out + err

    text = (fresh / "repositories" / "sovereign-kernel.yml").read_text()
    # Its oddities are declared exactly as they are, every colour and value quoted as text.
    assert '- name: in progress\n          color: "1d76db"\n          description: Someone is on it\n' in text
    assert '- name: priority:high\n          color: "ff0000"\n' in text
    assert '- name: status:blocked\n          color: "b60205"\n          description: Blocked\n' in text
    assert "        - name: AGENT_GITHUB_TOKEN\n        - name: CLAUDE_API_KEY\n" in text
    assert 'AUTONOMY_DEFAULT_AGENT: "codex"' in text
    # The runbook's knob becomes a limit, which is what a pack's limit can be overridden with.
    assert "    limits:\n      max_issues: 10\n" in text
    assert "from_env" not in text and "prune" not in text
    # The outdated agent loop and the CI workflow, byte for byte.
    assert (fresh / "workflows" / "autonomous-agent-loop.yml").read_bytes() == OUTDATED_AGENT_LOOP.encode()
    assert (fresh / "workflows" / "ci.yml").read_bytes().startswith(b"name: CI")
    assert "source: workflows/autonomous-agent-loop.yml\n          state: enabled" in text
    for content in every_file(workdir / "fresh").values():
        assert SEEDED_SECRET_VALUE.encode() not in content and b"test-token" not in content

    plan_is_empty(capsys, "fresh", "--repo", KERNEL)


def test_an_organisation_imports_every_active_repository_and_plans_empty(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "--org", ORG, "--path", "fresh")
    assert code == 0, out + err
    written = sorted(p.stem for p in (workdir / "fresh" / "repositories").glob("*.yml"))
    assert written == ACTIVE
    assert f"skipped {ORG}/legacy-bootloader: archived (--include-archived imports it)" in err
    assert f"skipped {ORG}/upstream-libc: a fork (--include-forks imports it)" in err
    assert f"Imported {len(ACTIVE)} repositories" in out
    # agent-runtime's agent loop is the current revision and the kernel's the outdated one:
    # two bodies, and two different ci.yml, so one of each goes to a per-repository path.
    sources = sorted(p.relative_to(workdir / "fresh").as_posix() for p in (workdir / "fresh" / "workflows").rglob("*"))
    # Repositories are written in name order, so agent-runtime's bodies take the plain names.
    assert sources == [
        "workflows/autonomous-agent-loop.yml",
        "workflows/ci.yml",
        "workflows/sovereign-kernel",
        "workflows/sovereign-kernel/autonomous-agent-loop.yml",
        "workflows/sovereign-kernel/ci.yml",
    ]
    runtime = (workdir / "fresh" / "repositories" / "agent-runtime.yml").read_text()
    assert "path: .github/workflows/autonomous-agent-loop.yml" in runtime and "state: disabled" in runtime
    plan_is_empty(capsys, "fresh")


def test_archived_repositories_and_forks_only_when_asked(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "--org", ORG, "--path", "fresh", "--include-archived", "--include-forks")
    assert code == 0, out + err
    written = {p.stem for p in (workdir / "fresh" / "repositories").glob("*.yml")}
    assert {"legacy-bootloader", "upstream-libc"} <= written
    assert len(written) == len(REPOSITORIES)


HAND_WRITTEN = """\
# yaml-language-server: $schema=../../schemas/desired-state.schema.json
#
# Written by the runtime team. Keep this comment.
version: 1
repositories:
  - repository: Sovereign-Operating-System/agent-runtime   # the runtime
    # Variables first, on purpose.
    variables:
      items:
        TEAM_SLACK_CHANNEL: "#old-channel"   # moved in May
    labels:
      items:
        - name: team:runtime
          color: "BFD4F2"          # upper case, as the team likes it
          description: Owned by the runtime team
        - name: bug
          color: 'd73a4a'
          description: Something is broken   # our own words

    # Secrets a person manages.
    secrets:
      items:
        - name: RUNTIME_DEPLOY_KEY   # rotated by hand
"""


def test_updating_an_entry_keeps_comments_order_and_quoting(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh = workdir / "fresh"
    (fresh / "repositories").mkdir(parents=True)
    (fresh / "workflows" / "shared").mkdir(parents=True)
    entry = fresh / "repositories" / "runtime-team.yml"
    entry.write_text(HAND_WRITTEN)
    # A ci.yml that is not the runtime's, and the runtime's agent loop under another name.
    (fresh / "workflows" / "ci.yml").write_text("name: Other CI\non: push\njobs:\n  a:\n    runs-on: x\n")
    (fresh / "workflows" / "shared" / "loop.yml").write_bytes(AGENT_LOOP.encode())

    code, out, err = run(capsys, "import", RUNTIME, "--path", "fresh")
    assert code == 0, out + err
    assert f"~ {RUNTIME}: fresh/repositories/runtime-team.yml (added" in out
    assert "updated 1 label, 1 variable" in out
    after = entry.read_text()

    before_lines, after_lines = HAND_WRITTEN.splitlines(), after.splitlines()
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before_lines, after_lines).get_opcodes():
        removed += before_lines[i1:i2] if op in ("replace", "delete") else []
        added += after_lines[j1:j2] if op in ("replace", "insert") else []
    # Only the two values that differ from GitHub changed; every other line is as written.
    assert removed == [
        '        TEAM_SLACK_CHANNEL: "#old-channel"   # moved in May',
        "          description: Something is broken   # our own words",
    ]
    assert '        TEAM_SLACK_CHANNEL: "#runtime-oncall" # moved in May' in added
    assert "          description: Something isn't working # our own words" in added
    # The comment about secrets still sits right above them, below the labels added.
    assert after_lines[after_lines.index("    # Secrets a person manages.") + 1] == "    secrets:"
    assert after_lines.index("        - name: wontfix") < after_lines.index("    # Secrets a person manages.")
    keys = [line.strip().rstrip(":") for line in after_lines if re.fullmatch(r"    [a-z]+:", line)]
    assert keys == ["variables", "labels", "secrets", "workflows", "limits"]
    # Identical bodies are shared wherever they are; a taken name gets the repository's own path.
    assert "source: workflows/shared/loop.yml\n          state: disabled" in after
    assert "source: workflows/agent-runtime/ci.yml" in after
    assert not (fresh / "workflows" / "autonomous-agent-loop.yml").exists()
    assert (fresh / "workflows" / "ci.yml").read_text().startswith("name: Other CI")
    plan_is_empty(capsys, "fresh", "--repo", RUNTIME)

    # A second import finds nothing to change and leaves the file alone.
    code, out, _ = run(capsys, "import", RUNTIME, "--path", "fresh")
    assert code == 0
    assert "(already up to date)" in out
    assert entry.read_text() == after


def test_crlf_and_non_ascii_workflow_bodies_are_copied_exactly(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "name: Agent ✓ Übersicht\r\non: workflow_dispatch\r\njobs:\r\n  run:\r\n    runs-on: ubuntu-latest\r\n"
    with live.state.lock:
        repo = live.state.find_repo(ORG, "design-system")
        assert repo is not None
        live.state.commit_files(
            repo,
            repo.default_branch,
            {
                ".github/workflows/agent.yml": body.encode(),
                ".github/workflows/README.md": b"# not a workflow\n",
                ".github/workflows/broken.yml": b"on: push\njobs: [unclosed\n",
            },
            "Add workflows",
        )
    code, out, err = run(capsys, "import", DESIGN, "--path", "fresh")
    assert code == 0, out + err
    copied = (workdir / "fresh" / "workflows" / "agent.yml").read_bytes()
    assert copied == body.encode() and blob_sha(copied) == blob_sha(body.encode())
    # What desired state cannot declare is left out, said why, and left alone by the plan.
    assert "README.md not imported: '.github/workflows/README.md' must end in .yml or .yaml" in err
    assert "broken.yml not imported: not valid YAML" in err
    assert not (workdir / "fresh" / "workflows" / "broken.yml").exists()
    plan_is_empty(capsys, "fresh")


def test_one_file_for_many_repositories(live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "import", SITE, DESIGN, "--path", "fresh", "--file", "fresh/imported.yml")
    assert code == 0, out + err
    text = (workdir / "fresh" / "imported.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schemas/desired-state.schema.json\n")
    assert text.count("  - repository: ") == 2
    assert not (workdir / "fresh" / "repositories").exists()
    plan_is_empty(capsys, "fresh")

    code, _, err = run(capsys, "import", SITE, "--file", "elsewhere.yml")
    assert code == 1
    assert "--file elsewhere.yml is outside desired-state, so plan would not read it" in err


def test_a_name_another_owner_has_taken_gets_the_owner_prefix(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = workdir / "fresh" / "repositories" / "community-site.yml"
    taken.parent.mkdir(parents=True)
    taken.write_text("version: 1\nrepositories:\n  - repository: someone-else/community-site\n")
    code, out, err = run(capsys, "import", SITE, "--path", "fresh")
    assert code == 0, out + err
    assert taken.read_text().count("repository:") == 1
    assert (workdir / "fresh" / "repositories" / f"{ORG}-community-site.yml").is_file()


def test_a_repository_selected_by_an_organisation_target_is_explained(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", KERNEL)
    assert code == 0, out + err
    # The live label that is an old name of a pack label is not declared, or the desired state
    # would no longer resolve; the plan renames it, as it did before the import.
    assert "label 'in progress' not imported: it is an old name (alias) of 'status:in-progress'" in err
    assert f"warning: {KERNEL}: `reconciler plan` will show" in err
    assert (
        "also selected by the organisation target at desired-state/organizations/sovereign-operating-system.yml" in err
    )
    assert "applies 1 pack: sovereign-autonomy" in err
    assert "(from pack sovereign-autonomy at desired-state/packs/sovereign-autonomy.yml:" in err
    assert "> label in progress → status:in-progress" in err
    load_desired_config(workdir / "desired-state")
    code, out, err = run(capsys, "plan", "--repo", KERNEL, "--detailed-exitcode")
    assert code == 2, out + err
    assert "~ label priority:high" not in out, "the live colour is now declared by the repository"


def test_a_repository_that_cannot_be_read_does_not_stop_the_others(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", f"{ORG}/no-such-repository", SITE)
    assert code == 1
    assert f"not imported: {ORG}/no-such-repository read repository: not found" in err
    assert (workdir / "desired-state" / "repositories" / "community-site.yml").is_file()
    assert "Imported 1 repository" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name repositories (OWNER/NAME ...) or an organisation (--org ORG)"),
        ((SITE, "--org", ORG), "name repositories (OWNER/NAME ...) or an organisation (--org ORG)"),
        (("community-site",), "'community-site' is not a repository: expected OWNER/NAME"),
        (("--org", "not/an-org"), "'not/an-org' is not an organisation login"),
        ((SITE, "--include-forks"), "--include-archived and --include-forks only apply with --org"),
    ],
)
def test_bad_arguments_exit_1_before_reading_anything(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = every_file(workdir / "desired-state")
    code, _, err = run(capsys, "import", *args)
    assert code == 1
    assert message in err
    assert every_file(workdir / "desired-state") == before
    assert not live.stats.by_route()


def test_a_broken_desired_state_is_refused_before_anything_is_read(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = workdir / "desired-state" / "repositories" / "agent-runtime.yml"
    broken.write_text(broken.read_text().replace('color: "bfd4f2"', "color: 123456"))
    before = every_file(workdir / "desired-state")
    code, _, err = run(capsys, "import", SITE)
    assert code == 1
    assert "was read as a number, not text" in err and "fix it before importing into it" in err
    assert every_file(workdir / "desired-state") == before
    assert not live.stats.by_route()


def test_a_result_that_does_not_validate_is_rolled_back(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever the writer lets through, the normal loader has the last word.
    monkeypatch.setattr("reconciler.commands.import_repositories.importable", lambda snapshot: (snapshot, []))
    with live.state.lock:
        repo = live.state.find_repo(ORG, "design-system")
        assert repo is not None
        live.state.commit_files(repo, repo.default_branch, {".github/workflows/bad.yml": b"name: x\n"}, "Bad")
    before = every_file(workdir / "desired-state")
    code, out, err = run(capsys, "import", DESIGN)
    assert code == 1, out
    assert "a workflow needs a top-level 'on' key" in err
    assert "does not validate" in err and "nothing was written" in err
    assert every_file(workdir / "desired-state") == before
    assert not (workdir / "desired-state" / "workflows" / "bad.yml").exists()


def test_the_readme_documents_the_command() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "reconciler import" in readme
    assert "## Onboarding existing repositories" in readme
