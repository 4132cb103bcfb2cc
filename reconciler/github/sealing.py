"""Sealing an Actions secret for a repository: the one thing reconciler leaves to PyGithub.

GitHub takes a secret only as a libsodium sealed box for the repository's public key. PyGithub's
`encrypt` makes it (with PyNaCl); it is the same code `Repository.create_secret` runs. PyGithub
is imported here, when a secret is first sealed, so that `reconciler validate`, `--help` and
every command that writes no secret never load it (nor `cryptography`, which it pulls in).
"""

from __future__ import annotations


def seal(public_key: str, value: str) -> str:
    """`value` sealed for `public_key` (base64, as `GET .../actions/secrets/public-key` gives
    it), base64-encoded, as `PUT .../actions/secrets/{name}` takes it."""
    from github.PublicKey import encrypt

    sealed: str = encrypt(public_key, value)
    return sealed
