from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from registry import services
from registry.models import Channel, RegistryVersion
from registry.tests.factories import make_channel


def test_editor_registers_a_normalised_pending_channel(world: Any) -> None:
    channel = services.channel_register(
        acting_user=world.users_a["editor"],
        unit=world.commune_a,
        url="https://m.facebook.com/UBND.CoTo/?ref=bookmarks&mibextid=abc#top",
        display_name="  UBND   đặc khu Cô Tô ",
    )
    assert (channel.platform, channel.identifier) == ("facebook", "ubnd.coto")
    assert channel.url == "https://www.facebook.com/ubnd.coto"
    assert channel.status == Channel.Status.PENDING
    assert channel.display_name == "UBND đặc khu Cô Tô"
    assert channel.registered_by == world.users_a["editor"]
    assert "co to" in channel.search_text and "dac khu" in channel.search_text
    assert AuditEvent.objects.filter(action="channel.register", object_id=str(channel.pk)).exists()
    assert RegistryVersion.objects.get(pk=1).version >= 1


@pytest.mark.parametrize("role", ["viewer", "reporter"])
def test_below_editor_may_not_register(world: Any, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.channel_register(
            acting_user=world.users_a[role], unit=world.commune_a, url="facebook.com/abcdef"
        )
    assert not Channel.objects.exists()


def test_editor_may_not_register_for_another_subtree(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.channel_register(
            acting_user=world.users_a["editor"], unit=world.commune_b, url="facebook.com/abcdef"
        )


def test_a_channel_held_elsewhere_is_refused_naming_the_holder(world: Any) -> None:
    make_channel(world.commune_b, "https://www.facebook.com/halong.page")
    with pytest.raises(ValidationError) as exc:
        services.channel_register(
            acting_user=world.province_users["editor"],
            unit=world.commune_a,
            url="http://fb.com/Halong.Page/posts/123",
        )
    message = " ".join(exc.value.message_dict["url"])
    assert "Phường Hạ Long" in message and "06688" in message
    assert Channel.objects.count() == 1


def test_unparseable_address_names_the_field(world: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.channel_register(
            acting_user=world.users_a["editor"],
            unit=world.commune_a,
            url="https://www.facebook.com/groups/12345",
        )
    assert "nhóm" in " ".join(exc.value.message_dict["url"])
    assert not Channel.objects.exists()


def test_verify_records_who_when_how_and_only_administrators(world: Any) -> None:
    channel = make_channel(world.commune_a, "zalo.me/123456789")
    with pytest.raises(PermissionDenied):
        services.channel_verify(acting_user=world.users_a["editor"], channel=channel, method="x")
    with pytest.raises(PermissionDenied):
        services.channel_verify(
            acting_user=world.users_b["administrator"], channel=channel, method="x"
        )
    with pytest.raises(ValidationError):
        services.channel_verify(
            acting_user=world.users_a["administrator"], channel=channel, method=" "
        )
    channel = services.channel_verify(
        acting_user=world.users_a["administrator"], channel=channel, method="Công văn 12/UBND"
    )
    channel.refresh_from_db()
    assert channel.status == Channel.Status.VERIFIED
    assert channel.verified_by == world.users_a["administrator"]
    assert channel.verified_at is not None
    assert channel.verification_method == "Công văn 12/UBND"


def test_retire_then_reregister_elsewhere(world: Any) -> None:
    channel = make_channel(world.commune_a, "https://www.tiktok.com/@coto.tv", verified=True)
    with pytest.raises(PermissionDenied):
        services.channel_retire(acting_user=world.users_a["editor"], channel=channel)
    services.channel_retire(
        acting_user=world.users_a["administrator"], channel=channel, reason="cũ"
    )
    channel.refresh_from_db()
    assert channel.status == Channel.Status.RETIRED
    assert channel.retired_by == world.users_a["administrator"]
    with pytest.raises(ValidationError):
        services.channel_retire(acting_user=world.users_a["administrator"], channel=channel)
    with pytest.raises(ValidationError):
        services.channel_verify(
            acting_user=world.users_a["administrator"], channel=channel, method="x"
        )
    again = services.channel_register(
        acting_user=world.users_b["editor"], unit=world.commune_b, url="tiktok.com/@coto.tv"
    )
    assert again.pk == channel.pk
    assert again.unit == world.commune_b and again.status == Channel.Status.PENDING
    assert again.verified_at is None and again.retired_at is None


def test_set_external_id(world: Any) -> None:
    a = make_channel(world.commune_a, "facebook.com/ubndcoto", verified=True)
    b = make_channel(world.commune_b, "facebook.com/halong")
    with pytest.raises(PermissionDenied):
        services.channel_set_external_id(
            acting_user=world.users_a["reporter"], channel=a, external_id="100064"
        )
    services.channel_set_external_id(
        acting_user=world.users_a["editor"], channel=a, external_id=" 100064123456 "
    )
    a.refresh_from_db()
    assert a.external_id == "100064123456"
    with pytest.raises(ValidationError) as exc:
        services.channel_set_external_id(acting_user=None, channel=b, external_id="100064123456")
    assert "Đặc khu Cô Tô" in " ".join(exc.value.message_dict["external_id"])
    with pytest.raises(ValidationError):
        services.channel_set_external_id(acting_user=None, channel=b, external_id="a b")
    # The Page ID is now taken: registering it as a new channel is refused too.
    with pytest.raises(ValidationError):
        services.channel_register(
            acting_user=None,
            unit=world.commune_b,
            url="https://www.facebook.com/profile.php?id=100064123456",
        )
