"""The ledger's demo step: 12 months of believable activity, written through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

# Content types by platform, with weights.
MIX = {
    "facebook": (("photo", 5), ("article", 3), ("video", 2), ("livestream", 1), ("other", 1)),
    "instagram": (("photo", 6), ("video", 4)),
    "zalo": (("article", 6), ("photo", 3), ("other", 1)),
    "youtube": (("video", 8), ("livestream", 2)),
    "tiktok": (("video", 1),),
    "website": (("article", 8), ("photo", 2)),
    "other": (("other", 1),),
}
# Posts a week for an average channel, and which metrics each platform gives.
WEEKLY = {"facebook": 6, "instagram": 2, "zalo": 3, "youtube": 1, "tiktok": 2, "website": 4}
GIVES_REACH = {"facebook", "instagram", "zalo"}
WEEKDAY_WEIGHT = (1.3, 1.25, 1.2, 1.2, 1.1, 0.5, 0.3)  # Monday … Sunday


# The channels the files in docs/samples/ name, held by the demo reporter's unit (baocao,
# Đặc khu Cô Tô), so that each sample imports as that reporter: (platform, address, display
# name, the ID the file carries when it is not the address's own identifier).
SAMPLE_UNIT = "07192"
SAMPLE_CHANNELS = (
    ("facebook", "https://www.facebook.com/ubndcoto", "Đặc khu Cô Tô", "100064812345678"),
    ("tiktok", "https://www.tiktok.com/@ubnd.coto", "Đặc khu Cô Tô", ""),
    ("youtube", "https://www.youtube.com/@ubndcoto", "Đặc khu Cô Tô - Kênh thông tin", ""),
    ("zalo", "https://zalo.me/4310550873150297000", "Zalo OA Đặc khu Cô Tô", ""),
)


def step_sample_channels(ctx: Any) -> None:
    """The reporter's unit holds the samples' channels, registered and verified (the
    registry's step draws its channels at random; these four are fixed)."""
    from core.demo import _operator
    from registry import services
    from registry.models import Channel
    from registry.normalize import normalize
    from units.models import Unit

    unit = Unit.objects.filter(code=SAMPLE_UNIT).first()
    if unit is None:
        return
    operator = _operator()
    for platform, url, name, page_id in SAMPLE_CHANNELS:
        wanted = page_id or normalize(url).identifier
        held = Channel.objects.filter(unit=unit, platform=platform).exclude(
            status=Channel.Status.RETIRED
        )
        channel = held.filter(identifier=wanted).first() or held.filter(external_id=wanted).first()
        if channel is None and page_id:
            channel = held.order_by("pk").first()
        if channel is None:
            channel = services.channel_register(
                acting_user=operator, unit=unit, url=url, display_name=name
            )
        if page_id and channel.external_id != page_id:
            channel = services.channel_set_external_id(
                acting_user=operator, channel=channel, external_id=page_id
            )
        if channel.status != Channel.Status.VERIFIED:
            services.channel_verify(
                acting_user=operator,
                channel=channel,
                method="Công văn xác nhận của đơn vị (dữ liệu mẫu)",
            )
    ctx.summary["sample_channels"] = f"{unit.name}: {len(SAMPLE_CHANNELS)}"


def _first_of_months(today: date, months: int) -> list[date]:
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return sorted(firsts)


def _day_posts(channel: Any, day: date, count: int, profile: dict[str, Any], rng: Any) -> list[Any]:
    """``count`` posts of one channel on one day, figures drawn around its audience."""
    from ledger import services

    platform = channel.platform
    posts = []
    for n in range(count):
        hour = rng.choice((7, 8, 9, 10, 11, 14, 15, 16, 17, 19, 20))
        at = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=services.TZ)
        kind = rng.choices(profile["kinds"], profile["weights"])[0]
        reach = int(profile["audience"] * rng.paretovariate(1.2))
        views = int(reach * rng.uniform(1.1, 2.5))
        posts.append(
            services.PostInput(
                post_id=f"demo-{channel.pk}-{day:%Y%m%d}-{n}",
                content_type=kind,
                published_at=at,
                permalink=f"{channel.url.rstrip('/')}/posts/{day:%Y%m%d}{n}",
                caption=f"Tin hoạt động {channel.unit.name} ngày {day:%d/%m/%Y}",
                reach=reach if platform in GIVES_REACH else None,
                views=views,
                reactions=int(reach * rng.uniform(0.01, 0.06)),
                comments=int(reach * rng.uniform(0.0, 0.01)),
                shares=int(reach * rng.uniform(0.0, 0.015)),
            )
        )
    return posts


