"""What each field of the served schema resolves to, over the records ``view`` hands out.

``RESOLVERS[type][field](source, info, args)`` answers one field. Every field of the schema
subset has exactly one entry (the tests check both ways), so a field added to
``tests/contract/graphql-fields.txt`` fails loudly until it is served here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLResolveInfo

from . import view as v
from .connections import Order, Page, paginate
from .errors import GitHubError

Resolver = Callable[[Any, GraphQLResolveInfo, dict[str, Any]], Any]
RESOLVERS: dict[str, dict[str, Resolver]] = {}
# Where a blob stops counting as text: git's own heuristic looks for a NUL in the first 8000 bytes.
BINARY_PROBE = 8000


@dataclass(frozen=True)
class QueryContext:
    """What every resolver of one query shares."""

    view: v.StateView
    rate_limit: dict[str, Any]  # the RateLimit object this query reports


@dataclass(frozen=True)
class Topic:
    repo: v.Repository
    name: str


def context(info: GraphQLResolveInfo) -> QueryContext:
    found: QueryContext = info.context
    return found


def resolves(type_name: str, **fields: Resolver) -> None:
    RESOLVERS.setdefault(type_name, {}).update(fields)


def attribute(name: str) -> Resolver:
    return lambda source, _info, _args: getattr(source, name)


def item(key: str) -> Resolver:
    return lambda source, _info, _args: source[key]


def not_found(kind: str, article: str, what: str) -> GitHubError:
    return GitHubError("NOT_FOUND", f"Could not resolve to {article} {kind} with {what}.")


# -- entry points ------------------------------------------------------------------------------


def query_repository(_: object, info: GraphQLResolveInfo, args: dict[str, Any]) -> v.Repository:
    repo = context(info).view.repository(args["owner"], args["name"])
    if repo is None:
        raise not_found("Repository", "a", f"the name '{args['owner']}/{args['name']}'")
    return repo


def query_organization(_: object, info: GraphQLResolveInfo, args: dict[str, Any]) -> v.Organization:
    org = context(info).view.organization(args["login"])
    if org is None:
        raise not_found("Organization", "an", f"the login of '{args['login']}'")
    return org


resolves(
    "Query",
    repository=query_repository,
    organization=query_organization,
    viewer=lambda _source, info, _args: context(info).view.viewer(),
    rateLimit=lambda _source, info, _args: context(info).rate_limit,
)
resolves("RateLimit", **{name: item(name) for name in ("cost", "limit", "nodeCount", "remaining", "resetAt", "used")})
resolves("User", id=attribute("node_id"), login=attribute("login"))


# -- organisations ------------------------------------------------------------------------------

REPOSITORY_ORDERS: dict[str, Callable[[v.Repository], tuple[Any, ...]]] = {
    "CREATED_AT": lambda r: (r.created_at, r.database_id),
    "UPDATED_AT": lambda r: (r.updated_at, r.database_id),
    "PUSHED_AT": lambda r: (r.pushed_at, r.database_id),
    "NAME": lambda r: (r.name.casefold(), r.database_id),
    "STARGAZERS": lambda r: (r.stargazers, r.database_id),
}


def organization_repository(org: v.Organization, info: GraphQLResolveInfo, args: dict[str, Any]) -> v.Repository:
    repo = context(info).view.repository(org.login, args["name"])
    if repo is None:
        raise not_found("Repository", "a", f"the name '{org.login}/{args['name']}'")
    return repo


def organization_repositories(
    org: v.Organization, info: GraphQLResolveInfo, args: dict[str, Any]
) -> Page[v.Repository]:
    repos = context(info).view.organization_repositories(org.login)
    if args.get("isArchived") is not None:
        repos = [r for r in repos if r.is_archived == args["isArchived"]]
    if args.get("isFork") is not None:
        repos = [r for r in repos if r.is_fork == args["isFork"]]
    if args.get("privacy") is not None:
        # Internal repositories count as private here, as GitHub documents.
        repos = [r for r in repos if ("PUBLIC" if r.visibility == "PUBLIC" else "PRIVATE") == args["privacy"]]
    if args.get("visibility") is not None:
        repos = [r for r in repos if r.visibility == args["visibility"]]
    order_by = args.get("orderBy")
    if order_by is None:
        # Without orderBy GitHub lists in database order.
        order = Order("ID", lambda r: (r.database_id,))
    else:
        order = Order(order_by["field"], REPOSITORY_ORDERS[order_by["field"]], order_by["direction"] == "DESC")
    return paginate(repos, order, args, "repositories", info)


resolves(
    "Organization",
    id=attribute("node_id"),
    login=attribute("login"),
    repository=organization_repository,
    repositories=organization_repositories,
)


# -- repositories -------------------------------------------------------------------------------

LABEL_ORDERS: dict[str, Callable[[v.Label], tuple[Any, ...]]] = {
    "CREATED_AT": lambda label: (label.database_id,),
    "NAME": lambda label: (label.name.casefold(), label.database_id),
}


def repository_labels(repo: v.Repository, info: GraphQLResolveInfo, args: dict[str, Any]) -> Page[v.Label]:
    labels = context(info).view.labels(repo)
    if args.get("query"):
        wanted = args["query"].casefold()
        labels = [
            label
            for label in labels
            if wanted in label.name.casefold() or wanted in (label.description or "").casefold()
        ]
    # The schema's default orderBy is {field: CREATED_AT, direction: ASC}.
    order_by = args.get("orderBy") or {"field": "CREATED_AT", "direction": "ASC"}
    order = Order(order_by["field"], LABEL_ORDERS[order_by["field"]], order_by["direction"] == "DESC")
    return paginate(labels, order, args, "labels", info)


def repository_topics(repo: v.Repository, info: GraphQLResolveInfo, args: dict[str, Any]) -> Page[Topic]:
    topics = [Topic(repo, name) for name in repo.topics]
    position = {name: index for index, name in enumerate(repo.topics)}
    return paginate(topics, Order("POSITION", lambda t: (position[t.name],)), args, "repositoryTopics", info)


def repository_object(repo: v.Repository, info: GraphQLResolveInfo, args: dict[str, Any]) -> v.GitObject | None:
    view = context(info).view
    if args.get("expression") is not None:
        return view.resolve(repo, args["expression"])
    if args.get("oid") is not None:
        return view.object_by_oid(repo, args["oid"])
    return None


resolves(
    "Repository",
    id=attribute("node_id"),
    databaseId=attribute("database_id"),
    name=attribute("name"),
    nameWithOwner=attribute("name_with_owner"),
    description=attribute("description"),
    isArchived=attribute("is_archived"),
    isDisabled=attribute("is_disabled"),
    isEmpty=attribute("is_empty"),
    isFork=attribute("is_fork"),
    isPrivate=attribute("is_private"),
    isTemplate=attribute("is_template"),
    visibility=attribute("visibility"),
    viewerPermission=attribute("viewer_permission"),
    createdAt=attribute("created_at"),
    updatedAt=attribute("updated_at"),
    pushedAt=attribute("pushed_at"),
    defaultBranchRef=lambda repo, info, _args: context(info).view.default_branch_ref(repo),
    ref=lambda repo, info, args: context(info).view.ref(repo, args["qualifiedName"]),
    object=repository_object,
    repositoryTopics=repository_topics,
    labels=repository_labels,
    label=lambda repo, info, args: context(info).view.label(repo, args["name"]),
)
resolves(
    "RepositoryTopic",
    id=lambda topic, _info, _args: v.node_id("RT", topic.repo.database_id, topic.name),
    topic=lambda topic, _info, _args: topic,
)
resolves("Topic", id=lambda topic, _info, _args: v.node_id("TO", topic.name), name=attribute("name"))
resolves(
    "Label",
    id=attribute("node_id"),
    name=attribute("name"),
    color=attribute("color"),
    description=attribute("description"),
    isDefault=attribute("is_default"),
)


# -- connections ------------------------------------------------------------------------------------


def _cursor(page: Page[Any], index: int) -> str | None:
    return page.edges[index].cursor if page.edges else None


for _connection in ("LabelConnection", "RepositoryConnection", "RepositoryTopicConnection"):
    resolves(
        _connection,
        totalCount=attribute("total"),
        pageInfo=lambda page, _info, _args: page,
        nodes=attribute("nodes"),
        edges=attribute("edges"),
    )
    resolves(_connection.replace("Connection", "Edge"), cursor=attribute("cursor"), node=attribute("node"))
resolves(
    "PageInfo",
    hasNextPage=attribute("has_next"),
    hasPreviousPage=attribute("has_previous"),
    startCursor=lambda page, _info, _args: _cursor(page, 0),
    endCursor=lambda page, _info, _args: _cursor(page, -1),
)


# -- git ---------------------------------------------------------------------------------------------


def _blob_text(blob: v.GitObject, info: GraphQLResolveInfo) -> str | None:
    data = context(info).view.blob_bytes(blob)
    if b"\0" in data[:BINARY_PROBE]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


git_object_fields: dict[str, Resolver] = {
    "id": attribute("node_id"),
    "oid": attribute("oid"),
    "abbreviatedOid": lambda obj, _info, _args: obj.oid[:7],
}
resolves("GitObject", **git_object_fields)
resolves(
    "Ref",
    id=attribute("node_id"),
    name=attribute("name"),
    prefix=attribute("prefix"),
    target=lambda ref, info, _args: context(info).view.object_by_oid(ref.repo, ref.target_oid),
)
resolves(
    "Commit",
    **git_object_fields,
    message=lambda commit, info, _args: context(info).view.commit_message(commit),
    tree=lambda commit, info, _args: context(info).view.commit_tree(commit),
)
resolves("Tree", **git_object_fields, entries=lambda tree, info, _args: context(info).view.tree_entries(tree))
resolves(
    "TreeEntry",
    name=attribute("name"),
    path=attribute("path"),
    oid=attribute("oid"),
    type=attribute("type"),
    mode=attribute("mode"),
    size=lambda entry, info, _args: context(info).view.entry_size(entry),
    object=lambda entry, info, _args: context(info).view.entry_object(entry),
)
resolves(
    "Blob",
    **git_object_fields,
    byteSize=lambda blob, info, _args: len(context(info).view.blob_bytes(blob)),
    # The sandbox never truncates: its files are small, and GitHub's cut-off is not documented.
    isTruncated=lambda _blob, _info, _args: False,
    isBinary=lambda blob, info, _args: _blob_text(blob, info) is None,
    text=lambda blob, info, _args: _blob_text(blob, info),
)


def resolve_field(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
    """graphql-core's field resolver hook: one table lookup per field."""
    return RESOLVERS[info.parent_type.name][info.field_name](source, info, args)


def resolve_type(value: Any, info: GraphQLResolveInfo, abstract_type: Any) -> str:
    """The concrete type of a ``GitObject``."""
    typename: str = value.typename
    return typename
