"""Names and paths that come from GitHub are data, never paths: `reconciler import` writes only
inside the desired-state directory, whatever the server answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reconciler.sandbox import Sandbox, representations
from tests.integration.conftest import ORG, run

SITE = f"{ORG}/community-site"
# What a hostile or broken server could answer for community-site's full_name.
ESCAPE = f"{ORG}/../../../tmp/pwned"


@pytest.fixture
def hostile_name(monkeypatch: pytest.MonkeyPatch) -> str:
    """The sandbox answers community-site's `full_name` (in the organisation's list and in
    `GET /repos/{owner}/{repo}`) as a path that climbs out of the desired-state directory."""
    real = representations.minimal_repository

    def answer(*args: Any, **kwargs: Any) -> dict[str, Any]:
        shown = real(*args, **kwargs)
        if shown["full_name"] == SITE:
            shown["full_name"] = ESCAPE
        return shown

    monkeypatch.setattr(representations, "minimal_repository", answer)
    return ESCAPE


@pytest.fixture
def requested(live: Sandbox) -> list[str]:
    """Every path the sandbox was asked for, as sent."""
    paths: list[str] = []
    live.add_observer(lambda exchange: paths.append(exchange.path))
    return paths


def files_under(root: Path) -> set[Path]:
    """Every YAML file under `root` (the HTTP cache and the sandbox's state are JSON)."""
    return {p for p in root.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml")}


def escaped_to(workdir: Path) -> Path:
    """Where `desired-state/repositories/<name>.yml` lands for the hostile name."""
    return (workdir / "desired-state" / "repositories" / "../../../tmp/pwned.yml").resolve()


def test_a_name_that_climbs_out_of_the_directory_is_refused_by_name(
    live: Sandbox, workdir: Path, hostile_name: str, requested: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    outside = files_under(workdir.parent)
    code, out, err = run(capsys, "import", SITE)

    assert code == 1, out + err
    assert repr(hostile_name) in err
    assert "Nothing was imported." in out
    assert not escaped_to(workdir).exists()
    assert files_under(workdir.parent) == outside, "nothing written anywhere"
    assert requested and not any("pwned" in path for path in requested), "the name never became a URL path"


def test_an_organisation_import_writes_the_others_and_nothing_outside(
    live: Sandbox, workdir: Path, hostile_name: str, requested: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_under(workdir.parent) - files_under(workdir / "desired-state")
    code, out, err = run(capsys, "import", "--org", ORG)

    assert code == 1, out + err
    assert f"not imported: the server answered a repository name GitHub would not: {hostile_name!r}" in err
    assert f"{ORG}/design-system: desired-state/repositories/design-system.yml" in out
    assert not escaped_to(workdir).exists()
    after = files_under(workdir.parent) - files_under(workdir / "desired-state")
    assert after == before, f"written outside desired-state/: {sorted(map(str, after - before))}"
    assert requested and not any("pwned" in path for path in requested)


def test_a_symbolic_link_out_of_the_directory_is_not_written_through(
    live: Sandbox, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    repositories = workdir / "desired-state" / "repositories"
    for declared in repositories.iterdir():
        declared.rename(workdir / "desired-state" / declared.name)
    repositories.rmdir()
    repositories.symlink_to(elsewhere, target_is_directory=True)

    code, out, err = run(capsys, "import", SITE)

    assert code == 1, out + err
    assert "desired-state/repositories/community-site.yml" in err and "outside desired-state" in err
    assert "nothing was written" in err
    assert list(elsewhere.iterdir()) == []


def test_plan_refuses_a_listed_name_that_is_not_one_before_it_becomes_a_url_path(
    live: Sandbox, hostile_name: str, requested: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "plan")

    assert code == 1, out + err
    assert repr(hostile_name) in err
    assert requested and not any("pwned" in path for path in requested)
