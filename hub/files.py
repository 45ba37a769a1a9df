"""Attachments: the type is read from the content, never from the name.

Images are opened with Pillow, turned upright, resized to at most 1600 px on the longest
side and re-encoded from their pixels alone into a fresh image, so no metadata segment
survives: EXIF (GPS, the phone's owner), XMP, IPTC, JPEG comments, PNG text chunks. An ICC
profile is not kept either (its description is free text): the pixels are converted to
sRGB first, so the colours stay right. PDFs are recognised by their ``%PDF-`` header and
kept as sent, unless they hold JavaScript or an automatic action (``pdf_active_content``),
which are refused. Anything else is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import warnings
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

from hub.pdf_check import pdf_active_content

MAX_SIDE = 1600
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 60_000_000  # refuse decompression bombs before decoding them
MAX_FILES = 10

_IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png")}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "BANTIN_HUB_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_BYTES))


@dataclass
class ProcessedFile:
    kind: str  # "image" or "pdf"
    name: str  # the stored file's name (safe, with the real extension)
    original_name: str
    content: bytes
    content_type: str
    width: int | None = None
    height: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _safe_stem(name: str) -> str:
    stem = (name or "tep").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-")[:60]
    return stem or "tep"


def _read(upload: Any, name: str) -> bytes:
    limit = max_attachment_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            {
                "attachments": _("Tệp %(name)s quá lớn (%(size)s; tối đa %(max)s).")
                % {"name": name, "size": filesizeformat(size), "max": filesizeformat(limit)}
            }
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {
                "attachments": _("Tệp %(name)s quá lớn (tối đa %(max)s).")
                % {"name": name, "max": filesizeformat(limit)}
            }
        )
    if not data:
        raise ValidationError({"attachments": _("Tệp %(name)s rỗng.") % {"name": name}})
    return bytes(data)


def process_upload(upload: Any) -> ProcessedFile:
    """Check and convert one uploaded file; raise ValidationError naming the file."""
    name = str(getattr(upload, "name", "") or "tep")[:255]
    data = _read(upload, name)
    if data.startswith(b"%PDF-"):
        if found := pdf_active_content(data):
            raise ValidationError(
                {
                    "attachments": _(
                        "Tệp %(name)s chứa JavaScript hoặc lệnh tự chạy (%(what)s): không nhận "
                        "PDF loại này. Hãy in lại thành PDF thường (Microsoft Print to PDF, "
                        "Lưu dưới dạng PDF) rồi tải lên."
                    )
                    % {"name": name, "what": found}
                }
            )
        return ProcessedFile(
            kind="pdf",
            name=f"{_safe_stem(name)}.pdf",
            original_name=name,
            content=data,
            content_type="application/pdf",
        )
    return _process_image(data, name)


def _process_image(data: bytes, name: str) -> ProcessedFile:
    refused = ValidationError(
        {
            "attachments": _(
                "Tệp %(name)s không phải ảnh (JPEG, PNG, WebP, GIF) hay PDF: chỉ nhận ảnh và PDF, "
                "kiểm tra theo nội dung tệp chứ không theo tên."
            )
            % {"name": name}
        }
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ("JPEG", "PNG", "WEBP", "GIF"):
                    raise refused
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        {
                            "attachments": _("Ảnh %(name)s quá nhiều điểm ảnh (%(w)s×%(h)s).")
                            % {"name": name, "w": width, "h": height}
                        }
                    )
                probe.seek(0)
                image = probe.copy()  # decodes the first frame
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decoder error means "not an image we take"
        raise refused from exc
    image = ImageOps.exif_transpose(image) or image
    image = _to_srgb(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if fmt == "JPEG" or not has_alpha:
        target = "JPEG" if fmt == "JPEG" else "PNG"
    else:
        target = "PNG"
    pixels = image.convert("RGBA" if has_alpha and target == "PNG" else "RGB")
    # A fresh image from the pixels alone: Pillow's savers write back what ``info`` holds
    # (a JPEG's comment, a PNG's ICC profile), and ``convert`` copies ``info``.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    if target == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    ext, content_type = _IMAGE_FORMATS[target]
    return ProcessedFile(
        kind="image",
        name=f"{_safe_stem(name)}.{ext}",
        original_name=name,
        content=out.getvalue(),
        content_type=content_type,
        width=image.width,
        height=image.height,
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """The image's colours in sRGB, so its ICC profile can be dropped without a shift."""
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if image.mode in ("RGBA", "LA", "PA") else "RGB"
        converted = ImageCms.profileToProfile(
            image.convert(mode), source, ImageCms.createProfile("sRGB"), outputMode=mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a damaged profile: keep the pixels as they are, drop the profile
    return converted or image


RANDOM_STEM = re.compile(r"[A-Za-z0-9_-]{32}")


def rename_guessable(attachment_model: Any) -> int:
    """Give every stored attachment an unguessable name (files stored before names were
    random were called ``hub/YYYY/MM/<slug of the original name>``). Idempotent; used by a
    migration, so it takes the (historical) model."""
    from django.core.files.storage import default_storage

    renamed = 0
    for attachment in attachment_model.objects.exclude(file="").iterator():
        old = attachment.file.name
        folder, _sep, base = old.rpartition("/")
        stem, _dot, ext = base.rpartition(".")
        if RANDOM_STEM.fullmatch(stem or base) or not default_storage.exists(old):
            continue
        new_name = f"{folder}/{secrets.token_urlsafe(24)}.{(ext or 'bin').lower()[:8]}"
        with default_storage.open(old, "rb") as handle:
            saved = default_storage.save(new_name, handle)
        attachment_model.objects.filter(pk=attachment.pk).update(file=saved)
        default_storage.delete(old)
        renamed += 1
    return renamed
