"""The `Link` header GitHub paginates with: which URL it gives for a relation.

`<https://api.github.com/...&page=2>; rel="next", <...&page=5>; rel="last"`. Parsed leniently
(any spacing, quoted or bare `rel`, several relations in one), since a proxy may rewrite it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^,;<]*)*)")
_REL = re.compile(r"""rel\s*=\s*(?:"([^"]*)"|([^\s;,"]+))""", re.I)


def link_target(header: str | None, relation: str) -> str | None:
    """The URL a Link header gives for `relation` ("next", "last"...), if any."""
    if not header:
        return None
    for match in _LINK.finditer(header):
        for rel in _REL.finditer(match.group(2)):
            if relation in (rel.group(1) or rel.group(2) or "").lower().split():
                return match.group(1).strip()
    return None


def last_page(header: str | None) -> int | None:
    """The page number of rel="last" (a count, when each page holds one item); None when
    the header has none (everything fitted on this page)."""
    target = link_target(header, "last")
    if target is None:
        return None
    pages = parse_qs(urlsplit(target).query).get("page", [])
    return int(pages[0]) if pages and pages[0].isdigit() else None