def _channel_posts(
    channel: Any, months: list[date], skipped: bool, today: date, rng: Any
) -> list[Any]:
    """A channel's posts over ``months``: a weekly rhythm, weekdays busier, a unit that
    sometimes skips a month."""
    platform = channel.platform
    weekly = WEEKLY.get(platform, 1) * rng.lognormvariate(0, 0.5)
    kinds, weights = zip(*MIX.get(platform, MIX["other"]), strict=True)
    profile = {
        "audience": 150 * rng.paretovariate(1.6),  # a channel's typical reach: heavy-tailed
        "kinds": kinds,
        "weights": weights,
    }
    skip = {m for m in months if skipped and rng.random() < 0.3}
    posts: list[Any] = []
    for first in months:
        if first in skip:
            continue
        day = first
        while day.month == first.month and day <= today:
            expected = weekly / 7 * WEEKDAY_WEIGHT[day.weekday()] / 0.98
            count = int(expected) + (1 if rng.random() < expected % 1 else 0)
            posts.extend(_day_posts(channel, day, count, profile, rng))
            day += timedelta(days=1)
    return posts


def _seed_forms(ctx: Any, channels: list[Any], months: list[date], operator: Any) -> int:
    """Monthly forms for a few units without a Zalo channel: recent months, most approved."""
    from ledger import services
    from ledger.models import MonthlyForm
    from units.models import Unit
    from units.selectors import subtree

    rng = ctx.rng
    province = ctx.data.get("province")
    with_zalo = {c.unit_id for c in channels if c.platform == "zalo"}
    pool = [
        u
        for u in (subtree(province) if province is not None else Unit.objects.all())
        if u.pk not in with_zalo and u.parent_id is not None
    ]
    forms = 0
    for unit in rng.sample(pool, min(len(pool), 8)):
        for first in months[-3:-1]:
            if MonthlyForm.objects.filter(unit=unit, month=first, platform="zalo").exists():
                continue
            form = services.monthly_form_save(
                acting_user=operator,
                unit=unit,
                month=first,
                platform="zalo",
                articles=rng.randrange(2, 15),
                photos=rng.randrange(0, 10),
                videos=rng.randrange(0, 3),
                reach=int(300 * rng.paretovariate(1.5)) if rng.random() < 0.8 else None,
            )
            forms += 1
            if rng.random() < 0.85:
                form = services.monthly_form_submit(acting_user=operator, form=form)
                if rng.random() < 0.8:
                    services.monthly_form_approve(acting_user=operator, form=form)
    return forms


def step_ledger(ctx: Any) -> None:
    from core.demo import _operator
    from ledger import services
    from ledger.models import Post
    from registry.models import Channel

    channels = list(
        Channel.objects.select_related("unit")
        .exclude(status=Channel.Status.RETIRED)
        .order_by("unit__path", "platform", "pk")
    )
    if not channels:
        ctx.log("seed_demo: ledger skipped (no channels registered)")
        return
    if Post.objects.exists():
        ctx.log("seed_demo: ledger already seeded")
        return
    rng = ctx.rng
    operator = _operator()
    today = services.local_today()
    months = _first_of_months(today, ctx.months)
    skipped_units = {u.pk for u in {c.unit for c in channels} if rng.random() < 0.08}
    total = 0
    for channel in channels:
        posts = _channel_posts(channel, months, channel.unit_id in skipped_units, today, rng)
        if posts:
            services.posts_upsert(
                acting_user=operator, channel=channel, posts=posts, source_name="demo"
            )
            total += len(posts)
    ctx.summary["ledger_posts"] = total
    ctx.summary["ledger_forms"] = _seed_forms(ctx, channels, months, operator)
