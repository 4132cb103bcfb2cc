"""Why a change (or no change) is planned: a closed list of codes, as terraform's
`ResourceInstanceChangeActionReason` is.

Code that decides something from a plan (the renderers, verify's checks, uninstall) decides
from the code; the words a person reads come with the code, and kinds may add what they
observed ("color ff0000 → d93f0b"). A new reason is a new member here, never a new sentence
somebody has to match.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    # create
    MISSING = "missing"  # declared, and not there
    SOURCE_UNSET = "source-unset"  # missing, and its value's source is unset where the plan ran
    NO_VALUE_SOURCE = "no-value-source"  # missing, and only a person can set it
    # update
    DIFFERS = "differs"  # there, and different from what is declared
    ROTATE = "rotate"  # a secret replaced because --rotate-secrets asks
    STATE_DIFFERS = "state-differs"  # a workflow enabled that should be disabled, or the reverse
    DISABLE_WHEN_LISTED = "disable-when-listed"  # a new workflow to disable once GitHub lists it
    # rename
    FOUND_UNDER_ALIAS = "found-under-alias"  # there under an old name: renamed in place
    # delete
    DECLARED_ABSENT = "declared-absent"  # declared absent, and there
    PRUNED = "pruned"  # not declared, and prune is on
    UNINSTALLED = "uninstalled"  # put there by a pack being uninstalled
    STALE_PULL_REQUEST = "stale-pull-request"  # a sync pull request no longer needed
    # no change
    MATCHES = "matches"  # there as declared (for a secret: present; its value cannot be read)
    ABSENT_AS_DECLARED = "absent-as-declared"  # declared absent, and not there
    UNDECLARED_KEPT = "undeclared-kept"  # not declared; kept because prune is off
    ALIAS_KEPT = "alias-kept"  # an old name whose new name also exists: kept so its issues keep it
    AWAITING_LISTING = "awaiting-listing"  # a new workflow GitHub will list (and enable) by itself
    AFTER_PULL_REQUEST = "after-pull-request"  # a workflow whose file lands through a pull request

    @property
    def text(self) -> str:
        """The words for this reason when the kind has nothing to add."""
        return _TEXT[self]


_TEXT: dict[Reason, str] = {
    Reason.MISSING: "declared but missing",
    Reason.SOURCE_UNSET: "declared but missing",
    Reason.NO_VALUE_SOURCE: "declared but missing, and it has no value source (from_env)",
    Reason.DIFFERS: "differs",
    Reason.ROTATE: "rotated (--rotate-secrets)",
    Reason.STATE_DIFFERS: "state differs",
    Reason.DISABLE_WHEN_LISTED: "disable it as soon as GitHub lists the new file",
    Reason.FOUND_UNDER_ALIAS: "found under an old name: renamed in place so its issues keep it",
    Reason.DECLARED_ABSENT: "declared absent",
    Reason.PRUNED: "not declared, and prune is on",
    Reason.UNINSTALLED: "put there by a pack being uninstalled",
    Reason.STALE_PULL_REQUEST: "live already matches: close the stale sync pull request",
    Reason.MATCHES: "matches",
    Reason.ABSENT_AS_DECLARED: "absent, as declared",
    Reason.UNDECLARED_KEPT: "not declared; kept (prune is off)",
    Reason.ALIAS_KEPT: "an old name of a label that also exists: kept so its issues keep it",
    Reason.AWAITING_LISTING: "GitHub enables a new workflow by itself once it lists the file",
    Reason.AFTER_PULL_REQUEST: "not on the default branch yet: its state is set after the sync pull request merges",
}
