"""Test data through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from factchecks import services
from factchecks.models import FactCheck
from factchecks.services import SourceIn


def source(**kw: Any) -> SourceIn:
    data: dict[str, Any] = {
        "title": "Thông báo chính thức",
        "publisher": "UBND tỉnh",
        "url": "https://quangninh.gov.vn/thong-bao",
        "accessed_on": dt.date(2026, 1, 5),
    }
    data.update(kw)
    return SourceIn(**data)


def draft(author: Any, unit: Any, **kw: Any) -> FactCheck:
    data: dict[str, Any] = {
        "claim_short": "Điện lực hoàn tiền điện qua đường link",
        "claim_text": "Tin nhắn nói ngành điện hoàn tiền điện cho mọi hộ.",
        "first_seen": dt.date(2026, 1, 2),
        "platforms": ["facebook", "zalo"],
        "verdict": "false",
        "explanation": "Ngành điện **không** hoàn tiền qua đường dẫn.",
        "sources": [source()],
        "topics": ["Điện"],
    }
    data.update(kw)
    return services.factcheck_create(acting_user=author, unit=unit, **data)


def published(author: Any, reviewer: Any, unit: Any, **kw: Any) -> FactCheck:
    fc = draft(author, unit, **kw)
    services.factcheck_submit(acting_user=author, factcheck=fc)
    return services.factcheck_publish(acting_user=reviewer, factcheck=fc)
