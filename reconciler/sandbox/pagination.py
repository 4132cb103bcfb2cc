"""``per_page``/``page`` slicing and the ``Link`` header GitHub sends with every list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlencode

from .protocol import RequestContext, Response

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100

T = TypeVar("T")


def _positive_int(raw: str | None, default: int) -> int:
    # GitHub ignores values it cannot use rather than failing the request.
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value >= 1 else default


def page_window(
    ctx: RequestContext, *, max_per_page: int = MAX_PER_PAGE, default_per_page: int = DEFAULT_PER_PAGE
) -> tuple[int, int]:
    per_page = min(_positive_int(ctx.query_value("per_page"), default_per_page), max_per_page)
    page = _positive_int(ctx.query_value("page"), 1)
    return page, per_page


def link_header(ctx: RequestContext, page: int, last_page: int) -> str | None:
    if last_page <= 1 and page <= 1:
        return None

    def page_url(number: int) -> str:
        # Keep every other query parameter as the client sent it, so following a link
        # repeats the same filter.
        pairs = [(k, v) for k, values in ctx.query.items() if k != "page" for v in values]
        pairs.append(("page", str(number)))
        return f"{ctx.base_url}{ctx.path}?{urlencode(pairs)}"

    links: list[str] = []
    if page > 1:
        links.append(f'<{page_url(min(page - 1, last_page))}>; rel="prev"')
    if page < last_page:
        # Like GitHub: the last page itself carries no "next" and no "last".
        links.append(f'<{page_url(page + 1)}>; rel="next"')
        links.append(f'<{page_url(last_page)}>; rel="last"')
    if page > 1:
        links.append(f'<{page_url(1)}>; rel="first"')
    return ", ".join(links)


def page_slice(
    ctx: RequestContext,
    items: Sequence[T],
    *,
    max_per_page: int = MAX_PER_PAGE,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> tuple[Sequence[T], dict[str, str]]:
    """The requested page of ``items`` and the headers that go with it."""
    page, per_page = page_window(ctx, max_per_page=max_per_page, default_per_page=default_per_page)
    last_page = max(1, -(-len(items) // per_page))
    start = (page - 1) * per_page
    headers: dict[str, str] = {}
    link = link_header(ctx, page, last_page)
    if link:
        headers["Link"] = link
    return items[start : start + per_page], headers


def paginate(
    ctx: RequestContext, items: Sequence[T], render: Callable[[T], Any], *, max_per_page: int = MAX_PER_PAGE
) -> Response:
    shown, headers = page_slice(ctx, items, max_per_page=max_per_page)
    return Response(200, [render(item) for item in shown], headers)


def paginate_counted(
    ctx: RequestContext,
    items: Sequence[T],
    render: Callable[[T], Any],
    *,
    list_key: str,
    max_per_page: int = MAX_PER_PAGE,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> Response:
    """Lists GitHub wraps in an object: ``{"total_count": N, "<list_key>": [...]}`` (Actions
    secrets, variables...), paged like any other list."""
    shown, headers = page_slice(ctx, items, max_per_page=max_per_page, default_per_page=default_per_page)
    return Response(200, {"total_count": len(items), list_key: [render(item) for item in shown]}, headers)
