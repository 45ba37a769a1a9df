"""Claims, not people: no field stores who spread a claim, and the markup names no one."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps

from factchecks.claimreview import claim_review
from factchecks.tests.factories import published

# Every field of every fact-check model, reviewed. A new field fails this test until it is
# added here, after checking that it stores nothing about who spread a claim.
REVIEWED_FIELDS = {
    "Topic": {"id", "name", "folded", "factchecks"},
    "FactCheck": {
        "id", "unit", "claim_short", "claim_text", "first_seen", "platforms", "verdict",
        "explanation", "explanation_html", "topics", "status", "search_text",
        "author", "reviewer", "last_editor",  # the office's own editors, not the spreaders
        "created_at", "updated_at", "submitted_at", "published_at", "withdrawn_at",
        "withdrawal_reason", "sources", "corrections", "pending_corrections",
    },
    "Source": {"id", "factcheck", "position", "title", "publisher", "url", "accessed_on",
               "archive_url"},
    "Correction": {"id", "factcheck", "created_at", "what_changed", "reason", "changed_fields",
                   "made_by", "approved_by"},
    "PendingCorrection": {"id", "factcheck", "created_at", "what_changed", "reason",
                          "proposed", "made_by"},
    # contact: the suggesting person's own, optional, for the reply
    "Suggestion": {"id", "unit", "claim_text", "platform", "contact", "status", "created_at",
                   "handled_at", "handled_by"},
    "PolicyPage": {"id", "kind", "body", "body_html", "updated_at", "updated_by"},
}  # fmt: skip
FORBIDDEN = (
    "spreader", "claimant", "poster", "sharer", "originator", "handle", "profile",
    "account", "post_url", "post_link", "permalink", "appearance", "person", "speaker",
    "claim_author", "source_user", "screen_name", "nickname",
)  # fmt: skip


def test_models_have_no_field_about_who_spread_a_claim() -> None:
    models = {m.__name__: m for m in apps.get_app_config("factchecks").get_models()}
    assert set(models) == set(REVIEWED_FIELDS)
    for name, model in models.items():
        fields = {f.name for f in model._meta.get_fields()}
        assert fields == REVIEWED_FIELDS[name], name
        for field in fields:
            words = set(field.split("_"))
            assert not any(w in words or w in field for w in FORBIDDEN if "_" in w), field
            assert not words & {w for w in FORBIDDEN if "_" not in w}, (name, field)


def _keys(value: Any, path: str = "") -> set[str]:
    found = set()
    if isinstance(value, dict):
        for k, v in value.items():
            found.add(f"{path}.{k}".lstrip("."))
            found |= _keys(v, f"{path}.{k}")
    elif isinstance(value, list):
        for v in value:
            found |= _keys(v, path)
    return found


@pytest.mark.parametrize("verdict", ["false", "misleading"])
def test_claimreview_names_no_one(world: Any, verdict: str) -> None:
    fc = published(
        world.users_a["editor"], world.users_a["administrator"], world.commune_a, verdict=verdict
    )
    keys = _keys(claim_review(fc, page_url="https://example.org/p/kiem-chung/1/"))
    assert "itemReviewed.author" not in keys
    assert not any("appearance" in k.lower() for k in keys)
    assert {"author.name", "itemReviewed.@type"} <= keys  # the unit is the author, not a person
