"""Pure helpers: Markdown sanitising, post URL normal form, short codes, file checks."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from hub import text
from hub.files import process_upload
from hub.tests.factories import jpeg_bytes, upload


def test_markdown_is_sanitised() -> None:
    html = text.render_markdown(
        '# T\n\n<img src=x onerror="alert(1)"><iframe src="https://e"></iframe>'
        "\n\n[a](javascript:alert(1)) [b](https://gov.vn) <a href='#' onclick='x()'>c</a>"
    )
    assert "onerror" not in html and "<iframe" not in html and "<img" not in html
    assert "javascript:" not in html and "onclick" not in html
    assert '<a href="https://gov.vn" rel="noopener noreferrer nofollow">b</a>' in html


def test_plain_text_keeps_lists_and_paragraphs() -> None:
    html = text.render_markdown("Mở đầu **đậm**.\n\n- một\n- hai\n\nKết.")
    assert text.html_to_text(html) == "Mở đầu đậm.\n\n• một\n• hai\n\nKết."


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        (
            "https://www.facebook.com/ubnd/posts/1/?mibextid=x#top",
            "https://facebook.com/ubnd/posts/1",
        ),
        (
            "http://m.facebook.com/permalink.php?story_fbid=2&id=3&ref=s",
            "https://facebook.com/permalink.php?id=3&story_fbid=2",
        ),
        ("youtube.com/watch?v=AbC&t=10", "https://youtube.com/watch?v=AbC"),
        ("ftp://x.y/z", ""),
        ("", ""),
    ],
)
def test_normalize_post_url(raw: str, normal: str) -> None:
    assert text.normalize_post_url(raw) == normal


def test_codes_in_caption() -> None:
    assert text.codes_in("xem https://a.b/p/noi-dung/ABC234/ và /p/noi-dung/xyz789") == [
        "abc234",
        "xyz789",
    ]
    assert text.codes_in("/p/noi-dung/abc2345") == []  # seven characters: not a code
    assert len({text.new_code() for _ in range(200)}) == 200


def test_image_is_resized_and_stripped() -> None:
    raw = jpeg_bytes((3200, 1800))
    assert b"Secret Camera Maker" in raw
    pf = process_upload(upload("ảnh chụp.PNG", raw))  # the name lies: content decides
    assert pf.kind == "image" and pf.content_type == "image/jpeg" and pf.name.endswith(".jpg")
    assert (pf.width, pf.height) == (1600, 900)
    assert b"Secret Camera Maker" not in pf.content
    with Image.open(io.BytesIO(pf.content)) as im:
        assert im.size == (1600, 900) and not im.getexif()


def test_png_with_transparency_stays_png() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, "PNG")
    pf = process_upload(upload("a.png", out.getvalue()))
    assert pf.content_type == "image/png" and (pf.width, pf.height) == (10, 10)


def test_pdf_by_magic_bytes_and_lies_refused() -> None:
    pf = process_upload(upload("van-ban.bin", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"))
    assert pf.kind == "pdf" and pf.name == "van-ban.pdf"
    with pytest.raises(ValidationError) as exc:
        process_upload(upload("bao-cao.pdf", b"<html><script>alert(1)</script>"))
    assert "bao-cao.pdf" in exc.value.message_dict["attachments"][0]
    with pytest.raises(ValidationError):
        process_upload(upload("x.jpg", b"GIF89a-not-really"))


def test_size_cap_is_a_setting(settings: Any) -> None:
    settings.BANTIN_HUB_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(ValidationError) as exc:
        process_upload(upload("lon.jpg", jpeg_bytes((400, 400), exif=False) + b"0" * 2000))
    assert "lon.jpg" in exc.value.message_dict["attachments"][0]
