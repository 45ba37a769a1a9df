"""The parsers' messages: one language at a time, the uploader's."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ledger import services
from ledger.formats.base import Text, parse_metric
from ledger.models import ImportBatch
from ledger.tests.factories import make_channel

SAMPLES = Path(__file__).resolve().parents[2] / "docs/samples"


def test_a_parser_message_keeps_its_msgid_across_processes() -> None:
    with pytest.raises(ValueError) as caught:
        parse_metric("-5", ",")
    message = str(caught.value)
    assert isinstance(message, Text)
    assert message == "Số âm không hợp lệ: '-5'" and " / " not in message
    again = pickle.loads(pickle.dumps(message))  # noqa: S301 - our own object
    assert (again.msgid, again.params) == (message.msgid, message.params)


@pytest.mark.parametrize(
    ("language", "expected", "other"),
    [
        ("vi", "Số âm không hợp lệ: '-3'", "Negative"),
        ("en", "Negative number not allowed: '-3'", "Số âm"),
    ],
)
def test_rejected_rows_speak_the_uploaders_language(
    world: Any, tmp_path: Path, language: str, expected: str, other: str
) -> None:
    channel = make_channel(world.commune_a, "zalo", "4310550873150297000")
    text = (SAMPLES / "zalo_oa_bantin_template.csv").read_text(encoding="utf-8-sig")
    bad = tmp_path / "zalo.csv"
    bad.write_text(text.replace(",1250,", ",-3,"), encoding="utf-8")
    with translation.override(language):
        result = services.import_file(
            acting_user=world.users_a["reporter"], path=bad, filename="zalo.csv", channel=channel
        )
    assert result.rejected == 1
    message = ImportBatch.objects.get().rejections.get().message
    assert message == expected and other not in message


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("vi", "File không phải văn bản CSV (có byte nhị phân)."),
        ("en", "The file is not CSV text (it has binary bytes)."),
    ],
)
def test_a_refusal_is_written_in_the_uploaders_language(
    world: Any, login: Any, settings: Any, tmp_path: Path, language: str, expected: str
) -> None:
    # The worker runs later, in no request: the batch remembers the uploader's language.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    make_channel(world.commune_a, "facebook", "ubndcoto", external_id="100064812345678")
    client = login(world.users_a["reporter"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    upload = SimpleUploadedFile("posts.csv", b"Post ID,Page ID\n\x00\x01\x02\xff\xfe" * 50)
    client.post("/ledger/imports/new/", {"file": upload})
    batch = ImportBatch.objects.get()
    assert batch.status == "queued" and batch.language == language
    with translation.override("vi" if language == "en" else "en"):
        services.import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == "refused"
    assert batch.message == expected
