"""What a pull request's branches say: its tips, whether it merges cleanly, its diff size,
and the merge itself."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .gitobjects import Commit, Signature
from .state import Issue, PullDetails, RepoState, SandboxState, branch_ref, utc_now

# GitHub signs the commits its merge button makes as itself.
WEB_FLOW = ("GitHub", "noreply@github.com")


def details(issue: Issue) -> PullDetails:
    if issue.pull is None:
        raise ValueError(f"#{issue.number} is an issue, not a pull request")
    return issue.pull


def tips(repo: RepoState, issue: Issue) -> tuple[str, str]:
    """(head sha, base sha): the branches' tips, or as last seen once merged or deleted."""
    pull = details(issue)
    if pull.merged:
        return pull.head_sha, pull.base_sha
    return repo.branch_head(pull.head) or pull.head_sha, repo.branch_head(pull.base) or pull.base_sha


def merged_tree(repo: RepoState, issue: Issue) -> str | None:
    """The tree a merge would produce, or ``None`` when it cannot merge cleanly."""
    head, base = tips(repo, issue)
    if repo.git.is_ancestor(base, head):
        return repo.git.commits[head].tree
    return repo.git.merge_trees(repo.git.merge_base(head, base), base, head)


def mergeability(repo: RepoState, issue: Issue) -> tuple[bool | None, str]:
    """(``mergeable``, ``mergeable_state``) as GitHub reports them."""
    pull = details(issue)
    if issue.state != "open":
        return None, "unknown"
    if repo.branch_head(pull.head) is None:
        return False, "dirty"
    clean = merged_tree(repo, issue) is not None
    if not clean:
        return False, "dirty"
    return True, "draft" if pull.draft else "clean"


@dataclass(frozen=True)
class DiffStats:
    commits: int
    additions: int
    deletions: int
    changed_files: int


def diff_stats(repo: RepoState, issue: Issue) -> DiffStats:
    head, base = tips(repo, issue)
    merged = set(repo.git.ancestors(base))
    own = [sha for sha in repo.git.ancestors(head) if sha not in merged]
    fork_point = repo.git.merge_base(head, base)
    before = repo.files(fork_point) if fork_point is not None else {}
    after = repo.files(head)
    additions = deletions = 0
    changed = [path for path in before.keys() | after.keys() if before.get(path) != after.get(path)]
    for path in changed:
        old = before.get(path, b"").decode("utf-8", errors="replace").splitlines()
        new = after.get(path, b"").decode("utf-8", errors="replace").splitlines()
        for line in difflib.unified_diff(old, new, lineterm="", n=0):
            if line.startswith("+") and not line.startswith("+++"):
                additions += 1
            elif line.startswith("-") and not line.startswith("---"):
                deletions += 1
    return DiffStats(len(own), additions, deletions, len(changed))


def merge(
    state: SandboxState,
    repo: RepoState,
    issue: Issue,
    *,
    login: str,
    method: str = "merge",
    title: str | None = None,
    message: str | None = None,
) -> str:
    """Merge onto the base branch: a merge commit (two parents) for ``merge``; one new
    commit on the base for ``squash`` and ``rebase`` (the sandbox keeps no per-commit
    replay). The caller has checked that the merge is clean. Returns the new base tip."""
    pull = details(issue)
    head, base = tips(repo, issue)
    tree = merged_tree(repo, issue)
    if tree is None:
        raise ValueError(f"#{issue.number} does not merge cleanly")
    if method == "merge":
        parents = [base, head]
        default_title = f"Merge pull request #{issue.number} from {repo.owner}/{pull.head}"
        default_message = issue.title
    else:
        parents = [base]
        default_title = f"{issue.title} (#{issue.number})"
        default_message = ""
    text = title or default_title
    detail = message if message is not None else default_message
    now = utc_now()
    commit = Commit(
        tree=tree,
        parents=parents,
        author=state.signature(login, now),
        committer=Signature(WEB_FLOW[0], WEB_FLOW[1], now),
        message=f"{text}\n\n{detail}" if detail else text,
    )
    sha = repo.git.put_commit(commit)
    state.set_ref(repo, branch_ref(pull.base), sha)
    pull.head_sha, pull.base_sha = head, base
    pull.merged, pull.merged_at, pull.merged_by, pull.merge_commit_sha = True, now, login, sha
    issue.state, issue.closed_at, issue.updated_at = "closed", now, now
    return sha
