"""Reads of the hub. Who may see an item:

- the issuing side: anyone holding a role over the issuing unit sees its items in every
  state, drafts included;
- the addressed side: a unit the item is addressed to (or a unit above it) sees it once it
  is approved and its window has opened;
- the public: an approved item whose window has opened, by its short code.
The coverage of an item is the issuing side's only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from core.permissions import Role, has_role, home_unit
from core.text import fold
from hub.models import Item, Republication
from units.models import Unit
from units.selectors import subtree, subtree_q


def _is_operator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def strict_ancestor_paths(unit: Unit) -> list[str]:
    codes = unit.ancestor_codes()
    return ["".join(f"{c}/" for c in codes[:i]) for i in range(1, len(codes))]


def _public_now_q(now: datetime) -> Q:
    return Q(status=Item.Status.APPROVED) & Q(publish_start__lte=now)


def addressed_to_q(unit: Unit) -> Q:
    """Items addressed to ``unit`` itself."""
    return Q(
        audience=Item.Audience.SUBTREE, issuing_unit__path__in=strict_ancestor_paths(unit)
    ) | Q(
        audience=Item.Audience.CHOSEN,
        pk__in=Item.audience_units.through.objects.filter(unit_id=unit.pk).values("item_id"),
    )


def _addressed_within_q(unit: Unit) -> Q:
    """Items addressed to ``unit`` or to any unit of its subtree."""
    start, end = unit.subtree_range
    chosen = Item.audience_units.through.objects.filter(
        item_id=OuterRef("pk"), unit__path__gte=start, unit__path__lt=end
    )
    return Q(audience=Item.Audience.SUBTREE, issuing_unit__path__in=strict_ancestor_paths(unit)) | (
        Q(audience=Item.Audience.CHOSEN) & Q(Exists(chosen))
    )


def items_visible_to(user: Any) -> QuerySet[Item]:
    qs = Item.objects.select_related("issuing_unit")
    if _is_operator(user):
        return qs
    unit = home_unit(user)
    if unit is None:
        return Item.objects.none()
    issuing_side = subtree_q(unit, field="issuing_unit")
    addressed_side = _public_now_q(timezone.now()) & _addressed_within_q(unit)
    return qs.filter(issuing_side | addressed_side)


def items_issued_visible_to(user: Any) -> QuerySet[Item]:
    """Items of the user's issuing side only (every state)."""
    qs = Item.objects.select_related("issuing_unit")
    if _is_operator(user):
        return qs
    unit = home_unit(user)
    if unit is None:
        return Item.objects.none()
    return qs.filter(subtree_q(unit, field="issuing_unit"))


def can_see_coverage(user: Any, item: Item) -> bool:
    return has_role(user, item.issuing_unit, Role.VIEWER)


def can_edit(user: Any, item: Item) -> bool:
    return has_role(user, item.issuing_unit, Role.EDITOR)


def can_approve(user: Any, item: Item) -> bool:
    return (
        item.status == Item.Status.DRAFT
        and getattr(user, "pk", None) is not None
        and has_role(user, item.issuing_unit, Role.EDITOR)
        and user.pk not in (item.created_by_id, item.updated_by_id)
    )


def units_for_issuing(user: Any) -> QuerySet[Unit]:
    if _is_operator(user):
        return Unit.objects.all()
    unit = home_unit(user)
    if unit is None or not has_role(user, unit, Role.EDITOR):
        return Unit.objects.none()
    return subtree(unit)


def audience_choices(user: Any) -> QuerySet[Unit]:
    """Child units an issuer may choose: the children of the units they may issue from
    (the service checks that each is a child of the chosen issuing unit)."""
    unit = home_unit(user)
    if unit is None:
        return Unit.objects.none()
    return Unit.objects.filter(parent=unit).order_by("kind", "name")


def units_seen_by(user: Any) -> QuerySet[Unit]:
    from units.selectors import units_visible_to

    if _is_operator(user):
        return Unit.objects.all()
    return units_visible_to(user)


