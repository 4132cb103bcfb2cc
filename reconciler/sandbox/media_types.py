"""GitHub's custom media types: what a client asked for in ``Accept``, and how the answer is
labelled.

GitHub's media types look like ``application/vnd.github[.VERSION][.PARAM][+json]``. The
param picks a representation (``raw``, ``html``, ``object``, ``full``...), ``+json`` asks for it
inside JSON. Every response says which one it served in ``X-GitHub-Media-Type``:
``github.v3; format=json`` by default, ``github.v3; param=raw`` for
``application/vnd.github.raw`` (recorded from api.github.com in octokit/fixtures). A custom
type is echoed in ``Content-Type`` (``application/vnd.github.v3.raw; charset=utf-8``), so a
client that asked for ``…raw+json`` gets ``application/vnd.github.raw+json; charset=utf-8``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

JSON_TYPE = "application/json; charset=utf-8"
_GITHUB_TYPE = re.compile(
    r"^application/vnd\.github(?:\.(?P<first>[a-z0-9-]+))?(?:\.(?P<second>[a-z0-9-]+))?(?P<json>\+json)?$"
)


@dataclass(frozen=True)
class MediaType:
    """The GitHub media type a request asked for; ``param`` None is plain JSON."""

    param: str | None = None
    # ``+json``: the param's representation inside a JSON document (``raw+json``).
    json_suffix: bool = False
    # The media type as the client wrote it, echoed in ``Content-Type``.
    requested: str = "application/json"

    @property
    def header(self) -> str:
        """The ``X-GitHub-Media-Type`` value for this request."""
        if self.param is None:
            return "github.v3; format=json"
        if self.json_suffix:
            return f"github.v3; param={self.param}; format=json"
        return f"github.v3; param={self.param}"

    def content_type(self) -> str:
        """How a custom representation (raw bytes, HTML, an object) is labelled."""
        return f"{self.requested}; charset=utf-8"

    def wants(self, *params: str) -> bool:
        return self.param in params


DEFAULT = MediaType()


def parse_accept(accept: str | None) -> MediaType:
    """The first GitHub media type in ``Accept`` that names a param; JSON otherwise.

    ``application/vnd.github+json`` and ``application/vnd.github.v3+json`` are plain JSON;
    ``v3`` in ``application/vnd.github.v3.raw`` is a version, not a param."""
    for item in (accept or "").split(","):
        media = item.split(";", 1)[0].strip().lower()
        match = _GITHUB_TYPE.match(media)
        if match is None:
            continue
        parts = [part for part in (match.group("first"), match.group("second")) if part]
        if parts and parts[0] == "v3":
            parts = parts[1:]
        if not parts:
            continue
        return MediaType(param=parts[-1], json_suffix=bool(match.group("json")), requested=media)
    return DEFAULT
