"""Changes to the sandbox's state that keep it consistent: new objects with fresh ids, and
commits and branch moves that keep what derives from them (workflows, pull requests) in step.

``SandboxState`` inherits these; routes, the seed and tests call them as ``state.add_label``,
``state.commit_files``... rather than editing the lists by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .gitobjects import FILE_MODE, Commit, Signature, TreeEntry, set_leaf
from .model import (
    HEADS,
    Account,
    Comment,
    Issue,
    Label,
    PullDetails,
    RepoState,
    branch_ref,
    make_node_id,
    utc_now,
)
from .workflows import Workflow, is_workflow_file, workflow_name


class StateMutations:
    """The mutating half of ``SandboxState``; the attributes below are its fields."""

    accounts: list[Account]
    repos: list[RepoState]
    operator_login: str
    workflow_registration_lag: int
    next_ids: dict[str, int]

    if TYPE_CHECKING:

        def account(self, login: str) -> Account | None: ...

    def next_id(self, kind: str) -> int:
        # Per-kind counters that start at distinct bases, so an id alone hints at its kind.
        bases = {
            "account": 1000,
            "repo": 700000,
            "label": 5000000,
            "issue": 9000000,
            "comment": 1200000,
            "pull": 180000000,
            "workflow": 61000000,
            "workflow_run": 12000000000,
            "app": 1100000,
            "installation": 58000000,
        }
        value = self.next_ids.get(kind, bases.get(kind, 1))
        self.next_ids[kind] = value + 1
        return value

    def add_account(
        self,
        login: str,
        *,
        type: str = "User",
        name: str | None = None,
        email: str | None = None,
        created_at: str = "2020-01-01T00:00:00Z",
    ) -> Account:
        acc_id = self.next_id("account")
        prefix = "O" if type == "Organization" else "U"
        acc = Account(
            login=login,
            id=acc_id,
            node_id=make_node_id(prefix, acc_id),
            type=type,
            name=name,
            email=email,
            created_at=created_at,
        )
        self.accounts.append(acc)
        return acc

    def add_repo(self, owner: str, name: str, **attrs: Any) -> RepoState:
        repo_id = self.next_id("repo")
        repo = RepoState(id=repo_id, node_id=make_node_id("R", repo_id), owner=owner, name=name, **attrs)
        self.repos.append(repo)
        return repo

    def add_label(
        self, repo: RepoState, name: str, color: str, description: str | None = None, *, default: bool = False
    ) -> Label:
        label_id = self.next_id("label")
        label = Label(
            id=label_id,
            node_id=make_node_id("LA", label_id),
            name=name,
            color=color,
            description=description,
            default=default,
        )
        repo.labels.append(label)
        return label

    def add_issue(
        self,
        repo: RepoState,
        title: str,
        *,
        author: str,
        body: str | None = None,
        label_names: list[str] | None = None,
        is_pull_request: bool = False,
        created_at: str | None = None,
    ) -> Issue:
        issue_id = self.next_id("issue")
        when = created_at or utc_now()
        issue = Issue(
            id=issue_id,
            node_id=make_node_id("PR" if is_pull_request else "I", issue_id),
            number=repo.next_issue_number,
            title=title,
            author=author,
            body=body,
            is_pull_request=is_pull_request,
            created_at=when,
            updated_at=when,
        )
        repo.next_issue_number += 1
        for label_name in label_names or []:
            label = repo.find_label(label_name)
            if label is None:
                # As on GitHub, naming a label an issue should carry creates it.
                label = self.add_label(repo, label_name, "ededed")
            if label.id not in issue.label_ids:
                issue.label_ids.append(label.id)
        repo.issues.append(issue)
        return issue

    def add_comment(
        self, repo: RepoState, issue: Issue, body: str, *, author: str, created_at: str | None = None
    ) -> Comment:
        comment_id = self.next_id("comment")
        when = created_at or utc_now()
        comment = Comment(
            id=comment_id,
            node_id=make_node_id("IC", comment_id),
            issue_number=issue.number,
            body=body,
            author=author,
            created_at=when,
            updated_at=when,
        )
        repo.comments.append(comment)
        return comment

    def add_pull(
        self,
        repo: RepoState,
        title: str,
        *,
        author: str,
        head: str,
        base: str,
        body: str | None = None,
        draft: bool = False,
        label_names: list[str] | None = None,
        created_at: str | None = None,
    ) -> Issue:
        """A pull request from ``head`` into ``base``; both branches must exist."""
        head_sha, base_sha = repo.branch_head(head), repo.branch_head(base)
        if head_sha is None or base_sha is None:
            raise ValueError(f"{repo.full_name}: branches {head!r} and {base!r} must both exist")
        issue = self.add_issue(
            repo,
            title,
            author=author,
            body=body,
            label_names=label_names,
            is_pull_request=True,
            created_at=created_at,
        )
        issue.pull = PullDetails(
            id=self.next_id("pull"), head=head, base=base, head_sha=head_sha, base_sha=base_sha, draft=draft
        )
        return issue

    # -- git --------------------------------------------------------------------------------

    def signature(self, login: str, when: str | None = None) -> Signature:
        """How GitHub signs a commit made through the API by this account."""
        account = self.account(login)
        name = (account.name if account else None) or login
        email = (account.email if account else None) or (
            f"{account.id if account else 0}+{login}@users.noreply.github.com"
        )
        return Signature(name=name, email=email, date=when or utc_now())

    def commit_files(
        self,
        repo: RepoState,
        branch: str,
        changes: Mapping[str, bytes | None],
        message: str,
        *,
        author: Signature | None = None,
        committer: Signature | None = None,
    ) -> str:
        """One commit on ``branch`` that writes (bytes) or deletes (``None``) files; the
        branch is created when the repository is still empty. Returns the commit sha."""
        head = repo.branch_head(branch)
        leaves = repo.git.flatten(repo.git.commits[head].tree) if head is not None else {}
        for path, data in changes.items():
            if data is None:
                set_leaf(leaves, path, None)
                continue
            old = leaves.get(path)
            mode = old.mode if old is not None and old.type == "blob" else FILE_MODE
            set_leaf(leaves, path, TreeEntry(mode, path.rsplit("/", 1)[-1], repo.git.put_blob(data)))
        author = author or self.signature(self.operator_login)
        commit = Commit(
            tree=repo.git.build_tree(leaves),
            parents=[head] if head is not None else [],
            author=author,
            committer=committer or author,
            message=message,
        )
        sha = repo.git.put_commit(commit)
        self.set_ref(repo, branch_ref(branch), sha)
        return sha

    def set_ref(self, repo: RepoState, ref: str, sha: str | None) -> None:
        """Point ``ref`` (``refs/heads/x``) at a commit, or delete it with ``None``. Every
        branch move goes through here, so the default branch's workflows follow it."""
        if sha is None:
            old = repo.git.refs.pop(ref, None)
            for issue in repo.pulls():
                pull = issue.pull
                if pull is None or pull.merged or branch_ref(pull.head) != ref or old is None:
                    continue
                pull.head_sha = old
                # GitHub closes a pull request whose head branch is deleted.
                if issue.state == "open":
                    issue.state, issue.closed_at = "closed", utc_now()
        else:
            repo.git.refs[ref] = sha
            if ref.startswith(HEADS):
                # ISO 8601 UTC strings order like the moments they name.
                repo.pushed_at = max(repo.pushed_at, repo.git.commits[sha].committer.date)
        if ref == branch_ref(repo.default_branch):
            self.sync_workflows(repo)

    def sync_workflows(self, repo: RepoState) -> None:
        """Register the default branch's workflow files, rename on a changed ``name:``, and
        drop workflows whose file is gone (with no runs, nothing else keeps them)."""
        head = repo.branch_head(repo.default_branch)
        leaves = repo.git.flatten(repo.git.commits[head].tree) if head is not None else {}
        when = repo.git.commits[head].committer.date if head is not None else utc_now()
        present = {path: entry for path, entry in leaves.items() if is_workflow_file(path)}
        repo.workflows = [w for w in repo.workflows if w.path in present]
        known = {w.path: w for w in repo.workflows}
        for path, entry in sorted(present.items()):
            name = workflow_name(repo.git.blob(entry.sha) or b"", path)
            workflow = known.get(path)
            if workflow is None:
                workflow_id = self.next_id("workflow")
                repo.workflows.append(
                    Workflow(
                        id=workflow_id,
                        node_id=make_node_id("W", workflow_id),
                        path=path,
                        name=name,
                        created_at=when,
                        updated_at=when,
                        hidden_for=self.workflow_registration_lag,
                    )
                )
            elif workflow.name != name:
                workflow.name, workflow.updated_at = name, when
