"""Following `Link: rel="next"` without following a hostile server anywhere.

A next link must stay on the API's server and under its path (the token goes with it), must
not lead back to a page already read (a self-link, a two-page cycle), and a listing ends
within `max_pages` pages.

Where GitHub numbers the pages (`page=2` next, `page=N` last, as for an organisation's
repositories), the rest of the listing is known after its first page: `numbered_pages` names
them, so they can be read side by side instead of one round trip after another (at 10,000
repositories, 99 round trips). Cursor pagination (`after=...`) is followed page by page.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from reconciler.github.http.base_url import origin, origin_of
from reconciler.github.links import link_target


def next_link(header: str | None) -> str | None:
    """The URL a Link header gives as rel="next", if any."""
    return link_target(header, "next")


def numbered_pages(current_url: str, header: str | None, max_pages: int) -> list[str] | None:
    """The URLs of pages 2..N when the Link header after page 1 numbers them: rel="next" is
    page 2 and rel="last" page N of the same listing (the same path and the same query but
    for `page`). None otherwise: follow rel="next" one page at a time. ValueError when N is
    past `max_pages` (said before a single URL is made: N may be a billion)."""
    following, last = link_target(header, "next"), link_target(header, "last")
    if following is None or last is None:
        return None
    following, last = urljoin(current_url, following), urljoin(current_url, last)
    shape, second = _numbered(following)
    last_shape, count = _numbered(last)
    if shape is None or shape != last_shape or second != 2 or count is None or count < 2:
        return None
    if count > max_pages:
        raise ValueError(f"the listing goes on past {max_pages} pages (its last page is {count})")
    return [_page_url(shape, number) for number in range(2, count + 1)]


_Shape = tuple[str, str, str, tuple[tuple[str, str], ...]]


def _numbered(url: str) -> tuple[_Shape | None, int | None]:
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    pages = [value for name, value in pairs if name == "page"]
    if len(pages) != 1 or not pages[0].isdigit() or parts.fragment:
        return None, None
    rest = tuple(sorted((name, value) for name, value in pairs if name != "page"))
    return (parts.scheme, parts.netloc, parts.path, rest), int(pages[0])


def _page_url(shape: _Shape, number: int) -> str:
    scheme, netloc, path, rest = shape
    return urlunsplit((scheme, netloc, path, urlencode([*rest, ("page", str(number))]), ""))


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
        self.admit(target)
        return target

    def admit(self, target: str) -> None:
        """Count `target` (absolute) as read, or ValueError saying why it must not be."""
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