def items_for_unit(unit: Unit, *, live_only: bool = False) -> QuerySet[Item]:
    """Published items addressed to ``unit`` (the caller checked the user may see it),
    newest first, each annotated with ``done`` (the unit has recorded a republication)."""
    now = timezone.now()
    qs = (
        Item.objects.select_related("issuing_unit")
        .filter(_public_now_q(now))
        .filter(addressed_to_q(unit))
        .annotate(done=Exists(Republication.objects.filter(item=OuterRef("pk"), unit_id=unit.pk)))
    )
    if live_only:
        qs = qs.filter(Q(publish_end__isnull=True) | Q(publish_end__gt=now))
    return qs.order_by("-publish_start", "-id")


def addressed_units(item: Item) -> QuerySet[Unit]:
    if item.audience == Item.Audience.CHOSEN:
        return item.audience_units.order_by("path")
    return subtree(item.issuing_unit, include_self=False).order_by("path")


def public_item(code: str) -> Item | None:
    item = (
        Item.objects.select_related("issuing_unit")
        .prefetch_related("attachments", "tags")
        .filter(code=(code or "").lower())
        .first()
    )
    if item is None or not item.is_public:
        return None
    return item


def public_items_of(unit: Unit, *, limit: int = 50) -> list[Item]:
    """Published items of one issuing unit for its public page and Atom feed."""
    now = timezone.now()
    return list(
        Item.objects.select_related("issuing_unit")
        .filter(_public_now_q(now), issuing_unit=unit)
        .order_by("-publish_start", "-id")[:limit]
    )


def public_items(*, unit: Unit | None = None, query: str = "") -> QuerySet[Item]:
    """Every published item, newest first, for the public index: those issued in
    ``unit``'s subtree when one is chosen, those whose title, summary or topics contain
    every word of ``query`` when one is typed, with or without diacritics ("tiem chung"
    finds "Tiêm chủng", as a phone keyboard types it)."""
    qs = Item.objects.select_related("issuing_unit").filter(_public_now_q(timezone.now()))
    if unit is not None:
        qs = qs.filter(subtree_q(unit, field="issuing_unit"))
    words = fold(query).split()[:8]
    if words:
        qs = qs.filter(pk__in=_matching(qs, words))
    return qs.order_by("-publish_start", "-id")


def _matching(qs: QuerySet[Item], words: list[str]) -> list[int]:
    """The items whose folded text holds every word. Folded in Python: neither SQLite's
    LIKE nor lower() knows Vietnamese letters, and a province publishes a few thousand
    items a year, so the published ones' titles are read whole."""
    texts: dict[int, list[str]] = {}
    for pk, title, summary in qs.values_list("pk", "title", "summary"):
        texts[pk] = [title, summary]
    tags = Item.tags.through.objects.filter(item_id__in=texts.keys())
    for pk, name in tags.values_list("item_id", "tag__name"):
        texts[pk].append(name)
    return [pk for pk, parts in texts.items() if all(w in fold(" ".join(parts)) for w in words)]


def public_issuing_units() -> list[Unit]:
    """The units that have published at least one item, for the index's unit filter."""
    published = Item.objects.filter(_public_now_q(timezone.now()), issuing_unit=OuterRef("pk"))
    return list(Unit.objects.filter(Exists(published)).order_by("path"))


# --------------------------------------------------------------------------- coverage


@dataclass
class CoverageRow:
    unit: Unit
    channel: Any
    url: str
    published_at: datetime
    reach: int | None
    views: int | None
    source: str
    linked: bool


@dataclass
class Totals:
    addressed: int = 0
    republished_units: int = 0
    republications: int = 0
    linked_posts: int = 0
    posts_with_reach: int = 0
    reach: int = 0
    views: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Coverage:
    item: Item
    addressed: list[Unit]
    rows: list[CoverageRow]
    missing: list[Unit]
    totals: Totals
    by_unit: list[dict[str, Any]] = field(default_factory=list)
    by_platform: list[dict[str, Any]] = field(default_factory=list)

    @property
    def share(self) -> int:
        """Percentage of addressed units that republished (rounded down)."""
        if not self.totals.addressed:
            return 0
        return self.totals.republished_units * 100 // self.totals.addressed


