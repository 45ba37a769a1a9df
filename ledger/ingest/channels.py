"""Which registered channel a batch and each of its rows belong to, and who may import there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role, has_role
from ledger.formats import Row, identifies_channel, rows_name_channel
from ledger.ingest.plan import ChannelFor
from ledger.ingest.result import ImportRefused
from ledger.refusals import describe_page, platform_label, platform_mismatch_message
from registry.models import Channel


def can_import_to(user: Any, channel: Channel) -> bool:
    return user is None or has_role(user, channel.unit, Role.REPORTER)


def can_confirm_channel(user: Any, channel: Channel) -> bool:
    """Recording a channel's platform id is a registry edit: an editor's."""
    return user is None or has_role(user, channel.unit, Role.EDITOR)


def ensure_can_import(user: Any, channel: Channel) -> None:
    if user is not None:
        ensure_role(user, channel.unit, Role.REPORTER)


def channel_matches(channel: Channel, ref: str) -> bool:
    ref_l = ref.strip().lstrip("@").lower()
    return ref_l in {channel.external_id.lower(), channel.identifier.lstrip("@").lower()}


def find_channel(platform: str, ref: str) -> Channel | None:
    ref = ref.strip()
    bare = ref.lstrip("@")
    return (
        Channel.objects.select_related("unit")
        .filter(platform=platform)
        .filter(
            Q(external_id=ref)
            | Q(identifier=ref)
            | Q(identifier__iexact=bare)
            | Q(identifier__iexact="@" + bare)
        )
        .exclude(status=Channel.Status.RETIRED)
        .first()
    )


def set_external_id(*, acting_user: Any, channel: Channel, external_id: str) -> None:
    """Record the platform's own id of a channel, once the user has confirmed it."""
    try:
        from registry import services as registry_services
    except ImportError:  # pragma: no cover - the registry's services are not there yet
        registry_services = None  # type: ignore[assignment]
    setter = getattr(registry_services, "channel_set_external_id", None)
    if setter is not None:
        try:
            setter(acting_user=acting_user, channel=channel, external_id=external_id)
        except PermissionDenied as exc:
            raise ImportRefused(
                _(
                    "Chỉ biên tập viên hoặc quản trị của đơn vị mới xác nhận được mã trang "
                    "%(ref)s cho kênh %(channel)s. Lô này chờ họ xác nhận."
                )
                % {"ref": external_id, "channel": channel},
                "confirm_channel_forbidden",
                ref=external_id,
            ) from exc
        except ValidationError as exc:
            raise ImportRefused(" ".join(exc.messages), "channel_mismatch") from exc
        channel.refresh_from_db()
        return
    other = Channel.objects.filter(platform=channel.platform, external_id=external_id)
    if other.exclude(pk=channel.pk).exists():
        raise ImportRefused(
            _("Mã %(ref)s đã được ghi cho một kênh khác; file này không thuộc kênh đã chọn.")
            % {"ref": external_id},
            "channel_mismatch",
        )
    before = {"external_id": channel.external_id}
    channel.external_id = external_id
    channel.save(update_fields=["external_id", "updated_at"])
    audit(
        acting_user,
        "channel.set_external_id",
        channel,
        before=before,
        after={"external_id": external_id},
    )


@dataclass
class Resolved:
    channel: Channel | None  # the batch's channel (None: template rows name their own)
    confirm_ref: str = ""  # an id to record on the channel once confirmed


@dataclass(frozen=True)
class FileIdentity:
    """What a file's first row says of its channel."""

    platform: str | None
    ref: str  # the channel's platform id or handle, for a format that carries one
    row_ref: str  # the first row's own channel reference, whatever the format
    name: str

    @classmethod
    def of(cls, fmt: str, first: Row | None) -> FileIdentity:
        row_ref = (first.channel_ref or "").strip() if first else ""
        return cls(
            platform=first.platform if first else None,
            ref=row_ref if identifies_channel(fmt) else "",
            row_ref=row_ref,
            name=(first.channel_name or "") if first else "",
        )


def resolve_channel(
    *,
    acting_user: Any,
    fmt: str,
    first: Row | None,
    channel: Channel | None,
    confirm_channel: bool,
) -> Resolved:
    """The batch's channel: the one chosen (checked against the file), or the one the
    file names; ``ImportRefused`` when neither can be."""
    file = FileIdentity.of(fmt, first)
    if channel is not None:
        ensure_can_import(acting_user, channel)
        return _check_chosen(fmt, file, channel, confirm_channel)
    if rows_name_channel(fmt):
        return Resolved(channel=None)
    if file.ref and file.platform:
        found = find_channel(file.platform, file.ref)
        if found is not None:
            ensure_can_import(acting_user, found)
            return Resolved(channel=found)
        raise ImportRefused(
            _(
                "%(page)s chưa có trong danh sách kênh chính thức. Nếu đây là kênh của đơn "
                "vị: nhập lại và chọn kênh đó ở ô “Kênh” (biên tập viên sẽ xác nhận mã trang), "
                "hoặc nhờ biên tập viên đăng ký kênh trước."
            )
            % {"page": capfirst(describe_page(file.platform, file.ref, file.name))},
            "channel_unknown",
            ref=file.ref,
            name=file.name,
        )
    raise ImportRefused(
        _("File này không ghi là của kênh nào: hãy nhập lại và chọn kênh ở ô “Kênh”."),
        "channel_required",
    )


