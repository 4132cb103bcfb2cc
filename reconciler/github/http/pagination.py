"""Following `Link: rel="next"` without following a hostile server anywhere.

A next link must stay on the API's server and under its path (the token goes with it), must
not lead back to a page already read (a self-link, a two-page cycle), and a listing ends
within `max_pages` pages.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from reconciler.github.http.base_url import origin, origin_of
from reconciler.github.links import link_target


def next_link(header: str | None) -> str | None:
    """The URL a Link header gives as rel="next", if any."""
    return link_target(header, "next")


class PageTrail:
    """The pages of one listing read so far; `follow` vets the next one."""

    def __init__(self, base_url: str, first_url: str, max_pages: int) -> None:
        self._origin = origin(base_url)
        self._prefix = urlsplit(base_url).path.rstrip("/") + "/"
        self._seen = {first_url}
        self._max_pages = max_pages

    @property
    def pages(self) -> int:
        return len(self._seen)

    def follow(self, current_url: str, link: str) -> str:
        """The absolute URL of the next page, or ValueError saying why it must not be read."""
        target = urljoin(current_url, link)
        parts = urlsplit(target)
        if origin(target) != self._origin:
            raise ValueError(f"the next page is on another server ({origin_of(parts)}): not followed")
        if not (parts.path.rstrip("/") + "/").startswith(self._prefix):
            raise ValueError(f"the next page ({parts.path}) is outside the API: not followed")
        if target in self._seen:
            raise ValueError(f"the next-page link after page {self.pages} leads back to a page already read (a cycle)")
        if self.pages >= self._max_pages:
            raise ValueError(f"the listing goes on past {self._max_pages} pages")
        self._seen.add(target)
        return target