def coverage(item: Item) -> Coverage:
    """Which addressed units ran the item, where, when, and the reach and views of the
    linked ledger posts (their latest lifetime values), with the units not yet.

    "reach" is the sum of post reach, not a count of people. A republication whose post
    has not been imported yet has no figures (None)."""
    addressed = list(addressed_units(item))
    reps = list(
        Republication.objects.filter(item=item)
        .select_related("unit", "channel", "post")
        .order_by("unit__path", "published_at", "id")
    )
    rows = [
        CoverageRow(
            unit=r.unit,
            channel=r.channel,
            url=r.url or (r.post.permalink if r.post else ""),
            published_at=r.published_at,
            reach=r.post.reach if r.post else None,
            views=r.post.views if r.post else None,
            source=r.source,
            linked=r.post_id is not None,
        )
        for r in reps
    ]
    addressed_ids = {u.pk for u in addressed}
    done_ids = {r.unit.pk for r in rows}
    missing = [u for u in addressed if u.pk not in done_ids]
    totals = Totals(
        addressed=len(addressed),
        republished_units=len(done_ids & addressed_ids),
        republications=len(rows),
        linked_posts=sum(1 for r in rows if r.linked),
        posts_with_reach=sum(1 for r in rows if r.reach is not None),
        reach=sum(r.reach or 0 for r in rows),
        views=sum(r.views or 0 for r in rows),
    )
    per_unit: dict[int, dict[str, Any]] = {}
    per_platform: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"republications": 0, "reach": 0, "views": 0}
    )
    for r in rows:
        entry = per_unit.setdefault(
            r.unit.pk, {"unit": r.unit, "republications": 0, "reach": 0, "views": 0}
        )
        entry["republications"] += 1
        entry["reach"] += r.reach or 0
        entry["views"] += r.views or 0
        p = per_platform[r.channel.platform]
        p["republications"] += 1
        p["reach"] += r.reach or 0
        p["views"] += r.views or 0
    by_platform = [
        {"platform": k, "label": _platform_label(k), **v} for k, v in sorted(per_platform.items())
    ]
    return Coverage(
        item=item,
        addressed=addressed,
        rows=rows,
        missing=missing,
        totals=totals,
        by_unit=sorted(per_unit.values(), key=lambda e: e["unit"].path),
        by_platform=by_platform,
    )


def _platform_label(platform: str) -> str:
    from registry.models import Channel

    return str(dict(Channel.Platform.choices).get(platform, platform))


# --------------------------------------------------------------------------- reports


@dataclass
class TopItem:
    item: Item
    reach: int
    views: int
    posts: int


def top_items(unit: Unit, start: datetime, end: datetime, limit: int = 5) -> list[TopItem]:
    """Items issued by ``unit``'s subtree with the most reach from linked ledger posts
    published in [start, end). For the unit report's "top hub items of the period"; the
    caller has checked the user may see ``unit``."""
    from ledger.models import Post

    issued = Item.objects.filter(subtree_q(unit, field="issuing_unit")).values("pk")
    rows = list(
        Post.objects.filter(hub_item_id__in=issued, published_at__gte=start, published_at__lt=end)
        .values("hub_item_id")
        .annotate(r=Sum("reach"), v=Sum("views"), n=Count("id"))
        .order_by(F("r").desc(nulls_last=True), F("v").desc(nulls_last=True), "hub_item_id")[:limit]
    )
    items = Item.objects.select_related("issuing_unit").in_bulk([r["hub_item_id"] for r in rows])
    return [
        TopItem(item=items[r["hub_item_id"]], reach=r["r"] or 0, views=r["v"] or 0, posts=r["n"])
        for r in rows
        if r["hub_item_id"] in items
    ]
