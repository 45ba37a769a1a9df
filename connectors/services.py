"""Writes of the connectors: connect, store refreshed tokens, record health, disconnect.

Every function is keyword-only and audited; no audit record, log line or page ever holds a
token (the audit's ``after`` carries the account, the scopes and the expiry dates only).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import crypto, platforms
from connectors.errors import AccountMismatch, PlatformError
from connectors.models import Connection
from connectors.platforms.base import Account, Tokens
from core.audit import audit
from core.permissions import Role, ensure_role
from registry import services as registry
from registry.models import Channel


def _fold(value: str) -> str:
    return (value or "").strip().lstrip("@").lower()


def ensure_connectable(*, acting_user: Any, channel: Channel) -> None:
    """An editor (or administrator) of the channel's unit, a verified channel, a platform
    Bantin connects to."""
    if acting_user is not None:
        ensure_role(acting_user, channel.unit, Role.EDITOR)
    if channel.status != Channel.Status.VERIFIED:
        raise PermissionDenied(_("Chỉ kênh đã xác minh mới được kết nối."))
    if channel.platform not in platforms.SUPPORTED:
        raise PermissionDenied(_("Nền tảng của kênh này chưa hỗ trợ kết nối."))


def match_account(*, channel: Channel, accounts: list[Account]) -> Account:
    """The platform account that is this registered channel, by id or handle; refused,
    naming both, when the token reads no such account."""
    wanted = {_fold(channel.identifier), _fold(channel.external_id)} - {""}
    for account in accounts:
        if {_fold(account.id), _fold(account.handle)} & wanted:
            return account
    found = ", ".join(f"{a.name or a.handle or a.id} ({a.id})" for a in accounts if a.id) or _(
        "không có tài khoản nào"
    )
    raise AccountMismatch(
        _("Tài khoản được cấp quyền là %(found)s, không phải kênh đã đăng ký %(channel)s.")
        % {
            "found": found,
            "channel": f"{channel.display_name or channel.identifier} ({channel.url})",
        }
    )


def _expiry(seconds: int | None) -> Any:
    return timezone.now() + timedelta(seconds=int(seconds)) if seconds else None


@transaction.atomic
def connection_store(
    *, acting_user: Any, channel: Channel, account: Account, tokens: Tokens
) -> Connection:
    """Connect (or reconnect) ``channel`` with tokens for its own account."""
    channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    ensure_connectable(acting_user=acting_user, channel=channel)
    if (
        channel.platform != "tiktok"
        and not channel.external_id
        and _fold(account.id) != _fold(channel.identifier)
    ):
        channel = registry.channel_set_external_id(
            acting_user=acting_user, channel=channel, external_id=account.id
        )
    connection = Connection.objects.filter(channel=channel).first() or Connection(
        channel=channel, unit=channel.unit, platform=channel.platform
    )
    before = _public(connection) if connection.pk else None
    connection.unit = channel.unit
    connection.status = Connection.Status.ACTIVE
    connection.account_id = account.id
    connection.account_name = account.name or account.handle
    connection.scopes = tokens.scopes or " ".join(platforms.get(channel.platform).scopes)
    connection.access_token = crypto.encrypt(account.token or tokens.access_token)
    connection.refresh_token = crypto.encrypt(tokens.refresh_token)
    # A Page's own token (read with a person's long-lived token) does not expire.
    page_token = bool(account.token and account.token != tokens.access_token)
    connection.access_expires_at = None if page_token else _expiry(tokens.expires_in)
    connection.refresh_expires_at = _expiry(tokens.refresh_expires_in)
    connection.connected_by = acting_user if getattr(acting_user, "pk", None) else None
    connection.connected_at = timezone.now()
    connection.last_error = connection.last_error_code = ""
    connection.last_error_at = None
    connection.expiry_warned_at = connection.failure_notified_at = None
    connection.save()
    audit(acting_user, "connectors.connect", connection, before=before, after=_public(connection))
    return connection


def _public(connection: Connection) -> dict[str, Any]:
    """What an audit record may say about a connection: never a token."""
    return {
        "channel": connection.channel_id,
        "status": connection.status,
        "account_id": connection.account_id,
        "scopes": connection.scopes,
        "access_expires_at": connection.access_expires_at.isoformat()
        if connection.access_expires_at
        else None,
        "refresh_expires_at": connection.refresh_expires_at.isoformat()
        if connection.refresh_expires_at
        else None,
    }


@transaction.atomic
def connection_tokens_refreshed(*, connection: Connection, tokens: Tokens) -> None:
    """The sync refreshed the tokens (Zalo's refresh token is single-use: store at once)."""
    connection.access_token = crypto.encrypt(tokens.access_token)
    if tokens.refresh_token:
        connection.refresh_token = crypto.encrypt(tokens.refresh_token)
    connection.access_expires_at = _expiry(tokens.expires_in)
    if tokens.refresh_expires_in:
        connection.refresh_expires_at = _expiry(tokens.refresh_expires_in)
        connection.expiry_warned_at = None
    connection.save(
        update_fields=[
            "access_token",
            "refresh_token",
            "access_expires_at",
            "refresh_expires_at",
            "expiry_warned_at",
            "updated_at",
        ]
    )
    audit(None, "connectors.token_refresh", connection, after=_public(connection))


@transaction.atomic
def connection_disconnect(*, acting_user: Any, connection: Connection) -> bool:
    """Revoke at the platform where it allows it, forget the tokens. True when revoked."""
    ensure_role(acting_user, connection.unit, Role.EDITOR) if acting_user is not None else None
    connection = Connection.objects.select_for_update().get(pk=connection.pk)
    revoked = False
    if connection.access_token:
        from connectors import http

        platform = platforms.get(connection.platform)
        with http.client() as client:
            api = http.Api(client, http.Limits(connection.platform))
            try:
                revoked = platform.revoke(api, access_token=crypto.decrypt(connection.access_token))
            except (PlatformError, crypto.TokenUnreadable):
                revoked = False
    before = _public(connection)
    connection.status = Connection.Status.DISCONNECTED
    connection.access_token = connection.refresh_token = ""
    connection.access_expires_at = connection.refresh_expires_at = None
    connection.save()
    audit(
        acting_user,
        "connectors.disconnect",
        connection,
        before=before,
        after={**_public(connection), "revoked_at_platform": revoked},
    )
    return revoked


def connection_result(
    *,
    connection: Connection,
    ok: bool,
    code: str = "",
    message: str = "",
    reconnect: bool = False,
    dropped: list[dict[str, str]] | None = None,
) -> None:
    """The health after a run: last success, last error in plain words, reconnect needed."""
    from connectors.messages import plain

    now = timezone.now()
    fields = ["last_attempt_at", "updated_at"]
    connection.last_attempt_at = now
    if ok:
        connection.last_success_at = now
        connection.failure_notified_at = None
        fields += ["last_success_at", "failure_notified_at"]
    if code:
        connection.last_error_code = code
        connection.last_error = plain(code) + (f" ({message})" if message else "")
        connection.last_error_at = now
    elif ok:
        connection.last_error_code = connection.last_error = ""
    fields += ["last_error_code", "last_error", "last_error_at"]
    if dropped is not None:
        connection.dropped_metrics = dropped
        fields.append("dropped_metrics")
    if reconnect and connection.status != Connection.Status.RECONNECT:
        connection.status = Connection.Status.RECONNECT
        fields.append("status")
        audit(None, "connectors.reconnect_needed", connection, after={"code": code})
    connection.save(update_fields=fields)
