"""`reconciler import [PATH] --repo OWNER/NAME... | --org ORG`, and the old spellings beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.sandbox import Sandbox
from tests.integration.conftest import KERNEL, ORG, run

SITE = f"{ORG}/community-site"
DESIGN = f"{ORG}/design-system"


def test_path_is_positional_and_repositories_are_named_with_repo(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "fresh", "--repo", SITE, "--repo", DESIGN)
    assert code == 0, out + err
    assert sorted(p.name for p in (workdir / "fresh" / "repositories").iterdir()) == [
        "community-site.yml",
        "design-system.yml",
    ]
    assert "deprecated" not in err
    code, out, err = run(capsys, "plan", "fresh", "--repo", SITE, "--detailed-exitcode")
    assert code == 0, out + err


def test_an_organisation_goes_into_the_positional_path(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", "fresh", "--org", ORG)
    assert code == 0, out + err
    assert (workdir / "fresh" / "repositories" / "sovereign-kernel.yml").is_file()
    assert "deprecated" not in err


def test_the_old_spellings_still_work_and_each_says_so_on_one_line(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "import", KERNEL, "--path", "fresh")
    assert code == 0, out + err
    assert (workdir / "fresh" / "repositories" / "sovereign-kernel.yml").is_file()
    notices = [line for line in err.splitlines() if line.startswith("deprecated: ")]
    assert notices == [
        f"deprecated: repositories as arguments ({KERNEL}); name each with --repo OWNER/NAME (a directory "
        "shaped like OWNER/NAME is written ./OWNER/NAME)",
        "deprecated: --path fresh; give the directory as PATH (reconciler import fresh ...)",
    ]
    assert "deprecated" not in out


def test_two_directories_are_refused_before_anything_is_read(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", "one", "--repo", SITE, "--path", "two")
    assert code == 1
    assert "give the directory as PATH or as --path, not both" in err
    assert not (workdir / "one").exists() and not (workdir / "two").exists()
    assert not live.stats.by_route()
