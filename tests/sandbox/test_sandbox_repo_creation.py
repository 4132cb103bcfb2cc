"""``POST /orgs/{org}/repos`` and ``POST /user/repos``: new repositories as GitHub makes them."""

from __future__ import annotations

import base64

import pytest
import requests
from github import Github

from reconciler.sandbox import Sandbox
from reconciler.sandbox.state import TokenGrant

ORG = "Sovereign-Operating-System"
# As GitHub ships them (and as docs.github.com lists them under "About labels").
GITHUB_DEFAULT_LABELS = [
    ("bug", "d73a4a", "Something isn't working"),
    ("documentation", "0075ca", "Improvements or additions to documentation"),
    ("duplicate", "cfd3d7", "This issue or pull request already exists"),
    ("enhancement", "a2eeef", "New feature or request"),
    ("good first issue", "7057ff", "Good for newcomers"),
    ("help wanted", "008672", "Extra attention is needed"),
    ("invalid", "e4e669", "This doesn't seem right"),
    ("question", "d876e3", "Further information is requested"),
    ("wontfix", "ffffff", "This will not be worked on"),
]


def create(http: requests.Session, sandbox: Sandbox, org: str = ORG, **fields: object) -> requests.Response:
    return http.post(f"{sandbox.url}/orgs/{org}/repos", json=fields)


def test_a_new_repository_has_githubs_nine_default_labels(sandbox: Sandbox, http: requests.Session) -> None:
    created = create(http, sandbox, name="fresh-service", description="A new one")

    labels = http.get(f"{sandbox.url}/repos/{ORG}/fresh-service/labels?per_page=100").json()
    assert created.status_code == 201
    assert created.headers["Location"] == f"{sandbox.url}/repos/{ORG}/fresh-service"
    assert [(lab["name"], lab["color"], lab["description"]) for lab in labels] == GITHUB_DEFAULT_LABELS
    assert all(lab["default"] for lab in labels)
    body = created.json()
    assert (body["full_name"], body["description"], body["default_branch"]) == (
        f"{ORG}/fresh-service",
        "A new one",
        "main",
    )
    assert (body["private"], body["visibility"], body["organization"]["login"]) == (False, "public", ORG)


def test_auto_init_commits_a_readme_and_without_it_the_repository_is_empty(
    sandbox: Sandbox, http: requests.Session
) -> None:
    create(http, sandbox, name="with-readme", auto_init=True)
    create(http, sandbox, name="empty-one")

    readme = http.get(f"{sandbox.url}/repos/{ORG}/with-readme/contents/README.md").json()
    branch = http.get(f"{sandbox.url}/repos/{ORG}/with-readme/git/ref/heads/main")
    empty = http.get(f"{sandbox.url}/repos/{ORG}/empty-one/contents/README.md")
    empty_refs = http.get(f"{sandbox.url}/repos/{ORG}/empty-one/git/matching-refs/heads")

    assert base64.b64decode(readme["content"]) == b"# with-readme"
    assert branch.status_code == 200
    commit = http.get(branch.json()["object"]["url"]).json()
    assert (commit["message"], commit["parents"]) == ("Initial commit", [])
    assert (empty.status_code, empty.json()["message"]) == (404, "This repository is empty.")
    assert (empty_refs.status_code, empty_refs.json()["message"]) == (409, "Git Repository is empty.")


def test_visibility_and_private_choose_who_sees_it(sandbox: Sandbox, http: requests.Session) -> None:
    by_visibility = create(http, sandbox, name="secret-plans", visibility="private").json()
    by_flag = create(http, sandbox, name="also-private", private=True).json()
    visibility_wins = create(http, sandbox, name="public-after-all", private=True, visibility="public").json()

    assert (by_visibility["private"], by_visibility["visibility"]) == (True, "private")
    assert (by_flag["private"], by_flag["visibility"]) == (True, "private")
    assert visibility_wins["private"] is False
    private_ones = http.get(f"{sandbox.url}/orgs/{ORG}/repos?type=private&per_page=100").json()
    assert {"secret-plans", "also-private"} <= {repo["name"] for repo in private_ones}


