"""`reconciler import`'s arguments: the new form, the old one, and no line read two ways."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from reconciler.cli.import_arguments import import_targets

DEFAULT = Path("desired-state")
SITE = "acme/site"


def targets(
    arguments: tuple[str, ...] = (),
    repos: tuple[str, ...] = (),
    organization: str | None = None,
    legacy_path: str | None = None,
) -> tuple[Path, tuple[str, ...], int]:
    found = import_targets(
        arguments, repos, organization, Path(legacy_path) if legacy_path else None, default_path=DEFAULT
    )
    return found.path, found.repositories, len(found.deprecations)


def test_the_new_form_takes_path_and_repos() -> None:
    assert targets(("fresh",), repos=(SITE,)) == (Path("fresh"), (SITE,), 0)
    assert targets(repos=(SITE, "acme/other")) == (DEFAULT, (SITE, "acme/other"), 0)
    assert targets(("fresh",), organization="acme") == (Path("fresh"), (), 0)
    # A directory shaped like OWNER/NAME is written so that it cannot be a repository.
    assert targets(("./configs/desired",), repos=(SITE,)) == (Path("configs/desired"), (SITE,), 0)


def test_the_old_form_still_means_what_it_meant_with_a_notice() -> None:
    assert targets((SITE,)) == (DEFAULT, (SITE,), 1)
    assert targets((SITE, "acme/other"), legacy_path="fresh") == (Path("fresh"), (SITE, "acme/other"), 2)
    assert targets(organization="acme", legacy_path="fresh") == (Path("fresh"), (), 1)
    # Without --repo or --org every argument was a repository, even a bad one (import says so).
    assert targets(("site",)) == (DEFAULT, ("site",), 1)
    # With --org the old form took no argument: a repository there stays a repository, and
    # import refuses the pair as it always did.
    assert targets((SITE,), organization="acme") == (DEFAULT, (SITE,), 1)


def test_mixing_the_forms_imports_every_repository_named() -> None:
    assert targets((SITE, "fresh"), repos=("acme/other",)) == (Path("fresh"), (SITE, "acme/other"), 1)


@pytest.mark.parametrize(
    ("arguments", "legacy_path", "message"),
    [
        (("one", "two"), None, "import takes one PATH, not 2: one two"),
        (("one",), "two", "give the directory as PATH or as --path, not both"),
    ],
)
def test_ambiguous_lines_are_refused(arguments: tuple[str, ...], legacy_path: str | None, message: str) -> None:
    with pytest.raises(click.UsageError, match=message):
        targets(arguments, repos=(SITE,), legacy_path=legacy_path)
