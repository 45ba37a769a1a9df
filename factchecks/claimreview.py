"""schema.org ClaimReview for a published fact-check, and its XSS-safe script block.

The markup says exactly what the page shows: the short claim, the verdict's visible label
(``alternateName``), the numeric rating only when the verdict is on the 1-5 scale, the
publishing unit as the author. ``itemReviewed`` is a Claim with no author and no
appearance: Bantin reviews claims, never people.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from factchecks.models import BEST_RATING, WORST_RATING, FactCheck

# The same escapes as django.utils.html.json_script: nothing can close the script element.
_ESCAPES = {
    ord(">"): "\\u003E",
    ord("<"): "\\u003C",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def claim_review(factcheck: FactCheck, *, page_url: str) -> dict[str, Any]:
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": str(factcheck.get_verdict_display()),
    }
    if factcheck.rating_value is not None:
        rating.update(
            ratingValue=factcheck.rating_value, bestRating=BEST_RATING, worstRating=WORST_RATING
        )
    published = factcheck.published_at or timezone.now()
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url,
        "claimReviewed": factcheck.claim_short,
        "datePublished": timezone.localtime(published).date().isoformat(),
        "inLanguage": "vi",
        "author": {"@type": "Organization", "name": factcheck.unit.authority_name},
        "reviewRating": rating,
        "itemReviewed": {
            "@type": "Claim",
            "datePublished": factcheck.first_seen.isoformat(),
        },
    }


def as_script(data: dict[str, Any]) -> SafeString:
    """``<script type="application/ld+json">`` with ``<``, ``>``, ``&`` escaped."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308
