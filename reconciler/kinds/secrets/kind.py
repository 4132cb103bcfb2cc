"""Actions secrets: identity is the case-folded name; presence is the whole contract.

GitHub never returns a secret's value, so a plan can only say whether a secret exists. Values
never pass through desired state or plans: an entry may name a source (`from_env: VAR`),
which apply reads at apply time and hands straight to the writer, which seals it. A missing
secret without a source is a change only a person can make, and the plan says how. An
existing secret is replaced only when `--rotate-secrets` asks for it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reconciler.desired.state import EffectiveRepository
from reconciler.errors import ReconcilerError
from reconciler.github.port import GitHubReader, GitHubWriter
from reconciler.kinds.base import Outcome, absent, apply_each, one_write_each, undeclared
from reconciler.kinds.secrets.block import PREFIX, SECRETS_BLOCK, declared_secrets
from reconciler.kinds.secrets.importing import SECRETS_IMPORTER
from reconciler.kinds.secrets.live import (
    LiveSecret,
    PublicKey,
    delete_secret,
    list_secrets,
    put_secret,
    read_public_key,
)
from reconciler.kinds.secrets.spec import OWN_TOKEN_VARIABLES
from reconciler.names import by_folded_name, fold
from reconciler.plan.cost import RequestCost, writes
from reconciler.plan.frozen import EMPTY, JsonScalar
from reconciler.plan.model import Action, Change
from reconciler.plan.reasons import Reason
from reconciler.plan.settings import PlanSettings
from reconciler.redaction import register

KIND = "secret"
ENV_SOURCE = "env:"


@dataclass(frozen=True)
class DesiredSecret:
    name: str
    # The environment variable apply reads the value from; None: a person sets it.
    from_env: str | None = None
    # False: the secret must not exist (declared absent, or its pack is being uninstalled).
    present: bool = True

    @property
    def source(self) -> str | None:
        return f"{ENV_SOURCE}{self.from_env}" if self.from_env else None


@dataclass(frozen=True)
class DesiredSecrets:
    items: tuple[DesiredSecret, ...]
    prune: bool = False
    rotate: bool = False
    # Sources whose variable is not set while planning (names only), so the plan can warn
    # before apply fails on them.
    unset: frozenset[str] = frozenset()


def _secret(name: str, source: str | None = None) -> dict[str, JsonScalar]:
    out: dict[str, JsonScalar] = {"name": name}
    if source is not None:
        out["source"] = source
    return out


def attention_for(repository: str, name: str) -> str:
    return f"set it by hand: gh secret set {name} --repo {repository}"


def source_variable(source: object) -> str | None:
    """The environment variable an `env:VAR` value source names; None for any other value."""
    if isinstance(source, str) and source.startswith(ENV_SOURCE):
        return source.removeprefix(ENV_SOURCE)
    return None


def unset_note(variable: str) -> str:
    return f"{variable} is not set in this environment: set it before apply"


def diff_secrets(repository: str, desired: DesiredSecrets, observed: Sequence[LiveSecret]) -> list[Change]:
    """Pure: the changes that make `observed` match `desired`, plus a noop for everything else."""
    live = by_folded_name(observed)
    changes: list[Change] = []

    def change(
        action: Action,
        key: str,
        before: LiveSecret | None,
        after: dict[str, JsonScalar] | None,
        reason: Reason,
        text: str | None = None,
        *,
        managed: bool = True,
        attention: str | None = None,
    ) -> None:
        # The fingerprint covers when the secret was last set, so a plan notices a rotation
        # made behind its back; `before` shows only the name.
        observed = {"name": before.name, "updated_at": before.updated_at} if before else None
        shown = _secret(before.name) if before else None
        changes.append(
            Change.make(
                repository,
                KIND,
                key,
                action,
                shown,
                after,
                reason,
                text,
                observed=observed,
                managed=managed,
                attention=attention,
            )
        )

    declared: set[str] = set()
    for wanted in desired.items:
        key = fold(wanted.name)
        declared.add(key)
        current = live.get(key)
        unset = wanted.from_env in desired.unset
        also = f"; {unset_note(wanted.from_env)}" if wanted.from_env is not None and unset else ""
        if not wanted.present:
            action, reason = absent(current is not None)
            change(action, key, current, None, reason)
        elif current is None and wanted.source is None:
            change(
                Action.CREATE,
                key,
                None,
                _secret(wanted.name),
                Reason.NO_VALUE_SOURCE,
                attention=attention_for(repository, wanted.name),
            )
        elif current is None:
            change(
                Action.CREATE,
                key,
                None,
                _secret(wanted.name, wanted.source),
                Reason.SOURCE_UNSET if unset else Reason.MISSING,
                f"{Reason.MISSING.text}{also}",
            )
        elif wanted.source is not None and desired.rotate:
            change(
                Action.UPDATE,
                key,
                current,
                _secret(current.name, wanted.source),
                Reason.ROTATE,
                f"{Reason.ROTATE.text}: apply replaces its value from {wanted.source}{also}",
            )
        else:
            hint = " (--rotate-secrets would replace it)" if wanted.source is not None else ""
            change(
                Action.NOOP,
                key,
                current,
                _secret(current.name, wanted.source),
                Reason.MATCHES,
                f"present; its value cannot be read{hint}",
            )

    for key in sorted(live.keys() - declared):
        secret = live[key]
        action, reason = undeclared(desired.prune)
        kept = None if action is Action.DELETE else _secret(secret.name)
        change(action, key, secret, kept, reason, managed=False)
    return changes


def _value_from(source: str, name: str, environ: Mapping[str, str]) -> str:
    variable = source_variable(source)
    if variable is None:
        raise ReconcilerError(f"secret {name}: unknown value source {source!r}")
    if variable.upper() in OWN_TOKEN_VARIABLES:
        # Validation refuses this source; a plan file edited to name it is refused here too.
        raise ReconcilerError(f"secret {name}: refusing to read reconciler's own token ({variable}) as its value")
    value = environ.get(variable)
    if not value:
        raise ReconcilerError(
            f"secret {name} is read from the environment variable {variable}, which is not set: set it and apply again"
        )
    # From here on no output can show it, whatever a server answers.
    register(value)
    return value


class SecretsKind:
    name = KIND
    plural = "secrets"
    blocks = (SECRETS_BLOCK,)
    importer = SECRETS_IMPORTER
    address = PREFIX
    # GitHub's REST reference asks only "collaborator access" for Actions secrets, but its
    # settings need admin and tokens are refused below it in practice: ask for admin, so
    # verify never passes a token apply then fails with.
    uninstalls = True
    role = "admin"

    def scopes(self, private: bool) -> tuple[str, ...]:
        return ("repo",)

    def __init__(self, environ: Mapping[str, str] = os.environ) -> None:
        # Read at plan time for presence only, and at apply time for the value itself.
        self.environ = environ

    def desired(self, repository: EffectiveRepository, settings: PlanSettings) -> DesiredSecrets | None:
        spec = declared_secrets(repository)
        if spec is None:
            return None
        items = tuple(DesiredSecret(item.name, item.from_env, item.ensure == "present") for item in spec.items)
        unset = frozenset(i.from_env for i in items if i.from_env and not self.environ.get(i.from_env))
        return DesiredSecrets(items=items, prune=bool(spec.prune), rotate=settings.rotate_secrets, unset=unset)

    def observe(self, reader: GitHubReader, repository: str, desired: DesiredSecrets) -> list[LiveSecret]:
        # Nothing declared and nothing pruned: no change is possible, so nothing is read.
        if not desired.items and not desired.prune:
            return []
        return list_secrets(reader, repository)

    def diff(self, repository: str, desired: DesiredSecrets, observed: list[LiveSecret]) -> list[Change]:
        return diff_secrets(repository, desired, observed)

    def apply(self, writer: GitHubWriter, repository: str, changes: Sequence[Change]) -> list[Outcome]:
        # The repository's public key is read once, at its first secret, for all of them.
        keys: list[PublicKey] = []

        def key() -> PublicKey:
            if not keys:
                keys.append(read_public_key(writer, repository))
            return keys[0]

        return apply_each(changes, lambda c: self._apply_one(writer, repository, c, key))

    def cost(self, changes: Sequence[Change]) -> RequestCost:
        # A PUT a secret (a new one creates content), and the public key read once for all
        # of a repository's sets.
        each = one_write_each(changes, creating=lambda c: c.action is Action.CREATE)
        sets = any(c.applicable and c.action in (Action.CREATE, Action.UPDATE) for c in changes)
        return each + writes(0, reads=1) if sets else each

    def _apply_one(self, writer: GitHubWriter, repository: str, change: Change, key: Callable[[], PublicKey]) -> None:
        before, after = change.before or EMPTY, change.after or EMPTY
        if change.action in (Action.CREATE, Action.UPDATE):
            name = str(after["name"])
            source = after.get("source")
            if not isinstance(source, str):
                raise ReconcilerError(f"secret {name} has no value source; {attention_for(repository, name)}")
            value = _value_from(source, name, self.environ)
            put_secret(writer, repository, name, value, key(), creates=change.action is Action.CREATE)
        elif change.action is Action.DELETE:
            delete_secret(writer, repository, str(before["name"]))


SECRETS = SecretsKind()
