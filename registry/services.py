"""Writes to the channel registry. Views, API, commands and the demo all call these."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role
from core.text import fold
from registry import index
from registry.lookup import similar_channels
from registry.models import Channel, LookalikeAcknowledgement, RegistryVersion
from registry.normalize import NotAChannel, normalize
from registry.snapshot import ChannelInfo
from units.models import Unit

EXTERNAL_ID_MAX = 100
REASON_MAX = 300


class LookalikeFound(ValidationError):
    """The channel resembles ``similar``: going on needs an acknowledgement with a reason."""

    def __init__(self, similar: list[ChannelInfo]) -> None:
        self.similar = similar
        names = "; ".join(
            f"{s.url} ({s.platform_label}, {s.unit_name}, {s.status_label})" for s in similar
        )
        super().__init__(
            {
                "acknowledge_lookalike": _(
                    "Kênh này giống kênh đã có trong danh bạ: %(channels)s. Hãy so sánh hai kênh; "
                    "nếu vẫn tiếp tục, hãy xác nhận và ghi lý do."
                )
                % {"channels": names}
            }
        )


def _lookalikes(
    *, platform: str, identifier: str, display_name: str, unit: Unit, exclude_id: int | None
) -> list[ChannelInfo]:
    """Channels this one would be a look-alike of (registry.lookup.similar_channels), read
    from the lookup index brought up to date first."""
    return similar_channels(
        index.get(fresh=True),
        platform=platform,
        identifier=identifier,
        display_name=display_name,
        unit_code=unit.code,
        exclude_id=exclude_id,
    )


def _check_lookalikes(similar: list[ChannelInfo], acknowledge: str) -> str:
    """The acknowledged reason, or LookalikeFound when there is something to acknowledge."""
    reason = " ".join((acknowledge or "").split())
    if similar and not reason:
        raise LookalikeFound(similar)
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"acknowledge_lookalike": _("Lý do tối đa %(n)s ký tự.") % {"n": REASON_MAX}}
        )
    return reason


def _acknowledge(
    *, acting_user: Any, channel: Channel, step: str, reason: str, similar: list[ChannelInfo]
) -> None:
    shown = [
        {
            "id": s.id,
            "platform": s.platform,
            "identifier": s.identifier,
            "url": s.url,
            "display_name": s.display_name,
            "status": s.status,
            "unit_code": s.unit_code,
            "unit_name": s.unit_name,
        }
        for s in similar
    ]
    LookalikeAcknowledgement.objects.create(
        channel=channel,
        step=step,
        reason=reason,
        similar=shown,
        acknowledged_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    audit(
        acting_user,
        "channel.acknowledge_lookalike",
        channel,
        after={"step": step, "reason": reason, "similar": shown},
    )


def _ensure(acting_user: Any, unit: Unit, role: str) -> None:
    """``acting_user=None`` is the command line (the installation's operator)."""
    if acting_user is not None:
        ensure_role(acting_user, unit, role)


def _bump_version(channel: Channel) -> None:
    """Tell every process that its lookup index is stale (see ``registry.index``), and stamp
    ``channel`` with the new version so that a refresh re-reads it. The version row stays
    locked until the transaction commits, so versions are committed in their order."""
    updated = RegistryVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        RegistryVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    version = RegistryVersion.objects.values_list("version", flat=True).get(pk=1)
    Channel.objects.filter(pk=channel.pk).update(change_seq=version)
    channel.change_seq = version
    index.mark_stale()
    transaction.on_commit(index.mark_stale)


def _search_text(channel: Channel, unit: Unit) -> str:
    return fold(f"{channel.display_name} {channel.identifier} {unit.name}")[:500]


def _snapshot(channel: Channel) -> dict[str, Any]:
    return {
        "platform": channel.platform,
        "identifier": channel.identifier,
        "url": channel.url,
        "display_name": channel.display_name,
        "status": channel.status,
        "unit": channel.unit.code,
        "external_id": channel.external_id,
    }


def _holder_message(holder: Channel) -> str:
    return _(
        "Kênh này đã được đăng ký cho đơn vị %(unit)s (mã %(code)s); một kênh chỉ thuộc một đơn vị."
    ) % {"unit": holder.unit.name, "code": holder.unit.code}


@transaction.atomic
def channel_register(
    *,
    acting_user: Any,
    unit: Unit,
    url: str,
    display_name: str = "",
    acknowledge_lookalike: str = "",
) -> Channel:
    """An editor registers an official channel of ``unit`` (status: pending).

    The address is normalised first; a channel already held by a unit is refused with a
    message naming that unit. A retired channel may be registered again: it comes back as
    pending, under ``unit``. A channel resembling another unit's channel, or a verified
    channel of ``unit`` (``registry.lookup.similar_channels``), is refused with
    :class:`LookalikeFound` unless ``acknowledge_lookalike`` gives the reason to go on; the
    acknowledgement is kept and audited.
    """
    _ensure(acting_user, unit, Role.EDITOR)
    try:
        canonical = normalize(url or "")
    except NotAChannel as exc:
        raise ValidationError({"url": exc.message}) from exc
    display_name = " ".join((display_name or "").split())
    if len(display_name) > 200:
        raise ValidationError({"display_name": _("Tên hiển thị tối đa 200 ký tự.")})
    existing = (
        Channel.objects.select_for_update()
        .select_related("unit")
        .filter(platform=canonical.platform, identifier=canonical.identifier)
        .first()
    )
    by_external = (
        Channel.objects.select_related("unit")
        .filter(platform=canonical.platform, external_id=canonical.identifier)
        .exclude(status=Channel.Status.RETIRED)
        .first()
    )
    if by_external is not None and by_external != existing:
        raise ValidationError({"url": _holder_message(by_external)})
    if existing is not None and existing.status != Channel.Status.RETIRED:
        raise ValidationError({"url": _holder_message(existing)})
    similar = _lookalikes(
        platform=canonical.platform,
        identifier=canonical.identifier,
        display_name=display_name or (existing.display_name if existing else ""),
        unit=unit,
        exclude_id=existing.pk if existing else None,
    )
    reason = _check_lookalikes(similar, acknowledge_lookalike)
    if existing is not None:
        before = _snapshot(existing)
        channel = existing
        channel.unit = unit
        channel.url = canonical.url
        channel.display_name = display_name or channel.display_name
        channel.status = Channel.Status.PENDING
        channel.verified_at = None
        channel.verified_by = None
        channel.verification_method = ""
        channel.retired_at = None
        channel.retired_by = None
        channel.registered_by = acting_user if getattr(acting_user, "pk", None) else None
        channel.search_text = _search_text(channel, unit)
        channel.full_clean(validate_unique=False, validate_constraints=False)
        channel.save()
        # The registry's version first: an import that confirms a platform id holds it
        # before it writes the activity rows, so taking them in the other order could
        # deadlock with it.
        _bump_version(channel)
        # The ledger builds on the registry, not the reverse: imported where it is used.
        from ledger.ingest.activity import move_activity

        move_activity(channel_id=channel.pk, unit_id=unit.pk)
        action = "channel.reregister"
    else:
        before = None
        channel = Channel(
            unit=unit,
            platform=canonical.platform,
            identifier=canonical.identifier,
            url=canonical.url,
            display_name=display_name,
            status=Channel.Status.PENDING,
            registered_by=acting_user if getattr(acting_user, "pk", None) else None,
        )
        channel.search_text = _search_text(channel, unit)
        channel.full_clean(validate_unique=False, validate_constraints=False)
        channel.save()
        action = "channel.register"
        _bump_version(channel)
    audit(acting_user, action, channel, before=before, after=_snapshot(channel))
    if similar:
        _acknowledge(
            acting_user=acting_user,
            channel=channel,
            step=LookalikeAcknowledgement.Step.REGISTER,
            reason=reason,
            similar=similar,
        )
    return channel


@transaction.atomic
def channel_verify(
    *, acting_user: Any, channel: Channel, method: str, acknowledge_lookalike: str = ""
) -> Channel:
    """An administrator confirms the channel is the unit's own: who (the acting user), when
    (now) and how (``method``, e.g. "công văn số 12/UBND", "đăng nhập quản trị trang").
    A look-alike needs ``acknowledge_lookalike`` here too (see ``channel_register``)."""
    _ensure(acting_user, channel.unit, Role.ADMINISTRATOR)
    channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    method = " ".join((method or "").split())
    if not method:
        raise ValidationError(
            {"method": _("Hãy ghi cách xác minh (ví dụ: công văn, xác nhận của quản trị trang).")}
        )
    if len(method) > 300:
        raise ValidationError({"method": _("Cách xác minh tối đa 300 ký tự.")})
    if channel.status == Channel.Status.RETIRED:
        raise ValidationError({"status": _("Kênh đã ngừng sử dụng, không thể xác minh.")})
    similar = verify_lookalikes(channel)
    reason = _check_lookalikes(similar, acknowledge_lookalike)
    before = _snapshot(channel)
    channel.status = Channel.Status.VERIFIED
    channel.verified_at = timezone.now()
    channel.verified_by = acting_user if getattr(acting_user, "pk", None) else None
    channel.verification_method = method
    channel.save(
        update_fields=[
            "status",
            "verified_at",
            "verified_by",
            "verification_method",
            "updated_at",
        ]
    )
    _bump_version(channel)
    audit(
        acting_user,
        "channel.verify",
        channel,
        before=before,
        after={**_snapshot(channel), "method": method},
    )
    if similar:
        _acknowledge(
            acting_user=acting_user,
            channel=channel,
            step=LookalikeAcknowledgement.Step.VERIFY,
            reason=reason,
            similar=similar,
        )
    return channel


def verify_lookalikes(channel: Channel) -> list[ChannelInfo]:
    """What verifying ``channel`` would need acknowledged (the verify form shows it)."""
    return _lookalikes(
        platform=channel.platform,
        identifier=channel.identifier,
        display_name=channel.display_name,
        unit=channel.unit,
        exclude_id=channel.pk,
    )


@transaction.atomic
def channel_retire(*, acting_user: Any, channel: Channel, reason: str = "") -> Channel:
    """An administrator retires a channel: it is no longer official (kept for the record)."""
    _ensure(acting_user, channel.unit, Role.ADMINISTRATOR)
    channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    if channel.status == Channel.Status.RETIRED:
        raise ValidationError({"status": _("Kênh này đã ngừng sử dụng.")})
    reason = " ".join((reason or "").split())[:300]
    before = _snapshot(channel)
    channel.status = Channel.Status.RETIRED
    channel.retired_at = timezone.now()
    channel.retired_by = acting_user if getattr(acting_user, "pk", None) else None
    channel.save(update_fields=["status", "retired_at", "retired_by", "updated_at"])
    _bump_version(channel)
    audit(
        acting_user,
        "channel.retire",
        channel,
        before=before,
        after={**_snapshot(channel), "reason": reason},
    )
    return channel


@transaction.atomic
def channel_set_external_id(*, acting_user: Any, channel: Channel, external_id: str) -> Channel:
    """Record the platform's own id of a channel (a Meta Page ID, a TikTok handle) once an
    import revealed it and an editor confirmed it. Lookups then recognise that id too."""
    _ensure(acting_user, channel.unit, Role.EDITOR)
    channel = Channel.objects.select_for_update().select_related("unit").get(pk=channel.pk)
    value = (external_id or "").strip().lstrip("@")
    if channel.platform in (Channel.Platform.TIKTOK, Channel.Platform.INSTAGRAM):
        value = value.lower()
    if not value:
        raise ValidationError({"external_id": _("Mã trên nền tảng không được để trống.")})
    if len(value) > EXTERNAL_ID_MAX or any(ch.isspace() for ch in value):
        raise ValidationError(
            {
                "external_id": _(
                    "Mã trên nền tảng không hợp lệ (không có khoảng trắng, tối đa %(n)s ký tự)."
                )
                % {"n": EXTERNAL_ID_MAX}
            }
        )
    if value == channel.external_id:
        return channel
    clash = (
        Channel.objects.select_related("unit")
        .filter(platform=channel.platform)
        .exclude(pk=channel.pk)
        .filter(external_id=value)
        .first()
    ) or (
        Channel.objects.select_related("unit")
        .filter(platform=channel.platform, identifier=value)
        .exclude(pk=channel.pk)
        .exclude(status=Channel.Status.RETIRED)
        .first()
    )
    if clash is not None:
        raise ValidationError({"external_id": _holder_message(clash)})
    before = {"external_id": channel.external_id}
    channel.external_id = value
    channel.save(update_fields=["external_id", "updated_at"])
    _bump_version(channel)
    audit(
        acting_user, "channel.set_external_id", channel, before=before, after={"external_id": value}
    )
    return channel


def ensure_can_register_somewhere(user: Any) -> None:
    """Refuse early (before showing a form) a user who may register nowhere."""
    from core.permissions import has_role, home_unit

    unit = home_unit(user)
    if getattr(user, "is_superuser", False):
        return
    if unit is None or not has_role(user, unit, Role.EDITOR):
        raise PermissionDenied(_("Chỉ biên tập viên trở lên được đăng ký kênh."))
