"""Confirming that a file's page is the chosen channel.

A platform's export names its page (Meta: Page ID and name; TikTok: the account's handle).
When the chosen channel has no such ID yet, recording it is a registry edit, so an editor
decides: the reporter sees the file's page and the channel side by side and asks; the
request lands in the editors' queue (``ledger.selectors.pending_page_confirmations_for``);
an editor confirms (the ID is bound to the channel and the import runs) or declines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role
from core.text import fold
from ledger.models import ImportBatch
from registry.models import Channel


@dataclass(frozen=True)
class ComparedField:
    label: str
    in_file: str
    in_channel: str
    differs: bool


def _locked(batch: ImportBatch) -> ImportBatch:
    locked = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("channel", "channel__unit")
        .get(pk=batch.pk)
    )
    if locked.channel is None or locked.status != ImportBatch.Status.NEEDS_CHANNEL:
        raise ValidationError(_("Lô này không chờ xác nhận kênh."))
    return locked


def page_comparison(batch: ImportBatch) -> list[ComparedField]:
    """The file's page and the chosen channel, field by field, for the side-by-side view."""
    channel = batch.channel
    if channel is None:
        return []
    is_handle = channel.platform in (Channel.Platform.TIKTOK, Channel.Platform.INSTAGRAM)
    not_recorded = _("(chưa ghi)")
    file_name = batch.file_channel_name or _("(file không ghi)")
    channel_name = channel.display_name or channel.identifier
    file_ref = batch.file_channel_ref
    if is_handle:
        file_ref = "@" + file_ref.lstrip("@")
        channel_ref = "@" + (channel.external_id or channel.identifier).lstrip("@")
        ref_label = _("Tài khoản")
    else:
        channel_ref = channel.external_id or not_recorded
        ref_label = _("Mã trang (Page ID)")
    return [
        ComparedField(
            _("Tên trang"),
            file_name,
            channel_name,
            bool(batch.file_channel_name) and fold(file_name) != fold(channel_name),
        ),
        ComparedField(ref_label, file_ref, channel_ref, file_ref.lower() != channel_ref.lower()),
        ComparedField(_("Đơn vị"), "", channel.unit.name, False),
        ComparedField(_("Địa chỉ"), "", channel.url, False),
    ]


@transaction.atomic
def page_confirmation_request(*, acting_user: Any, batch: ImportBatch) -> ImportBatch:
    """A reporter asks the unit's editors to confirm the file's page for the channel."""
    locked = _locked(batch)
    assert locked.channel is not None
    ensure_role(acting_user, locked.channel.unit, Role.REPORTER)
    if locked.confirm_requested_at is not None:
        return locked
    locked.confirm_requested_by = acting_user if getattr(acting_user, "pk", None) else None
    locked.confirm_requested_at = timezone.now()
    locked.save(update_fields=["confirm_requested_by", "confirm_requested_at"])
    audit(
        acting_user,
        "ledger.confirm_request",
        locked,
        unit_path=locked.channel.unit.path,
        after={
            "channel": locked.channel.pk,
            "page_id": locked.file_channel_ref,
            "page_name": locked.file_channel_name,
        },
    )
    return locked


def page_confirm(*, acting_user: Any, batch: ImportBatch, confirmed: bool) -> ImportBatch:
    """An editor binds the file's page ID to the channel, only when explicitly confirmed;
    the import then runs again (``ledger.services.import_confirm_channel``, audited by the
    registry's ``channel.set_external_id``)."""
    from ledger import services

    if not confirmed:
        raise ValidationError(
            {"confirm": _("Hãy đánh dấu ô xác nhận trước khi ghi mã trang cho kênh.")}
        )
    return services.import_confirm_channel(acting_user=acting_user, batch=batch)


@transaction.atomic
def page_confirmation_decline(*, acting_user: Any, batch: ImportBatch) -> ImportBatch:
    """An editor says the file is not the channel's: the import is refused, with the next
    step for the reporter, and nothing is recorded on the channel."""
    locked = _locked(batch)
    assert locked.channel is not None
    ensure_role(acting_user, locked.channel.unit, Role.EDITOR)
    locked.status = ImportBatch.Status.REFUSED
    locked.refusal_code = "channel_declined"
    locked.message = _(
        "Biên tập viên %(who)s xác nhận file này không phải của kênh %(channel)s. Hãy nhập "
        "lại file và chọn đúng kênh của nó; nếu kênh đó chưa có trong danh sách, nhờ biên "
        "tập viên đăng ký kênh trước."
    ) % {"who": getattr(acting_user, "username", "") or _("hệ thống"), "channel": locked.channel}
    locked.finished_at = timezone.now()
    locked.save(update_fields=["status", "refusal_code", "message", "finished_at"])
    audit(
        acting_user,
        "ledger.confirm_decline",
        locked,
        unit_path=locked.channel.unit.path,
        after={"channel": locked.channel.pk, "page_id": locked.file_channel_ref},
    )
    if locked.pending_path:
        pending = Path(locked.pending_path)
        transaction.on_commit(lambda: pending.unlink(missing_ok=True))
    return locked
