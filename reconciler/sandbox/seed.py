"""The world a fresh sandbox starts in: the organisation of ``seed_repositories``, built with
the same mutations routes use, so ids, commits and workflows are what the API would make."""

from __future__ import annotations

from typing import Any

from .identities import OPERATOR_LOGIN
from .location import COMMAND_TOKEN
from .seed_files import readme
from .seed_operations import seed_operations
from .seed_repositories import AUTONOMY_PACK, DEFAULT_LABELS, REPOSITORIES, SEEDED_SECRET_VALUE
from .state import SandboxState, TokenGrant, Variable, branch_ref

__all__ = [
    "AUTONOMY_PACK",
    "DEFAULT_LABELS",
    "OPERATOR_LOGIN",
    "ORG_LOGIN",
    "REPOSITORIES",
    "SEEDED_SECRET_VALUE",
    "apply_repository",
    "empty_state",
    "operator_grant",
    "seeded_state",
]

ORG_LOGIN = "Sovereign-Operating-System"


def empty_state() -> SandboxState:
    """Just the token owner, so ``GET /user`` answers; no organisation, no repositories.

    The token of ``--sandbox`` commands is the operator's by name, so it keeps working when
    other unknown tokens are refused."""
    state = SandboxState(operator_login=OPERATOR_LOGIN)
    state.add_account(OPERATOR_LOGIN, name="Sandbox Operator")
    state.tokens[COMMAND_TOKEN] = operator_grant()
    return state


def operator_grant() -> TokenGrant:
    """The operator's token: admin everywhere, with the default classic scopes."""
    return TokenGrant(login=OPERATOR_LOGIN)


def seeded_state() -> SandboxState:
    state = empty_state()
    state.add_account(ORG_LOGIN, type="Organization", name="Sovereign Operating System")
    # Seeded workflow files have been on their branches long before anyone looks, so they
    # are registered at once; the lag applies from here on.
    state.workflow_registration_lag = 0
    for spec in REPOSITORIES:
        apply_repository(state, ORG_LOGIN, spec)
    # The App, other owners, organisation secrets and variables, workflow runs.
    seed_operations(state, ORG_LOGIN, apply_repository)
    state.workflow_registration_lag = 1
    return state


def apply_repository(state: SandboxState, owner: str, spec: dict[str, Any]) -> None:
    repo = state.add_repo(owner, spec["name"], **spec.get("attrs", {}))
    files = {"README.md": readme(repo.name, repo.description), **spec.get("files", {})}
    state.commit_files(
        repo,
        repo.default_branch,
        {path: text.encode("utf-8") for path, text in files.items()},
        "Initial commit",
        author=state.signature(OPERATOR_LOGIN, repo.created_at),
    )
    for file_name, workflow_state in spec.get("workflow_states", {}).items():
        workflow = repo.find_workflow(file_name)
        if workflow is None:
            raise ValueError(f"seed: {repo.full_name} has no workflow file {file_name!r}")
        workflow.state = workflow_state
    if spec.get("default_labels", True):
        for name, color, description in DEFAULT_LABELS:
            state.add_label(repo, name, color, description, default=True)
    for name, color, description in spec.get("labels", []):
        state.add_label(repo, name, color, description)
    updated = spec.get("attrs", {}).get("updated_at")
    for secret_name in spec.get("secrets", []):
        repo.store_secret(secret_name, SEEDED_SECRET_VALUE.encode(), now=updated)
    for variable_name, value in spec.get("variables", {}).items():
        when = updated or repo.updated_at
        repo.variables.append(Variable(variable_name, value, when, when))
    for issue_spec in spec.get("issues", []):
        created = issue_spec.get("created")
        author = issue_spec.get("author", OPERATOR_LOGIN)
        title = issue_spec["title"]
        body = issue_spec.get("body", f"Seeded issue: {title}.")
        labels = issue_spec.get("labels", [])
        pr = issue_spec.get("pr")
        if pr:
            state.set_ref(repo, branch_ref(pr["branch"]), repo.branch_head(repo.default_branch))
            state.commit_files(
                repo,
                pr["branch"],
                {path: text.encode("utf-8") for path, text in pr["files"].items()},
                title,
                author=state.signature(author, created),
            )
            issue = state.add_pull(
                repo,
                title,
                author=author,
                head=pr["branch"],
                base=repo.default_branch,
                body=body,
                label_names=labels,
                created_at=created,
            )
        else:
            issue = state.add_issue(repo, title, author=author, body=body, label_names=labels, created_at=created)
        if issue_spec.get("state") == "closed":
            issue.state = "closed"
            issue.state_reason = None if issue.is_pull_request else "completed"
            issue.closed_at = issue.updated_at
        for text in issue_spec.get("comments", []):
            state.add_comment(repo, issue, text, author=OPERATOR_LOGIN, created_at=created)
