"""Writes for two-factor devices, recovery codes and lockouts. Each is audited."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.audit import audit
from core.permissions import Role, ensure_role
from security import twofactor

RECOVERY_CODE_COUNT = 10
TOTP_NAME = "totp"
RECOVERY_NAME = "recovery"


def _membership(user: Any) -> Any:
    return getattr(user, "membership", None)


@transaction.atomic
def totp_device_begin(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (a fresh secret if none is pending)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(
            {"otp_token": _("Bạn đã có ứng dụng xác thực. Hãy tắt nó trước khi cài lại.")}
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: Any, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator with a code it shows; returns fresh recovery codes."""
    if device.user_id != user.pk or device.confirmed:
        raise PermissionDenied
    token = token.strip().replace(" ", "")
    if not token.isdigit() or not device.verify_token(token):
        raise ValidationError(
            {"otp_token": _("Mã không đúng. Nhập mã 6 chữ số đang hiện trong ứng dụng.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    audit(user, "security.2fa_enable", _membership(user), after={"username": user.username})
    return codes


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        code = StaticToken.random_token()  # 8 base32 characters (40 bits) from urandom
        static.token_set.create(token=code)
        codes.append(code)
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: Any) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(_("Hãy cài ứng dụng xác thực trước khi tạo mã dự phòng."))
    codes = _new_recovery_codes(user)
    audit(user, "security.recovery_codes", _membership(user), after={"count": len(codes)})
    return codes


@transaction.atomic
def second_factor_verify(*, user: Any, token: str) -> Any:
    """The device that accepts ``token`` (an authenticator code or a recovery code, which
    is then used up), or None. django-otp slows down repeated failures per device."""
    token = token.strip().replace(" ", "").replace("-", "")
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True):
        candidate = token.lower() if isinstance(device, StaticDevice) else token
        if device.verify_is_allowed()[0] and device.verify_token(candidate):
            if isinstance(device, StaticDevice):
                audit(
                    user,
                    "security.recovery_code_used",
                    _membership(user),
                    after={"remaining": device.token_set.count()},
                )
            return device
    return None


@transaction.atomic
def two_factor_disable(*, user: Any) -> None:
    """Remove the user's authenticator and recovery codes (not allowed when required)."""
    if twofactor.required_for(user):
        raise ValidationError(_("Quản trị viên bắt buộc dùng xác thực hai bước."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit(user, "security.2fa_disable", _membership(user), after={"username": user.username})


@transaction.atomic
def lockout_unlock(*, acting_user: Any, username: str) -> int:
    """An administrator of the user's unit lifts their login lockout. Returns the number of
    failure records cleared."""
    user = (
        get_user_model()
        .objects.select_related("membership__unit")
        .filter(username=username)
        .first()
    )
    membership = _membership(user) if user else None
    if membership is None:
        raise ValidationError({"username": _("Không có người dùng %(u)s.") % {"u": username}})
    ensure_role(acting_user, membership.unit, Role.ADMINISTRATOR)
    attempts = AccessAttempt.objects.filter(username=username)
    before = {
        "failures": sum(a.failures_since_start for a in attempts),
        "addresses": sorted({a.ip_address or "" for a in attempts}),
    }
    cleared = axes_reset(username=username)
    audit(
        acting_user,
        "security.unlock",
        membership,
        before=before,
        after={"username": username, "cleared": cleared},
    )
    return cleared
