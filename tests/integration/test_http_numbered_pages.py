"""A listing whose pages GitHub numbers is read side by side once its first page names the last;
one whose links do not number it is followed page by page, as before.

An organisation of 10,000 repositories is 100 pages: one round trip after another, that is
100 latencies before planning can start; side by side, a few.
"""

from __future__ import annotations

import threading

import pytest

from reconciler.github.http import Bounds, Call, UnexpectedResponseError
from tests.hostile_server import Exchange, HostileServer
from tests.http_support import reader

CALL = Call("list repositories of o", "o")
PATH = "/orgs/o/repos"


class NumberedListing:
    """Pages 1..last of two items each, linked as GitHub links them (next and last); the last
    page may link on to `grown` pages more (the listing grew while it was read). Counts the
    requests in flight at once; a page past the first waits a little for company, so pages read
    side by side overlap for certain."""

    def __init__(self, last: int, *, grown: int = 0, last_link: str | None = None) -> None:
        self.last = last
        self.grown = grown
        self.last_link = last_link
        self.lock = threading.Lock()
        self.in_flight = 0
        self.most_in_flight = 0
        self.company = threading.Event()

    def __call__(self, exchange: Exchange) -> None:
        page = int(exchange.query.get("page", ["1"])[0])
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            if self.in_flight > 1:
                self.company.set()
        if page > 1:
            self.company.wait(timeout=0.5)
        links = []
        base = f"{exchange.base}{PATH}?per_page=100&type=all"
        if page < self.last + self.grown:
            links.append(f'<{base}&page={page + 1}>; rel="next"')
        if page == 1:
            links.append(f'<{self.last_link or f"{base}&page={self.last}"}>; rel="last"')
        with self.lock:
            self.in_flight -= 1
        exchange.reply(200, [{"id": page * 100 + n} for n in range(2)], headers={"Link": ", ".join(links)})


def ids(items: list[dict[str, int]]) -> list[int]:
    return [item["id"] for item in items]


def test_numbered_pages_are_read_side_by_side_and_kept_in_order(server: HostileServer) -> None:
    listing = NumberedListing(last=8)
    server.route(PATH, listing)
    items = reader(server.url).get_all(PATH, CALL, query={"type": "all"})
    assert ids(items) == [page * 100 + n for page in range(1, 9) for n in range(2)]
    assert listing.most_in_flight > 1
    assert len(server.requests()) == 8


def test_a_listing_that_grew_while_it_was_read_is_followed_to_its_end(server: HostileServer) -> None:
    server.route(PATH, NumberedListing(last=3, grown=2))
    items = reader(server.url).get_all(PATH, CALL, query={"type": "all"})
    assert ids(items)[-2:] == [500, 501]
    assert len(items) == 10


def test_a_last_page_a_billion_pages_away_is_refused_before_a_second_request(server: HostileServer) -> None:
    server.route(PATH, NumberedListing(last=10**9))
    with pytest.raises(UnexpectedResponseError, match="goes on past 50 pages"):
        reader(server.url, bounds=Bounds(max_pages=50)).get_all(PATH, CALL, query={"type": "all"})
    assert len(server.requests()) == 1


def test_a_last_page_on_another_server_is_not_read_side_by_side(
    server: HostileServer, elsewhere: HostileServer
) -> None:
    # Not the same listing (another origin): the pages are followed one by one, on this server.
    server.route(PATH, NumberedListing(last=3, last_link=f"{elsewhere.url}{PATH}?per_page=100&type=all&page=3"))
    items = reader(server.url).get_all(PATH, CALL, query={"type": "all"})
    assert len(items) == 6
    assert elsewhere.requests() == []
