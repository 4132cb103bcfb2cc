"""Issues, comments, repositories and the user: what drift reports and org selection need."""

from __future__ import annotations

import pytest
import requests
from github import Auth, Github

from reconciler.sandbox import Sandbox

ORG = "Sovereign-Operating-System"
KERNEL = f"{ORG}/sovereign-kernel"
RUNTIME = f"{ORG}/agent-runtime"


def issues_url(sandbox: Sandbox, slug: str = KERNEL) -> str:
    return f"{sandbox.url}/repos/{slug}/issues"


def test_list_filters_by_state_and_by_labels_case_insensitively(sandbox: Sandbox, http: requests.Session) -> None:
    open_issues = http.get(issues_url(sandbox)).json()
    every = http.get(issues_url(sandbox), params={"state": "all"}).json()
    closed = http.get(issues_url(sandbox), params={"state": "closed"}).json()
    both = http.get(issues_url(sandbox), params={"state": "all", "labels": "BUG,In Progress"}).json()

    assert {i["state"] for i in open_issues} == {"open"}
    assert {i["state"] for i in closed} == {"closed"}
    assert len(every) == len(open_issues) + len(closed)
    assert 5 <= len(every) <= 8
    assert both and all({"bug", "in progress"} <= {lab["name"] for lab in i["labels"]} for i in both)
    assert any("pull_request" in i for i in every)


def test_pr_and_issue_carriers_of_the_old_alias(sandbox: Sandbox, http: requests.Session) -> None:
    kernel = http.get(issues_url(sandbox), params={"state": "all", "labels": "in progress"}).json()
    runtime = http.get(issues_url(sandbox, RUNTIME), params={"state": "all", "labels": "priority: high"}).json()

    assert len(kernel) == 3
    assert sum("pull_request" in i for i in kernel) == 1
    assert len(runtime) == 2


