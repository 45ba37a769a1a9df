"""Uploaded images keep no metadata and PDFs carry no script (issue 18, finding 14).

Each image is made with Pillow carrying one kind of metadata that holds a phone number;
after ``process_upload`` the number is nowhere in the stored bytes and Pillow finds no such
segment. A PDF with JavaScript or an automatic action is refused with a Vietnamese reason."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms, PngImagePlugin

from hub.files import process_upload

SECRET = "SDT 0912345678"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    f'22-rdf-syntax-ns#"><rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>'
)


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = SECRET  # Artist
    exif[0x010F] = SECRET  # Make
    return exif


def _icc() -> bytes:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def _iptc_segment() -> bytes:
    """An APP13 Photoshop 3.0 block with one IPTC record (2:120, the caption)."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(SECRET)) + SECRET.encode()
    resource = b"8BIM" + b"\x04\x04" + b"\x00\x00" + struct.pack(">I", len(record)) + record
    body = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def _jpeg(**params: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG", **params)
    return out.getvalue()


def _png(**params: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 200, 30)).save(out, "PNG", **params)
    return out.getvalue()


def _webp() -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48))
    image.save(out, "WEBP", exif=_exif().tobytes(), xmp=XMP.encode(), icc_profile=_icc())
    return out.getvalue()


def _png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_text("Author", SECRET, zip=True)
    info.add_itxt("Description", SECRET, lang="vi", tkey="Mô tả")
    return _png(pnginfo=info)


def _png_xmp() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", XMP)
    return _png(pnginfo=info)


IMAGES = {
    "jpeg-exif": lambda: _jpeg(exif=_exif().tobytes()),
    "jpeg-comment": lambda: _jpeg(comment=SECRET.encode()),
    "jpeg-xmp": lambda: _jpeg(xmp=XMP.encode()),
    "jpeg-iptc": lambda: (lambda raw: raw[:2] + _iptc_segment() + raw[2:])(_jpeg()),
    "jpeg-icc": lambda: _jpeg(icc_profile=_icc()),
    "png-text": _png_text,
    "png-exif": lambda: _png(exif=_exif().tobytes()),
    "png-xmp": _png_xmp,
    "png-icc": lambda: _png(icc_profile=_icc()),
    "webp-exif-xmp": _webp,
}
META_KEYS = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "photoshop"}


def _upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_every_metadata_segment_is_dropped(kind: str) -> None:
    raw = IMAGES[kind]()
    with Image.open(io.BytesIO(raw)) as before:  # the crafted image does carry it
        before.load()
        carried = set(before.info) & META_KEYS or set(before.text if before.format == "PNG" else {})  # type: ignore[attr-defined]
        assert carried or before.getexif() or b"Photoshop" in raw, kind
    stored = process_upload(_upload(f"{kind}.img", raw))
    content = stored.content
    assert SECRET.encode() not in content
    assert b"adobe:ns:meta" not in content and b"Photoshop" not in content
    with Image.open(io.BytesIO(content)) as after:
        after.load()
        assert not (set(after.info) & META_KEYS), (kind, sorted(after.info))
        assert not after.getexif()
        if after.format == "PNG":
            assert not after.text  # type: ignore[attr-defined]
    for marker in (b"\xff\xfe", b"\xff\xe1", b"\xff\xed", b"\xff\xe2"):  # COM, APP1, APP13, APP2
        if stored.content_type == "image/jpeg":
            assert marker not in _jpeg_markers(content), (kind, marker)


def _jpeg_markers(data: bytes) -> list[bytes]:
    """The segment markers before the scan."""
    markers, i = [], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i : i + 2]
        if marker == b"\xff\xda":
            break
        markers.append(marker)
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return markers


def _pdf(*objects: bytes) -> bytes:
    body = b"%PDF-1.7\n" + b"".join(
        b"%d 0 obj\n%s\nendobj\n" % (n, obj) for n, obj in enumerate(objects, start=1)
    )
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


PAGE = b"<< /Type /Pages /Kids [] /Count 0 >>"
ACTIVE_PDFS = {
    "open-action-js": _pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>",
        PAGE,
        b"<< /S /JavaScript /JS (app.alert('x')) >>",
    ),
    "names-javascript": _pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript 3 0 R >> >>", PAGE, b"<< >>"
    ),
    "page-aa": _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Page /AA << /O 3 0 R >> >>"),
    "launch": _pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /S /Launch /F (cmd.exe) >>"),
    "hex-escaped-name": _pdf(b"<< /Type /Catalog /Open#41ction 2 0 R >>", b"<< /S /URI >>"),
    "in-compressed-stream": _pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /ObjStm /Filter /FlateDecode /Length 40 >>\nstream\n"
        + zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
        + b"\nendstream",
    ),
}


@pytest.mark.parametrize("kind", sorted(ACTIVE_PDFS))
def test_a_pdf_with_script_or_auto_action_is_refused(kind: str) -> None:
    with pytest.raises(ValidationError) as refused:
        process_upload(_upload("van-ban.pdf", ACTIVE_PDFS[kind]))
    assert "JavaScript" in str(refused.value) and "van-ban.pdf" in str(refused.value)


def test_a_plain_pdf_is_kept_as_sent() -> None:
    plain = _pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PAGE,
        b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.org/AA) >> >>",
        b"<< /Length 9 /Filter /FlateDecode >>\nstream\n"
        + zlib.compress(b"BT ET")
        + b"\nendstream",
    )
    assert process_upload(_upload("van-ban.pdf", plain)).content == plain