def org_repo_names(http: requests.Session, sandbox: Sandbox) -> set[str]:
    return {repo["name"] for repo in http.get(f"{sandbox.url}/orgs/{ORG}/repos?per_page=100").json()}


def test_the_organisation_grows_by_api(sandbox: Sandbox, http: requests.Session) -> None:
    before = org_repo_names(http, sandbox)

    made = create(http, sandbox, name="grown-by-api", auto_init=True)

    assert made.status_code == 201
    assert org_repo_names(http, sandbox) - before == {"grown-by-api"}
    assert sandbox.state.find_repo(ORG, "grown-by-api") is not None


def test_pygithub_creates_a_repository_for_its_user(sandbox: Sandbox, gh: Github) -> None:
    made = gh.get_user().create_repo("from-pygithub", description="Made by a GitHub client", auto_init=True)

    again = gh.get_repo("sandbox-operator/from-pygithub")
    assert made.full_name == again.full_name == "sandbox-operator/from-pygithub"
    assert again.get_contents("README.md").decoded_content == b"# from-pygithub\nMade by a GitHub client"
    assert len(list(again.get_labels())) == 9


def test_a_name_the_owner_has_is_githubs_422(sandbox: Sandbox, http: requests.Session) -> None:
    response = create(http, sandbox, name="Sovereign-Kernel")

    assert response.status_code == 422
    assert response.json() == {
        "message": "Repository creation failed.",
        "errors": [
            {
                "resource": "Repository",
                "code": "custom",
                "field": "name",
                "message": "name already exists on this account",
            }
        ],
        "documentation_url": "https://docs.github.com/rest/repos/repos#create-an-organization-repository",
        "status": "422",
    }


def test_names_are_normalised_as_github_does(sandbox: Sandbox, http: requests.Session) -> None:
    response = create(http, sandbox, name="my new  repo!")

    assert response.json()["name"] == "my-new-repo-"


def test_an_organisation_that_does_not_exist_is_a_404(sandbox: Sandbox, http: requests.Session) -> None:
    missing = create(http, sandbox, org="no-such-org", name="x")
    a_user = create(http, sandbox, org="sandbox-operator", name="x")

    assert (missing.status_code, missing.json()["message"]) == (404, "Not Found")
    assert a_user.status_code == 404


def test_a_token_that_may_not_create_there_gets_githubs_403(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("member", TokenGrant(role="push"))

    response = requests.post(
        f"{sandbox.url}/orgs/{ORG}/repos", headers={"Authorization": "token member"}, json={"name": "nope"}
    )

    assert response.status_code == 403
    assert response.json()["message"] == "You need admin access to the organization before adding a repository to it."
    assert sandbox.state.find_repo(ORG, "nope") is None


def test_a_classic_token_needs_repo_for_a_private_repository(sandbox: Sandbox) -> None:
    sandbox.set_token_grant("public-only", TokenGrant(scopes=["public_repo"]))
    headers = {"Authorization": "token public-only"}

    public = requests.post(f"{sandbox.url}/orgs/{ORG}/repos", headers=headers, json={"name": "open"})
    private = requests.post(
        f"{sandbox.url}/orgs/{ORG}/repos", headers=headers, json={"name": "closed", "private": True}
    )

    assert public.status_code == 201
    assert private.status_code == 403
    assert public.headers["X-Accepted-OAuth-Scopes"] == "public_repo, repo"


def test_a_repository_for_the_authenticated_user(sandbox: Sandbox, http: requests.Session) -> None:
    created = http.post(f"{sandbox.url}/user/repos", json={"name": "dotfiles", "auto_init": True, "private": True})

    body = created.json()
    assert created.status_code == 201
    assert (body["full_name"], body["private"], body["owner"]["type"]) == ("sandbox-operator/dotfiles", True, "User")
    assert "organization" not in body
    again = http.post(f"{sandbox.url}/user/repos", json={"name": "dotfiles"})
    assert again.status_code == 422
    assert again.json()["documentation_url"].endswith("#create-a-repository-for-the-authenticated-user")


@pytest.mark.contract_violations_expected  # the request leaves out the required name
def test_a_missing_name_is_refused(sandbox: Sandbox, http: requests.Session) -> None:
    response = create(http, sandbox, description="no name")

    assert response.status_code == 422
    assert "name" in response.json()["message"]
