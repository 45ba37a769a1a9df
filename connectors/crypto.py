"""Tokens at rest: Fernet (AES-128-CBC + HMAC-SHA256) with keys from the environment.

``BANTIN_CONNECTOR_KEYS`` holds one or more Fernet keys, comma-separated. The first one
encrypts; every one decrypts, so a key is rotated by putting a new one first, running
``manage.py rotate_connector_keys`` (re-encrypts every stored token with the first key) and
then removing the old one. Without keys (the demo, a developer's machine) a key is derived
from ``SECRET_KEY``; the deployment check says so when a platform is configured.

Tokens are only ever decrypted into memory for the call that needs them; nothing here logs.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from connectors import conf

PREFIX = "fernet:"


class TokenUnreadable(Exception):  # noqa: N818 - a state, not a programming error
    """A stored token that none of the configured keys opens (a key was removed too soon)."""


def _keys() -> list[bytes]:
    keys = [k.encode() for k in conf.get("TOKEN_KEYS")]
    if keys:
        return keys
    digest = hashlib.sha256(b"bantin-connectors:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()])


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        raise TokenUnreadable("not an encrypted token")
    try:
        return _fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise TokenUnreadable("no configured key opens this token") from exc


def rotate(stored: str) -> str:
    """The same token encrypted with the first key (MultiFernet.rotate)."""
    if not stored:
        return ""
    try:
        return PREFIX + _fernet().rotate(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise TokenUnreadable("no configured key opens this token") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode()
