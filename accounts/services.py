"""Writes for users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Membership
from core.audit import audit
from core.permissions import Role, ensure_role
from units.models import Unit

User = get_user_model()
TOKEN_PREFIX = "bt_"  # noqa: S105 - a public prefix, not a secret


@transaction.atomic
def user_create(
    *,
    acting_user: Any = None,
    username: str,
    unit: Unit,
    role: str,
    password: str | None = None,
    email: str = "",
    full_name: str = "",
) -> Any:
    """Create a user holding ``role`` in ``unit``.

    ``acting_user=None`` is the command line (the installation's operator); otherwise the
    acting user must administer ``unit``.
    """
    if acting_user is not None:
        ensure_role(acting_user, unit, Role.ADMINISTRATOR)
    if role not in Role.ALL:
        raise ValidationError({"role": _("Vai trò không hợp lệ: %(role)s") % {"role": role}})
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Tên đăng nhập không được để trống.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": _("Tên đăng nhập %(u)s đã có người dùng.") % {"u": username}}
        )
    user = User(username=username, email=email.strip(), first_name=full_name.strip()[:150])
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = Membership.objects.create(user=user, unit=unit, role=role, invited_by=acting_user)
    audit(
        acting_user,
        "user.create",
        membership,
        after={"username": user.username, "unit": unit.code, "role": role},
    )
    return user


def password_set_link(user: Any, *, base_url: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return base_url.rstrip("/") + path


@transaction.atomic
def user_invite(
    *,
    acting_user: Any,
    username: str,
    email: str,
    unit: Unit,
    role: str,
    full_name: str = "",
    base_url: str,
) -> Any:
    """An administrator invites a user for a unit of their subtree; the invitee sets a
    password through the link sent by e-mail."""
    if not email.strip():
        raise ValidationError({"email": _("Cần địa chỉ thư điện tử để gửi lời mời.")})
    user = user_create(
        acting_user=acting_user,
        username=username,
        unit=unit,
        role=role,
        email=email,
        full_name=full_name,
    )
    link = password_set_link(user, base_url=base_url)
    transaction.on_commit(
        lambda: send_mail(
            _("Lời mời dùng Bantin"),
            _(
                "Bạn được mời dùng Bantin với vai trò %(role)s tại %(unit)s.\n"
                "Tên đăng nhập: %(username)s\nĐặt mật khẩu tại: %(link)s\n"
            )
            % {
                "role": dict(Membership.Role.choices)[role],
                "unit": unit.name,
                "username": user.username,
                "link": link,
            },
            None,
            [user.email],
        )
    )
    audit(acting_user, "user.invite", user.membership, after={"email": user.email})
    return user


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, acting_user: Any = None, user: Any, name: str = "") -> tuple[ApiToken, str]:
    """Create a token; the plain key is returned once and never stored."""
    if acting_user is not None and acting_user.pk != user.pk:
        membership = getattr(user, "membership", None)
        if membership is None:
            raise ValidationError(_("Người dùng chưa có vai trò."))
        ensure_role(acting_user, membership.unit, Role.ADMINISTRATOR)
    if not token_allowed(user):
        raise ValidationError(
            _(
                "Quản trị viên chỉ được tạo khóa API sau khi bật xác thực hai bước: khóa API "
                "không hỏi mã xác thực, nên tài khoản phải có sẵn lớp bảo vệ này."
            )
        )
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip(), prefix=key[:10], key_hash=_hash(key)
    )
    audit(acting_user, "api_token.create", token, after={"user": user.username, "name": name})
    return token, key


@transaction.atomic
def api_token_revoke(*, acting_user: Any, token: ApiToken) -> ApiToken:
    if acting_user.pk != token.user_id:
        ensure_role(acting_user, token.user.membership.unit, Role.ADMINISTRATOR)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(acting_user, "api_token.revoke", token)
    return token


def token_allowed(user: Any) -> bool:
    """A Bearer token skips the second factor, so where administrators must use one, an
    administrator (or superuser) may hold a working token only with two-factor enrolled."""
    from security import twofactor

    if not twofactor.admins_must_verify() or not twofactor.is_administrator(user):
        return True
    return twofactor.has_confirmed_device(user)


def api_token_authenticate(key: str) -> Any:
    """The user behind an active token, or None. Records the last use (at most once a minute)."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or not token_allowed(token.user):
        return None  # an administrator who turned two-factor off: the token waits
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
