"""Writes of the hub. Views, the API, the demo and the ledger's ingest call these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role, has_role
from core.review import ensure_second_person, record_edit
from hub import text
from hub.files import MAX_FILES, ProcessedFile, process_upload
from hub.models import Attachment, Item, Republication, Tag
from registry.models import Channel
from registry.normalize import NotAChannel, normalize
from units.models import Unit

if TYPE_CHECKING:
    from ledger.models import Post

MAX_TAGS = 10


def _ensure(acting_user: Any, unit: Unit, role: str) -> None:
    """``acting_user=None`` is the command line (the installation's operator)."""
    if acting_user is not None:
        ensure_role(acting_user, unit, role)


def _user(acting_user: Any) -> Any:
    return acting_user if getattr(acting_user, "pk", None) else None


def _snapshot(item: Item) -> dict[str, Any]:
    return {
        "title": item.title,
        "summary": item.summary,
        "kind": item.kind,
        "issuing_unit": item.issuing_unit.code,
        "audience": item.audience,
        "audience_units": sorted(item.audience_units.values_list("code", flat=True))
        if item.pk
        else [],
        "tags": sorted(item.tags.values_list("name", flat=True)) if item.pk else [],
        "publish_start": item.publish_start.isoformat() if item.publish_start else None,
        "publish_end": item.publish_end.isoformat() if item.publish_end else None,
        "status": item.status,
        "body_length": len(item.body),
    }


def parse_tags(value: str | Sequence[str]) -> list[str]:
    """ "Chuyển đổi số, Thuế " -> ["chuyển đổi số", "thuế"] (lower-case, no duplicates)."""
    raw = value.split(",") if isinstance(value, str) else list(value)
    tags: list[str] = []
    for tag in raw:
        name = " ".join(str(tag).split()).lower()
        if name and name not in tags:
            tags.append(name)
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("Tối đa %(n)s chủ đề.") % {"n": MAX_TAGS}})
    for name in tags:
        if len(name) > 60:
            raise ValidationError(
                {"tags": _("Chủ đề “%(tag)s” dài quá 60 ký tự.") % {"tag": name[:60]}}
            )
    return tags


