"""A kind added from outside reconciler/ (tests.extra_kind: files a repository must hold)
takes part in every command end to end on the sandbox, through the registry alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconciler.kinds import registry
from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant
from tests.extra_kind import FILES
from tests.integration.conftest import HANDBOOK, KERNEL, ORG, RUNTIME, run

pytestmark = pytest.mark.integration

BODY = b"# Security\n\nReport vulnerabilities to security@example.com, never in a public issue.\n"
PACK = """\
version: 1
packs:
  - name: security-files
    description: The files every repository of the fleet holds
    files:
      items:
        - path: SECURITY.md
          source: files/SECURITY.md
"""


@pytest.fixture
def with_files_pack(workdir: Path) -> Iterator[Path]:
    """The example fleet, plus a pack of the extra kind applied by the organisation target,
    with the kind registered for the length of the test."""
    root = workdir / "desired-state"
    (root / "files").mkdir()
    (root / "files" / "SECURITY.md").write_bytes(BODY)
    (root / "packs" / "security-files.yml").write_text(PACK)
    organizations = root / "organizations" / "sovereign-operating-system.yml"
    text = organizations.read_text()
    organizations.write_text(text.replace("packs: [sovereign-autonomy]", "packs: [sovereign-autonomy, security-files]"))
    with registry.extended(FILES):
        yield root


def held(sandbox: Sandbox, slug: str) -> bytes | None:
    found = sandbox.state.find_repo(ORG, slug.split("/", 1)[1])
    assert found is not None
    return found.read_file("SECURITY.md")


def test_without_the_kind_registered_its_block_is_an_unknown_key(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = workdir / "desired-state"
    (root / "packs" / "security-files.yml").write_text(PACK)
    code, _, err = run(capsys, "validate")
    assert code == 1 and "unknown key 'files'" in err


def test_the_extra_kind_is_validated_planned_applied_explained_verified_and_uninstalled(
    with_files_pack: Path, live: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "validate")
    assert code == 0, err

    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 2
    assert out.count("+ repository-file SECURITY.md") == 3, out

    code, out, _ = run(capsys, "apply", "--auto-approve")
    assert code == 0, out
    assert all(held(live, slug) == BODY for slug in (KERNEL, RUNTIME, HANDBOOK))

    code, out, _ = run(capsys, "plan", "--detailed-exitcode")
    assert code == 0 and "No changes." in out

    code, out, _ = run(capsys, "explain", HANDBOOK)
    assert code == 0
    assert "SECURITY.md  present" in out and "packs/security-files.yml" in out

    # The seeded kernel loop failed on the outdated file apply replaced; its next run succeeds,
    # and verify stops reporting the loop as failing.
    live.record_run(KERNEL, "autonomous-agent-loop.yml", conclusion="success")
    code, out, _ = run(capsys, "verify")
    assert code == 0, out

    # The kind says what role apply needs: verify names it where the token lacks that role.
    live.set_token_grant("test-token", TokenGrant(scopes=("repo", "workflow", "read:org"), role="pull"))
    code, out, _ = run(capsys, "verify")
    assert code == 1 and "repository files" in out
    live.set_token_grant("test-token", None)

    code, out, _ = run(capsys, "uninstall", "--pack", "security-files", "--plan-only")
    assert code == 2
    assert out.count("- repository-file SECURITY.md") == 3
    assert "put there by pack security-files" in out
    code, out, _ = run(capsys, "uninstall", "--pack", "security-files", "--auto-approve")
    assert code == 0, out
    assert all(held(live, slug) is None for slug in (KERNEL, RUNTIME, HANDBOOK))


def test_the_json_schema_of_the_format_gains_the_kind_s_block(with_files_pack: Path) -> None:
    from reconciler.schemas import generate

    schema = generate()["desired-state.schema.json"]
    assert "files" in str(schema["$defs"]["PackSpec"]["properties"])
