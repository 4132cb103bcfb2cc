"""The GitHub port implemented with PyGithub.

Every call goes through `_Client.call`, which applies the pacing and retry policies and turns
PyGithub's exceptions into reconciler's typed errors. Each thread gets its own `Github`
object because PyGithub's connection object is not safe to share between threads.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlparse

import requests
from github import Auth, Github, GithubException

from reconciler import __version__
from reconciler.errors import (
    AuthenticationError,
    ConflictError,
    GitHubError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    ServerError,
    TransportError,
    ValidationFailedError,
)
from reconciler.github.pacing import Clock, Pacer, PacingPolicy, RetryPolicy, SystemClock
from reconciler.github.port import (
    LiveComment,
    LiveCommit,
    LiveFile,
    LiveIssue,
    LiveLabel,
    LivePullRequest,
    LiveRepository,
    LiveSecret,
    LiveVariable,
    LiveWorkflow,
    RateLimit,
    TokenInfo,
    TreeEntry,
)
from reconciler.github.response_cache import CachedPage, ResponseCache, namespace

T = TypeVar("T")

DEFAULT_GITHUB_URL = "https://api.github.com"
PER_PAGE = 100
# GitHub's maximum for the variables list (every other list we read allows 100).
VARIABLES_PER_PAGE = 30


@dataclass(frozen=True)
class Connection:
    """Where GitHub is and how to authenticate. The token never appears in repr or errors."""

    base_url: str
    token: str = field(repr=False)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pacing: PacingPolicy = field(default_factory=PacingPolicy)
    timeout: int = 30
    # Remembered list pages, revalidated with If-None-Match on every read (None: no cache).
    cache: ResponseCache | None = field(default=None, repr=False, compare=False)


class _Client:
    """Per-thread PyGithub clients plus the shared retry and pacing machinery."""

    def __init__(self, connection: Connection, clock: Clock | None = None) -> None:
        self.connection = connection
        self.clock: Clock = clock or SystemClock()
        self.pacer = Pacer(connection.pacing, self.clock)
        self._local = threading.local()
        self._created: list[Github] = []
        self._lock = threading.Lock()

    def github(self) -> Github:
        client: Github | None = getattr(self._local, "github", None)
        if client is None:
            client = Github(
                base_url=self.connection.base_url,
                auth=Auth.Token(self.connection.token),
                per_page=PER_PAGE,
                timeout=self.connection.timeout,
                user_agent=f"reconciler/{__version__}",
                # Our RetryPolicy and Pacer replace PyGithub's fixed sleeps and urllib3 retries.
                retry=None,
                seconds_between_requests=None,
                seconds_between_writes=None,
                lazy=True,
            )
            self._local.github = client
            with self._lock:
                self._created.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            for client in self._created:
                client.close()
            self._created.clear()

    def get_page(self, gh: Github, url: str, query: dict[str, Any] | None) -> tuple[Any, str | None]:
        """One GET's JSON body and the next page's URL, asking GitHub whether a remembered
        answer changed (a 304 costs no rate limit)."""
        cache = self.connection.cache
        key = f"{namespace(self.connection.base_url, self.connection.token)} {_page_key(url, query)}"
        cached = cache.get(key) if cache is not None else None
        headers = {"If-None-Match": cached.etag} if cached is not None else None
        status, response_headers, raw = gh.requester.requestJson("GET", url, parameters=query, headers=headers)
        if status == 304 and cached is not None:
            return cached.body, cached.next_url
        if not 200 <= status < 300:
            raise GithubException(status, _json_or_text(raw), response_headers)
        body = _json_or_text(raw)
        if isinstance(body, str):
            raise ServerError(f"GitHub answered {url} with a body that is not JSON", status=status)
        next_url = _next_link(response_headers)
        etag = response_headers.get("etag")
        if cache is not None and etag:
            cache.put(key, CachedPage(etag, body, next_url))
        return body, next_url

    def get_pages(self, gh: Github, path: str, parameters: dict[str, Any], list_key: str | None) -> list[Any]:
        """Every item of a paginated list."""
        items: list[Any] = []
        url: str | None = path
        query: dict[str, Any] | None = parameters
        while url is not None:
            body, url = self.get_page(gh, url, query)
            page = body.get(list_key, []) if list_key is not None and isinstance(body, dict) else body
            items.extend(page if isinstance(page, list) else [page])
            query = None
        return items

    def call(
        self, operation: str, repository: str, fn: Callable[[Github], T], *, write: bool, idempotent: bool = True
    ) -> T:
        """Run `fn` under the pacing and retry policies.

        A request that is not idempotent (a POST that creates an issue or a comment) is not
        retried after a 5xx or a network error, which may come after it landed: retrying could
        create it twice. Rate-limit refusals are still waited out, since GitHub did nothing.
        """
        policy = self.connection.retry
        attempt = 0
        while True:
            attempt += 1
            if write:
                self.pacer.before_write()
            try:
                return fn(self.github())
            except GithubException as exc:
                failure, wait = _classify(exc, operation, repository, policy, attempt, self.clock)
            except requests.RequestException as exc:
                failure = TransportError(
                    f"network error: {type(exc).__name__}", operation=operation, repository=repository
                )
                wait = policy.backoff(attempt) if attempt < policy.attempts else None
            if not idempotent and isinstance(failure, ServerError | TransportError):
                wait = None
            if wait is None:
                raise failure from None
            if wait > policy.max_wait:
                raise RateLimitedError(
                    f"{failure.detail}; GitHub asks to wait {wait:.0f}s, more than the "
                    f"{policy.max_wait:.0f}s this run allows. Re-run later.",
                    status=failure.status,
                    operation=operation,
                    repository=repository,
                ) from None
            self.clock.sleep(wait)


def _classify(
    exc: GithubException,
    operation: str,
    repository: str,
    policy: RetryPolicy,
    attempt: int,
    clock: Clock,
) -> tuple[GitHubError, float | None]:
    """The typed error for this failure, and how long to wait before retrying (None: don't)."""
    status = exc.status
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    message = _message(exc.data) or f"HTTP {status}"
    context: dict[str, Any] = {
        "status": status,
        "operation": operation,
        "repository": repository,
        "token_scopes": _scopes(headers.get("x-oauth-scopes")),
    }
    retries_left = attempt < policy.attempts

    if status in (403, 429):
        wait = _rate_limit_wait(status, headers, message, policy, attempt, clock)
        if wait is not None:
            return RateLimitedError(f"rate limited: {message}", **context), (wait if retries_left else None)
        return PermissionDeniedError(message, **context), None
    if status == 401:
        return AuthenticationError(f"GitHub rejected the token: {message}", **context), None
    if status == 404:
        return NotFoundError(f"not found (or the token cannot see it): {message}", **context), None
    if status == 409:
        return ConflictError(message, **context), None
    if status == 422:
        codes = _error_codes(exc.data)
        return ValidationFailedError(_validation_message(exc.data, message), codes=codes, **context), None
    if status >= 500:
        return ServerError(f"GitHub failed: {message}", **context), (policy.backoff(attempt) if retries_left else None)
    return GitHubError(message, **context), None


def _rate_limit_wait(
    status: int,
    headers: dict[str, str],
    message: str,
    policy: RetryPolicy,
    attempt: int,
    clock: Clock,
) -> float | None:
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            return policy.secondary_wait
    if headers.get("x-ratelimit-remaining") == "0":
        try:
            reset = float(headers.get("x-ratelimit-reset", ""))
        except ValueError:
            return policy.secondary_wait
        return max(1.0, reset - clock.now() + 1.0)
    if status == 429 or "secondary rate limit" in message.lower():
        return max(policy.secondary_wait, policy.backoff(attempt))
    return None


def _scopes(header: str | None) -> tuple[str, ...] | None:
    """X-OAuth-Scopes as a tuple; None when GitHub did not send it (fine-grained tokens, Apps)."""
    if header is None:
        return None
    return tuple(s.strip() for s in header.split(",") if s.strip())


def _message(data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("message") or "")
    if isinstance(data, bytes | str):
        text = data.decode(errors="replace") if isinstance(data, bytes) else data
        return text.strip()[:200]
    return ""


def _error_codes(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    return [str(e.get("code")) for e in data.get("errors") or [] if isinstance(e, dict) and e.get("code")]


def _validation_message(data: Any, fallback: str) -> str:
    if not isinstance(data, dict):
        return fallback
    parts = []
    for item in data.get("errors") or []:
        if isinstance(item, dict):
            described = item.get("message") or " ".join(
                str(item[k]) for k in ("resource", "field", "code") if item.get(k)
            )
            parts.append(str(described))
        elif isinstance(item, str):
            parts.append(item)
    return f"{fallback}: {'; '.join(parts)}" if parts else fallback


def _path(repository: str, *segments: str) -> str:
    """A URL path under the repository; every segment percent-encoded in full."""
    owner, name = repository.split("/", 1)
    encoded = "".join("/" + quote(s, safe="") for s in segments)
    return f"/repos/{quote(owner, safe='')}/{quote(name, safe='')}{encoded}"


def _live_repository(data: dict[str, Any]) -> LiveRepository:
    """From a repository object, as `GET /repos/{o}/{r}` and the organisation listing return it."""
    permissions = data.get("permissions")
    return LiveRepository(
        full_name=str(data["full_name"]),
        default_branch=str(data.get("default_branch") or "main"),
        archived=bool(data.get("archived")),
        fork=bool(data.get("fork")),
        topics=tuple(data.get("topics") or ()),
        private=bool(data.get("private")),
        permissions={str(k): bool(v) for k, v in permissions.items()} if isinstance(permissions, dict) else None,
    )


def _page_key(url: str, query: dict[str, Any] | None) -> str:
    parsed = urlparse(url)
    pairs = sorted(parse_qsl(parsed.query) + [(k, str(v)) for k, v in (query or {}).items()])
    return f"{parsed.path}?{urlencode(pairs)}"


_LINK = re.compile(r'<([^>]+)>;\s*rel="next"')


def _next_link(headers: dict[str, Any]) -> str | None:
    found = _LINK.search(str(headers.get("link", "")))
    return found.group(1) if found else None


def _json_or_text(raw: str) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw


def _branch_ref(branch: str) -> str:
    # Branch names may contain '/', which stays a separator in git ref paths.
    return "heads/" + quote(branch, safe="/")


class PyGithubReader:
    """The read half of the port. It has no write methods at all."""

    def __init__(self, connection: Connection, *, clock: Clock | None = None) -> None:
        self._client = _Client(connection, clock)

    @property
    def api_url(self) -> str:
        return self._client.connection.base_url

    @property
    def concurrency(self) -> int:
        return self._client.connection.pacing.max_concurrency

    def close(self) -> None:
        self._client.close()

    def _pages(
        self, gh: Github, repository: str, segments: tuple[str, ...], list_key: str | None = None, **query: Any
    ) -> list[dict[str, Any]]:
        parameters = {"per_page": PER_PAGE, **query}
        return [i for i in self._client.get_pages(gh, _path(repository, *segments), parameters, list_key) if i]

    def list_labels(self, repository: str) -> list[LiveLabel]:
        def read(gh: Github) -> list[LiveLabel]:
            return [
                LiveLabel(item["name"], item["color"], item.get("description"))
                for item in self._pages(gh, repository, ("labels",))
            ]

        return self._client.call("list labels", repository, read, write=False)

    def count_open_issues(self, repository: str, label: str) -> int:
        def read(gh: Github) -> int:
            # The issues list holds pull requests too, which is what "carry the label" means.
            return int(gh.get_repo(repository).get_issues(state="open", labels=[label]).totalCount)

        return self._client.call(f"count issues labelled {label!r}", repository, read, write=False)

    def get_repository(self, repository: str) -> LiveRepository:
        def read(gh: Github) -> LiveRepository:
            _, data = gh.requester.requestJsonAndCheck("GET", _path(repository))
            return _live_repository(data)

        return self._client.call("read repository", repository, read, write=False)

    def get_authenticated(self) -> TokenInfo:
        def read(gh: Github) -> TokenInfo:
            try:
                headers, data = gh.requester.requestJsonAndCheck("GET", "/user")
            except GithubException as exc:
                # An App installation token acts for no user: GitHub refuses /user with 403
                # "Resource not accessible by integration", and the token is still valid.
                if exc.status == 403 and "integration" in _message(exc.data).lower():
                    return TokenInfo(login=None, scopes=None)
                raise
            return TokenInfo(login=str(data["login"]), scopes=_scopes(headers.get("x-oauth-scopes")))

        return self._client.call("read the authenticated user", "", read, write=False)

    def get_rate_limit(self) -> RateLimit:
        def read(gh: Github) -> RateLimit:
            # Free on GitHub: asking does not spend the budget it reports.
            _, data = gh.requester.requestJsonAndCheck("GET", "/rate_limit")
            core = data["resources"]["core"]
            return RateLimit(int(core["limit"]), int(core["remaining"]), int(core["reset"]))

        return self._client.call("read the rate limit", "", read, write=False)

    def list_organization_repositories(self, organization: str) -> list[LiveRepository]:
        def read(gh: Github) -> list[LiveRepository]:
            # The listing carries archived, fork and topics: one request per 100 repositories.
            path = f"/orgs/{quote(organization, safe='')}/repos"
            listed = self._client.get_pages(gh, path, {"per_page": PER_PAGE, "type": "all"}, None)
            return [_live_repository(r) for r in listed]

        return self._client.call(f"list repositories of {organization}", organization, read, write=False)

    def list_directory(self, repository: str, directory: str, ref: str | None = None) -> list[LiveFile]:
        def read(gh: Github) -> list[LiveFile]:
            query = {"ref": ref} if ref else {}
            entries = self._client.get_pages(gh, _path(repository, "contents", *directory.split("/")), query, None)
            return [LiveFile(e["path"], e["sha"], int(e["size"])) for e in entries if e.get("type") == "file"]

        try:
            return self._client.call(f"list {directory}", repository, read, write=False)
        except NotFoundError:
            return []

    def get_file(self, repository: str, path: str, ref: str | None = None) -> bytes:
        def read(gh: Github) -> bytes:
            query = {"ref": ref} if ref else None
            found, _ = self._client.get_page(gh, _path(repository, "contents", *path.split("/")), query)
            # A directory's contents come as a list.
            if not isinstance(found, dict) or found.get("type") != "file":
                raise NotFoundError(f"{path} is not a file", operation="read file", repository=repository)
            # Files over 1 MB come without content; workflow files are far smaller.
            return base64.b64decode(found.get("content") or "")

        return self._client.call(f"read {path}", repository, read, write=False)

    def list_workflows(self, repository: str) -> list[LiveWorkflow]:
        def read(gh: Github) -> list[LiveWorkflow]:
            return [
                LiveWorkflow(int(w["id"]), w["path"], w["name"], w["state"])
                for w in self._pages(gh, repository, ("actions", "workflows"), "workflows")
            ]

        return self._client.call("list workflows", repository, read, write=False)

    def get_branch_head(self, repository: str, branch: str) -> str | None:
        def read(gh: Github) -> str:
            _, data = gh.requester.requestJsonAndCheck(
                "GET", _path(repository, "git", "ref") + "/" + _branch_ref(branch)
            )
            return str(data["object"]["sha"])

        try:
            return self._client.call(f"read branch {branch}", repository, read, write=False)
        except NotFoundError:
            return None

    def get_commit(self, repository: str, commit_sha: str) -> LiveCommit:
        def read(gh: Github) -> LiveCommit:
            _, data = gh.requester.requestJsonAndCheck("GET", _path(repository, "git", "commits", commit_sha))
            parents = tuple(str(p["sha"]) for p in data.get("parents") or ())
            return LiveCommit(str(data["sha"]), str(data["tree"]["sha"]), str(data.get("message") or ""), parents)

        return self._client.call("read commit", repository, read, write=False)

    def find_open_pull_request(self, repository: str, head_branch: str) -> LivePullRequest | None:
        def read(gh: Github) -> LivePullRequest | None:
            repo = gh.get_repo(repository)
            owner = repository.split("/", 1)[0]
            for pull in repo.get_pulls(state="open", head=f"{owner}:{head_branch}"):
                return LivePullRequest(pull.number, pull.html_url)
            return None

        return self._client.call("find pull request", repository, read, write=False)

    def wait_for_workflow(self, repository: str, path: str, timeout: float) -> LiveWorkflow | None:
        clock = self._client.clock
        deadline = clock.now() + timeout
        # Polls as the retry policy backs off: about a second apart on GitHub, at once on the sandbox.
        delay = max(self._client.connection.retry.backoff_base, 0.01)
        while True:
            found = next((w for w in self.list_workflows(repository) if w.path == path), None)
            if found is not None or clock.now() >= deadline:
                return found
            clock.sleep(min(delay, max(0.0, deadline - clock.now())))
            delay = min(delay * 2, 8.0)

    def list_secrets(self, repository: str) -> list[LiveSecret]:
        def read(gh: Github) -> list[LiveSecret]:
            return [
                LiveSecret(s["name"], s.get("updated_at"))
                for s in self._pages(gh, repository, ("actions", "secrets"), "secrets")
            ]

        return self._client.call("list secrets", repository, read, write=False)

    def list_variables(self, repository: str) -> list[LiveVariable]:
        def read(gh: Github) -> list[LiveVariable]:
            # The client's per_page (100) is more than this endpoint allows: ask for its maximum.
            pages = self._pages(gh, repository, ("actions", "variables"), "variables", per_page=VARIABLES_PER_PAGE)
            return [LiveVariable(v["name"], v["value"]) for v in pages]

        return self._client.call("list variables", repository, read, write=False)

    def list_open_issues(self, repository: str, labels: Sequence[str] | None = None) -> list[LiveIssue]:
        query: dict[str, Any] = {"state": "open"}
        if labels:
            query["labels"] = ",".join(labels)

        # Read raw, not through PyGithub's lazy objects: those would send a GET per issue to
        # "complete" the `pull_request` attribute the list leaves out.
        def read(gh: Github) -> list[LiveIssue]:
            items = self._pages(gh, repository, ("issues",), **query)
            # GitHub lists pull requests among issues; they are never ours to report into.
            return [_live_issue(item) for item in items if "pull_request" not in item]

        return self._client.call("list open issues", repository, read, write=False)

    def list_issue_comments(self, repository: str, number: int) -> list[LiveComment]:
        def read(gh: Github) -> list[LiveComment]:
            return [_live_comment(item) for item in self._pages(gh, repository, ("issues", str(number), "comments"))]

        return self._client.call(f"list comments on #{number}", repository, read, write=False)


def _live_issue(item: dict[str, Any]) -> LiveIssue:
    return LiveIssue(
        int(item["number"]), str(item["title"]), item.get("body") or "", str(item["state"]), str(item["html_url"])
    )


def _live_comment(item: dict[str, Any]) -> LiveComment:
    return LiveComment(int(item["id"]), item.get("body") or "", str(item["html_url"]))


class PyGithubWriter(PyGithubReader):
    """Reads and writes. Only the applier is given one."""

    def create_label(self, repository: str, *, name: str, color: str, description: str) -> None:
        def write(gh: Github) -> None:
            gh.get_repo(repository).create_label(name, color, description)

        try:
            self._client.call(f"create label {name!r}", repository, write, write=True)
        except ValidationFailedError as exc:
            # A POST retried after a 5xx may have landed the first time: if what exists now is
            # exactly what we asked for, the create succeeded.
            if not exc.already_exists or not self._label_matches(repository, name, color, description):
                raise

    def update_label(self, repository: str, current_name: str, *, name: str, color: str, description: str) -> None:
        payload = {"new_name": name, "color": color, "description": description}

        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("PATCH", _path(repository, "labels", current_name), input=payload)

        self._client.call(f"update label {current_name!r}", repository, write, write=True)

    def delete_label(self, repository: str, name: str) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("DELETE", _path(repository, "labels", name))

        self._client.call(f"delete label {name!r}", repository, write, write=True)

    def create_blob(self, repository: str, data: bytes) -> str:
        payload = {"content": base64.b64encode(data).decode("ascii"), "encoding": "base64"}
        return self._post_sha(repository, "create blob", ("git", "blobs"), payload)

    def create_tree(self, repository: str, base_tree: str, entries: list[TreeEntry]) -> str:
        tree = [{"path": e.path, "mode": "100644", "type": "blob", "sha": e.sha} for e in entries]
        return self._post_sha(repository, "create tree", ("git", "trees"), {"base_tree": base_tree, "tree": tree})

    def create_commit(self, repository: str, message: str, tree: str, parents: list[str]) -> str:
        payload = {"message": message, "tree": tree, "parents": parents}
        return self._post_sha(repository, "create commit", ("git", "commits"), payload)

    def update_branch(self, repository: str, branch: str, sha: str, *, force: bool = False) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck(
                "PATCH",
                _path(repository, "git", "refs") + "/" + _branch_ref(branch),
                input={"sha": sha, "force": force},
            )

        try:
            self._client.call(f"move branch {branch}", repository, write, write=True)
        except ValidationFailedError as exc:
            if "fast forward" in exc.detail.lower():
                raise ConflictError(
                    f"branch {branch} moved since it was read (not a fast-forward)",
                    status=exc.status,
                    operation=exc.operation,
                    repository=repository,
                ) from None
            raise

    def create_branch(self, repository: str, branch: str, sha: str) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck(
                "POST", _path(repository, "git", "refs"), input={"ref": f"refs/heads/{branch}", "sha": sha}
            )

        # Not retried after a 5xx: the branch may exist already; the next apply sees it.
        self._client.call(f"create branch {branch}", repository, write, write=True, idempotent=False)

    def create_pull_request(self, repository: str, *, head: str, base: str, title: str, body: str) -> int:
        def write(gh: Github) -> int:
            return int(gh.get_repo(repository).create_pull(base=base, head=head, title=title, body=body).number)

        # Not retried after a 5xx: a second pull request must never be opened; the next plan finds the first.
        return self._client.call("open pull request", repository, write, write=True, idempotent=False)

    def create_issue(self, repository: str, *, title: str, body: str, labels: Sequence[str] = ()) -> LiveIssue:
        payload: dict[str, Any] = {"title": title, "body": body}
        if labels:
            payload["labels"] = list(labels)

        def write(gh: Github) -> LiveIssue:
            _, data = gh.requester.requestJsonAndCheck("POST", _path(repository, "issues"), input=payload)
            return _live_issue(data)

        return self._client.call("open issue", repository, write, write=True, idempotent=False)

    def update_issue(
        self,
        repository: str,
        number: int,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        state_reason: str | None = None,
    ) -> None:
        fields = (("title", title), ("body", body), ("state", state), ("state_reason", state_reason))
        payload = {k: v for k, v in fields if v is not None}

        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("PATCH", _path(repository, "issues", str(number)), input=payload)

        self._client.call(f"update issue #{number}", repository, write, write=True)

    def create_issue_comment(self, repository: str, number: int, body: str) -> LiveComment:
        def write(gh: Github) -> LiveComment:
            _, data = gh.requester.requestJsonAndCheck(
                "POST", _path(repository, "issues", str(number), "comments"), input={"body": body}
            )
            return _live_comment(data)

        return self._client.call(f"comment on #{number}", repository, write, write=True, idempotent=False)

    def update_issue_comment(self, repository: str, comment_id: int, body: str) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck(
                "PATCH", _path(repository, "issues", "comments", str(comment_id)), input={"body": body}
            )

        self._client.call(f"update comment {comment_id}", repository, write, write=True)

    def set_workflow_enabled(self, repository: str, workflow_id: int, enabled: bool) -> None:
        verb = "enable" if enabled else "disable"

        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("PUT", _path(repository, "actions", "workflows", str(workflow_id), verb))

        self._client.call(f"{verb} workflow {workflow_id}", repository, write, write=True)

    def _post_sha(self, repository: str, operation: str, segments: tuple[str, ...], payload: dict[str, Any]) -> str:
        def write(gh: Github) -> str:
            _, data = gh.requester.requestJsonAndCheck("POST", _path(repository, *segments), input=payload)
            return str(data["sha"])

        return self._client.call(operation, repository, write, write=True)

    def put_secret(self, repository: str, name: str, value: str) -> None:
        # PyGithub fetches the repository's public key and seals the value with PyNaCl; only
        # the sealed box leaves this process. Messages and errors name the secret, never its value.
        def write(gh: Github) -> None:
            gh.get_repo(repository).create_secret(name, value)

        self._client.call(f"set secret {name!r}", repository, write, write=True)

    def delete_secret(self, repository: str, name: str) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("DELETE", _path(repository, "actions", "secrets", name))

        self._client.call(f"delete secret {name!r}", repository, write, write=True)

    def create_variable(self, repository: str, name: str, value: str) -> None:
        payload = {"name": name, "value": value}

        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("POST", _path(repository, "actions", "variables"), input=payload)

        try:
            self._client.call(f"create variable {name!r}", repository, write, write=True)
        except ConflictError:
            # 409: it exists. After a retried POST that is our own first attempt; anything
            # else (another value) is a real conflict for the next plan to show.
            if not self._variable_matches(repository, name, value):
                raise

    def update_variable(self, repository: str, name: str, value: str) -> None:
        payload = {"name": name, "value": value}

        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("PATCH", _path(repository, "actions", "variables", name), input=payload)

        self._client.call(f"update variable {name!r}", repository, write, write=True)

    def delete_variable(self, repository: str, name: str) -> None:
        def write(gh: Github) -> None:
            gh.requester.requestJsonAndCheck("DELETE", _path(repository, "actions", "variables", name))

        self._client.call(f"delete variable {name!r}", repository, write, write=True)

    def _variable_matches(self, repository: str, name: str, value: str) -> bool:
        wanted = name.casefold()
        return any(v.name.casefold() == wanted and v.value == value for v in self.list_variables(repository))

    def _label_matches(self, repository: str, name: str, color: str, description: str) -> bool:
        for live in self.list_labels(repository):
            if live.name == name:
                return live.color.lower() == color.lower() and (live.description or "") == description
        return False
