"""What every platform module gives the sync: one account check, one fetch, token upkeep.

A platform module knows its API's calls and shapes and nothing about the database: it
receives a plaintext token in memory and returns plain data. The sync (``connectors.sync``)
stores tokens, writes the ledger and records health.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from connectors.errors import ReconnectNeeded
from connectors.http import Api
from ledger.ingest.inputs import PostInput


@dataclass
class Account:
    id: str
    name: str = ""
    handle: str = ""
    # A token for this very account when the platform issues one per account (a Page's
    # token from a person's token); otherwise the token that was checked.
    token: str = ""


@dataclass
class Tokens:
    access_token: str
    refresh_token: str = ""
    expires_in: int | None = None  # seconds
    refresh_expires_in: int | None = None
    scopes: str = ""


# A fetched post is the ledger's own input: the sink hands it over as it is.
FetchedPost = PostInput


@dataclass
class Dropped:
    metric: str
    field: str
    message: str


@dataclass
class Fetched:
    posts: list[FetchedPost] = field(default_factory=list)
    followers: int | None = None
    dropped: list[Dropped] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)  # [{code, message}]


@dataclass
class Window:
    since: date
    until: date
    today: date


class Platform:
    """The interface; one subclass per platform module."""

    name = ""
    pkce = True
    scopes: tuple[str, ...] = ()

    def configured(self) -> bool:
        raise NotImplementedError

    def authorize_url(self, *, redirect_uri: str, state: str, challenge: str) -> str:
        raise NotImplementedError

    def exchange_code(self, api: Api, *, code: str, verifier: str, redirect_uri: str) -> Tokens:
        raise NotImplementedError

    def accounts(self, api: Api, token: str) -> list[Account]:
        """The accounts this token may read (a Page token: its Page; a person's: theirs)."""
        raise NotImplementedError

    def refresh(self, api: Api, *, access_token: str, refresh_token: str) -> Tokens:
        raise ReconnectNeeded("no refresh")

    def revoke(self, api: Api, *, access_token: str) -> bool:
        """Revoke at the platform; False when it has no way to."""
        return False

    def fetch(self, api: Api, *, account_id: str, token: str, window: Window) -> Fetched:
        raise NotImplementedError
