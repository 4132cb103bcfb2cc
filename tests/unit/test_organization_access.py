"""Organisation-scoped secrets and variables as pure functions: how repositories' needs combine,
and the changes an access list gets."""

from __future__ import annotations

import pytest

from reconciler.errors import ConfigurationError
from reconciler.kinds.organization_access import LiveAccess, Need, combine_needs
from reconciler.kinds.organization_secrets.kind import (
    ORGANIZATION_SECRETS,
    DesiredOrganizationSecrets,
    ObservedOrganizationSecrets,
    diff_organization_secrets,
)
from reconciler.kinds.organization_secrets.live import LiveOrganizationSecret
from reconciler.kinds.organization_variables.kind import (
    ORGANIZATION_VARIABLES,
    DesiredOrganizationVariables,
    ObservedOrganizationVariables,
    diff_organization_variables,
)
from reconciler.kinds.organization_variables.live import LiveOrganizationVariable
from reconciler.plan.cost import writes
from reconciler.plan.model import Action, Change

ORG = "octo"
TOKEN = Need("SHARED_TOKEN", "selected", "SHARED_TOKEN_VALUE")


def parts(*slugs: str, need: Need = TOKEN) -> list[tuple[str, tuple[Need, ...]]]:
    return [(slug, (need,)) for slug in slugs]


def secrets(
    *needs: tuple[str, tuple[Need, ...]],
    live: tuple[LiveOrganizationSecret, ...] = (),
    access: tuple[LiveAccess, ...] = (),
    complete: bool = True,
) -> list[Change]:
    desired = DesiredOrganizationSecrets(tuple(combine_needs(ORG, needs, complete=complete)), complete)
    observed = ObservedOrganizationSecrets(live, {"shared_token": access})
    return diff_organization_secrets(ORG, desired, observed)


def changed(changes: list[Change]) -> list[tuple[str, str]]:
    return [(c.action.value, c.title) for c in changes if c.is_change]


LIVE = (LiveOrganizationSecret("SHARED_TOKEN", "selected", "2026-01-01T00:00:00Z"),)
A, B, C = "octo/a", "octo/b", "octo/c"


def test_a_missing_secret_is_one_object_and_one_access_entry_per_repository_that_needs_it() -> None:
    assert changed(secrets(*parts(A, B))) == [
        ("create", "SHARED_TOKEN"),
        ("create", "SHARED_TOKEN for octo/a"),
        ("create", "SHARED_TOKEN for octo/b"),
    ]


def test_one_more_repository_is_exactly_one_change() -> None:
    have = (LiveAccess(A, 1), LiveAccess(B, 2))
    assert changed(secrets(*parts(A, B, C), live=LIVE, access=have)) == [("create", "SHARED_TOKEN for octo/c")]


def test_access_no_target_gives_any_more_goes_only_when_the_plan_covers_the_organisation() -> None:
    have = (LiveAccess(A, 1), LiveAccess(B, 2))
    removed = [c for c in secrets(*parts(A), live=LIVE, access=have) if c.is_change]
    assert [(c.action, c.reason.value, c.before and c.before["repository_id"]) for c in removed] == [
        (Action.DELETE, "pruned", 2)
    ]
    assert changed(secrets(*parts(A), live=LIVE, access=have, complete=False)) == []


def test_a_withdrawn_repository_loses_access_even_in_a_partial_plan_and_the_secret_stays() -> None:
    withdrawn = Need("SHARED_TOKEN", "selected", "SHARED_TOKEN_VALUE", present=False, delete=False)
    have = (LiveAccess(A, 1), LiveAccess(B, 2))
    found = secrets(*parts(A), *parts(B, need=withdrawn), live=LIVE, access=have, complete=False)
    assert changed(found) == [("delete", "SHARED_TOKEN for octo/b")]
    only_withdrawn = secrets(*parts(A, B, need=withdrawn), live=LIVE, access=have)
    assert changed(only_withdrawn) == [("delete", "SHARED_TOKEN for octo/a"), ("delete", "SHARED_TOKEN for octo/b")]


