"""The files in docs/samples/ import cleanly as the demo's reporter, and a refused file
says what to do next in a clerk's words."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from core.demo import STEPS, DemoContext
from ledger import services
from ledger.demo import SAMPLE_UNIT, step_ledger, step_sample_channels
from ledger.tests.factories import make_channel
from registry.models import Channel

SAMPLES = Path(__file__).resolve().parents[2] / "docs/samples"


def _seed(world: Any) -> None:
    assert world.commune_a.code == SAMPLE_UNIT
    ctx = DemoContext(province_code="22", months=1, scale="province", rng=random.Random(1))
    step_sample_channels(ctx)
    step_sample_channels(ctx)  # idempotent


def test_the_step_runs_before_the_ledger_step() -> None:
    assert STEPS.index(step_sample_channels) < STEPS.index(step_ledger)


@pytest.fixture(autouse=True)
def _vietnamese() -> Any:
    with translation.override("vi"):
        yield


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_sample_imports_cleanly_as_the_reporter(world: Any, name: str) -> None:
    _seed(world)
    channels = Channel.objects.filter(unit=world.commune_a)
    assert set(channels.values_list("platform", flat=True)) == {
        "facebook",
        "tiktok",
        "youtube",
        "zalo",
    }
    assert not channels.exclude(status="verified").exists()
    # YouTube's export names no channel: the reporter chooses it, as the page asks.
    chosen = channels.get(platform="youtube") if name.endswith(".zip") else None
    result = services.import_file(
        acting_user=world.users_a["reporter"],
        path=SAMPLES / name,
        filename=name,
        channel=chosen,
    )
    assert result.rows_read > 0
    assert result.accepted == result.rows_read and result.rejected == 0, result.errors


def test_tiktok_of_another_account_names_both_without_a_question_mark(world: Any) -> None:
    channel = make_channel(world.commune_a, "tiktok", "dacnhiem.coto")
    with pytest.raises(services.ImportRefused) as caught:
        services.import_file(
            acting_user=world.users_a["reporter"],
            path=SAMPLES / "tiktok_studio_Content.csv",
            filename="tiktok_studio_Content.csv",
            channel=channel,
        )
    message = caught.value.message
    assert "(?)" not in message
    assert "tài khoản TikTok @ubnd.coto" in message and str(channel) in message
    assert "biên tập viên" in message  # who can fix it


def test_zalo_template_without_a_zalo_channel_says_to_register_one(
    world: Any, tmp_path: Path
) -> None:
    facebook = make_channel(world.commune_a, "facebook", "ubndcoto")
    text = (SAMPLES / "zalo_oa_bantin_template.csv").read_text(encoding="utf-8-sig")
    no_channel = tmp_path / "zalo.csv"
    no_channel.write_text(
        text.replace("https://zalo.me/4310550873150297000,Zalo", ",Zalo"), encoding="utf-8"
    )
    with pytest.raises(services.ImportRefused) as caught:
        services.import_file(
            acting_user=world.users_a["reporter"],
            path=no_channel,
            filename="zalo.csv",
            channel=facebook,
        )
    message = caught.value.message
    assert caught.value.code == "platform_mismatch"
    assert "zalo" not in message  # the platform's name, not its code
    assert "chưa có kênh Zalo OA" in message and "đăng ký" in message
