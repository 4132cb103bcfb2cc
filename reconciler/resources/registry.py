"""The one table of resource kinds. Order is apply order."""

from __future__ import annotations

from reconciler.resources.base import AnyKind
from reconciler.resources.labels import LABELS
from reconciler.resources.secrets import SECRETS
from reconciler.resources.variables import VARIABLES

KINDS: tuple[AnyKind, ...] = (LABELS, VARIABLES, SECRETS)


def kind_named(name: str) -> AnyKind:
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)