def _check_chosen(
    fmt: str, file: FileIdentity, channel: Channel, confirm_channel: bool
) -> Resolved:
    """The chosen channel against what the file says: the same platform, and the same
    platform id (or, once confirmed, an id to record on the channel)."""
    # A template's rows may name their own channels; one whose first row names none
    # takes the chosen channel, so its platform must be the channel's.
    own_rows = rows_name_channel(fmt) and bool(file.row_ref)
    if file.platform and not own_rows and channel.platform != file.platform:
        raise ImportRefused(
            platform_mismatch_message(file.platform, channel),
            "platform_mismatch",
            platform=file.platform,
        )
    if not file.ref or channel_matches(channel, file.ref):
        return Resolved(channel=channel)
    page = describe_page(file.platform or channel.platform, file.ref, file.name)
    if channel.external_id:
        raise ImportRefused(
            _(
                "File này là của %(page)s, không phải của kênh đã chọn %(channel)s "
                "(mã %(id)s). Hãy nhập lại và chọn đúng kênh của trang này; nếu trang "
                "chưa có trong danh sách kênh, nhờ biên tập viên của đơn vị đăng ký "
                "kênh trước."
            )
            % {"page": page, "channel": channel, "id": channel.external_id},
            "channel_mismatch",
            ref=file.ref,
            name=file.name,
        )
    if not confirm_channel:
        raise ImportRefused(
            _(
                "File này là của %(page)s, nhưng kênh %(channel)s chưa được ghi mã "
                "này. Hãy so sánh hai bên: nếu đúng là một, biên tập viên của đơn vị "
                "xác nhận và file được nhập tiếp; nếu không, nhập lại với đúng kênh."
            )
            % {"page": page, "channel": channel},
            "confirm_channel",
            ref=file.ref,
            name=file.name,
        )
    return Resolved(channel=channel, confirm_ref=file.ref)


class TemplateChannels:
    """Resolves the template's per-row ``Kênh`` among the channels the user may import to."""

    def __init__(self, acting_user: Any, default: Channel | None) -> None:
        self.user = acting_user
        self.default = default
        self.cache: dict[tuple[str, str], Channel | str] = {}

    def __call__(self, row: Row) -> Channel | str:
        ref = (row.channel_ref or "").strip()
        if not ref:
            if self.default is None:
                return _("Dòng không ghi kênh và chưa chọn kênh khi nhập.")
            if self.default.platform != row.platform:
                return _(
                    "Dòng này là số liệu %(row)s, nhưng kênh đã chọn là %(channel)s: ghi kênh "
                    "%(row)s của đơn vị vào cột “Kênh”."
                ) % {
                    "row": platform_label(row.platform),
                    "channel": self.default,
                }
            return self.default
        key = (row.platform, ref)
        if key not in self.cache:
            self.cache[key] = self._lookup(row.platform, ref)
        return self.cache[key]

    def _lookup(self, platform: str, ref: str) -> Channel | str:
        from registry.normalize import NotAChannel, normalize

        found = find_channel(platform, ref)
        if found is None:
            try:
                canon = normalize(ref)
            except NotAChannel:
                canon = None
            if canon is not None:
                found = find_channel(canon.platform, canon.identifier)
        if found is None:
            return _(
                "Kênh %(ref)s chưa có trong danh sách kênh chính thức: nhờ biên tập viên của "
                "đơn vị đăng ký kênh, rồi nhập lại file."
            ) % {"ref": ref[:100]}
        if found.platform != platform:
            return _("Kênh %(ref)s không phải kênh %(platform)s.") % {
                "ref": ref[:100],
                "platform": platform_label(platform),
            }
        if not can_import_to(self.user, found):
            return _("Bạn không có quyền nhập số liệu cho kênh %(ref)s.") % {"ref": ref[:100]}
        return found


def channel_checker(*, acting_user: Any, fmt: str, channel: Channel | None) -> ChannelFor:
    """The batch's test of each row's channel: the row's registered channel, or why the
    row is rejected. Rows that name their own channel are looked up among those the user
    may import to; otherwise every row must be of the batch's channel (and, for a format
    that carries the channel's id, name that channel)."""
    if rows_name_channel(fmt):
        return TemplateChannels(acting_user, channel)
    if channel is None:
        return lambda _row: _("Chưa chọn kênh.")
    wanted_platform = channel.platform  # once: a model field is a descriptor
    identified = identifies_channel(fmt)
    matches: dict[str, bool] = {}  # a file names one or a few channels

    def channel_for(row: Row) -> Channel | str:
        if row.platform != wanted_platform:
            return _("Dòng này là số liệu %(row)s, không phải %(channel)s.") % {
                "row": platform_label(row.platform),
                "channel": platform_label(wanted_platform),
            }
        ref = row.channel_ref
        if not identified or not ref:
            return channel
        ok = matches.get(ref)
        if ok is None:
            ok = channel_matches(channel, ref)
            if len(matches) < 1000:
                matches[ref] = ok
        if not ok:
            return _("Dòng này thuộc kênh có mã %(ref)s, không phải kênh đã chọn.") % {"ref": ref}
        return channel

    return channel_for