def test_the_secret_goes_when_nothing_needs_it_and_deleting_it_was_asked_for() -> None:
    gone = Need("SHARED_TOKEN", "selected", None, present=False, delete=True)
    assert changed(secrets(*parts(A, need=gone), live=LIVE, access=(LiveAccess(A, 1),))) == [("delete", "SHARED_TOKEN")]
    assert changed(secrets(*parts(A, need=gone), live=LIVE, complete=False)) == []


def test_without_a_value_source_a_person_sets_it_and_the_command_names_the_repositories() -> None:
    by_hand = Need("SHARED_TOKEN", "selected", None)
    found = [c for c in secrets(*parts(A, B, need=by_hand)) if c.is_change]
    assert (
        found[0].attention == "set it by hand: gh secret set SHARED_TOKEN --org octo --visibility selected --repos a,b"
    )
    assert all(c.attention for c in found)


def test_a_visibility_change_is_an_update_and_all_has_no_access_list() -> None:
    everyone = Need("SHARED_TOKEN", "all", "SHARED_TOKEN_VALUE")
    found = [c for c in secrets(*parts(A, need=everyone), live=LIVE) if c.is_change]
    assert [(c.action, c.reason_text) for c in found] == [(Action.UPDATE, "visibility selected → all")]


def test_repositories_that_declare_one_object_differently_are_refused() -> None:
    private = Need("SHARED_TOKEN", "private", "SHARED_TOKEN_VALUE")
    with pytest.raises(ConfigurationError, match="declare it differently"):
        combine_needs(ORG, [*parts(A), *parts(B, need=private)], complete=True)


def test_undeclared_organisation_secrets_are_left_alone() -> None:
    other = LiveOrganizationSecret("RELEASE_TOKEN", "private", None)
    (kept,) = [c for c in secrets(*parts(A), live=(*LIVE, other), access=(LiveAccess(A, 1),)) if not c.managed]
    assert (kept.action, kept.title) == (Action.NOOP, "RELEASE_TOKEN")


def test_a_variable_value_change_is_an_update_and_its_access_list_works_the_same_way() -> None:
    tier = Need("TIER", "selected", "pilot")
    desired = DesiredOrganizationVariables(tuple(combine_needs(ORG, parts(A, B, need=tier), complete=True)))
    live = ObservedOrganizationVariables(
        (LiveOrganizationVariable("TIER", "trial", "selected", None),), {"tier": (LiveAccess(A, 1),)}
    )
    found = [c for c in diff_organization_variables(ORG, desired, live) if c.is_change]
    assert [(c.action, c.title) for c in found] == [(Action.UPDATE, "TIER"), (Action.CREATE, "TIER for octo/b")]
    assert found[0].after is not None and found[0].after["value"] == "pilot"


def test_what_applying_costs_a_write_each_a_read_per_access_given_and_one_key_for_sealing() -> None:
    # A new secret: its PUT (content), one PUT per repository given access, each after reading
    # that repository's id, and the organisation's public key read once to seal the value.
    assert ORGANIZATION_SECRETS.cost(secrets(*parts(A, B))) == writes(3, creates=1, reads=3)
    # Only access to give: nothing is sealed, so no key is read.
    only_access = secrets(*parts(A, B), live=LIVE, access=(LiveAccess(A, 1),))
    assert ORGANIZATION_SECRETS.cost(only_access) == writes(1, reads=1)
    # A person sets a secret without a value source: its access waits, and neither is costed.
    by_hand = secrets(*parts(A, need=Need("SHARED_TOKEN", "selected", None)))
    assert ORGANIZATION_SECRETS.cost(by_hand).empty
    tier = Need("TIER", "selected", "pilot")
    desired = DesiredOrganizationVariables(tuple(combine_needs(ORG, parts(A, B, need=tier), complete=True)))
    found = diff_organization_variables(ORG, desired, ObservedOrganizationVariables(()))
    assert ORGANIZATION_VARIABLES.cost(found) == writes(3, creates=1, reads=2)
