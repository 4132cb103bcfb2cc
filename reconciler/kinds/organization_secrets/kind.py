"""Organisation Actions secrets: one secret per organisation, and its access list.

Presence only, as for repository secrets: GitHub never returns a value. A missing secret with a
`from_env` source is created by apply from that variable (sealed for the organisation's key);
one without is for a person, and the plan says the `gh secret set --org` command. With
`visibility: selected`, every repository that needs the secret is one access entry
(`NAME:owner/repo`), added or removed one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reconciler.desired.state import EffectiveRepository
from reconciler.errors import ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, absent
from reconciler.kinds.organization_access import (
    LiveAccess,
    Need,
    Wanted,
    access_cost,
    apply_organization,
    combine_needs,
    diff_access,
    is_access,
    live_access,
    removed_keys,
    selected_access,
)
from reconciler.kinds.organization_secrets.block import ORGANIZATION_SECRETS_BLOCK, PREFIX
from reconciler.kinds.organization_secrets.live import (
    FAMILY,
    LiveOrganizationSecret,
    OrganizationKey,
    delete_organization_secret,
    list_organization_secrets,
    put_organization_secret,
    read_organization_key,
)
from reconciler.kinds.secrets.kind import ENV_SOURCE, source_variable, unset_note
from reconciler.kinds.secrets.spec import OWN_TOKEN_VARIABLES
from reconciler.names import fold
from reconciler.plan.cost import RequestCost, writes
from reconciler.plan.frozen import EMPTY, JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings
from reconciler.redaction import register

KIND = "organization-secret"


@dataclass(frozen=True)
class DesiredOrganizationSecrets:
    items: tuple[Wanted, ...]
    complete: bool = True
    rotate: bool = False
    # Sources whose variable is not set while planning (names only).
    unset: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ObservedOrganizationSecrets:
    secrets: tuple[LiveOrganizationSecret, ...]
    # Folded name → its access list, for the declared secrets GitHub has as `selected`.
    access: Mapping[str, tuple[LiveAccess, ...]] = field(default_factory=dict)


def attention_for(organization: str, wanted: Wanted) -> str:
    names = ",".join(slug.split("/", 1)[1] for slug in wanted.needing)
    repos = f" --repos {names}" if wanted.visibility == "selected" else ""
    return f"set it by hand: gh secret set {wanted.name} --org {organization} --visibility {wanted.visibility}{repos}"


def _shown(secret: LiveOrganizationSecret) -> dict[str, JsonScalar]:
    return {"name": secret.name, "visibility": secret.visibility}


def _after(name: str, visibility: str, source: str | None) -> dict[str, JsonScalar]:
    out: dict[str, JsonScalar] = {"name": name, "visibility": visibility}
    if source is not None:
        out["source"] = f"{ENV_SOURCE}{source}"
    return out


def diff_organization_secrets(
    organization: str, desired: DesiredOrganizationSecrets, observed: ObservedOrganizationSecrets
) -> list[Change]:
    """Pure: the secret changes, then each one's access entries; noops for the rest."""
    live = {fold(s.name): s for s in observed.secrets}
    changes: list[Change] = []

    def change(
        action: Action,
        current: LiveOrganizationSecret | None,
        after: dict[str, JsonScalar] | None,
        reason: Reason,
        text: str | None = None,
        *,
        key: str,
        managed: bool = True,
        attention: str | None = None,
    ) -> None:
        seen = {**_shown(current), "updated_at": current.updated_at} if current else None
        shown = _shown(current) if current else None
        changes.append(
            Change.make(
                organization,
                KIND,
                key,
                action,
                shown,
                after,
                reason,
                text,
                observed=seen,
                managed=managed,
                attention=attention,
            )
        )

    for wanted in desired.items:
        key = fold(wanted.name)
        current = live.get(key)
        access = live_access(observed.access, key, current)
        if wanted.fate == "absent":
            action, reason = absent(current is not None)
            change(action, current, None, reason, key=key)
            continue
        if wanted.fate == "kept":
            if current is not None:
                text = "no repository planned here needs it; kept (uninstall --include-secrets deletes it)"
                change(Action.NOOP, current, _shown(current), Reason.MATCHES, text, key=key)
            changes += diff_access(organization, KIND, wanted, access, complete=False)
            continue
        attention = None
        unset = wanted.source is not None and wanted.source in desired.unset
        also = f"; {unset_note(wanted.source)}" if wanted.source is not None and unset else ""
        after = _after(current.name if current else wanted.name, wanted.visibility, wanted.source)
        if current is None and wanted.source is None:
            attention = attention_for(organization, wanted)
            change(Action.CREATE, None, after, Reason.NO_VALUE_SOURCE, key=key, attention=attention)
        elif current is None:
            reason = Reason.SOURCE_UNSET if unset else Reason.MISSING
            change(Action.CREATE, None, after, reason, f"{Reason.MISSING.text}{also}", key=key)
        elif current.visibility != wanted.visibility:
            text = f"visibility {current.visibility} → {wanted.visibility}"
            change(Action.UPDATE, current, _after(current.name, wanted.visibility, None), Reason.DIFFERS, text, key=key)
        elif wanted.source is not None and desired.rotate:
            text = f"{Reason.ROTATE.text}: apply replaces its value from {ENV_SOURCE}{wanted.source}{also}"
            change(Action.UPDATE, current, after, Reason.ROTATE, text, key=key)
        else:
            change(Action.NOOP, current, after, Reason.MATCHES, "present; its value cannot be read", key=key)
        if wanted.visibility == "selected":
            waiting = "set with the secret (see above)" if attention else None
            changes += diff_access(organization, KIND, wanted, access, complete=desired.complete, attention=waiting)

    declared = {fold(w.name) for w in desired.items}
    for key in sorted(live.keys() - declared):
        secret = live[key]
        change(Action.NOOP, secret, _shown(secret), Reason.UNDECLARED_KEPT, key=key, managed=False)
    return changes