def _validate_fields(
    *,
    issuing_unit: Unit,
    title: str,
    summary: str,
    kind: str,
    audience: str,
    audience_units: Sequence[Unit],
    publish_start: datetime | None,
    publish_end: datetime | None,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = " ".join((title or "").split())
    summary = " ".join((summary or "").split())
    if not title:
        errors["title"] = _("Hãy nhập tiêu đề.")
    elif len(title) > 200:
        errors["title"] = _("Tiêu đề tối đa 200 ký tự.")
    if not summary:
        errors["summary"] = _("Hãy nhập tóm tắt (một hai câu, dùng cho chia sẻ).")
    elif len(summary) > 500:
        errors["summary"] = _("Tóm tắt tối đa 500 ký tự.")
    if kind not in Item.Kind.values:
        errors["kind"] = _("Loại nội dung phải là một trong: %(choices)s.") % {
            "choices": ", ".join(Item.Kind.values)
        }
    if audience not in Item.Audience.values:
        errors["audience"] = _("Đối tượng gửi tới phải là một trong: %(choices)s.") % {
            "choices": ", ".join(Item.Audience.values)
        }
    elif audience == Item.Audience.CHOSEN:
        if not audience_units:
            errors["audience_units"] = _("Hãy chọn ít nhất một đơn vị trực thuộc.")
        for unit in audience_units:
            if unit.parent_id != issuing_unit.pk:
                errors["audience_units"] = _(
                    "%(unit)s không phải đơn vị trực thuộc của %(issuer)s."
                ) % {"unit": unit.name, "issuer": issuing_unit.name}
                break
    if publish_start is None:
        errors["publish_start"] = _("Hãy nhập thời điểm bắt đầu đăng.")
    elif timezone.is_naive(publish_start):
        errors["publish_start"] = _("Thời điểm bắt đầu đăng phải có múi giờ.")
    if publish_end is not None:
        if timezone.is_naive(publish_end):
            errors["publish_end"] = _("Thời điểm kết thúc phải có múi giờ.")
        elif publish_start is not None and publish_end <= publish_start:
            errors["publish_end"] = _("Thời điểm kết thúc phải sau thời điểm bắt đầu đăng.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "summary": summary}


def _process_files(attachments: Sequence[Any], existing: int = 0) -> list[ProcessedFile]:
    if len(attachments) + existing > MAX_FILES:
        raise ValidationError(
            {"attachments": _("Tối đa %(n)s tệp đính kèm mỗi nội dung.") % {"n": MAX_FILES}}
        )
    return [process_upload(upload) for upload in attachments]  # all checked before any write


def _save_files(acting_user: Any, item: Item, processed: list[ProcessedFile]) -> None:
    """Store the checked files. When a later step of the same service fails, the files
    written so far are deleted again (the rows roll back with the transaction)."""
    saved: list[Attachment] = []
    try:
        for pf in processed:
            attachment = Attachment(
                item=item,
                kind=pf.kind,
                original_name=pf.original_name,
                content_type=pf.content_type,
                size=len(pf.content),
                width=pf.width,
                height=pf.height,
                sha256=pf.sha256,
            )
            attachment.file.save(pf.name, ContentFile(pf.content), save=False)
            saved.append(attachment)
            attachment.save()
            audit(
                acting_user,
                "hub.attachment.add",
                item,
                unit_path=item.issuing_unit.path,
                after={"name": pf.original_name, "kind": pf.kind, "size": len(pf.content)},
            )
    except Exception:
        for attachment in saved:
            attachment.file.storage.delete(attachment.file.name or "")
        raise


def _set_tags(item: Item, tags: list[str]) -> None:
    objs = []
    for name in tags:
        tag, _created = Tag.objects.get_or_create(name=name)
        objs.append(tag)
    item.tags.set(objs)


@transaction.atomic
def item_create(
    *,
    acting_user: Any,
    issuing_unit: Unit,
    title: str,
    summary: str,
    body: str = "",
    kind: str,
    tags: str | Sequence[str] = (),
    audience: str = Item.Audience.SUBTREE,
    audience_units: Sequence[Unit] = (),
    publish_start: datetime | None = None,
    publish_end: datetime | None = None,
    attachments: Sequence[Any] = (),
) -> Item:
    """An editor of ``issuing_unit`` writes a draft. Nothing is written when a field or a
    file is refused."""
    _ensure(acting_user, issuing_unit, Role.EDITOR)
    publish_start = publish_start or timezone.now()
    cleaned = _validate_fields(
        issuing_unit=issuing_unit,
        title=title,
        summary=summary,
        kind=kind,
        audience=audience,
        audience_units=audience_units,
        publish_start=publish_start,
        publish_end=publish_end,
    )
    tag_names = parse_tags(tags)
    processed = _process_files(attachments)
    item = Item(
        issuing_unit=issuing_unit,
        code=_unique_code(),
        title=cleaned["title"],
        summary=cleaned["summary"],
        body=body or "",
        body_html=text.render_markdown(body or ""),
        kind=kind,
        audience=audience,
        publish_start=publish_start,
        publish_end=publish_end,
        created_by=_user(acting_user),
        updated_by=_user(acting_user),
    )
    item.save()
    if audience == Item.Audience.CHOSEN:
        item.audience_units.set(audience_units)
    _set_tags(item, tag_names)
    _save_files(acting_user, item, processed)
    audit(acting_user, "hub.item.create", item, unit_path=issuing_unit.path, after=_snapshot(item))
    return item


def _unique_code() -> str:
    for _attempt in range(20):
        code = text.new_code()
        if not Item.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free short code")  # 31^6 ≈ 887 million codes


@transaction.atomic
def item_update(
    *,
    acting_user: Any,
    item: Item,
    title: str,
    summary: str,
    body: str = "",
    kind: str,
    tags: str | Sequence[str] = (),
    audience: str = Item.Audience.SUBTREE,
    audience_units: Sequence[Unit] = (),
    publish_start: datetime | None = None,
    publish_end: datetime | None = None,
    attachments: Sequence[Any] = (),
) -> Item:
    """Edit a draft (an approved item goes back to draft first, see :func:`item_reopen`)."""
    _ensure(acting_user, item.issuing_unit, Role.EDITOR)
    item = Item.objects.select_for_update().select_related("issuing_unit").get(pk=item.pk)
    if item.status != Item.Status.DRAFT:
        raise ValidationError(
            {"status": _("Nội dung đã duyệt không sửa được; hãy đưa về nháp trước.")}
        )
    cleaned = _validate_fields(
        issuing_unit=item.issuing_unit,
        title=title,
        summary=summary,
        kind=kind,
        audience=audience,
        audience_units=audience_units,
        publish_start=publish_start,
        publish_end=publish_end,
    )
    tag_names = parse_tags(tags)
    processed = _process_files(attachments, existing=item.attachments.count())
    before = _snapshot(item)
    item.title = cleaned["title"]
    item.summary = cleaned["summary"]
    item.body = body or ""
    item.body_html = text.render_markdown(item.body)
    item.kind = kind
    item.audience = audience
    item.publish_start = publish_start  # type: ignore[assignment]
    item.publish_end = publish_end
    record_edit(item, acting_user, field="updated_by")  # files added below count too
    item.save(
        update_fields=[
            "title",
            "summary",
            "body",
            "body_html",
            "kind",
            "audience",
            "publish_start",
            "publish_end",
            "updated_by",
            "updated_at",
        ]
    )
    item.audience_units.set(audience_units if audience == Item.Audience.CHOSEN else [])
    _set_tags(item, tag_names)
    _save_files(acting_user, item, processed)
    audit(acting_user, "hub.item.update", item, before=before, after=_snapshot(item))
    return item


@transaction.atomic
def item_approve(*, acting_user: Any, item: Item) -> Item:
    """A second editor approves: never the author nor the last editor of the draft.
    The item is published when its window opens."""
    if _user(acting_user) is None:
        raise PermissionDenied(_("Việc duyệt cần một biên tập viên đăng nhập (quy tắc hai người)."))
    ensure_role(acting_user, item.issuing_unit, Role.EDITOR)
    item = Item.objects.select_for_update().select_related("issuing_unit").get(pk=item.pk)
    if item.status != Item.Status.DRAFT:
        raise ValidationError({"status": _("Nội dung này đã được duyệt.")})
    ensure_second_person(acting_user=acting_user, writers=[item.created_by_id, item.updated_by_id])
    before = _snapshot(item)
    item.status = Item.Status.APPROVED
    item.approved_by = acting_user
    item.approved_at = timezone.now()
    item.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit(acting_user, "hub.item.approve", item, before=before, after=_snapshot(item))
    return item


@transaction.atomic
def item_reopen(*, acting_user: Any, item: Item, reason: str = "") -> Item:
    """Take an approved item back to draft (to correct it); it leaves the public pages
    until it is approved again. Recorded republications are kept."""
    _ensure(acting_user, item.issuing_unit, Role.EDITOR)
    item = Item.objects.select_for_update().select_related("issuing_unit").get(pk=item.pk)
    if item.status != Item.Status.APPROVED:
        raise ValidationError({"status": _("Nội dung này đang là nháp.")})
    before = _snapshot(item)
    item.status = Item.Status.DRAFT
    item.approved_by = None
    item.approved_at = None
    item.updated_by = _user(acting_user)
    item.save(update_fields=["status", "approved_by", "approved_at", "updated_by", "updated_at"])
    audit(
        acting_user,
        "hub.item.reopen",
        item,
        before=before,
        after={**_snapshot(item), "reason": " ".join((reason or "").split())[:300]},
    )
    return item


@transaction.atomic
def attachment_remove(*, acting_user: Any, attachment: Attachment) -> None:
    item = attachment.item
    _ensure(acting_user, item.issuing_unit, Role.EDITOR)
    if item.status != Item.Status.DRAFT:
        raise ValidationError(
            {"status": _("Nội dung đã duyệt không sửa được; hãy đưa về nháp trước.")}
        )
    name = attachment.file.name or ""
    storage = attachment.file.storage
    info = {"name": attachment.original_name, "kind": attachment.kind}
    attachment.delete()
    # Removing a file changes the content: the remover may not approve it (core.review).
    item.save(update_fields=[*record_edit(item, acting_user, field="updated_by"), "updated_at"])
    transaction.on_commit(lambda: storage.delete(name))
    audit(acting_user, "hub.attachment.remove", item, unit_path=item.issuing_unit.path, before=info)


# --------------------------------------------------------------------------- republishing


def is_addressed(item: Item, unit: Unit) -> bool:
    """Is ``unit`` among the units the item is addressed to?"""
    if item.audience == Item.Audience.CHOSEN:
        return item.audience_units.filter(pk=unit.pk).exists()
    return unit.path != item.issuing_unit.path and unit.path.startswith(item.issuing_unit.path)


def _channel_for_url(unit: Unit, url: str) -> tuple[Channel, str]:
    """The unit's own registered channel that published ``url``, and the post's normal
    address. Raises ValidationError({"url": ...}) saying why a URL is refused."""
    from ledger.models import Post

    raw = " ".join((url or "").split())
    if not raw:
        raise ValidationError({"url": _("Hãy dán địa chỉ bài đăng.")})
    if len(raw) > 2000:
        raise ValidationError({"url": _("Địa chỉ bài đăng quá dài.")})
    normal = text.normalize_post_url(raw)
    if not normal:
        raise ValidationError({"url": _("Đây không phải địa chỉ web (cần bắt đầu bằng https://).")})
    try:
        canonical = normalize(raw)
    except NotAChannel as exc:
        # A video link (youtube.com/watch?v=...) does not name its channel: accept it when
        # the ledger already holds that post on one of the unit's own channels.
        post = _find_post(
            Post.objects.select_related("channel")
            .filter(channel__unit=unit)
            .exclude(channel__status=Channel.Status.RETIRED),
            normal,
        )
        if post is not None:
            return post.channel, normal
        raise ValidationError(
            {"url": _("Không phải địa chỉ bài đăng trên một kênh: %(why)s") % {"why": exc.message}}
        ) from exc
    if normal.rstrip("/") == text.normalize_post_url(canonical.url).rstrip("/"):
        raise ValidationError(
            {
                "url": _(
                    "Đây là địa chỉ của kênh, không phải của bài đăng: hãy mở bài đã đăng và "
                    "dán địa chỉ của bài."
                )
            }
        )
    candidates = list(
        Channel.objects.select_related("unit").filter(
            platform=canonical.platform, identifier=canonical.identifier
        )
    ) or list(
        Channel.objects.select_related("unit").filter(
            platform=canonical.platform, external_id=canonical.identifier
        )
    )
    live = [c for c in candidates if c.status != Channel.Status.RETIRED]
    if not live:
        if candidates:
            raise ValidationError(
                {
                    "url": _(
                        "Kênh %(channel)s đã ngừng sử dụng, không còn là kênh chính thức; "
                        "không ghi nhận bài đăng trên kênh này."
                    )
                    % {"channel": canonical.url}
                }
            )
        raise ValidationError(
            {
                "url": _(
                    "Kênh %(channel)s chưa được đăng ký là kênh chính thức của %(unit)s. "
                    "Hãy đăng ký kênh (mục Kênh chính thức) rồi ghi nhận lại."
                )
                % {"channel": canonical.url, "unit": unit.name}
            }
        )
    own = [c for c in live if c.unit_id == unit.pk]
    if not own:
        holder = live[0]
        raise ValidationError(
            {
                "url": _(
                    "Bài này đăng trên kênh %(channel)s của %(holder)s, không phải kênh của "
                    "%(unit)s: chỉ ghi nhận bài đăng trên kênh chính thức của chính đơn vị."
                )
                % {"channel": canonical.url, "holder": holder.unit.name, "unit": unit.name}
            }
        )
    return own[0], normal


@transaction.atomic
def republication_record(
    *,
    acting_user: Any,
    item: Item,
    unit: Unit,
    url: str,
    published_at: datetime | None = None,
) -> Republication:
    """A unit the item is addressed to records where it ran: the post's address on one of
    its own registered official channels. The ledger post with that permalink, if any,
    is linked at once; one imported later is linked by :func:`link_posts`."""
    from ledger.models import Post

    _ensure(acting_user, unit, Role.REPORTER)
    if item.state() not in (Item.PUBLISHED, Item.ENDED):
        raise ValidationError({"item": _("Nội dung này chưa được đăng, chưa thể ghi nhận.")})
    if not is_addressed(item, unit):
        raise ValidationError(
            {"unit": _("Nội dung này không gửi tới %(unit)s.") % {"unit": unit.name}}
        )
    if published_at is not None and timezone.is_naive(published_at):
        raise ValidationError({"published_at": _("Thời điểm đăng phải có múi giờ.")})
    if published_at is not None and published_at > timezone.now() + timedelta(hours=1):
        raise ValidationError({"published_at": _("Thời điểm đăng không thể ở tương lai.")})
    channel, normal = _channel_for_url(unit, url)
    existing = Republication.objects.select_related("item", "unit").filter(url=normal).first()
    if existing is not None:
        if existing.item_id == item.pk:
            message = _("Bài đăng này đã được ghi nhận (%(unit)s).") % {"unit": existing.unit.name}
        else:
            message = _("Bài đăng này đã được ghi nhận cho nội dung khác: %(title)s.") % {
                "title": existing.item.title
            }
        raise ValidationError({"url": message})
    post = _find_post(Post.objects.filter(channel=channel), normal)
    if post is not None and post.hub_item_id not in (None, item.pk):
        raise ValidationError(
            {"url": _("Bài đăng này trong sổ đã gắn với một nội dung khác của kho.")}
        )
    if post is not None and Republication.objects.filter(post=post).exists():
        post = None  # already the post of another record (same item): keep the first link
    when = published_at or (post.published_at if post and post.published_at else None)
    republication = Republication(
        item=item,
        unit=unit,
        channel=channel,
        url=normal,
        published_at=when or timezone.now(),
        recorded_by=_user(acting_user),
        post=post,
    )
    try:
        with transaction.atomic():
            republication.save()
    except IntegrityError as exc:
        raise ValidationError({"url": _("Bài đăng này đã được ghi nhận.")}) from exc
    if post is not None:
        Post.objects.filter(pk=post.pk).update(hub_item_id=item.pk)
    audit(
        acting_user,
        "hub.republication.record",
        republication,
        after={
            "item": item.pk,
            "unit": unit.code,
            "channel": channel.pk,
            "url": normal,
            "post": post.pk if post else None,
        },
    )
    return republication


def _needle(normal: str) -> str:
    """A piece of the address that any raw form of it contains (its last path segment or
    its identifying query value), to narrow the search before comparing normal forms."""
    rest = normal.split("://", 1)[-1]
    path, _sep, query = rest.partition("?")
    if query:
        return query.rsplit("=", 1)[-1][:100]
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    return segment[:100] if "/" in path.rstrip("/") else ""


def _find_post(posts: QuerySet[Post], normal: str) -> Post | None:
    """The post of ``posts`` whose permalink has the normal form ``normal``."""
    qs = posts.exclude(permalink="")
    needle = _needle(normal)
    if needle:
        qs = qs.filter(permalink__icontains=needle)
    for post in qs[:200]:
        if text.normalize_post_url(post.permalink) == normal:
            return post
    return None


@transaction.atomic
def link_posts(*, posts: Iterable[Post]) -> int:
    """Link imported ledger posts to hub items, idempotently.

    A post is linked when its permalink matches a recorded republication's address (on
    the same channel), or when its caption carries an item's short link and the post's
    unit is one the item is addressed to (a republication is then recorded for it, source
    "caption"). Sets ``Post.hub_item_id`` with one update per item and links each
    republication to its post. Returns the number of posts newly linked.
    """
    from ledger.models import Post

    posts = [p for p in posts if p.pk is not None]
    if not posts:
        return 0
    by_url: dict[str, Post] = {}
    for post in posts:
        if post.permalink:
            normal = text.normalize_post_url(post.permalink)
            if normal:
                by_url.setdefault(normal, post)
    to_item: dict[int, int] = {}  # post id -> item id
    reps = Republication.objects.filter(url__in=list(by_url)).select_related("item")
    for rep in reps:
        post = by_url[rep.url]
        if rep.channel_id != post.channel_id:
            continue
        to_item[post.pk] = rep.item_id
        if rep.post_id is None and not Republication.objects.filter(post=post).exists():
            Republication.objects.filter(pk=rep.pk, post__isnull=True).update(post=post)
    # Captions carrying a short link.
    wanted: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.pk in to_item or post.hub_item_id is not None:
            continue
        for code in dict.fromkeys(text.codes_in(post.caption)):
            wanted[code].append(post)
    created = 0
    recorded_by_unit: dict[int, int] = defaultdict(int)
    if wanted:
        items = Item.objects.select_related("issuing_unit").filter(
            code__in=list(wanted), status=Item.Status.APPROVED
        )
        units = {u.pk: u for u in Unit.objects.filter(pk__in={p.unit_id for p in posts})}
        for item in items:
            if item.state() not in (Item.PUBLISHED, Item.ENDED):
                continue
            for post in wanted[item.code]:
                if post.pk in to_item or not is_addressed(item, units[post.unit_id]):
                    continue
                to_item[post.pk] = item.pk
                if Republication.objects.filter(post=post).exists():
                    continue
                normal = text.normalize_post_url(post.permalink) if post.permalink else ""
                if normal and Republication.objects.filter(url=normal).exists():
                    continue
                Republication.objects.create(
                    item=item,
                    unit_id=post.unit_id,
                    channel_id=post.channel_id,
                    url=normal,
                    published_at=post.published_at or timezone.now(),
                    source=Republication.Source.CAPTION,
                    post=post,
                )
                created += 1
                recorded_by_unit[post.unit_id] += 1
    if not to_item:
        return 0
    already = set(
        Post.objects.filter(pk__in=list(to_item), hub_item_id__isnull=False)
        .values_list("pk", "hub_item_id")
        .iterator()
    )
    by_item: dict[int, list[int]] = defaultdict(list)
    for post_id, item_id in to_item.items():
        if (post_id, item_id) not in already:
            by_item[item_id].append(post_id)
    linked = 0
    linked_by_unit: dict[int, int] = defaultdict(int)
    unit_of = {p.pk: p.unit_id for p in posts}
    for item_id, post_ids in by_item.items():
        linked += Post.objects.filter(pk__in=post_ids).update(hub_item_id=item_id)
        for post_id in post_ids:
            linked_by_unit[unit_of[post_id]] += 1
    # One record per unit whose posts were linked, so each unit's trail shows its own.
    touched = set(linked_by_unit) | set(recorded_by_unit)
    for unit in Unit.objects.filter(pk__in=touched):
        audit(
            None,
            "hub.link_posts",
            unit,
            after={"linked": linked_by_unit[unit.pk], "recorded": recorded_by_unit[unit.pk]},
        )
    return linked


def ensure_can_issue_somewhere(user: Any) -> None:
    from core.permissions import home_unit

    if getattr(user, "is_superuser", False):
        return
    unit = home_unit(user)
    if unit is None or not has_role(user, unit, Role.EDITOR):
        raise PermissionDenied(_("Chỉ biên tập viên trở lên được soạn nội dung."))


class LinkCandidates:
    """Cheap pre-filter for the ledger's ingest: which imported rows might belong to a hub
    item (permalink recorded as a republication on the same channel, or a short link in
    the caption). Only those posts are handed to :func:`link_posts` afterwards."""

    def __init__(self) -> None:
        self._urls: dict[int, set[str]] = {}
        self.keys: set[tuple[int, str]] = set()  # (channel id, platform post id)

    def consider_rows(self, channel_id: int, rows: Iterable[Any]) -> None:
        """One channel's imported ``rows`` (objects with ``post_id``, ``permalink`` and
        ``caption``), a chunk of an import at a time: a caption with a short link, or a
        permalink recorded as a republication on the channel, makes the post a candidate."""
        short = text.SHORT_PATH
        keys = self.keys
        for row in rows:
            caption, permalink = row.caption, row.permalink
            if caption and short in caption:
                keys.add((channel_id, row.post_id))
            elif permalink and (urls := self._urls_of(channel_id)):
                # Normalised only when the channel has republications to match.
                if text.normalize_post_url(permalink) in urls:
                    keys.add((channel_id, row.post_id))

    def _urls_of(self, channel_id: int) -> set[str]:
        """The channel's recorded republication links (one query per channel)."""
        urls = self._urls.get(channel_id)
        if urls is None:
            urls = self._urls[channel_id] = set(
                Republication.objects.filter(channel_id=channel_id).values_list("url", flat=True)
            )
        return urls

    def link(self) -> int:
        """Link the candidate posts (call inside the import's transaction)."""
        from ledger.models import Post

        if not self.keys:
            return 0
        by_channel: dict[int, list[str]] = defaultdict(list)
        for channel_id, post_id in self.keys:
            by_channel[channel_id].append(post_id)
        linked = 0
        for channel_id, post_ids in by_channel.items():
            posts = Post.objects.filter(channel_id=channel_id, post_id__in=post_ids)
            linked += link_posts(posts=list(posts))
        return linked
