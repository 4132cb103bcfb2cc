"""``X-GitHub-Api-Version``: which REST API version a request is answered in.

GitHub supports ``2022-11-28`` (the default when the header is absent) and ``2026-03-10``,
the first calendar version with breaking changes. Any other value is refused with 400 and
a body whose ``errors`` is a sentence, not the usual array, as api.github.com answers it:

    {"message": "Bad Request", "errors": "The version you specified in the
     \\"X-GitHub-API-Version\\" request header, \\"1999-01-01\\", is not a supported version.
     The following versions are currently supported: \\"2026-03-10\\" (most recent) and
     \\"2022-11-28\\".", ...}

GitHub compares the value case-insensitively with whitespace removed, and names the
version it used in ``X-GitHub-Api-Version-Selected``.
"""

from __future__ import annotations

import re

from .protocol import DEFAULT_API_VERSION, DOCS_ROOT, ApiError

DEFAULT_VERSION = DEFAULT_API_VERSION
# Newest first: the order GitHub lists them in its error.
SUPPORTED_VERSIONS: tuple[str, ...] = ("2026-03-10", "2022-11-28")
# The first version without ``rate`` in ``GET /rate_limit``, among other removals.
BREAKING_2026 = "2026-03-10"
# What api.github.com names in this error (clients print it as "See also: ...").
VERSION_DOCS = DOCS_ROOT
_WHITESPACE = re.compile(r"\s+")


def _listed(versions: tuple[str, ...]) -> str:
    quoted = [f'"{versions[0]}" (most recent)', *(f'"{v}"' for v in versions[1:])]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def select_version(requested: str | None) -> str:
    """The version to answer in; raises GitHub's 400 for one it does not support."""
    if requested is None:
        return DEFAULT_VERSION
    normalised = _WHITESPACE.sub("", requested).lower()
    if not normalised:
        return DEFAULT_VERSION
    if normalised in SUPPORTED_VERSIONS:
        return normalised
    raise ApiError(
        400,
        "Bad Request",
        errors=(
            'The version you specified in the "X-GitHub-API-Version" request header, '
            f'"{requested}", is not a supported version. The following versions are currently '
            f"supported: {_listed(SUPPORTED_VERSIONS)}."
        ),
        documentation_url=VERSION_DOCS,
    )


def at_least(version: str, wanted: str) -> bool:
    # Calendar versions order like the dates they are.
    return version >= wanted