def _value_from(source: str, name: str, environ: Mapping[str, str]) -> str:
    variable = source_variable(source)
    if variable is None or variable.upper() in OWN_TOKEN_VARIABLES:
        raise ReconcilerError(f"organisation secret {name}: refusing the value source {source!r}")
    value = environ.get(variable)
    if not value:
        raise ReconcilerError(
            f"organisation secret {name} is read from the environment variable {variable}, which is not set: "
            "set it and apply again"
        )
    register(value)
    return value


class OrganizationSecretsKind:
    name = KIND
    plural = "organisation secrets"
    scope: Literal["organization"] = "organization"
    blocks = (ORGANIZATION_SECRETS_BLOCK,)
    importer = None
    address = PREFIX
    uninstalls = True
    # Organisation secrets need an organisation admin, which no repository role shows: the
    # classic scope `admin:org` is what verify can check; the repository only has to be seen.
    role = "pull"

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        self.environ = environ

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("admin:org",)

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> tuple[Need, ...] | None:
        return ORGANIZATION_SECRETS_BLOCK.needs_of(repository)

    def combine(
        self,
        organization: str,
        parts: Sequence[tuple[str, tuple[Need, ...]]],
        settings: PlanSettings,
        *,
        complete: bool,
    ) -> DesiredOrganizationSecrets:
        items = tuple(combine_needs(organization, parts, complete=complete))
        sources = [w.source for w in items if w.source and w.fate == "present"]
        unset = frozenset(s for s in sources if s is not None and not self.environ.get(s))
        return DesiredOrganizationSecrets(items, complete, settings.rotate_secrets, unset)

    def observe(
        self, reader: GitHubReader, organization: str, desired: DesiredOrganizationSecrets
    ) -> ObservedOrganizationSecrets:
        secrets = tuple(list_organization_secrets(reader, organization))
        return ObservedOrganizationSecrets(
            secrets, selected_access(reader, organization, FAMILY, secrets, desired.items)
        )

    def diff(
        self, organization: str, desired: DesiredOrganizationSecrets, observed: ObservedOrganizationSecrets
    ) -> list[Change]:
        return diff_organization_secrets(organization, desired, observed)

    def removed_keys(self, repository: str, key: str) -> tuple[str, ...]:
        return removed_keys(repository, key)

    def apply(self, writer: GitHubWriter, organization: str, changes: Sequence[Change]) -> list[Outcome]:
        keys: list[OrganizationKey] = []

        def key() -> OrganizationKey:
            if not keys:
                keys.append(read_organization_key(writer, organization))
            return keys[0]

        return apply_organization(
            writer, organization, FAMILY, changes, lambda c: self._apply_one(writer, organization, c, key)
        )

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # As any organisation kind's, and a value is sealed for the organisation's public key, read once.
        sealed = any(
            c.applicable and not is_access(c) and (c.action is Action.CREATE or c.reason is Reason.ROTATE)
            for c in changes
        )
        return access_cost(changes) + writes(0, reads=int(sealed))

    def _apply_one(
        self, writer: GitHubWriter, organization: str, change: Change, key: Callable[[], OrganizationKey]
    ) -> None:
        before, after = change.before or EMPTY, change.after or EMPTY
        if change.action is Action.DELETE:
            delete_organization_secret(writer, organization, str(before["name"]))
            return
        name, visibility, source = str(after["name"]), str(after["visibility"]), after.get("source")
        if change.action is Action.UPDATE and change.reason is not Reason.ROTATE:
            put_organization_secret(writer, organization, name, visibility)
            return
        if not isinstance(source, str):
            raise ReconcilerError(f"organisation secret {name} has no value source; set it by hand")
        value = _value_from(source, name, self.environ)
        creates = change.action is Action.CREATE
        put_organization_secret(writer, organization, name, visibility, value=value, key=key(), creates=creates)


ORGANIZATION_SECRETS = OrganizationSecretsKind()
