"""Demo step: one to four official channels per unit, most verified, some pending, one retired."""

from __future__ import annotations

from typing import Any

from core.text import fold

_DEMO_REASON = "Dữ liệu mẫu: hai đơn vị khác nhau có tên gần giống nhau"
_KIND_WORDS = ("dac khu", "phuong", "xa", "tinh", "thanh pho", "so", "ban", "uy ban nhan dan")


def _core(name: str) -> str:
    """ "Đặc khu Cô Tô" -> "coto"; "Sở Y tế" -> "yte"."""
    text = fold(name).replace(",", " ")
    for word in _KIND_WORDS:
        if text.startswith(word + " "):
            text = text[len(word) + 1 :]
            break
    return "".join(ch for ch in text if ch.isalnum())[:30] or "donvi"


def _candidates(unit: Any, rng: Any) -> list[tuple[str, str]]:
    """(url, display name) of the channels a unit might run, in a random order."""
    core = _core(unit.name)
    if unit.code.isdigit():
        slug = core + unit.code[-3:] if rng.random() < 0.25 else core
    else:
        slug = unit.code.split("-")[-1].lower()
    prefix = "ubnd" if unit.parent_id else "tinh"
    options = [
        (f"https://www.facebook.com/{prefix}{slug}", unit.name),
        (f"https://zalo.me/{rng.randrange(10**17, 10**18)}", f"Zalo OA {unit.name}"),
        (f"https://www.youtube.com/@{prefix}{slug}", f"{unit.name} - Kênh thông tin"),
        (f"https://www.tiktok.com/@{prefix}.{slug}", unit.name),
        (f"https://{slug}.quangninh.gov.vn/", f"Cổng thông tin điện tử {unit.name}"),
    ]
    first = options[0]
    rest = options[1:]
    rng.shuffle(rest)
    return [first, *rest]


def step_registry(ctx: Any) -> None:
    from core.demo import _operator
    from registry import services
    from registry.models import Channel
    from units.models import Unit
    from units.selectors import subtree

    province = ctx.data.get("province")
    operator = _operator()
    units = list(subtree(province) if province is not None else Unit.objects.all())
    held = set(Channel.objects.values_list("unit_id", flat=True).distinct())
    created = verified_count = pending = 0
    for unit in units:
        if unit.pk in held:
            continue
        count = ctx.rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        for url, name in _candidates(unit, ctx.rng)[:count]:
            if Channel.objects.filter(url=url).exists():
                continue
            # Neighbouring communes have near-identical names (Hạ Long, Hà Long): an
            # administrator registers both, saying why, as the registry asks.
            channel = services.channel_register(
                acting_user=operator,
                unit=unit,
                url=url,
                display_name=name,
                acknowledge_lookalike=_DEMO_REASON,
            )
            created += 1
            if ctx.rng.random() < 0.8:
                services.channel_verify(
                    acting_user=operator,
                    channel=channel,
                    method="Công văn xác nhận của đơn vị (dữ liệu mẫu)",
                    acknowledge_lookalike=_DEMO_REASON,
                )
                verified_count += 1
            else:
                pending += 1
    if not Channel.objects.filter(status=Channel.Status.RETIRED).exists():
        verified = Channel.objects.filter(status=Channel.Status.VERIFIED).order_by("id")
        old = verified.exclude(platform="facebook").first() or verified.first()
        if old is not None:
            services.channel_retire(
                acting_user=operator, channel=old, reason="Đơn vị chuyển sang tài khoản mới"
            )
    ctx.summary["channels"] = {
        "created": created,
        "verified": verified_count,
        "pending": pending,
        "total": Channel.objects.count(),
    }