def test_create_issue_creates_missing_labels(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.post(
        issues_url(sandbox),
        json={"title": "Drift report", "body": "<!-- reconciler:drift -->", "labels": ["operations", "bug"]},
    )

    assert response.status_code == 201
    issue = response.json()
    assert response.headers["Location"] == issue["url"]
    assert issue["url"] == f"{issues_url(sandbox)}/{issue['number']}"
    assert [lab["name"] for lab in issue["labels"]] == ["operations", "bug"]
    assert issue["user"]["login"] == "sandbox-operator"
    created = http.get(f"{sandbox.url}/repos/{KERNEL}/labels/operations").json()
    assert created["color"] == "ededed"


def test_update_issue_state_and_labels(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{issues_url(sandbox)}/1"

    closed = http.patch(url, json={"state": "closed", "state_reason": "not_planned", "labels": ["question"]})
    reopened = http.patch(url, json={"state": "open", "title": "Renamed"})

    assert closed.status_code == 200
    assert (closed.json()["state"], closed.json()["state_reason"]) == ("closed", "not_planned")
    assert closed.json()["closed_at"] is not None
    assert [lab["name"] for lab in closed.json()["labels"]] == ["question"]
    assert (reopened.json()["state"], reopened.json()["closed_at"]) == ("open", None)
    assert reopened.json()["title"] == "Renamed"


def test_issue_labels_can_be_listed_and_added(sandbox: Sandbox, http: requests.Session) -> None:
    url = f"{issues_url(sandbox)}/2/labels"
    before = [lab["name"] for lab in http.get(url).json()]

    added = http.post(url, json={"labels": ["priority:low", "brand-new"]})

    assert added.status_code == 200
    assert [lab["name"] for lab in added.json()] == [*before, "priority:low", "brand-new"]


# PyGithub's add_to_labels sends a bare JSON array. GitHub accepts it (and so does the
# sandbox), but the OpenAPI description only documents {"labels": [...]}.
@pytest.mark.contract_violations_expected
def test_pygithub_adds_labels_with_a_bare_list(gh: Github) -> None:
    issue = gh.get_repo(KERNEL).get_issue(2)

    issue.add_to_labels("priority:low")

    assert "priority:low" in {label.name for label in gh.get_repo(KERNEL).get_issue(2).labels}


def test_comments_lifecycle(sandbox: Sandbox, http: requests.Session) -> None:
    comments_url = f"{issues_url(sandbox)}/2/comments"

    created = http.post(comments_url, json={"body": "<!-- plan -->\nfirst"})
    comment_url = created.json()["url"]
    edited = http.patch(comment_url, json={"body": "<!-- plan -->\nsecond"})
    listed = http.get(comments_url).json()
    issue = http.get(f"{issues_url(sandbox)}/2").json()

    assert created.status_code == 201
    assert comment_url == f"{issues_url(sandbox)}/comments/{created.json()['id']}"
    assert edited.json()["body"] == "<!-- plan -->\nsecond"
    assert http.get(comment_url).json()["body"] == "<!-- plan -->\nsecond"
    assert [c["id"] for c in listed] == [created.json()["id"]]
    assert issue["comments"] == 1


def test_missing_issue_and_comment_are_404(sandbox: Sandbox, http: requests.Session) -> None:
    assert http.get(f"{issues_url(sandbox)}/999").status_code == 404
    assert http.get(f"{issues_url(sandbox)}/comments/1").status_code == 404


def test_pygithub_issue_and_comment_flow(gh: Github) -> None:
    repo = gh.get_repo(RUNTIME)

    issue = repo.create_issue("Label drift", body="<!-- reconciler -->", labels=["operations"])
    comment = issue.create_comment("plan")
    comment.edit("plan v2")
    issue.edit(state="closed")

    fetched = repo.get_issue(issue.number)
    assert fetched.state == "closed"
    assert [c.body for c in fetched.get_comments()] == ["plan v2"]
    assert [i.number for i in repo.get_issues(state="open", labels=["operations"])] == []


# -- repositories and the user --------------------------------------------------------------------


def test_full_repository(sandbox: Sandbox, http: requests.Session) -> None:
    response = http.get(f"{sandbox.url}/repos/sovereign-operating-system/SOVEREIGN-KERNEL")

    assert response.status_code == 200
    repo = response.json()
    assert repo["full_name"] == KERNEL
    assert repo["default_branch"] == "main"
    assert repo["archived"] is False and repo["fork"] is False
    assert repo["permissions"]["push"] is True
    assert repo["url"] == f"{sandbox.url}/repos/{KERNEL}"
    assert repo["organization"]["login"] == ORG


def test_org_repositories_include_an_archived_repo_and_a_fork(sandbox: Sandbox) -> None:
    # lazy=True: PyGithub would otherwise GET /orgs/{org} first, which the sandbox does not serve.
    gh = Github(
        base_url=sandbox.url,
        auth=Auth.Token("t"),
        per_page=100,
        retry=None,
        lazy=True,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    repos = {r.name: r for r in gh.get_organization(ORG).get_repos()}

    assert {"sovereign-kernel", "agent-runtime", "operations-handbook"} <= set(repos)
    assert any(r.archived for r in repos.values())
    assert any(r.fork for r in repos.values())
    assert {r.name for r in gh.get_organization(ORG).get_repos(type="forks")} == {
        name for name, r in repos.items() if r.fork
    }


@pytest.mark.parametrize("path", ["/orgs/no-such-org/repos", f"/repos/{ORG}/no-such-repo"])
def test_unknown_org_or_repo_is_404(sandbox: Sandbox, http: requests.Session, path: str) -> None:
    response = http.get(sandbox.url + path)

    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"


def test_writes_to_an_archived_repository_are_refused(sandbox: Sandbox, http: requests.Session) -> None:
    archived = next(r for r in sandbox.state.repos if r.archived)

    response = http.post(f"{sandbox.url}/repos/{archived.full_name}/labels", json={"name": "x", "color": "ffffff"})

    assert response.status_code == 403
    assert "archived" in response.json()["message"]


def test_authenticated_user(gh: Github) -> None:
    user = gh.get_user()

    assert user.login == "sandbox-operator"
    assert user.type == "User"


def test_issue_pull_request_and_comment_links_lead_to_the_sandbox(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.post(issues_url(sandbox), json={"title": "Drift found"}).json()
    comment = http.post(f"{created['url']}/comments", json={"body": "Still drifting."}).json()
    pull = next(i for i in http.get(issues_url(sandbox), params={"state": "all"}).json() if "pull_request" in i)

    assert created["html_url"] == f"{sandbox.url}/{KERNEL}/issues/{created['number']}"
    assert comment["html_url"] == f"{created['html_url']}#issuecomment-{comment['id']}"
    assert pull["html_url"] == f"{sandbox.url}/{KERNEL}/pull/{pull['number']}"
    assert pull["pull_request"]["html_url"] == pull["html_url"]
