"""The fakes' state: accounts, their posts, tokens, codes and the faults to play."""

from __future__ import annotations

import base64
import hashlib
import itertools
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass
class FakePost:
    id: str
    created: datetime
    title: str
    kind: str  # facebook status_type, instagram media_type, zalo article type ...
    views: int
    reach: int
    reactions: int
    comments: int
    shares: int
    clicks: int


@dataclass
class FakeAccount:
    platform: str
    id: str
    name: str
    handle: str
    followers: int
    posts: list[FakePost] = field(default_factory=list)  # newest first
    # Faults: requests answered 429 (with Retry-After) before the next real answer; a
    # later page of posts that fails (HTTP 500); the page size.
    rate_limited: int = 0
    retry_after: str = "1"
    fail_later_pages: bool = False
    page_size: int = 10


@dataclass
class Token:
    platform: str
    accounts: list[str]  # account ids this token reads
    expires_at: float | None  # time.time(); None = never
    user: bool = False  # Meta: a person's token (has /me/accounts), not a Page's
    revoked: bool = False


@dataclass
class Refresh:
    platform: str
    accounts: list[str]
    expires_at: float | None
    used: bool = False
    single_use: bool = False


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class World:
    """Everything the fake platforms know; thread-safe enough for a threading server."""

    def __init__(self, *, latency: float = 0.0, seed: int = 17) -> None:
        self.latency = latency
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.accounts: dict[tuple[str, str], FakeAccount] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Refresh] = {}
        self.codes: dict[
            str, tuple[str, list[str], str, str]
        ] = {}  # code -> platform, ids, challenge, redirect
        self.consent: dict[str, list[str]] = {}  # platform -> the accounts the person grants
        # Meta: metric names the Graph API refuses with error code 100.
        self.refused_metrics: set[str] = {
            "post_impressions",
            "post_impressions_unique",
            "page_fans",
            "impressions",
        }
        self.meta_usage = 5  # percent in X-App-Usage / X-Business-Use-Case-Usage
        self.youtube_quota = 1_000_000
        self.requests: Counter[str] = Counter()
        self._ids = itertools.count(1)

    # ----------------------------------------------------------------- setup helpers

    def add_account(
        self,
        platform: str,
        account_id: str,
        *,
        name: str = "",
        handle: str = "",
        followers: int = 1000,
        posts: int = 12,
        days: int = 30,
        now: datetime | None = None,
    ) -> FakeAccount:
        now = now or datetime.now(UTC)
        account = FakeAccount(platform, account_id, name or account_id, handle, followers)
        for i in range(posts):
            created = (now - timedelta(hours=1 + i * days * 24 / max(posts, 1))).replace(
                microsecond=0
            )
            views = self.rng.randint(100, 50_000)
            post_id = self.new_post_id(platform, account_id)
            account.posts.append(
                FakePost(
                    id=post_id,
                    created=created,
                    title=f"Bài {i + 1} của {account.name}",
                    kind=self.rng.choice(KINDS[platform]),
                    views=views,
                    reach=views // 2,
                    reactions=self.rng.randint(0, 900),
                    comments=self.rng.randint(0, 90),
                    shares=self.rng.randint(0, 40),
                    clicks=self.rng.randint(0, 300),
                )
            )
        with self.lock:
            self.accounts[(platform, account_id)] = account
        return account

    def new_post_id(self, platform: str, account_id: str) -> str:
        n = next(self._ids)
        if platform == "facebook":
            return f"{account_id}_{100000 + n}"
        if platform == "youtube":
            return f"vid{n:08d}"
        return f"{7000000000000 + n}"

    def issue(
        self,
        platform: str,
        accounts: list[str],
        *,
        expires_in: float | None = 3600,
        refresh_expires_in: float | None = 86400 * 365,
        user: bool = False,
        refresh: bool = True,
    ) -> tuple[str, str]:
        """A new access token (and refresh token unless ``refresh`` is False)."""
        now = time.time()
        access = f"{platform[:2]}-at-{secrets.token_urlsafe(12)}"
        with self.lock:
            self.tokens[access] = Token(
                platform, list(accounts), None if expires_in is None else now + expires_in, user
            )
        if not refresh:
            return access, ""
        refresh_token = f"{platform[:2]}-rt-{secrets.token_urlsafe(12)}"
        with self.lock:
            self.refresh_tokens[refresh_token] = Refresh(
                platform,
                list(accounts),
                None if refresh_expires_in is None else now + refresh_expires_in,
                single_use=platform == "zalo",
            )
        return access, refresh_token

    def expire(self, token: str) -> None:
        with self.lock:
            if token in self.tokens:
                self.tokens[token].expires_at = time.time() - 1
            if token in self.refresh_tokens:
                self.refresh_tokens[token].expires_at = time.time() - 1

    # ----------------------------------------------------------------- lookups

    def token(self, value: str | None, platform: str) -> Token | None:
        """The live token, or None (unknown, revoked, expired or another platform's)."""
        if not value:
            return None
        with self.lock:
            token = self.tokens.get(value)
        if token is None or token.revoked or token.platform not in PLATFORM_FAMILY[platform]:
            return None
        if token.expires_at is not None and token.expires_at < time.time():
            return None
        return token

    def account(self, platform: str, account_id: str) -> FakeAccount | None:
        return self.accounts.get((platform, account_id))

    def use_refresh(self, value: str, platform: str) -> Refresh | None:
        with self.lock:
            refresh = self.refresh_tokens.get(value)
            if refresh is None or refresh.platform != platform or refresh.used:
                return None
            if refresh.expires_at is not None and refresh.expires_at < time.time():
                return None
            if refresh.single_use:
                refresh.used = True
            return refresh

    def new_code(self, platform: str, challenge: str, redirect_uri: str) -> str:
        code = f"code-{secrets.token_urlsafe(8)}"
        with self.lock:
            family = ("facebook", "instagram") if platform == "meta" else (platform,)
            granted = [a for name in family for a in self.consent.get(name, [])]
            self.codes[code] = (platform, granted, challenge, redirect_uri)
        return code

    def take_code(self, code: str, verifier: str | None) -> tuple[str, list[str]] | None:
        with self.lock:
            entry = self.codes.pop(code, None)
        if entry is None:
            return None
        platform, accounts, challenge, _redirect = entry
        if challenge and (not verifier or s256(verifier) != challenge):
            return None
        return platform, accounts

    def rate_limited(self, account: FakeAccount | None) -> bool:
        if account is None or account.rate_limited <= 0:
            return False
        with self.lock:
            account.rate_limited -= 1
        return True


KINDS = {
    "facebook": ["mobile_status_update", "added_photos", "added_video", "shared_story"],
    "instagram": ["IMAGE", "VIDEO", "CAROUSEL_ALBUM", "REELS"],
    "youtube": ["none"],
    "tiktok": ["video"],
    "zalo": ["normal", "normal", "video"],
}
# Instagram is read with Meta's tokens (a Page's token reads its Instagram account).
PLATFORM_FAMILY = {
    "facebook": {"facebook", "instagram"},
    "instagram": {"instagram", "facebook"},
    "youtube": {"youtube"},
    "tiktok": {"tiktok"},
    "zalo": {"zalo"},
}
