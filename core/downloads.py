"""Stored uploads reach people only through views that have checked who is asking.

Nothing under MEDIA_ROOT is served by a public URL. A view that has decided the file may
be shown calls :func:`stored_file_response`. In production (``BANTIN_MEDIA_ACCEL_PREFIX``
set, e.g. ``/_protected/media/``) the response is empty and carries ``X-Accel-Redirect``:
nginx sends the file from an ``internal`` location that no request can reach directly
(deploy/nginx/bantin.conf). In the demo, Django streams the file itself.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header


def stored_file_response(
    field_file: FieldFile, *, content_type: str, filename: str, inline: bool = False
) -> HttpResponse | FileResponse:
    name = field_file.name or ""
    if not name or not field_file.storage.exists(name):
        raise Http404
    prefix = getattr(settings, "BANTIN_MEDIA_ACCEL_PREFIX", "")
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(field_file.open("rb"), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    response["X-Content-Type-Options"] = "nosniff"
    return response
